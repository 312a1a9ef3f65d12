// DPOR's dependency for the blocking primitives (checker/strategies/dpor_step.hpp):
// Condition, Event, Barrier, Semaphore and the futures of an executor (wait,
// as_completed, result) each depend on the objects whose state they read or change,
// not on every step. An under-approximated dependency silently loses traces, so this
// is a differential test: for generated programs that mix those primitives with shared
// loads and stores, DPOR must give the same outcome set and findings as plain DFS, with
// at most as many executions, both with time ignored (every timeout may fire at any
// point) and on the virtual clock (timeouts and sleeps at the same instant).
#include "dpor_differential.hpp"
#include "support.hpp"

#include "checker/strategies/splitmix.hpp"
#include "sim/barrier.hpp"
#include "sim/condition.hpp"
#include "sim/event.hpp"
#include "sim/executor.hpp"
#include "sim/futures_wait.hpp"
#include "sim/semaphore.hpp"

#include <doctest/doctest.h>

#include <cstdint>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <vector>

namespace {

// A small random program: 2 or 3 threads, each doing 1 to 3 operations on two shared
// variables, a Condition (over a Lock, or over its own RLock), an Event, a Barrier(2),
// a Semaphore(1) and, in some programs, the futures of 1 or 2 tasks that main submits
// to a pool of 1 or 2 workers before it starts the threads. Each thread folds what it
// sees (values loaded, what each wait returned or raised) into a local value, so the
// outcome (final variables and every thread's local value) tells interleavings apart.
struct Program {
  enum class Op : std::uint8_t {
    kLoad,
    kStore,
    kConditionWait,     // with c: c.wait(timeout)
    kConditionWaitFor,  // with c: c.wait_for(lambda: var != 0, timeout)
    kNotify,            // with c: var = tag; c.notify()
    kNotifyAll,         // with c: var = tag; c.notify_all()
    kNotifyUnlocked,    // c.notify() without taking the lock: a misuse, unless the
                        // condition's Lock is locked (by anyone: CPython's check)
    kEventSet,
    kEventClear,
    kEventWait,         // event.wait(timeout)
    kEventIsSet,
    kBarrierWait,       // barrier.wait(timeout), BrokenBarrierError caught
    kBarrierAbort,
    kSemaphore,         // with semaphore: var = ...
    kFuturesWait,       // futures.wait(fs, timeout, return_when)
    kAsCompleted,       // [f.result() for f in as_completed(fs, timeout)]
    kResult,            // fs[i].result(timeout)
    kDone,              // fs[i].done()
    kCancel,            // fs[i].cancel()
    kSleep,             // time.sleep(0.5)
  };
  static constexpr int kOps = 20;
  static constexpr int kFutureOps = 5;  // kFuturesWait .. kCancel
  struct Instr {
    Op op;
    int var;     // 0 or 1
    bool timed;  // waits: a timeout of 0.5 s (else none)
    int arg;     // a future's index; futures.wait's return_when
  };
  // What a task submitted to the pool does (it returns a small number).
  enum class Task : std::uint8_t { kStore, kSleepThenStore, kSetEvent, kNotifyAll, kLoad };
  static constexpr int kTasks = 5;

  std::vector<std::vector<Instr>> threads;
  std::vector<Task> tasks;  // empty: no pool
  int workers = 1;
  bool rlock_condition = false;
};

Program generate(std::uint64_t& state) {
  const auto next = [&state](std::uint64_t bound) {
    return static_cast<int>(checker::bounded(checker::splitmix64(state++), bound));
  };
  Program program;
  program.rlock_condition = next(2) == 1;
  const int tasks = next(3);
  for (int i = 0; i < tasks; ++i) program.tasks.push_back(static_cast<Program::Task>(next(Program::kTasks)));
  program.workers = 1 + next(2);
  const int threads = 2 + (tasks == 0 ? next(2) : 0);  // a pool adds its workers
  const int future_ops_from = static_cast<int>(Program::Op::kFuturesWait);
  for (int t = 0; t < threads; ++t) {
    std::vector<Program::Instr> body;
    const int ops = 1 + next(tasks == 0 ? 3 : 2);
    for (int i = 0; i < ops; ++i) {
      int op = next(Program::kOps - (tasks == 0 ? Program::kFutureOps : 0));
      if (tasks == 0 && op >= future_ops_from) op += Program::kFutureOps;  // kSleep
      body.push_back({static_cast<Program::Op>(op), next(2), next(2) == 1, next(tasks == 0 ? 3 : 3 * tasks)});
    }
    program.threads.push_back(std::move(body));
  }
  return program;
}

sim::ModelInstance build(const Program& program) {
  return test::inline_model("generated", [program] {
    sim::Shared<std::int64_t> x("x", 0);
    sim::Shared<std::int64_t> y("y", 0);
    sim::Shared<std::int64_t>* vars[2] = {&x, &y};
    sim::Lock lock("l");
    std::unique_ptr<sim::Condition> owned = program.rlock_condition ? std::make_unique<sim::Condition>("c")
                                                                    : std::make_unique<sim::Condition>(lock, "c");
    sim::Condition& c = *owned;
    sim::ThreadingEvent event("e");
    sim::Barrier barrier(2, {.name = "b"});
    sim::Semaphore semaphore(1, "s");
    std::optional<sim::ThreadPoolExecutor> pool;
    std::vector<sim::Future<std::int64_t>> fs;
    if (!program.tasks.empty()) {
      pool.emplace(program.workers);
      for (std::size_t i = 0; i < program.tasks.size(); ++i) {
        const auto tag = static_cast<std::int64_t>(100 + i);
        fs.push_back(pool->submit([&, task = program.tasks[i], tag]() -> std::int64_t {
          switch (task) {
            case Program::Task::kStore: x.store(tag); return 1;
            case Program::Task::kSleepThenStore: sim::sleep(0.5); y.store(tag); return 2;
            case Program::Task::kSetEvent: event.set(); return 3;
            case Program::Task::kNotifyAll:
              c.acquire();
              x.store(tag);
              c.notify_all();
              c.release();
              return 4;
            case Program::Task::kLoad: return 5 + y.load();
          }
          return 0;
        }));
      }
    }
    std::vector<std::int64_t> local(program.threads.size(), 0);
    std::vector<sim::Thread> threads;
    for (std::size_t t = 0; t < program.threads.size(); ++t) {
      threads.emplace_back([&, t] {
        std::int64_t& mine = local[t];
        const auto fold = [&mine](std::int64_t seen) { mine = mine * 7 + seen; };
        for (std::size_t i = 0; i < program.threads[t].size(); ++i) {
          const Program::Instr& in = program.threads[t][i];
          sim::Shared<std::int64_t>& var = *vars[in.var];
          const auto tag = static_cast<std::int64_t>(10 * (t + 1) + i);
          const std::optional<double> timeout = in.timed ? std::optional<double>(0.5) : std::nullopt;
          const double seconds = in.timed ? 0.5 : -1;
          const auto future = [&]() -> const sim::Future<std::int64_t>& { return fs[static_cast<std::size_t>(in.arg) % fs.size()]; };
          switch (in.op) {
            case Program::Op::kLoad: fold(var.load()); break;
            case Program::Op::kStore: var.store(mine + tag); break;
            case Program::Op::kConditionWait:
              c.acquire();
              fold(c.wait(timeout) ? 1 : 2);
              c.release();
              break;
            case Program::Op::kConditionWaitFor:
              c.acquire();
              fold(c.wait_for([&var] { return var.load() != 0; }, timeout) ? 1 : 2);
              c.release();
              break;
            case Program::Op::kNotify:
            case Program::Op::kNotifyAll:
              c.acquire();
              var.store(tag);
              if (in.op == Program::Op::kNotify) {
                c.notify();
              } else {
                c.notify_all();
              }
              c.release();
              break;
            case Program::Op::kNotifyUnlocked: c.notify(); break;
            case Program::Op::kEventSet: event.set(); break;
            case Program::Op::kEventClear: event.clear(); break;
            case Program::Op::kEventWait: fold(event.wait(timeout) ? 1 : 2); break;
            case Program::Op::kEventIsSet: fold(event.is_set() ? 1 : 2); break;
            case Program::Op::kBarrierWait:
              try {
                fold(barrier.wait(timeout));
              } catch (const sim::BrokenBarrierError&) {
                fold(9);
              }
              break;
            case Program::Op::kBarrierAbort: barrier.abort(); break;
            case Program::Op::kSemaphore:
              semaphore.acquire();
              var.store(mine + tag);
              semaphore.release();
              break;
            case Program::Op::kFuturesWait: {
              const auto when = static_cast<sim::ReturnWhen>(in.arg % 3);
              fold(static_cast<std::int64_t>(sim::wait(fs, seconds, when).done.size()));
              break;
            }
            case Program::Op::kAsCompleted:
              try {
                for (const sim::Future<std::int64_t>& f : sim::as_completed(fs, seconds)) {
                  try {
                    fold(f.result());
                  } catch (const sim::CancelledError&) {
                    fold(7);
                  }
                }
              } catch (const sim::TimeoutError&) {
                fold(8);
              }
              break;
            case Program::Op::kResult:
              try {
                fold(future().result(seconds));
              } catch (const sim::CancelledError&) {
                fold(7);
              } catch (const sim::TimeoutError&) {
                fold(8);
              }
              break;
            case Program::Op::kDone: fold(future().done() ? 1 : 2); break;
            case Program::Op::kCancel: fold(future().cancel() ? 1 : 2); break;
            case Program::Op::kSleep: sim::sleep(0.5); break;
          }
        }
      });
    }
    for (sim::Thread& t : threads) t.start();
    for (sim::Thread& t : threads) t.join();
    if (pool) pool->shutdown();
    std::string outcome = std::to_string(x.load()) + " " + std::to_string(y.load());
    for (std::int64_t v : local) outcome += " " + std::to_string(v);
    sim::outcome(outcome);
  });
}

constexpr std::uint64_t kDfsCap = 20'000;  // a larger program is skipped: DFS would be too slow

struct Totals {
  int compared = 0;
  std::uint64_t dfs_executions = 0;
  std::uint64_t dpor_executions = 0;
};

// Compares DPOR with DFS on `programs` generated programs, in both time modes.
Totals differential(std::uint64_t seed, int programs) {
  std::uint64_t state = seed;
  Totals totals;
  for (int p = 0; p < programs; ++p) {
    const Program program = generate(state);
    const sim::ModelInstance model = build(program);
    for (bool ignore_time : {true, false}) {
      CAPTURE(seed);
      CAPTURE(p);
      CAPTURE(ignore_time);
      const test::Comparison c = test::compare_with_dfs(model, ignore_time, kDfsCap);
      if (!c.compared) continue;
      ++totals.compared;
      totals.dfs_executions += c.dfs_executions;
      totals.dpor_executions += c.dpor_executions;
    }
  }
  return totals;
}

}  // namespace

TEST_SUITE("dpor") {

// A longer soak: build with -DDPOR_EFFECT_PROGRAMS=5000.
#ifndef DPOR_EFFECT_PROGRAMS
#define DPOR_EFFECT_PROGRAMS 150
#endif
TEST_CASE("DPOR agrees with DFS on generated programs with conditions, events, barriers and futures") {
  for (std::uint64_t seed : {5'000'000u, 6'000'000u}) {
    const Totals totals = differential(seed, DPOR_EFFECT_PROGRAMS);
    MESSAGE("seed " << seed << ": " << totals.compared << " comparisons, DFS " << totals.dfs_executions
                    << " executions, DPOR " << totals.dpor_executions);
    // Most programs are small enough for DFS in both time modes, and the
    // per-object dependency pays off over the whole set.
    CHECK(totals.compared >= DPOR_EFFECT_PROGRAMS);
    CHECK(totals.dpor_executions < totals.dfs_executions);
  }
}

// The generated programs have at most two futures, so a later wait of as_completed
// never finds two of them completed: here three tasks finish on three workers while
// main iterates. The first wait yields what is complete then in the order given; each
// later wait what completed since, in completion order, so every order of the three
// is an outcome (DPOR finds them only if the completions a waiter watches depend on it).
TEST_CASE("DPOR agrees with DFS on as_completed over three futures: every completion order") {
  const sim::ModelInstance model = test::inline_model("as_completed of three", [] {
    sim::ThreadPoolExecutor pool(3);
    std::vector<sim::Future<int>> fs;
    for (int i = 0; i < 3; ++i) fs.push_back(pool.submit([i] { return i; }));
    std::string order;
    for (const sim::Future<int>& f : sim::as_completed(fs)) order += std::to_string(f.result());
    sim::outcome(order);
  });
  for (bool ignore_time : {true, false}) {
    CAPTURE(ignore_time);
    const checker::ExploreResult result = checker::explore(model, test::dpor_all(ignore_time));
    CHECK(test::string_outcomes(result) == std::set<std::string>{"012", "021", "102", "120", "201", "210"});
    CHECK(test::same_as_dfs(model, ignore_time, 200'000));
  }
}

}  // TEST_SUITE
