// The subcommands of `interleave`, one file each. Each registers itself on the
// top-level app and returns what to run when it was chosen.
#pragma once

#include "checker/cli/common.hpp"

namespace checker::cli {

Command add_list_command(CLI::App& app);      // list.cpp
Command add_check_command(CLI::App& app);     // check.cpp
Command add_outcomes_command(CLI::App& app);  // outcomes.cpp
Command add_replay_command(CLI::App& app);    // replay.cpp
Command add_run_command(CLI::App& app);       // run.cpp
Command add_bounds_command(CLI::App& app);    // bounds.cpp
Command add_predict_command(CLI::App& app);   // predict.cpp

}  // namespace checker::cli
