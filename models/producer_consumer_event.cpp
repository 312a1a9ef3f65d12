// Message passing between threads (seed 000): a producer and a consumer on a bounded
// queue, stopped by an Event that main sets after a sleep.
//
//   def producer(queue, event):
//       """Pretend we're getting a number from the network."""
//       while not event.is_set():
//           message = random.randint(1, 101)
//           print("Producer got message: ", message)
//           queue.put(message)
//
//   def consumer(queue, event):
//       """Pretend we're saving a number in the database."""
//       while not event.is_set() or not queue.empty():
//           message = queue.get()
//           print("Consumer storing message: {} (size={})".format(message, queue.qsize()))
//
//   pipeline = queue.Queue(maxsize=10)
//   event = threading.Event()
//   with concurrent.futures.ThreadPoolExecutor(max_workers=2) as executor:
//       executor.submit(producer, pipeline, event)
//       executor.submit(consumer, pipeline, event)
//
//       time.sleep(0.1)
//       event.set()
//
// The program can hang: the consumer finds the event not yet set and calls get(), and
// meanwhile the producer sees the event set and stops; the queue stays empty, the
// consumer's get() never returns, and the end of the `with` block waits for it
// forever. The checker finds that deadlock (main joins the consumer's worker, which
// waits on the empty pipeline).
//
// Time. On the virtual clock code takes no time, so the seed's producer, which loops
// without ever waiting, would keep main's time.sleep(0.1) from ever ending (the clock
// only moves when no thread can run): every execution would go over the step bound.
// The producer therefore spends --network-ms of virtual time getting each number
// "from the network", as its docstring pretends (default 10 ms: about ten messages
// before the event is set); --network-ms 0 is the seed to the letter.
//
// print("Producer got message: ", message) writes its two arguments, the separator and
// the line end as four writes to sys.stdout, as CPython's print does; that is how the
// seed's own output came to read "Producer got message: Consumer storing message: 87
// (size=9) 47".
#include "models/all.hpp"
#include "sim/event.hpp"
#include "sim/executor.hpp"
#include "sim/output.hpp"
#include "sim/queue.hpp"
#include "sim/runtime.hpp"
#include "sim/sleep.hpp"

#include <string>

namespace models {

namespace {

// print(a, b): CPython writes a, the separator, b and the end as separate writes.
void print(const std::string& a, const std::string& b) {
  sim::Runtime& rt = sim::Runtime::current();
  rt.write_stdout(a);
  rt.write_stdout(" ");
  rt.write_stdout(b);
  rt.write_stdout("\n");
}

void producer_consumer_event_program(int maxsize, double main_sleep, double network) {
  auto producer = [network](sim::Queue<int>& queue, sim::ThreadingEvent& event) {
    while (!event.is_set()) {
      if (network > 0) sim::sleep(network);  // the network (see the note on time)
      const auto message = static_cast<int>(sim::randint(1, 101));
      print("Producer got message: ", std::to_string(message));
      queue.put(message);
    }
  };

  auto consumer = [](sim::Queue<int>& queue, sim::ThreadingEvent& event) {
    while (!event.is_set() || !queue.empty()) {
      const int message = queue.get();
      sim::print("Consumer storing message: " + std::to_string(message) +
                 " (size=" + std::to_string(queue.qsize()) + ")");
    }
  };

  sim::Queue<int> pipeline(maxsize, "pipeline");
  sim::ThreadingEvent event("event");
  {
    sim::ThreadPoolExecutor executor(2);
    // The futures are not kept; they are named after their calls so that reports say
    // which worker runs which ("worker-1 (running consumer)").
    executor.submit([&] { producer(pipeline, event); }, {.future = "producer", .task = "producer"});
    executor.submit([&] { consumer(pipeline, event); }, {.future = "consumer", .task = "consumer"});

    sim::sleep(main_sleep);
    event.set();
  }  // the end of the with-block: shutdown(wait=True) joins both workers
}

}  // namespace

ModelSpec producer_consumer_event_spec() {
  return {
      "producer-consumer-event",
      "producer/consumer on Queue(maxsize=10) stopped by an Event: the consumer can hang in get()",
      "seed 000: Message Passing between threads (producer, consumer, Queue, Event)",
      {
          {"maxsize", false, 10, 1, 100, "maxsize of the pipeline queue (seed: 10)"},
          {"sleep-ms", false, 100, 0, 10'000, "main's time.sleep before event.set(), in ms (seed: 100)"},
          {"network-ms", false, 10, 0, 10'000,
           "virtual time the producer spends getting each number, in ms (seed: none; with 0, "
           "main's sleep never ends on the virtual clock: add --ignore-time)"},
      },
      [](const ParamValues& p) -> std::function<void()> {
        const int maxsize = static_cast<int>(p.get("maxsize"));
        const double main_sleep = static_cast<double>(p.get("sleep-ms")) / 1000;
        const double network = static_cast<double>(p.get("network-ms")) / 1000;
        return [=] { producer_consumer_event_program(maxsize, main_sleep, network); };
      },
  };
}

}  // namespace models
