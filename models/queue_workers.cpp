// Daemon workers on a queue, with task_done()/join() (seed 003, "Message passing with
// Queue", the example from the Python documentation of the queue module):
//
//   q = queue.Queue()
//
//   def worker():
//       while True:
//           item = q.get()
//           print(f'Working on {item}')
//           print(f'Finished {item}')
//           q.task_done()
//
//   # turn-on the worker thread
//   threading.Thread(target=worker, daemon=True).start()
//
//   # send thirty task requests to the worker
//   for item in range(30):
//       q.put(item)
//   print('All task requests sent\n', end='')
//
//   # block until all tasks are done
//   q.join()
//   print('All work completed')
//
// It terminates with every item processed: join() returns only after the last
// task_done(), and the idle workers, blocked in q.get() when main exits, are killed
// by Python at exit without losing anything (a note, not a finding). --workers starts
// that many worker threads (the seed: 1), --items puts range(items) (the seed: 30);
// the small defaults keep every interleaving of the prints within an exhaustive search.
//
// print(s) writes s and then "\n" (two steps); print('...\n', end='') is one write of
// the whole line (its empty `end` write changes nothing and is left out).
// Bookkeeping for the checker, not part of the Python program: the model counts how
// often each item was processed, checks after q.join() that each one was, exactly
// once, and reports the number processed as its outcome.
#include "models/all.hpp"
#include "sim/check.hpp"
#include "sim/output.hpp"
#include "sim/queue.hpp"
#include "sim/runtime.hpp"
#include "sim/thread.hpp"

#include <cstdint>
#include <string>
#include <vector>

namespace models {

namespace {

void queue_workers_program(int workers, int items) {
  sim::Queue<int> q(0, "q");
  std::vector<int> processed(static_cast<std::size_t>(items), 0);  // bookkeeping

  auto worker = [&q, &processed] {
    while (true) {
      const int item = q.get();
      sim::print("Working on " + std::to_string(item));
      sim::print("Finished " + std::to_string(item));
      ++processed[static_cast<std::size_t>(item)];
      q.task_done();
    }
  };

  // turn-on the worker threads (handles kept until exit, where the daemons are killed)
  std::vector<sim::Thread> threads;
  threads.reserve(static_cast<std::size_t>(workers));
  for (int i = 0; i < workers; ++i) {
    threads.emplace_back(worker, "Thread-" + std::to_string(i + 1) + " (worker)", /*daemon=*/true);
    threads.back().start();
  }

  // send the task requests to the workers
  for (int item = 0; item < items; ++item) q.put(item);
  sim::Runtime::current().write_stdout("All task requests sent\n");

  // block until all tasks are done
  q.join();
  sim::print("All work completed");

  std::int64_t done = 0;
  for (int item = 0; item < items; ++item) {
    sim::check(processed[static_cast<std::size_t>(item)] == 1, [&] {
      return "item " + std::to_string(item) + " was processed " +
             std::to_string(processed[static_cast<std::size_t>(item)]) + " times when q.join() returned";
    });
    done += processed[static_cast<std::size_t>(item)];
  }
  sim::outcome(done);
}  // interpreter exit: the idle daemon workers, blocked in q.get(), are killed

}  // namespace

ModelSpec queue_workers_spec() {
  return {
      "queue-workers",
      "daemon workers get/task_done on a Queue while main puts items and joins it: terminates",
      "seed 003: Message passing with Queue (worker, q.task_done(), q.join())",
      {
          {"workers", false, 2, 1, 8, "daemon worker threads (seed: 1)"},
          {"items", false, 2, 0, 30, "items put on the queue, range(items) (seed: 30)"},
      },
      [](const ParamValues& p) -> std::function<void()> {
        const int workers = static_cast<int>(p.get("workers"));
        const int items = static_cast<int>(p.get("items"));
        return [workers, items] { queue_workers_program(workers, items); };
      },
  };
}

}  // namespace models
