// Scheduler::repeat_previous: the runtime takes the announced prefix of the previous
// execution's choices itself, asking the scheduler only where the enabled threads or
// the chosen thread's operation differ from that execution's, so a model that is not
// deterministic is still seen.
#include "support.hpp"

#include "checker/explore.hpp"
#include "sim/shared.hpp"
#include "sim/thread.hpp"

#include <doctest/doctest.h>

#include <cstdint>
#include <memory>
#include <span>
#include <stdexcept>
#include <vector>

namespace {

// Runs the last enabled thread, announcing at decision 0 that the decisions before
// `repeat_end` repeat the previous execution; notes where it was asked.
class RepeatingLastEnabled final : public sim::Scheduler {
 public:
  explicit RepeatingLastEnabled(std::uint32_t repeat_end) : repeat_end_(repeat_end) {}
  sim::ThreadId choose(std::span<const sim::ThreadId> enabled, sim::ThreadId, std::uint32_t decision) override {
    if (decision == 0) repeat_previous(repeat_end_);
    asked.push_back(decision);
    return enabled.back();
  }
  std::uint64_t draw(std::uint64_t, std::uint32_t) override { return 0; }
  std::vector<std::uint32_t> asked;

 private:
  std::uint32_t repeat_end_;
};

// The main thread stores, then starts two threads that each store twice (three with
// `third`), so the enabled threads differ from decision 1 on.
void storers(bool third) {
  sim::Shared<std::int64_t> x("x", 0);
  x.store(1);
  std::vector<sim::Thread> threads;
  for (int i = 0; i < (third ? 3 : 2); ++i) {
    threads.emplace_back([&x] {
      x.store(2);
      x.store(3);
    });
  }
  for (sim::Thread& t : threads) t.start();
  for (sim::Thread& t : threads) t.join();
}

// A full DPOR search of `model` (named "flaky") stops with the not-deterministic error.
void check_dpor_refuses(const sim::ModelInstance& model) {
  checker::ExploreOptions options;
  options.strategy = checker::StrategyKind::kDpor;
  options.stop_at_first_bug = false;
  CHECK_THROWS_WITH_AS(checker::explore(model, options),
                       "model 'flaky' is not deterministic: replaying a schedule prefix gave different runnable "
                       "threads or operations (models may not use real time, real I/O or unseeded randomness)",
                       std::runtime_error);
}

}  // namespace

TEST_SUITE("runtime: repeated prefix") {

TEST_CASE("the repeated points are taken without asking, and the record is the same") {
  sim::Runtime runtime;
  RepeatingLastEnabled scheduler(4);
  const std::function<void()> main = [] { storers(false); };
  const std::vector<sim::ThreadId> first = runtime.run(main, scheduler, {}).choices;
  CHECK(scheduler.asked.size() == first.size());  // nothing to repeat the first time
  scheduler.asked.clear();
  const sim::ExecutionRecord& again = runtime.run(main, scheduler, {});
  CHECK(again.choices == first);
  std::vector<std::uint32_t> expected{0};
  for (std::uint32_t d = 4; d < first.size(); ++d) expected.push_back(d);
  CHECK(scheduler.asked == expected);
}

TEST_CASE("a point whose enabled threads differ from the previous execution's is asked") {
  sim::Runtime runtime;
  RepeatingLastEnabled scheduler(100);
  bool third = false;
  const std::function<void()> main = [&third] { storers(third); };
  const std::size_t points = runtime.run(main, scheduler, {}).choices.size();
  scheduler.asked.clear();
  third = true;  // the third thread is enabled at decision 1 on
  const std::size_t more = runtime.run(main, scheduler, {}).choices.size();
  CHECK(more > points);
  REQUIRE(scheduler.asked.size() >= 2);
  CHECK(scheduler.asked[0] == 0);
  CHECK(scheduler.asked[1] == 1);
}

TEST_CASE("another scheduler's execution is not repeated") {
  sim::Runtime runtime;
  RepeatingLastEnabled first(100);
  RepeatingLastEnabled second(100);
  const std::function<void()> main = [] { storers(false); };
  const std::size_t points = runtime.run(main, first, {}).choices.size();
  runtime.run(main, second, {});
  CHECK(second.asked.size() == points);
}

TEST_CASE("DPOR refuses a model that is not deterministic apart from scheduling") {
  // Every other execution starts one more thread: DPOR's replayed prefix then meets a
  // different set of runnable threads, from decision 1 on (where the runtime checks).
  auto runs = std::make_shared<int>(0);
  const auto model = test::inline_model("flaky", [runs] { storers((*runs)++ % 2 == 1); });
  check_dpor_refuses(model);
}

TEST_CASE("DPOR refuses a model whose thread is at another operation on a replayed point") {
  // The same threads are runnable at every point, but in every other execution Thread-1
  // first loads y instead of x. DPOR's second execution replays the main thread's store
  // and Thread-1's first load (decision 1, a point the runtime takes itself when it
  // repeats) before branching at Thread-1's store.
  auto runs = std::make_shared<int>(0);
  const auto model = test::inline_model("flaky", [runs] {
    sim::Shared<std::int64_t> x("x", 0);
    sim::Shared<std::int64_t> y("y", 0);
    const bool load_y = (*runs)++ % 2 == 1;
    x.store(1);
    sim::Thread first([&] {
      if (load_y) {
        y.load();
      } else {
        x.load();
      }
      x.store(2);
    });
    sim::Thread second([&x] { x.store(3); });
    first.start();
    second.start();
    first.join();
    second.join();
  });
  check_dpor_refuses(model);
}

}  // TEST_SUITE
