// The racy counter from the seeds (`x += 1` in several threads, seed 003's
// increment/thread_task), with `--locked` wrapping each increment in a Lock:
//
//   counter = 0                          lock = threading.Lock()
//   def worker():                        def worker():
//       global counter                       global counter
//       for _ in range(iters):               for _ in range(iters):
//           counter += 1                         with lock:
//                                                    counter += 1
//   threads = [threading.Thread(target=worker) for _ in range(n)]
//   for t in threads: t.start()
//   for t in threads: t.join()
//   assert counter == n * iters
#include "models/all.hpp"
#include "sim/check.hpp"
#include "sim/lock.hpp"
#include "sim/shared.hpp"
#include "sim/thread.hpp"

#include <mutex>
#include <string>
#include <vector>

namespace models {

namespace {

void counter_program(int n_threads, int iters, bool locked) {
  struct Globals {
    sim::Shared<std::int64_t> counter{"counter", 0};
    sim::Lock lock{"lock"};
  } g;

  auto worker = [&g, iters, locked] {
    for (int i = 0; i < iters; ++i) {
      if (locked) {
        std::scoped_lock with_lock(g.lock);
        g.counter.store(g.counter.load() + 1);  // counter += 1: a load, then a store
      } else {
        g.counter.store(g.counter.load() + 1);
      }
    }
  };

  std::vector<sim::Thread> threads;
  threads.reserve(static_cast<std::size_t>(n_threads));
  for (int i = 0; i < n_threads; ++i) threads.emplace_back(worker);
  for (sim::Thread& t : threads) t.start();
  for (sim::Thread& t : threads) t.join();

  const std::int64_t final_value = g.counter.load();
  sim::outcome(final_value);
  const std::int64_t expected = static_cast<std::int64_t>(n_threads) * iters;
  sim::check(final_value == expected, [&] {
    // Most executions of the racy counter fail: one allocation, appended in place
    // (the numbers' to_string results fit the small-string buffer).
    std::string message;
    message.reserve(96);
    message += "lost update: counter is ";
    message += std::to_string(final_value);
    message += ", expected ";
    message += std::to_string(expected);
    message += " (";
    message += std::to_string(n_threads);
    message += " threads x ";
    message += std::to_string(iters);
    message += " increments)";
    return message;
  });
}

}  // namespace

ModelSpec counter_spec() {
  return {
      "counter",
      "threads increment a shared counter with `counter += 1` (a load, then a store); lost updates",
      "seed 003: x += 1 in several threads",
      {
          {"threads", false, 2, 1, 16, "number of threads"},
          {"iters", false, 2, 1, 1000, "increments per thread"},
          {"locked", true, 0, 0, 1, "wrap each increment in a Lock"},
      },
      [](const ParamValues& p) -> std::function<void()> {
        const int n = static_cast<int>(p.get("threads"));
        const int iters = static_cast<int>(p.get("iters"));
        const bool locked = p.flag("locked");
        return [n, iters, locked] { counter_program(n, iters, locked); };
      },
  };
}

}  // namespace models
