// The executor deadlock of seed 002: two tasks on a two-worker pool, each waiting for
// the other's future.
//
//   def wait_on_b():                     def wait_on_a():
//       time.sleep(5)                        time.sleep(5)
//       print(b.result())                    print(a.result())
//       return 5                             return 6
//   executor = ThreadPoolExecutor(max_workers=2)
//   a = executor.submit(wait_on_b)
//   b = executor.submit(wait_on_a)
//
// Neither future can finish: each worker waits for the task the other one runs.
// Interpreter exit then waits for the workers (the executor is never shut down, so
// CPython's exit hook joins them), and the program hangs.
#include "models/all.hpp"
#include "sim/executor.hpp"
#include "sim/sleep.hpp"

namespace models {

namespace {

void executor_deadlock_program(int workers) {
  sim::Future<int> a, b;  // module globals, read by the tasks
  sim::ThreadPoolExecutor executor(workers);

  auto wait_on_b = [&b] {
    sim::sleep(5);
    b.result();  // print(b.result())
    return 5;
  };
  auto wait_on_a = [&a] {
    sim::sleep(5);
    a.result();  // print(a.result())
    return 6;
  };
  a = executor.submit(wait_on_b, {.future = "a", .task = "wait_on_b"});
  b = executor.submit(wait_on_a, {.future = "b", .task = "wait_on_a"});
}  // interpreter exit: the executor's workers are joined

}  // namespace

ModelSpec executor_deadlock_spec() {
  return {
      "executor-deadlock",
      "wait_on_a / wait_on_b: two pool tasks each wait for the other's future",
      "seed 002: wait_on_a / wait_on_b",
      {
          {"workers", false, 2, 1, 8, "max_workers of the pool"},
      },
      [](const ParamValues& p) -> std::function<void()> {
        const int workers = static_cast<int>(p.get("workers"));
        return [workers] { executor_deadlock_program(workers); };
      },
  };
}

}  // namespace models
