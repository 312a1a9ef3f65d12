// The specs of every registered model, one function per model file.
#pragma once

#include "models/registry.hpp"

namespace models {

ModelSpec counter_spec();
ModelSpec philosophers_spec();
ModelSpec executor_deadlock_spec();
ModelSpec fake_database_spec();
ModelSpec nested_submit_spec();
ModelSpec future_timeout_spec();
ModelSpec as_completed_spec();
ModelSpec double_acquire_spec();
ModelSpec daemon_cutoff_spec();
ModelSpec producer_consumer_event_spec();
ModelSpec queue_workers_spec();
ModelSpec sentinel_consumers_spec();
ModelSpec print_lock_copy_spec();
ModelSpec kettle_spec();
ModelSpec downloads_spec();

}  // namespace models
