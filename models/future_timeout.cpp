// Two seed snippets about a future that is not done yet: seed 004's
// `result(timeout=0.5)` on a download that takes about a second, and seed 002's
// `done()` before and after the main thread sleeps as long as the task does.
//
//   try:                                             # seed 004
//       ex = ThreadPoolExecutor()
//       future = ex.submit(download_image, urls[0])  # about 1 s
//       data = future.result(timeout=0.5)
//   except TimeoutError as err:
//       pprint(err)
//
//   def return_after_5_secs(message):                # seed 002
//       sleep(5)
//       return message
//   pool = ThreadPoolExecutor(max_workers=3)
//   future = pool.submit(return_after_5_secs, ("hello"))
//   print(future.done())
//   sleep(5)
//   print(future.done())
//
// The result times out in every schedule, at exactly 0.5 s. The second done() runs at
// the instant the task's sleep ends: whether the task has finished by then is a
// scheduling choice, so both True and False are possible (the seed's ProcessPool run
// printed False; its thread-pool run slept 6 s and printed True: --main-sleep 6).
// The outcome is "<what result(timeout) did>; done(): <first>, then <second>". (The
// except block's print runs after the C++ catch handler: a scheduling point inside a
// handler is unsafe, since Boost.Context 1.74 keeps one caught-exception stack per OS
// thread, not per fiber.)
#include "models/all.hpp"
#include "sim/check.hpp"
#include "sim/executor.hpp"
#include "sim/output.hpp"
#include "sim/sleep.hpp"

#include <string>

namespace models {

namespace {

std::string py_bool(bool b) { return b ? "True" : "False"; }

void future_timeout_program(double download_seconds, double timeout_seconds, double task_seconds,
                            double main_seconds) {
  std::string result_part;
  auto download_image = [download_seconds] {
    sim::sleep(download_seconds);  // with urlopen(url) as f: image_data = f.read()
    sim::print("Python_bivittatus_1701.jpg was downloaded...");
  };
  sim::ThreadPoolExecutor ex(5);  // ThreadPoolExecutor(): several workers; one is used
  try {
    sim::Future<void> future = ex.submit(download_image, {.future = "future", .task = "download_image"});
    future.result(timeout_seconds);  // data = future.result(timeout=0.5)
    result_part = "returned";
  } catch (const sim::TimeoutError&) {
    result_part = "TimeoutError";
  }
  if (result_part == "TimeoutError") sim::print("TimeoutError()");  // except TimeoutError as err: pprint(err)

  auto return_after_5_secs = [task_seconds] {
    sim::sleep(task_seconds);  // sleep(5)
    return std::string("hello");
  };
  sim::ThreadPoolExecutor pool(3);
  sim::Future<std::string> future =
      pool.submit(return_after_5_secs, {.future = "future2", .task = "return_after_5_secs"});
  const bool first = future.done();
  sim::print(py_bool(first));  // print(future.done())
  sim::sleep(main_seconds);    // sleep(5)
  const bool second = future.done();
  sim::print(py_bool(second));  // print(future.done())

  sim::outcome("result(timeout): " + result_part + "; done(): " + py_bool(first) + ", then " + py_bool(second));
}  // interpreter exit: both executors' workers are joined

}  // namespace

ModelSpec future_timeout_spec() {
  return {
      "future-timeout",
      "result(timeout=0.5) on a 1 s task raises TimeoutError; done() at a time tie is True or False",
      "seed 004: future.result(timeout=0.5); seed 002: future.done() before and after sleep(5)",
      {
          {"download-ms", false, 1000, 0, 60'000, "how long download_image takes, in milliseconds"},
          {"timeout-ms", false, 500, 0, 60'000, "the timeout of future.result, in milliseconds"},
          {"task-sleep", false, 5, 0, 60, "return_after_5_secs's sleep, in seconds"},
          {"main-sleep", false, 5, 0, 60, "the main thread's sleep between the done() calls, in seconds"},
      },
      [](const ParamValues& p) -> std::function<void()> {
        const double download = static_cast<double>(p.get("download-ms")) / 1000.0;
        const double timeout = static_cast<double>(p.get("timeout-ms")) / 1000.0;
        const double task = static_cast<double>(p.get("task-sleep"));
        const double main = static_cast<double>(p.get("main-sleep"));
        return [=] { future_timeout_program(download, timeout, task, main); };
      },
  };
}

}  // namespace models
