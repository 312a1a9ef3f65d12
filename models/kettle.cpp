// Seed 002's asyncio kettle and cups (minitask 7): two coroutines that sleep, awaited
// one after the other (5 s), or run as concurrent tasks (3 s):
//
//   async def perform_task(duration, task_name):
//       await asyncio.sleep(duration)
//       print(task_name, 'is done')
//
//   async def main():                          # sequential: "Executed in 5.00 seconds."
//       await perform_task(3, 'boiling kettle')
//       await perform_task(2, 'cleaning cups')
//
//   async def main():                          # --concurrent: "Executed in 3.00 seconds."
//       task1 = asyncio.create_task(perform_task(3, 'boiling kettle'))
//       task2 = asyncio.create_task(perform_task(2, 'cleaning cups'))
//       await task1
//       await task2
//
//   async def main():                          # --taskgroup (Python 3.11): 3.00 seconds
//       async with asyncio.TaskGroup() as tg:
//           task1 = tg.create_task(perform_task(3, 'boiling kettle'))
//           task2 = tg.create_task(perform_task(2, 'cleaning cups'))
//
//   s = time.perf_counter()
//   asyncio.run(main())
//   elapsed = time.perf_counter() - s
//   print(f"Executed in {elapsed:0.2f} seconds.")
//
// Time is virtual, so the durations are exact. The outcome is everything printed, in
// order (the concurrent versions print "cleaning cups is done" first).
#include "models/all.hpp"
#include "sim/asyncio/asyncio.hpp"
#include "sim/check.hpp"
#include "sim/output.hpp"
#include "sim/runtime.hpp"

#include <fmt/format.h>

#include <string>
#include <string_view>
#include <vector>

namespace models {

namespace {

namespace asyncio = sim::asyncio;

void kettle_program(bool concurrent, bool taskgroup) {
  std::vector<std::string> printed;  // for the outcome
  auto print = [&printed](std::string line) {
    sim::print(line);
    printed.push_back(std::move(line));
  };

  auto perform_task = [&print](double duration, std::string_view task_name) {
    asyncio::sleep(duration);                      // await asyncio.sleep(duration)
    print(fmt::format("{} is done", task_name));  // print(task_name, 'is done')
  };

  auto main = [&] {
    if (taskgroup) {
      asyncio::task_group([&](asyncio::TaskGroup& tg) {
        auto task1 = tg.create_task([&] { perform_task(3, "boiling kettle"); });
        auto task2 = tg.create_task([&] { perform_task(2, "cleaning cups"); });
      });  // the await is implicit when the context manager exits
    } else if (concurrent) {
      auto task1 = asyncio::create_task([&] { perform_task(3, "boiling kettle"); });
      auto task2 = asyncio::create_task([&] { perform_task(2, "cleaning cups"); });
      asyncio::await(task1);
      asyncio::await(task2);
    } else {
      perform_task(3, "boiling kettle");  // await perform_task(3, 'boiling kettle')
      perform_task(2, "cleaning cups");
    }
  };

  const sim::Nanos s = sim::Runtime::current().now();  // s = time.perf_counter()
  asyncio::run(main);
  const double elapsed = static_cast<double>(sim::Runtime::current().now() - s) / 1e9;
  print(fmt::format("Executed in {:0.2f} seconds.", elapsed));

  std::string all;
  for (const std::string& line : printed) all += (all.empty() ? "" : " / ") + line;
  sim::outcome(all);
}

}  // namespace

ModelSpec kettle_spec() {
  return {
      "kettle",
      "asyncio: boil the kettle (3 s) and clean the cups (2 s), one after the other or as tasks",
      "seed 002: asyncio perform_task, minitask 7 (boiling kettle, cleaning cups)",
      {
          {"concurrent", true, 0, 0, 1, "run both as tasks with asyncio.create_task (3 s instead of 5 s)"},
          {"taskgroup", true, 0, 0, 1, "run both in an asyncio.TaskGroup (Python 3.11; also 3 s)"},
      },
      [](const ParamValues& p) -> std::function<void()> {
        const bool concurrent = p.flag("concurrent");
        const bool taskgroup = p.flag("taskgroup");
        if (concurrent && taskgroup) {
          throw ModelError("model kettle: --concurrent and --taskgroup are two versions of main(); give one");
        }
        return [concurrent, taskgroup] { kettle_program(concurrent, taskgroup); };
      },
  };
}

}  // namespace models
