// A daemon thread killed at exit (seed 003, "Python threading: daemon, join()"): the
// main thread does not join the daemon, so when main reaches the end Python kills it
// in the middle of its sleep and its "finishing" line never appears. `--join`
// uncomments the x.join(): main waits for the daemon, which finishes at 2 s.
//
//   def thread_function(name):
//       logging.info("Thread %s: starting", name)
//       time.sleep(2)
//       logging.info("Thread %s: finishing", name)
//
//   logging.info("Main : before creating thread")
//   x = threading.Thread(target=thread_function, args=(1,), daemon=True)
//   logging.info("Main : before running thread")
//   x.start()
//   logging.info("Main : wait for the thread to finish")
//   # x.join()                            # --join: x.join()
//   logging.info("Main : all done")
//
// logging.info writes each record with a single write under the handler's lock (to
// stderr; here to the modeled stdout), so a log line is one step and lines of
// different threads never mix. The time prefix of the seed's format is left out:
// every output line is stamped with its virtual time anyway.
#include "models/all.hpp"
#include "sim/runtime.hpp"
#include "sim/sleep.hpp"
#include "sim/thread.hpp"

#include <string>

namespace models {

namespace {

// logging.info(message): StreamHandler.emit's one stream.write(msg + terminator).
void log_info(const std::string& message) { sim::Runtime::current().write_stdout(message + "\n"); }

void daemon_cutoff_program(bool join) {
  auto thread_function = [](int name) {
    log_info("Thread " + std::to_string(name) + ": starting");
    sim::sleep(2);
    log_info("Thread " + std::to_string(name) + ": finishing");
  };

  log_info("Main : before creating thread");
  sim::Thread x([&thread_function] { thread_function(1); }, {}, /*daemon=*/true);
  log_info("Main : before running thread");
  x.start();
  log_info("Main : wait for the thread to finish");
  if (join) x.join();
  log_info("Main : all done");
}  // interpreter exit: a daemon still running is killed here

}  // namespace

ModelSpec daemon_cutoff_spec() {
  return {
      "daemon-cutoff",
      "main exits without joining a sleeping daemon thread, which Python kills mid-work",
      "seed 003: Thread(target=thread_function, daemon=True) without x.join()",
      {
          {"join", true, 0, 0, 1, "join the daemon before exiting (it finishes its work)"},
      },
      [](const ParamValues& p) -> std::function<void()> {
        const bool join = p.flag("join");
        return [join] { daemon_cutoff_program(join); };
      },
  };
}

}  // namespace models
