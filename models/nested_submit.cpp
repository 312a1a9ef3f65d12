// Seed 002's "Nothing is happening, why?": a pool task that submits another task to
// the same pool and waits for its result.
//
//   def wait_on_future():
//       f = executor.submit(pow, 5, 2)
//       print(f.result())
//       print("DONE!")
//
//   executor = ThreadPoolExecutor(max_workers=1)
//   t = executor.submit(wait_on_future)
//
// With one worker, pow(5, 2) waits in the queue for the only worker, which is the
// thread waiting for it: a deadlock (interpreter exit then waits for the worker, and
// the program hangs). With two workers the second one runs pow and the program prints
// 25 and DONE!. Run as a script, the main thread exits right after the submit, and
// interpreter exit shuts the executor down (CPython's _python_exit): if that happens
// before the task's own submit, that submit raises RuntimeError inside the task, which
// t keeps and nobody reads, and the program ends having printed nothing. (In the
// seed's notebook the interpreter never exits, so only the hang is seen.) The outcome
// is what the program printed.
#include "models/all.hpp"
#include "sim/check.hpp"
#include "sim/executor.hpp"
#include "sim/output.hpp"

#include <exception>
#include <stdexcept>
#include <string>
#include <vector>

namespace models {

namespace {

void nested_submit_program(int workers) {
  std::vector<std::string> printed;  // for the outcome
  sim::Future<void> t;
  {
    sim::ThreadPoolExecutor executor(workers);  // executor = ThreadPoolExecutor(max_workers=1)

    auto wait_on_future = [&executor, &printed] {  // the task reads the global `executor`
      sim::Future<std::int64_t> f = executor.submit([] { return std::int64_t{5 * 5}; },  // pow(5, 2)
                                                    {.future = "f", .task = "pow"});
      printed.push_back(std::to_string(f.result()));
      sim::print(printed.back());  // print(f.result())
      printed.push_back("DONE!");
      sim::print(printed.back());  // print("DONE!")
    };

    t = executor.submit(wait_on_future, {.future = "t", .task = "wait_on_future"});
  }  // interpreter exit: the executor is shut down and its workers are joined

  // The outcome: what the program printed, and why nothing if it printed nothing.
  std::string what = "printed";
  for (const std::string& line : printed) what += " " + line;
  if (printed.empty()) {
    try {
      if (std::exception_ptr error = t.exception()) std::rethrow_exception(error);
    } catch (const std::runtime_error& e) {
      what = std::string("printed nothing: wait_on_future raised RuntimeError(") + e.what() + ")";
    }
  }
  sim::outcome(what);
}

}  // namespace

ModelSpec nested_submit_spec() {
  return {
      "nested-submit",
      "a pool task submits pow(5, 2) to its own pool and waits for it: one worker deadlocks",
      "seed 002: wait_on_future on ThreadPoolExecutor(max_workers=1)",
      {
          {"workers", false, 1, 1, 8, "max_workers of the pool"},
      },
      [](const ParamValues& p) -> std::function<void()> {
        const int workers = static_cast<int>(p.get("workers"));
        return [workers] { nested_submit_program(workers); };
      },
  };
}

}  // namespace models
