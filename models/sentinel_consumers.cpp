// Producer and consumer managers with a None sentinel that each consumer puts back
// (seed 004, "Producer/Consumer Pattern"):
//
//   def producer_task(queue):
//       value = random() * 10
//       sleep(value)
//       queue.put(value)
//
//   def producer_manager(queue):
//       with ThreadPool(10) as pool:
//           _ = [pool.apply_async(producer_task, args=(queue,)) for _ in range(20)]
//           pool.close()
//           pool.join()
//       queue.put(None)
//       print('>producer_manager done.')
//
//   def consumer_task(queue):
//       while True:
//           value = queue.get()
//           if not value:
//               queue.put(value)
//               return
//           sleep(value)
//           print(f'Consumer got: {value}')
//
//   def consumer_manager(queue):
//       with ThreadPool(5) as pool:
//           _ = [pool.apply_async(consumer_task, args=(queue,)) for _ in range(5)]
//           pool.close()
//           pool.join()
//       print('>consumer_manager done.')
//
//   queue = Queue()
//   consumer = Thread(target=consumer_manager, args=(queue,))
//   consumer.start()
//   producer = Thread(target=producer_manager, args=(queue,))
//   producer.start()
//   producer.join()
//   consumer.join()
//   print('>main done.')
//
// It terminates: the sentinel goes on the queue only after every producer task has
// put its value (pool.join()), the queue is FIFO, so every value is consumed before
// the sentinel, and each consumer that takes the sentinel puts it back for the next.
//
// multiprocessing.pool.ThreadPool is modeled by sim::ThreadPoolExecutor: apply_async
// is submit, close() + join() is shutdown(wait=True). (ThreadPool starts all its
// threads up front and hands tasks out through its own task queue and handler thread;
// the executor starts a worker per task until max_workers; both run the tasks in
// submission order on free threads, which is all this program relies on.)
// `if not value` is true for None and also for 0.0, which random() * 10 returns with
// probability 2^-53: a consumer that gets 0.0 takes it for the sentinel, puts it back
// and returns, and so does every consumer after it, so the values behind it are never
// consumed. The checker's searches never draw that value (DFS fixes each draw; a
// random draw hits it with probability 2^-53), but a schedule that replays the draw 0
// shows it.
// Bookkeeping for the checker, not part of the Python program: the model counts the
// values consumed and the consumers that returned, checks at the end that every value
// produced was consumed, and reports both counts as its outcome.
#include "models/all.hpp"
#include "sim/check.hpp"
#include "sim/executor.hpp"
#include "sim/output.hpp"
#include "sim/queue.hpp"
#include "sim/sleep.hpp"
#include "sim/thread.hpp"

#include <charconv>
#include <optional>
#include <string>

namespace models {

namespace {

using Item = std::optional<double>;  // a value, or None

// f'{value}' of a float: Python's repr, the shortest text that reads back the same.
std::string float_text(double value) {
  char buffer[32];
  const auto end = std::to_chars(buffer, buffer + sizeof buffer, value).ptr;
  std::string text(buffer, end);
  if (text.find_first_of(".e") == std::string::npos) text += ".0";
  return text;
}

struct Tally {  // bookkeeping
  int consumed = 0;
  int consumers_exited = 0;
  int stopped_by_zero = 0;  // consumers that took the value 0.0 for the sentinel
};

void sentinel_consumers_program(int consumers, int producers, int items) {
  Tally tally;

  auto producer_task = [](sim::Queue<Item>& queue) {
    const double value = sim::random() * 10;
    sim::sleep(value);
    queue.put(value);
  };

  auto producer_manager = [&](sim::Queue<Item>& queue) {
    {
      sim::ThreadPoolExecutor pool(producers, "producer-pool");
      for (int i = 0; i < items; ++i) pool.submit([&] { producer_task(queue); }, {.task = "producer_task"});
      pool.shutdown(/*wait=*/true);  // pool.close(); pool.join()
    }
    queue.put(std::nullopt);
    sim::print(">producer_manager done.");
  };

  auto consumer_task = [&](sim::Queue<Item>& queue) {
    while (true) {
      const Item value = queue.get();
      if (!value || *value == 0.0) {  // if not value:
        queue.put(value);
        ++tally.consumers_exited;
        tally.stopped_by_zero += value.has_value();
        return;
      }
      sim::sleep(*value);
      sim::print("Consumer got: " + float_text(*value));
      ++tally.consumed;
    }
  };

  auto consumer_manager = [&](sim::Queue<Item>& queue) {
    {
      sim::ThreadPoolExecutor pool(consumers, "consumer-pool");
      for (int i = 0; i < consumers; ++i) pool.submit([&] { consumer_task(queue); }, {.task = "consumer_task"});
      pool.shutdown(/*wait=*/true);  // pool.close(); pool.join()
    }
    sim::print(">consumer_manager done.");
  };

  sim::Queue<Item> queue(0, "queue");
  sim::Thread consumer([&] { consumer_manager(queue); }, "consumer");
  consumer.start();
  sim::Thread producer([&] { producer_manager(queue); }, "producer");
  producer.start();
  producer.join();
  consumer.join();
  sim::print(">main done.");
  sim::check(tally.consumed == items, [&] {
    return "only " + std::to_string(tally.consumed) + " of the " + std::to_string(items) +
           " values produced were consumed: " + std::to_string(tally.stopped_by_zero) +
           " consumer(s) took the value 0.0 for the None sentinel (`if not value:` is true for 0.0 too)";
  });
  sim::outcome(std::to_string(tally.consumed) + " values consumed, " + std::to_string(tally.consumers_exited) +
               " consumers exited");
}

}  // namespace

ModelSpec sentinel_consumers_spec() {
  return {
      "sentinel-consumers",
      "producer and consumer thread pools on a Queue, stopped by a None sentinel each consumer re-puts",
      "seed 004: Producer/Consumer Pattern (producer_manager, consumer_manager, queue.put(None))",
      {
          {"consumers", false, 5, 1, 8, "consumer tasks, on a ThreadPool of as many threads (seed: 5)"},
          {"producers", false, 10, 1, 16, "threads of the producers' ThreadPool (seed: 10)"},
          {"items", false, 20, 0, 40, "producer tasks, one value each (seed: 20)"},
      },
      [](const ParamValues& p) -> std::function<void()> {
        const int consumers = static_cast<int>(p.get("consumers"));
        const int producers = static_cast<int>(p.get("producers"));
        const int items = static_cast<int>(p.get("items"));
        return [=] { sentinel_consumers_program(consumers, producers, items); };
      },
  };
}

}  // namespace models
