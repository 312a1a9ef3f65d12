// Dining philosophers (seed 003): n philosophers around a table, one fork between
// each pair. Each takes the fork on its left, then the one on its right, eats, and
// puts both down. When every philosopher holds a left fork, nobody can take a right
// one: a deadlock. `--ordered` makes each take the lower-numbered fork first, which
// breaks the cycle. `--waiter` adds the arbitrator fix instead: a waiter (a Semaphore
// of n - 1 permits) lets at most n - 1 philosophers reach for forks at once, so one of
// them can always take both forks.
//
//   forks = [threading.Lock() for _ in range(n)]
//   waiter = threading.Semaphore(n - 1)         # --waiter
//   def philosopher(i):
//       left, right = forks[i], forks[(i + 1) % n]
//       for _ in range(meals):
//           waiter.acquire()                    # --waiter
//           left.acquire(); right.acquire()     # ordered: lower index first
//           eat()
//           right.release(); left.release()
//           waiter.release()                    # --waiter
//   for i in range(n): threading.Thread(target=philosopher, args=(i,)).start()
#include "models/all.hpp"
#include "sim/lock.hpp"
#include "sim/semaphore.hpp"
#include "sim/thread.hpp"

#include <deque>
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace models {

namespace {

void philosophers_program(int n, int meals, bool ordered, bool use_waiter) {
  std::deque<sim::Lock> forks;  // deque: Locks are not movable
  for (int i = 0; i < n; ++i) forks.emplace_back("fork-" + std::to_string(i));
  std::optional<sim::Semaphore> waiter;  // only with --waiter: other runs keep their objects
  if (use_waiter) waiter.emplace(n - 1, "waiter");

  auto philosopher = [&forks, &waiter, n, meals, ordered, use_waiter](int i) {
    int first = i;
    int second = (i + 1) % n;
    if (ordered && second < first) std::swap(first, second);
    for (int meal = 0; meal < meals; ++meal) {
      if (use_waiter) waiter->acquire();
      forks[first].acquire();
      forks[second].acquire();
      // eat
      forks[second].release();
      forks[first].release();
      if (use_waiter) waiter->release();
    }
  };

  std::vector<sim::Thread> table;
  table.reserve(static_cast<std::size_t>(n));
  for (int i = 0; i < n; ++i) {
    table.emplace_back([&philosopher, i] { philosopher(i); }, "philosopher-" + std::to_string(i));
  }
  for (sim::Thread& t : table) t.start();
  for (sim::Thread& t : table) t.join();
}

}  // namespace

ModelSpec philosophers_spec() {
  return {
      "philosophers",
      "dining philosophers: each takes the left fork, then the right; all holding a left fork deadlock",
      "seed 003: dining philosophers",
      {
          {"n", false, 5, 2, 12, "number of philosophers (and forks)"},
          {"meals", false, 1, 1, 100, "meals each philosopher eats"},
          {"ordered", true, 0, 0, 1, "take the lower-numbered fork first (no deadlock)"},
          {"waiter", true, 0, 0, 1, "a Semaphore(n - 1) waiter admits at most n - 1 philosophers to the forks (no deadlock)"},
      },
      [](const ParamValues& p) -> std::function<void()> {
        const int n = static_cast<int>(p.get("n"));
        const int meals = static_cast<int>(p.get("meals"));
        const bool ordered = p.flag("ordered");
        const bool waiter = p.flag("waiter");
        return [n, meals, ordered, waiter] { philosophers_program(n, meals, ordered, waiter); };
      },
  };
}

}  // namespace models
