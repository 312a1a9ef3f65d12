// Seed 000's FakeDatabase: a read-sleep-write update submitted to a thread pool, the
// textbook lost update; `--locked` is the seed's fixed version with a Lock.
//
//   class FakeDatabase:                       class FakeDatabase:          # --locked
//       def __init__(self):                       def __init__(self):
//           self.value = 0                            self.value = 0
//                                                     self._lock = threading.Lock()
//       def update(self, name):                   def update(self, name):
//           local_copy = self.value                   with self._lock:
//           local_copy += 1                               local_copy = self.value
//           time.sleep(0.1)                               local_copy += 1
//           self.value = local_copy                       time.sleep(0.1)
//                                                         self.value = local_copy
//   database = FakeDatabase()
//   with concurrent.futures.ThreadPoolExecutor(max_workers=2) as executor:
//       for index in range(10):
//           executor.submit(database.update, index)
//   database.value
//
// (The notebook shows 10 for the racy version only because its cell ran after the
// locked class had replaced it.) On the virtual clock both workers read the same value
// at the same instant, sleep 0.1 s and write the same value back: every round of
// `workers` updates adds 1, so the single timed answer is ceil(updates / workers)
// (5 for the seed). With time ignored every interleaving is possible.
#include "models/all.hpp"
#include "sim/check.hpp"
#include "sim/executor.hpp"
#include "sim/lock.hpp"
#include "sim/shared.hpp"
#include "sim/sleep.hpp"

#include <fmt/format.h>

#include <mutex>

namespace models {

namespace {

void fake_database_program(int workers, int updates, double sleep_seconds, bool locked) {
  struct FakeDatabase {
    sim::Shared<std::int64_t> value{"value", 0};
    sim::Lock lock{"_lock"};
    double sleep_seconds;
    bool locked;

    void update(int /*name*/) {
      if (locked) {
        std::scoped_lock with_lock(lock);
        race();
      } else {
        race();
      }
    }
    void race() {
      std::int64_t local_copy = value.load();  // local_copy = self.value
      local_copy += 1;                         // local_copy += 1
      sim::sleep(sleep_seconds);               // time.sleep(0.1)
      value.store(local_copy);                 // self.value = local_copy
    }
  } database{.sleep_seconds = sleep_seconds, .locked = locked};

  {
    sim::ThreadPoolExecutor executor(workers);  // with ThreadPoolExecutor(max_workers=2) as executor:
    for (int index = 0; index < updates; ++index) {
      executor.submit([&database, index] { database.update(index); }, {.task = "update"});
    }
  }  // the end of the with block: shutdown(wait=True)

  const std::int64_t final_value = database.value.load();  // database.value
  sim::outcome(final_value);
  sim::check(final_value == updates, [&] {
    return fmt::format("lost update: database.value is {} after {} updates on {} workers", final_value,
                       updates, workers);
  });
}

}  // namespace

ModelSpec fake_database_spec() {
  return {
      "fake-database",
      "FakeDatabase.update (read, sleep, write) submitted to a thread pool; lost updates",
      "seed 000: FakeDatabase.update with ThreadPoolExecutor(max_workers=2)",
      {
          {"workers", false, 2, 1, 8, "max_workers of the pool"},
          {"updates", false, 10, 1, 100, "calls of database.update submitted"},
          {"sleep-ms", false, 100, 0, 10'000, "time.sleep inside update, in milliseconds (seed: 0.1 s)"},
          {"locked", true, 0, 0, 1, "hold the database's Lock around the update (the seed's fix)"},
      },
      [](const ParamValues& p) -> std::function<void()> {
        const int workers = static_cast<int>(p.get("workers"));
        const int updates = static_cast<int>(p.get("updates"));
        const double sleep_seconds = static_cast<double>(p.get("sleep-ms")) / 1000.0;
        const bool locked = p.flag("locked");
        return [=] { fake_database_program(workers, updates, sleep_seconds, locked); };
      },
  };
}

}  // namespace models
