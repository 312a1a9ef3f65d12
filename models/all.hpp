// The specs of every registered model, one function per model file.
#pragma once

#include "models/registry.hpp"

namespace models {

ModelSpec counter_spec();
ModelSpec philosophers_spec();
ModelSpec executor_deadlock_spec();

}  // namespace models
