// threading.Event against CPython 3.11: set/clear/is_set, wait returning at once when
// set, waking at the set's virtual time, timing out at its deadline; a set() then
// clear() still releases the threads that were waiting (CPython's wait returns what
// Condition.wait returned), while a thread that looks after the clear waits on, and
// the hang that causes is found and explained.
#include "support.hpp"

#include "checker/report.hpp"
#include "sim/event.hpp"

#include <doctest/doctest.h>

#include <cstdint>
#include <set>
#include <string>
#include <vector>

namespace {

checker::ExploreResult explore_all(const std::function<void()>& main) {
  return checker::explore(test::inline_model("event", main), test::dfs_all());
}

constexpr sim::Nanos kMs = 1'000'000;

}  // namespace

TEST_SUITE("threading: Event") {

TEST_CASE("set, clear and is_set; wait returns at once, in one step, when set") {
  const sim::ExecutionRecord record = test::run_once([] {
    sim::ThreadingEvent e("e");
    std::string r;
    r += e.is_set() ? 'T' : 'F';
    e.set();
    r += e.is_set() ? 'T' : 'F';
    r += e.wait() ? 'T' : 'F';
    r += e.wait(0) ? 'T' : 'F';
    e.clear();
    r += e.is_set() ? 'T' : 'F';
    r += e.wait(0) ? 'T' : 'F';
    sim::outcome(r);
  });
  CHECK_FALSE(record.finding.has_value());
  CHECK(record.outcome == sim::Outcome{std::string("FTTTFF")});
  std::vector<sim::OpKind> kinds;
  std::vector<std::int64_t> values;  // -1: no value
  for (const sim::Event& ev : record.events) {
    if (ev.kind == sim::OpKind::kFinish) continue;
    kinds.push_back(ev.kind);
    values.push_back(ev.has_value ? ev.value : -1);
  }
  using K = sim::OpKind;
  // The waits on the set flag are one step each; the last wait(0) looks (kWait, no
  // value), then checks (kWait, 0).
  CHECK(kinds == std::vector<K>{K::kRead, K::kSet, K::kRead, K::kWait, K::kWait, K::kClear, K::kRead, K::kWait, K::kWait});
  CHECK(values == std::vector<std::int64_t>{0, -1, 1, 1, 1, -1, 0, -1, 0});
}

TEST_CASE("a waiter wakes at the set's virtual time; a timed wait gives up at its deadline") {
  const sim::ExecutionRecord record = test::run_once([] {
    sim::ThreadingEvent e("e");
    sim::Thread setter([&e] {
      sim::sleep(1.5);
      e.set();
    }, "setter");
    setter.start();
    std::string r;
    r += e.wait(0.5) ? 'T' : 'F';  // gives up at 0.5 s
    r += e.wait() ? 'T' : 'F';     // woken at 1.5 s
    setter.join();
    sim::outcome(r);
  });
  CHECK_FALSE(record.finding.has_value());
  CHECK(record.outcome == sim::Outcome{std::string("FT")});
  std::vector<std::pair<std::int64_t, sim::Nanos>> ends;
  for (const sim::Event& ev : record.events) {
    if (ev.kind == sim::OpKind::kWait && ev.has_value) ends.emplace_back(ev.value, ev.time);
  }
  CHECK(ends == std::vector<std::pair<std::int64_t, sim::Nanos>>{{0, 500 * kMs}, {1, 1500 * kMs}});
  CHECK(record.duration == 1500 * kMs);
}

TEST_CASE("set() then clear() still releases the threads that were waiting") {
  // The waiter is waiting by the time the clock reaches 1 s; the pulse at 1 s wakes
  // it in every schedule, although the flag is already clear when it runs.
  const checker::ExploreResult result = explore_all([] {
    sim::ThreadingEvent e("e");
    bool woke = false;
    sim::Thread waiter([&] { woke = e.wait(); }, "waiter");
    waiter.start();
    sim::sleep(1);
    e.set();
    e.clear();
    waiter.join();
    sim::outcome(std::int64_t{woke});
  });
  CHECK(result.exhaustive);
  CHECK(result.bugs.empty());
  CHECK(test::int_outcomes(result) == std::set<std::int64_t>{1});
}

TEST_CASE("a waiter that looks after the clear hangs: found, and explained") {
  // Without the sleep, the waiter may look before the set, between set and clear, or
  // after the clear: only the last hangs.
  const checker::ExploreResult result = explore_all([] {
    sim::ThreadingEvent stop("stop");
    sim::Thread waiter([&stop] { stop.wait(); }, "waiter");
    waiter.start();
    stop.set();
    stop.clear();
    waiter.join();
    sim::outcome("joined");
  });
  CHECK(result.exhaustive);
  CHECK(test::string_outcomes(result) == std::set<std::string>{"joined"});
  REQUIRE(result.bugs.size() == 1);
  CHECK(result.bugs[0].occurrences < result.executions);
  const checker::Trace& trace = result.bugs[0].trace;
  CHECK(trace.finding->kind == sim::FindingKind::kDeadlock);
  const sim::BlockedThread* w = test::blocked_entry(trace, test::thread_named(trace, "waiter"));
  REQUIRE(w != nullptr);
  CHECK(w->op == sim::OpKind::kWait);
  CHECK(trace.object_names.at(w->object) == "stop");
  CHECK(w->blocker == sim::kNoThread);
  CHECK(w->waits_for == "event stop (not set; nobody sets it anymore)");
  CHECK(checker::explain_finding(trace).find("waiter waits for event stop (not set; nobody sets it anymore)") !=
        std::string::npos);
}

TEST_CASE("a wait that nobody sets hangs") {
  const sim::ExecutionRecord record = test::run_once([] {
    sim::ThreadingEvent e("ready");
    e.wait();
  });
  REQUIRE(record.finding.has_value());
  CHECK(record.finding->kind == sim::FindingKind::kDeadlock);
  REQUIRE(record.finding->blocked.size() == 1);
  CHECK(record.finding->blocked[0].waits_for == "event ready (not set; nobody sets it anymore)");
}

TEST_CASE("set wakes every waiter") {
  const checker::ExploreResult result = explore_all([] {
    sim::ThreadingEvent e("e");
    int woke = 0;
    sim::Thread a([&] { woke += e.wait(); }), b([&] { woke += e.wait(); });
    a.start();
    b.start();
    e.set();
    a.join();
    b.join();
    sim::outcome(std::int64_t{woke});
  });
  CHECK(result.exhaustive);
  CHECK(result.bugs.empty());
  CHECK(test::int_outcomes(result) == std::set<std::int64_t>{2});
}

}  // TEST_SUITE
