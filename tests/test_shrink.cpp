// Schedule shrinking: findings of random search (fixed seeds) on the counter and the
// philosophers shrink to a schedule that still fails the same way, with no more
// preemptions than the fewest any schedule needs — derived here by an independent
// iterative preemption-bounded search — and no more steps than before.
#include "checker/race_detector.hpp"
#include "checker/shrink.hpp"
#include "checker/witness.hpp"
#include "support.hpp"

#include <algorithm>

namespace {

// Follows `prefix`, then continues the running thread (or the lowest that can run),
// noting at each later scheduling point which threads could run and who was running.
class PrefixThenContinue final : public sim::Scheduler {
 public:
  struct Point {
    std::vector<sim::ThreadId> enabled;
    sim::ThreadId current;
    sim::ThreadId chosen;
  };
  explicit PrefixThenContinue(std::vector<sim::ThreadId> prefix) : prefix_(std::move(prefix)) {}

  sim::ThreadId choose(std::span<const sim::ThreadId> enabled, sim::ThreadId current, std::uint32_t decision) override {
    const bool runs = std::find(enabled.begin(), enabled.end(), current) != enabled.end();
    const sim::ThreadId chosen = decision < prefix_.size() ? prefix_[decision] : runs ? current : enabled.front();
    points_.push_back({{enabled.begin(), enabled.end()}, current, chosen});
    return chosen;
  }
  std::uint64_t draw(std::uint64_t, std::uint32_t) override { return 0; }
  const std::vector<Point>& points() const { return points_; }

 private:
  std::vector<sim::ThreadId> prefix_;
  std::vector<Point> points_;
};

bool same_finding(const sim::ExecutionRecord& record, const sim::Finding& target) {
  return record.finding && record.finding->kind == target.kind && record.finding->message == target.message;
}

// True if some schedule extending `prefix` with at most `budget` more preemptions
// ends with `target`. Each schedule is reached once: branches are taken only after
// the prefix, each alternative at a point where the running thread could go on costs
// one preemption, an alternative at a point where it could not costs none.
bool reachable(const sim::ModelInstance& model, const sim::Finding& target, const std::vector<sim::ThreadId>& prefix,
               std::size_t budget) {
  sim::Runtime runtime;
  PrefixThenContinue scheduler(prefix);
  if (same_finding(runtime.run(model.main, scheduler, {}), target)) return true;
  const auto points = scheduler.points();
  for (std::size_t d = prefix.size(); d < points.size(); ++d) {
    const PrefixThenContinue::Point& p = points[d];
    const bool preempting = std::find(p.enabled.begin(), p.enabled.end(), p.current) != p.enabled.end();
    if (preempting && budget == 0) continue;
    for (sim::ThreadId other : p.enabled) {
      if (other == p.chosen) continue;
      std::vector<sim::ThreadId> next;
      for (std::size_t i = 0; i < d; ++i) next.push_back(points[i].chosen);
      next.push_back(other);
      if (reachable(model, target, next, budget - (preempting ? 1 : 0))) return true;
    }
  }
  return false;
}

std::size_t fewest_preemptions(const sim::ModelInstance& model, const sim::Finding& target, std::size_t at_most) {
  for (std::size_t bound = 0; bound <= at_most; ++bound) {
    if (reachable(model, target, {}, bound)) return bound;
  }
  FAIL("no schedule with at most " << at_most << " preemptions fails this way");
  return at_most;
}

void check_shrinks(const sim::ModelInstance& model, std::uint64_t seed) {
  CAPTURE(seed);
  const checker::ExploreResult found = checker::explore(model, test::random_first_bug(seed));
  REQUIRE(found.bugs.size() >= 1);
  const checker::Trace& failing = found.bugs.front().trace;
  const checker::ShrinkResult shrunk = checker::shrink(model, failing);
  CAPTURE(checker::shrink_summary(shrunk));
  REQUIRE(shrunk.trace.finding.has_value());
  CHECK(shrunk.trace.finding->kind == failing.finding->kind);
  CHECK(shrunk.trace.finding->message == failing.finding->message);
  CHECK(shrunk.original_steps == failing.events.size());
  CHECK(shrunk.original_preemptions == checker::preemptions(failing));
  CHECK(shrunk.steps == shrunk.trace.events.size());
  CHECK(shrunk.preemptions == checker::preemptions(shrunk.trace));
  CHECK(std::pair(shrunk.preemptions, shrunk.steps) <= std::pair(shrunk.original_preemptions, shrunk.original_steps));
  CHECK(shrunk.preemptions == fewest_preemptions(model, *failing.finding, shrunk.original_preemptions));
  CHECK(shrunk.minimal_preemptions);
  // The shrunk schedule is a complete schedule: replaying it fails the same way.
  const checker::ReplayResult replayed = checker::replay(model, shrunk.trace.choices);
  CHECK_FALSE(replayed.divergence.has_value());
  test::require_same_trace(replayed.trace, shrunk.trace);
}

}  // namespace

TEST_SUITE("shrink") {

TEST_CASE("counter: a lost update found at random shrinks to the fewest preemptions") {
  for (std::uint64_t seed : {1, 2, 3}) check_shrinks(test::counter(3, 3), seed);
}

TEST_CASE("philosophers: a deadlock found at random shrinks to the fewest preemptions") {
  for (std::uint64_t seed : {1, 2, 3}) check_shrinks(test::philosophers(3), seed);
}

TEST_CASE("the summary line") {
  checker::ShrinkResult r;
  r.original_steps = 143;
  r.original_preemptions = 9;
  r.steps = 12;
  r.preemptions = 2;
  r.minimal_preemptions = true;
  CHECK(checker::shrink_summary(r) == "shrunk from 143 steps / 9 preemptions to 12 steps / 2 preemptions");
  r.minimal_preemptions = false;
  CHECK(checker::shrink_summary(r) == "shrunk from 143 steps / 9 preemptions to 12 steps / 2 preemptions "
                                      "(fewer preemptions not ruled out within the search budget)");
  r.original_steps = 12;
  r.original_preemptions = 1;
  r.preemptions = 1;
  CHECK(checker::shrink_summary(r) ==
        "not shrunk: 12 steps / 1 preemption (fewer preemptions not ruled out within the search budget)");
  r.minimal_preemptions = true;
  CHECK(checker::shrink_summary(r) == "already minimal: 12 steps / 1 preemption");
}

TEST_CASE("a data race shrinks to the same pair of accesses") {
  const sim::ModelInstance model = test::counter(3, 2);
  const checker::Trace random_run = checker::run_one(model, 5, {});
  checker::RaceDetector detector;
  const auto race = detector.find(random_run);
  REQUIRE(race.has_value());
  checker::Trace failing = random_run;
  failing.finding = checker::race_finding(*race, failing.events, failing.thread_names, failing.object_names);
  const checker::ShrinkResult shrunk = checker::shrink(model, failing);
  CAPTURE(checker::shrink_summary(shrunk));
  REQUIRE(shrunk.trace.finding.has_value());
  CHECK(shrunk.trace.finding->kind == sim::FindingKind::kDataRace);
  // The racing pair keeps its threads, operations and lines; only step numbers move.
  const auto shrunk_race = detector.find(shrunk.trace);
  REQUIRE(shrunk_race.has_value());
  const auto same_access = [&](std::size_t a, std::size_t b) {
    const sim::Event& x = failing.events[a];
    const sim::Event& y = shrunk.trace.events[b];
    return x.thread == y.thread && x.kind == y.kind && checker::source_text(x) == checker::source_text(y);
  };
  CHECK(((same_access(race->first, shrunk_race->first) && same_access(race->second, shrunk_race->second)) ||
         (same_access(race->first, shrunk_race->second) && same_access(race->second, shrunk_race->first))));
  CHECK(std::pair(shrunk.preemptions, shrunk.steps) <= std::pair(shrunk.original_preemptions, shrunk.original_steps));
}

}  // TEST_SUITE
