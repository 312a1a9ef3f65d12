// Seed 002's map versus as_completed (also seed 004's "Futures as_completed()"):
// tasks of different durations, collected once through pool.map and once through
// as_completed on their futures.
//
//   def return_after_5_secs(num):
//       sleep(randint(1, 5))              # here: sleep(durations[num])
//       return "Return of {}".format(num)
//
//   pool = ThreadPoolExecutor(5)
//   #1.
//   print([f for f in pool.map(return_after_5_secs, range(5))])
//   #2.
//   futures = []
//   for x in range(5):
//       futures.append(pool.submit(return_after_5_secs, x))
//   #3. as_completed
//   print([f.result() for f in as_completed(futures)])
//
// The random durations are a parameter here, one decimal digit per task (seconds), so
// each run's order is determined by the clock: the default 13245 reproduces the seed's
// printed ['Return of 0', 'Return of 2', 'Return of 1', 'Return of 3', 'Return of 4'].
// map hands results out in submission order; as_completed in completion order, and
// tasks finishing at the same instant come out in either order. The outcome is
// "map: <task numbers>; as_completed: <task numbers>".
#include "models/all.hpp"
#include "sim/check.hpp"
#include "sim/executor.hpp"
#include "sim/futures_wait.hpp"
#include "sim/output.hpp"
#include "sim/sleep.hpp"

#include <string>
#include <vector>

namespace models {

namespace {

// 13245 -> {1, 3, 2, 4, 5}
std::vector<int> digits_of(std::int64_t number) {
  std::vector<int> digits;
  for (const char c : std::to_string(number)) digits.push_back(c - '0');
  return digits;
}

// Python's repr of a list of strings, and the task numbers in it, for the outcome.
struct Listing {
  std::string repr = "[";
  std::string numbers;
  void add(const std::string& text, int num) {
    repr += (repr.size() > 1 ? ", '" : "'") + text + "'";
    numbers += (numbers.empty() ? "" : " ") + std::to_string(num);
  }
};

void as_completed_program(int workers, const std::vector<int>& durations) {
  auto return_after_5_secs = [&durations](int num) {
    sim::sleep(durations[static_cast<std::size_t>(num)]);  // sleep(randint(1, 5))
    return "Return of " + std::to_string(num);
  };
  auto number_of = [](const std::string& result) { return std::stoi(result.substr(10)); };

  sim::ThreadPoolExecutor pool(workers);  // pool = ThreadPoolExecutor(5)
  std::vector<int> tasks;                 // range(5)
  for (std::size_t x = 0; x < durations.size(); ++x) tasks.push_back(static_cast<int>(x));

  // #1. print([f for f in pool.map(return_after_5_secs, range(5))])
  Listing mapped;
  for (const std::string& f : pool.map(return_after_5_secs, tasks, {.task = "return_after_5_secs"})) {
    mapped.add(f, number_of(f));
  }
  sim::print(mapped.repr + "]");

  // #2. futures.append(pool.submit(return_after_5_secs, x)) for x in range(5)
  std::vector<sim::Future<std::string>> futures;
  for (int x : tasks) {
    futures.push_back(pool.submit([&return_after_5_secs, x] { return return_after_5_secs(x); },
                                  {.task = "return_after_5_secs"}));
  }

  // #3. print([f.result() for f in as_completed(futures)])
  Listing completed;
  for (const sim::Future<std::string>& f : sim::as_completed(futures)) {
    const std::string result = f.result();
    completed.add(result, number_of(result));
  }
  sim::print(completed.repr + "]");

  sim::outcome("map: " + mapped.numbers + "; as_completed: " + completed.numbers);
}  // interpreter exit: the pool's workers are joined

}  // namespace

ModelSpec as_completed_spec() {
  return {
      "as-completed",
      "map yields results in submission order, as_completed in completion order (virtual time)",
      "seed 002: pool.map vs as_completed(futures) with return_after_5_secs",
      {
          {"workers", false, 5, 1, 9, "max_workers of the pool"},
          {"durations", false, 13245, 1, 999'999'999,
           "each task's sleep in seconds, one decimal digit per task (the number of digits is the number of tasks)"},
      },
      [](const ParamValues& p) -> std::function<void()> {
        const int workers = static_cast<int>(p.get("workers"));
        const std::vector<int> durations = digits_of(p.get("durations"));
        return [workers, durations] { as_completed_program(workers, durations); };
      },
  };
}

}  // namespace models
