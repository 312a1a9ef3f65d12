// The `interleave` program: parses the command line with CLI11, runs the chosen
// subcommand (list, check, outcomes, replay, run; one file each) and turns every error
// into one line on stderr and exit status 2. Thin by design: the work is done by the
// checker library.
#include "checker/cli/commands.hpp"
#include "checker/schedule.hpp"
#include "models/registry.hpp"

#include <exception>
#include <iostream>
#include <stdexcept>

namespace {

using namespace checker::cli;

int run(int argc, char** argv) {
  CLI::App app{"interleave: a deterministic concurrency checker. It runs a model's threads as fibers,\n"
               "chooses every interleaving itself, and reports deadlocks, failed checks and the\n"
               "outcomes a program can produce, each bug with a schedule that replays it.",
               "interleave"};
  app.footer(
      "Examples:\n"
      "  interleave list\n"
      "  interleave check philosophers\n"
      "  interleave outcomes counter --threads 3 --iters 1\n"
      "  interleave run executor-deadlock\n"
      "  interleave replay --schedule executor-deadlock:workers=2:0x2.2.0.1.2.1\n\n"
      "Run `interleave COMMAND --help` for a command's options.");
  app.require_subcommand(0, 1);
  const Command commands[] = {add_list_command(app), add_check_command(app), add_outcomes_command(app),
                              add_replay_command(app), add_run_command(app),
                              add_bounds_command(app), add_predict_command(app)};
  try {
    app.parse(argc, argv);
  } catch (const CLI::CallForHelp& e) {
    return app.exit(e);
  } catch (const CLI::CallForAllHelp& e) {
    return app.exit(e);
  } catch (const CLI::ParseError& e) {
    const auto is_command = [&](const std::string& word) {
      for (const Command& command : commands) {
        if (command.app->get_name() == word) return true;
      }
      return false;
    };
    if (argc > 1 && argv[1][0] != '-' && !is_command(argv[1])) {
      print_error(std::string("unknown command '") + argv[1] +
                  "' (commands: list, check, outcomes, replay, run, bounds, predict; see interleave --help)");
      return kExitUsage;
    }
    std::string hint = " (see interleave --help)";
    for (const Command& command : commands) {
      if (command.app->parsed()) hint = " (see interleave " + command.app->get_name() + " --help)";
    }
    print_error(e.what() + hint);
    return kExitUsage;
  }
  for (const Command& command : commands) {
    if (command.app->parsed()) return command.run();
  }
  print_error("a command is required: list, check, outcomes, replay, run, bounds or predict (see interleave --help)");
  return kExitUsage;
}

}  // namespace

int main(int argc, char** argv) {
  try {
    return run(argc, argv);
  } catch (const models::ModelError& e) {  // unknown model or parameter, bad value
    print_error(e.what());
  } catch (const checker::InputError& e) {  // malformed schedule or trace file, bad option value
    print_error(e.what());
  } catch (const std::runtime_error& e) {  // e.g. a model that is not deterministic
    print_error(e.what());
  } catch (const std::exception& e) {  // misuse of the library by a model, or our own bug
    print_error(std::string("internal error: ") + e.what());
  }
  return kExitUsage;
}
