// Dining philosophers (seed 003): n philosophers around a table, one fork between
// each pair. Each takes the fork on its left, then the one on its right, eats, and
// puts both down. When every philosopher holds a left fork, nobody can take a right
// one: a deadlock. `--ordered` makes each take the lower-numbered fork first, which
// breaks the cycle.
//
//   forks = [threading.Lock() for _ in range(n)]
//   def philosopher(i):
//       left, right = forks[i], forks[(i + 1) % n]
//       for _ in range(meals):
//           left.acquire(); right.acquire()     # ordered: lower index first
//           eat()
//           right.release(); left.release()
//   for i in range(n): threading.Thread(target=philosopher, args=(i,)).start()
#include "models/all.hpp"
#include "sim/lock.hpp"
#include "sim/thread.hpp"

#include <deque>
#include <string>
#include <utility>
#include <vector>

namespace models {

namespace {

void philosophers_program(int n, int meals, bool ordered) {
  std::deque<sim::Lock> forks;  // deque: Locks are not movable
  for (int i = 0; i < n; ++i) forks.emplace_back("fork-" + std::to_string(i));

  auto philosopher = [&forks, n, meals, ordered](int i) {
    int first = i;
    int second = (i + 1) % n;
    if (ordered && second < first) std::swap(first, second);
    for (int meal = 0; meal < meals; ++meal) {
      forks[first].acquire();
      forks[second].acquire();
      // eat
      forks[second].release();
      forks[first].release();
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
      },
      [](const ParamValues& p) -> std::function<void()> {
        const int n = static_cast<int>(p.get("n"));
        const int meals = static_cast<int>(p.get("meals"));
        const bool ordered = p.flag("ordered");
        return [n, meals, ordered] { philosophers_program(n, meals, ordered); };
      },
  };
}

}  // namespace models
