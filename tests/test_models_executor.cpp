// The seed models built on concurrent.futures, with their exact answers: fake-database
// (the lost update: on the virtual clock exactly ceil(updates / workers), with time
// ignored every value an independent enumeration of the read/write interleavings
// reaches; --locked always `updates`), nested-submit (one worker: the deadlock,
// explained; two: 25 and DONE!), future-timeout (TimeoutError in every schedule;
// done() at a time tie both True and False) and as-completed (map in submission
// order, as_completed in completion order, derived from the durations by list
// scheduling). Every finding replays to the same trace.
#include "support.hpp"

#include "checker/report.hpp"

#include <doctest/doctest.h>

#include <algorithm>
#include <cstdint>
#include <functional>
#include <map>
#include <set>
#include <string>
#include <vector>

namespace {

constexpr sim::Nanos kSecond = 1'000'000'000;

sim::ModelInstance fake_database(int workers, int updates, bool locked = false) {
  return test::model("fake-database", {{"workers", std::to_string(workers)},
                                       {"updates", std::to_string(updates)},
                                       {"locked", locked ? "true" : "false"}});
}

checker::ExploreOptions with_time_ignored(checker::ExploreOptions options) {
  options.ignore_time = true;
  return options;
}

std::vector<std::pair<sim::Nanos, std::string>> timed_lines(const checker::Trace& trace) {
  std::vector<std::pair<sim::Nanos, std::string>> lines;
  for (const sim::OutputLine& line : trace.output) lines.emplace_back(line.time, line.text);
  return lines;
}

// The finding replays from its choices (and draws) to the same finding and events.
void require_replays(const sim::ModelInstance& model, const checker::FoundBug& bug, bool ignore_time = false) {
  const checker::ReplayResult replayed = checker::replay(
      model, bug.trace.choices,
      {.max_steps = checker::ExploreOptions{}.max_steps, .ignore_time = ignore_time, .draws = bug.trace.draws});
  CHECK_FALSE(replayed.divergence.has_value());
  test::require_same_trace(replayed.trace, bug.trace);
  CHECK(timed_lines(replayed.trace) == timed_lines(bug.trace));
}

// The final values of FakeDatabase.value reachable when `workers` workers run
// `updates` read-then-write updates in any interleaving, by exhaustive search over an
// abstract state: the shared value, the updates not yet taken, and each worker's
// local copy (if it has read and not yet written). Taking an item and reading the
// value are merged (taking one changes no value, and items are alike); sleeping and
// finishing change nothing. Independent of the simulator.
std::set<std::int64_t> reachable_final_values(int workers, int updates) {
  struct State {
    std::int64_t value;
    int left;
    std::vector<std::int64_t> local;  // -1: holds no update
    auto operator<=>(const State&) const = default;
  };
  std::set<std::int64_t> finals;
  std::set<State> seen;
  std::function<void(const State&)> visit = [&](const State& s) {
    if (!seen.insert(s).second) return;
    bool any_move = false;
    for (std::size_t w = 0; w < s.local.size(); ++w) {
      State next = s;
      if (s.local[w] >= 0) {  // self.value = local_copy
        next.value = s.local[w];
        next.local[w] = -1;
      } else if (s.left > 0) {  // take an update; local_copy = self.value + 1
        --next.left;
        next.local[w] = s.value + 1;
      } else {
        continue;
      }
      any_move = true;
      visit(next);
    }
    if (!any_move) finals.insert(s.value);
  };
  visit(State{0, updates, std::vector<std::int64_t>(static_cast<std::size_t>(workers), -1)});
  return finals;
}

// The as_completed orders of the as-completed model: its second batch starts when all
// workers are free, each task on the first free worker in submission order (list
// scheduling); tasks are yielded by completion time, and tasks completing at the same
// instant in every order. Outcome strings as the model writes them.
std::set<std::string> expected_orders(int workers, const std::vector<int>& durations) {
  std::vector<int> free_at(static_cast<std::size_t>(std::min<int>(workers, static_cast<int>(durations.size()))), 0);
  std::vector<std::pair<int, int>> done;  // (completion time, task)
  for (std::size_t task = 0; task < durations.size(); ++task) {
    const auto worker = std::min_element(free_at.begin(), free_at.end());
    *worker += durations[task];
    done.emplace_back(*worker, static_cast<int>(task));
  }
  std::sort(done.begin(), done.end());
  std::string map_part;
  for (std::size_t task = 0; task < durations.size(); ++task) map_part += (task == 0 ? "" : " ") + std::to_string(task);
  std::set<std::string> orders;
  // Every permutation that keeps completion times sorted.
  do {
    bool sorted = true;
    for (std::size_t i = 1; i < done.size(); ++i) sorted &= done[i - 1].first <= done[i].first;
    if (!sorted) continue;
    std::string order;
    for (const auto& [time, task] : done) order += (order.empty() ? "" : " ") + std::to_string(task);
    orders.insert("map: " + map_part + "; as_completed: " + order);
  } while (std::next_permutation(done.begin(), done.end()));
  return orders;
}

// Always runs the highest-numbered enabled thread (the newest).
class NewestFirst final : public sim::Scheduler {
 public:
  sim::ThreadId choose(std::span<const sim::ThreadId> enabled, sim::ThreadId, std::uint32_t) override {
    return enabled.back();
  }
  std::uint64_t draw(std::uint64_t, std::uint32_t) override { return 0; }
};

sim::ModelInstance as_completed_model(int workers, const std::string& durations) {
  return test::model("as-completed", {{"workers", std::to_string(workers)}, {"durations", durations}});
}

std::vector<int> digits(const std::string& text) {
  std::vector<int> values;
  for (char c : text) values.push_back(c - '0');
  return values;
}

}  // namespace

TEST_SUITE("models: executor") {

TEST_CASE("fake-database: the seed's timed run loses every other update and ends at 5 after 0.5 s") {
  const sim::ModelInstance model = test::model("fake-database");
  const checker::Trace run = checker::to_trace(test::run_once(model.main));
  CHECK(run.outcome == sim::Outcome{std::int64_t{5}});
  CHECK(run.duration == kSecond / 2);  // 5 rounds of 0.1 s, two updates per round
  REQUIRE(run.finding.has_value());
  CHECK(run.finding->kind == sim::FindingKind::kAssertion);
  CHECK(run.finding->message == "lost update: database.value is 5 after 10 updates on 2 workers");
}

TEST_CASE("fake-database on the virtual clock: exactly ceil(updates / workers), exhaustively where DFS can") {
  // Both workers read the same value at the same instant, sleep the same 0.1 s and
  // write the same value back, whatever the order of their steps within an instant:
  // each round adds 1. Exhaustive DFS for the sizes it finishes quickly (2 x 4 needs
  // 4,939,200 executions, 24 s without partial-order reduction).
  for (const auto& [workers, updates] : std::vector<std::pair<int, int>>{{2, 2}, {2, 3}, {3, 2}, {1, 3}}) {
    CAPTURE(workers);
    CAPTURE(updates);
    const checker::ExploreResult result = checker::explore(fake_database(workers, updates), test::dfs_all());
    CHECK(result.exhaustive);
    const std::int64_t rounds = (updates + workers - 1) / workers;
    CHECK(test::int_outcomes(result) == std::set<std::int64_t>{rounds});
    CHECK(result.bugs.size() == (rounds == updates ? 0U : 1U));
  }
  // The seed's size, 2 x 10: a random sample of schedules (not a proof) all give 5.
  const checker::ExploreResult sample = checker::explore(test::model("fake-database"), [] {
    checker::ExploreOptions options = test::random_first_bug(11, 200);
    options.stop_at_first_bug = false;
    return options;
  }());
  CHECK_FALSE(sample.exhaustive);
  CHECK(sample.executions == 200);
  CHECK(test::int_outcomes(sample) == std::set<std::int64_t>{5});
}

TEST_CASE("fake-database with time ignored: every final value the read/write interleavings reach") {
  // The enumeration, from first principles: one worker never loses an update; with
  // two, an update can be overwritten by one that read before it, down to a final 1
  // (a worker reads 0, the other does everything else, then the first writes 1).
  CHECK(reachable_final_values(1, 3) == std::set<std::int64_t>{3});
  CHECK(reachable_final_values(2, 2) == test::range(1, 2));
  CHECK(reachable_final_values(2, 3) == test::range(1, 3));
  for (const auto& [workers, updates] : std::vector<std::pair<int, int>>{{2, 2}, {1, 3}}) {
    CAPTURE(workers);
    CAPTURE(updates);
    const checker::ExploreResult result =
        checker::explore(fake_database(workers, updates), with_time_ignored(test::dfs_all()));
    CHECK(result.exhaustive);
    CHECK(test::int_outcomes(result) == reachable_final_values(workers, updates));
  }
  // 2 x 3 has 4,022,313 schedules (13 s of DFS); 3,000 random ones reach the same set.
  checker::ExploreOptions options = with_time_ignored(test::random_first_bug(5, 3000));
  options.stop_at_first_bug = false;
  const checker::ExploreResult sample = checker::explore(fake_database(2, 3), options);
  CHECK(test::int_outcomes(sample) == reachable_final_values(2, 3));
}

TEST_CASE("fake-database --locked: always `updates`, no finding, exhaustive under DPOR") {
  // The seed's size (2 workers, 10 updates) on the clock is 66,560 traces; with time
  // ignored the traces grow faster (3 updates: 692), so smaller sizes there.
  for (const auto& [updates, ignore_time] :
       std::vector<std::pair<int, bool>>{{2, false}, {3, false}, {10, false}, {2, true}, {3, true}}) {
    CAPTURE(updates);
    CAPTURE(ignore_time);
    checker::ExploreOptions options;
    options.strategy = checker::StrategyKind::kDpor;
    options.stop_at_first_bug = false;
    options.ignore_time = ignore_time;
    const checker::ExploreResult result = checker::explore(fake_database(2, updates, true), options);
    CHECK(result.exhaustive);
    CHECK(result.bugs.empty());
    CHECK(test::int_outcomes(result) == std::set<std::int64_t>{updates});
  }
  // The seed's size: the updates are serialized, 10 x 0.1 s.
  const checker::Trace run = checker::to_trace(test::run_once(test::model("fake-database", {{"locked", "true"}}).main));
  CHECK_FALSE(run.finding.has_value());
  CHECK(run.outcome == sim::Outcome{std::int64_t{10}});
  CHECK(run.duration == kSecond);
}

TEST_CASE("fake-database: the lost update replays, timed and with time ignored") {
  for (const bool ignore_time : {false, true}) {
    CAPTURE(ignore_time);
    const sim::ModelInstance model = fake_database(2, 2);
    checker::ExploreOptions options = test::dfs_first_bug();
    options.ignore_time = ignore_time;
    const checker::ExploreResult result = checker::explore(model, options);
    REQUIRE(result.bugs.size() == 1);
    CHECK(result.bugs[0].trace.finding->message == "lost update: database.value is 1 after 2 updates on 2 workers");
    require_replays(model, result.bugs[0], ignore_time);
  }
}

TEST_CASE("nested-submit, one worker: the inner task never starts, because the only worker waits for it") {
  // 3 schedules. Main submits t and, at interpreter exit, shuts the executor down.
  // If that shutdown comes before the task's own submit (2 schedules: before the
  // worker takes t, or after it but before the submit), the submit raises RuntimeError
  // inside the task and nothing is printed; otherwise pow waits in the queue forever.
  const sim::ModelInstance model = test::model("nested-submit");
  const checker::ExploreResult result = checker::explore(model, test::dfs_all());
  CHECK(result.exhaustive);
  CHECK(result.executions == 3);
  CHECK(test::string_outcomes(result) ==
        std::set<std::string>{
            "printed nothing: wait_on_future raised RuntimeError(cannot schedule new futures after shutdown)"});
  REQUIRE(result.bugs.size() == 1);
  CHECK(result.bugs[0].occurrences == 1);
  const checker::Trace& trace = result.bugs[0].trace;
  CHECK(trace.finding->kind == sim::FindingKind::kDeadlock);
  const sim::ThreadId worker = test::thread_named(trace, "worker-0");
  const sim::BlockedThread* main = test::blocked_entry(trace, sim::kMainThread);
  const sim::BlockedThread* w = test::blocked_entry(trace, worker);
  REQUIRE(main != nullptr);
  REQUIRE(w != nullptr);
  CHECK(main->waits_for == "worker-0 to finish");
  CHECK(w->op == sim::OpKind::kFutureResult);
  CHECK(trace.object_names.at(w->object) == "f");
  CHECK(w->waits_for ==
        "future f (pow), which has not started: it waits in the queue, and the only worker (worker-0) is the "
        "thread waiting for it");
  CHECK(w->blocker == worker);
  CHECK(checker::finding_headline(trace) == "deadlock: worker-0 -> future f -> worker-0");
  CHECK(checker::explain_finding(trace).find("The thread waits for itself, so it can never run again.") !=
        std::string::npos);
  CHECK(trace.output.empty());
  require_replays(model, result.bugs[0]);
}

TEST_CASE("nested-submit, two workers: the second worker runs pow; 25 and DONE!") {
  // No deadlock. The two schedules in which interpreter exit shuts the executor down
  // before the task's submit (as with one worker: the second worker does not exist
  // yet then) print nothing.
  const checker::ExploreResult result =
      checker::explore(test::model("nested-submit", {{"workers", "2"}}), test::dfs_all());
  CHECK(result.exhaustive);
  CHECK(result.bugs.empty());
  std::map<std::string, std::uint64_t> counts;
  for (const checker::OutcomeCount& oc : result.outcomes) counts[std::get<std::string>(oc.value)] = oc.count;
  REQUIRE(counts.size() == 2);
  CHECK(counts.count("printed 25 DONE!") == 1);
  CHECK(counts["printed nothing: wait_on_future raised RuntimeError(cannot schedule new futures after shutdown)"] == 2);
  // The schedule that runs the newest thread first: the task submits pow before main
  // gets to its exit.
  sim::Runtime runtime;
  NewestFirst scheduler;
  const checker::Trace run =
      checker::to_trace(runtime.run(test::model("nested-submit", {{"workers", "2"}}).main, scheduler, {}));
  CHECK(run.outcome == sim::Outcome{std::string("printed 25 DONE!")});
  CHECK(timed_lines(run) == std::vector<std::pair<sim::Nanos, std::string>>{{0, "25"}, {0, "DONE!"}});
}

TEST_CASE("future-timeout: TimeoutError in every schedule; done() at the time tie is True or False") {
  // result(timeout=0.5) on a 1 s task times out at 0.5 s. The second task is submitted
  // at 0.5 s and sleeps 5 s; main sleeps 5 s: both wake at 5.5 s, and main's done()
  // may come before or after the task's finish.
  const checker::ExploreResult result = checker::explore(test::model("future-timeout"), test::dfs_all());
  CHECK(result.exhaustive);
  CHECK(result.bugs.empty());
  CHECK(test::string_outcomes(result) ==
        std::set<std::string>{"result(timeout): TimeoutError; done(): False, then False",
                              "result(timeout): TimeoutError; done(): False, then True"});
  // Main sleeping 6 s (the seed's thread-pool cell) or 4 s leaves no tie.
  for (const auto& [sleep, second] : std::vector<std::pair<std::string, std::string>>{{"6", "True"}, {"4", "False"}}) {
    CAPTURE(sleep);
    const checker::ExploreResult r =
        checker::explore(test::model("future-timeout", {{"main-sleep", sleep}}), test::dfs_all());
    CHECK(r.exhaustive);
    CHECK(test::string_outcomes(r) ==
          std::set<std::string>{"result(timeout): TimeoutError; done(): False, then " + second});
  }
  const checker::Trace run = checker::to_trace(test::run_once(test::model("future-timeout").main));
  CHECK(timed_lines(run) == std::vector<std::pair<sim::Nanos, std::string>>{
                                {kSecond / 2, "TimeoutError()"},
                                {kSecond / 2, "False"},
                                {kSecond, "Python_bivittatus_1701.jpg was downloaded..."},
                                {11 * kSecond / 2, "False"}});
  CHECK(run.duration == 11 * kSecond / 2);
}

TEST_CASE("as-completed: map in submission order, as_completed in completion order") {
  // Small pools DFS finishes: distinct completion times give one order; a tie (two
  // tasks finishing at the same instant) gives both.
  for (const auto& [workers, durations] :
       std::vector<std::pair<int, std::string>>{{3, "132"}, {1, "312"}, {2, "21"}, {2, "11"}}) {
    CAPTURE(workers);
    CAPTURE(durations);
    const checker::ExploreResult result = checker::explore(as_completed_model(workers, durations), test::dfs_all());
    CHECK(result.exhaustive);
    CHECK(result.bugs.empty());
    CHECK(test::string_outcomes(result) == expected_orders(workers, digits(durations)));
  }
  CHECK(expected_orders(3, {1, 3, 2}) == std::set<std::string>{"map: 0 1 2; as_completed: 0 2 1"});
  CHECK(expected_orders(2, {1, 1}) ==
        std::set<std::string>{"map: 0 1; as_completed: 0 1", "map: 0 1; as_completed: 1 0"});
}

TEST_CASE("as-completed: the seed's five tasks print the seed's order") {
  const sim::ModelInstance model = test::model("as-completed");
  const std::string expected = "map: 0 1 2 3 4; as_completed: 0 2 1 3 4";
  CHECK(expected_orders(5, {1, 3, 2, 4, 5}) == std::set<std::string>{expected});
  const checker::Trace run = checker::to_trace(test::run_once(model.main));
  CHECK(run.outcome == sim::Outcome{expected});
  CHECK(timed_lines(run) ==
        std::vector<std::pair<sim::Nanos, std::string>>{
            {5 * kSecond, "['Return of 0', 'Return of 1', 'Return of 2', 'Return of 3', 'Return of 4']"},
            {10 * kSecond, "['Return of 0', 'Return of 2', 'Return of 1', 'Return of 3', 'Return of 4']"}});
  // Too many schedules for DFS (5 workers start at the same instant); a random sample.
  checker::ExploreOptions options = test::random_first_bug(3, 100);
  options.stop_at_first_bug = false;
  const checker::ExploreResult sample = checker::explore(model, options);
  CHECK(sample.bugs.empty());
  CHECK(test::string_outcomes(sample) == std::set<std::string>{expected});
}

}  // TEST_SUITE
