// Queue workers that print under a lock (seed 002, the first `print_lock` cell):
//
//   print_lock = threading.Lock()
//
//   def copy_op(file_data):
//       with print_lock:
//           print("Starting thread : {}".format(threading.current_thread().name))
//
//       mydata = threading.local()
//       mydata.ip, mydata.op = next(iter(file_data.items()))
//
//       shutil.copy(mydata.ip, mydata.op)
//
//       with print_lock:
//           print("Finished thread : {}".format(threading.current_thread().name))
//
//   def process_queue():
//       while True:
//           file_data = compress_queue.get()
//           copy_op(file_data)
//           compress_queue.task_done()
//
//   compress_queue = Queue()
//
//   output_names = [{'v1.avi' : 'v11.avi'},{'v2.avi' : 'v22.avi'}]
//
//   for i in range(2):
//       t = threading.Thread(target=process_queue)
//       t.daemon = True
//       t.start()
//
//   start = time.time()
//
//   for file_data in output_names:
//       compress_queue.put(file_data)
//
//   compress_queue.join()
//
//   print("Execution time = {0:.5f}".format(time.time() - start))
//
// No finding, and no output line is ever a mix of two messages: print(s) writes s and
// then "\n" as two writes (two steps), and the lock keeps another thread's print from
// falling between them. --no-lock drops both `with print_lock:` and lines can mix
// ("Starting thread : Thread-1 (process_queue)Starting thread : Thread-2
// (process_queue)" followed by an empty line). --workers and --files default to the
// seed's 2 threads and 2 files. The main thread's last line is not under the lock in
// the seed either, but it comes after q.join(), when every worker is done printing.
//
// shutil.copy works on the thread's own pair of files and shares nothing with the other
// threads, so it is not modeled (no step); the execution time printed is therefore the
// virtual time taken, 0. Thread names are CPython 3.11's "Thread-N (target)".
#include "models/all.hpp"
#include "sim/local.hpp"
#include "sim/lock.hpp"
#include "sim/output.hpp"
#include "sim/queue.hpp"
#include "sim/runtime.hpp"
#include "sim/thread.hpp"

#include <cstdio>
#include <string>
#include <utility>
#include <vector>

namespace models {

namespace {

using FileData = std::pair<std::string, std::string>;  // the one-entry dict {ip: op}

const std::string& current_thread_name() {
  const sim::Runtime& rt = sim::Runtime::current();
  return rt.thread_name(rt.current_thread());
}

void print_lock_copy_program(int workers, int files, bool locked) {
  sim::Lock print_lock("print_lock");

  // `with print_lock:` around a print, or the print alone with --no-lock.
  auto locked_print = [&](const std::string& text) {
    if (locked) print_lock.acquire();
    sim::print(text);
    if (locked) print_lock.release();
  };

  auto copy_op = [&](const FileData& file_data) {
    locked_print("Starting thread : " + current_thread_name());

    sim::Local<FileData> mydata;
    mydata.set(file_data);  // mydata.ip, mydata.op = next(iter(file_data.items()))

    // shutil.copy(mydata.ip, mydata.op): the thread's own files (not modeled)

    locked_print("Finished thread : " + current_thread_name());
  };

  sim::Queue<FileData> compress_queue(0, "compress_queue");

  auto process_queue = [&] {
    while (true) {
      const FileData file_data = compress_queue.get();
      copy_op(file_data);
      compress_queue.task_done();
    }
  };

  std::vector<FileData> output_names;
  for (int i = 1; i <= files; ++i) {
    output_names.emplace_back("v" + std::to_string(i) + ".avi", "v" + std::to_string(i) + std::to_string(i) + ".avi");
  }

  std::vector<sim::Thread> threads;  // kept until exit, where the daemons are killed
  threads.reserve(static_cast<std::size_t>(workers));
  for (int i = 0; i < workers; ++i) {
    threads.emplace_back(process_queue, "Thread-" + std::to_string(i + 1) + " (process_queue)", /*daemon=*/true);
    threads.back().start();
  }

  const double start = static_cast<double>(sim::Runtime::current().now()) / 1e9;

  for (const FileData& file_data : output_names) compress_queue.put(file_data);

  compress_queue.join();

  char line[64];
  std::snprintf(line, sizeof line, "Execution time = %.5f",
                static_cast<double>(sim::Runtime::current().now()) / 1e9 - start);
  sim::print(line);
}  // interpreter exit: the idle daemon workers, blocked in get(), are killed

}  // namespace

ModelSpec print_lock_copy_spec() {
  return {
      "print-lock-copy",
      "daemon queue workers print under print_lock: output lines never mix (--no-lock: they can)",
      "seed 002: print_lock, copy_op, process_queue, compress_queue.join()",
      {
          {"workers", false, 2, 1, 8, "daemon worker threads (seed: 2)"},
          {"files", false, 2, 0, 20, "files put on the queue (seed: 2)"},
          {"no-lock", true, 0, 0, 1, "print without `with print_lock:` (lines can mix)"},
      },
      [](const ParamValues& p) -> std::function<void()> {
        const int workers = static_cast<int>(p.get("workers"));
        const int files = static_cast<int>(p.get("files"));
        const bool locked = !p.flag("no-lock");
        return [=] { print_lock_copy_program(workers, files, locked); };
      },
  };
}

}  // namespace models
