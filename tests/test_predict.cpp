// `predict`: from one run that showed no bug, Z3 predicts the racy counter's and
// FakeDatabase's lost update and race, and the philosophers' deadlock; each prediction
// is reproduced by running its schedule on the fibers (and by checker::replay of the
// recorded choices), no solver answer fails to reproduce, and on the locked versions
// nothing is predicted: races are filtered by the common lock, lost updates are UNSAT.
#include "support.hpp"

#include "checker/symbolic/causal_trace.hpp"
#include "checker/symbolic/predict.hpp"
#include "checker/symbolic/reordering.hpp"
#include "sim/check.hpp"
#include "sim/event.hpp"
#include "sim/shared.hpp"
#include "sim/thread.hpp"

#include <doctest/doctest.h>

#include <algorithm>
#include <optional>

namespace {

checker::ExploreOptions time_ignored() {
  checker::ExploreOptions options;
  options.ignore_time = true;
  return options;
}

// The first random run (seeds 1, 2, ...) that ends without a finding.
checker::Trace clean_run(const sim::ModelInstance& model) {
  for (std::uint64_t seed = 1; seed <= 500; ++seed) {
    checker::Trace trace = checker::run_one(model, seed, time_ignored());
    if (!trace.finding) return trace;
  }
  FAIL("no random run without a finding in 500 seeds");
  return {};
}

const checker::symbolic::Prediction* find(const checker::symbolic::PredictResult& result,
                                          checker::symbolic::PredictionKind kind) {
  for (const auto& p : result.predictions) {
    if (p.kind == kind) return &p;
  }
  return nullptr;
}

void require_all_reproduced(const checker::symbolic::PredictResult& result) {
  CHECK(result.race.unconfirmed == 0);
  CHECK(result.lost_update.unconfirmed == 0);
  CHECK(result.deadlock.unconfirmed == 0);
}

// The prediction's recorded choices replay, outside predict, to the same finding.
void require_replays(const sim::ModelInstance& model, const checker::symbolic::Prediction& p) {
  const checker::ReplayResult again =
      checker::replay(model, p.replayed.choices, {.ignore_time = true, .draws = p.replayed.draws});
  REQUIRE_FALSE(again.divergence);
  test::require_same_trace(again.trace, p.replayed);
}

}  // namespace

TEST_SUITE("symbolic") {

TEST_CASE("predict: the counter's lost update and race from one run that passed") {
  const sim::ModelInstance model = test::counter(2, 2);
  const checker::Trace observed = clean_run(model);
  REQUIRE(observed.outcome == sim::Outcome{std::int64_t{4}});
  const auto result = checker::symbolic::predict_from(model, observed, time_ignored());
  require_all_reproduced(result);

  const auto* lost = find(result, checker::symbolic::PredictionKind::kLostUpdate);
  REQUIRE(lost != nullptr);
  REQUIRE(lost->replayed.finding);
  CHECK(lost->replayed.finding->kind == sim::FindingKind::kAssertion);
  REQUIRE(lost->replayed.outcome);
  CHECK(std::get<std::int64_t>(*lost->replayed.outcome) < 4);
  require_replays(model, *lost);

  const auto* race = find(result, checker::symbolic::PredictionKind::kRace);
  REQUIRE(race != nullptr);
  require_replays(model, *race);
  CHECK(result.deadlock.candidates == 0);
}

TEST_CASE("predict: FakeDatabase's lost update from one run that passed (time ignored)") {
  const sim::ModelInstance model = test::model("fake-database", {{"updates", "4"}});
  const checker::Trace observed = clean_run(model);
  const auto result = checker::symbolic::predict_from(model, observed, time_ignored());
  require_all_reproduced(result);
  const auto* lost = find(result, checker::symbolic::PredictionKind::kLostUpdate);
  REQUIRE(lost != nullptr);
  REQUIRE(lost->replayed.finding);
  CHECK(lost->replayed.finding->kind == sim::FindingKind::kAssertion);
  require_replays(model, *lost);
  CHECK(find(result, checker::symbolic::PredictionKind::kRace) != nullptr);
}

TEST_CASE("predict: correctly locked models predict nothing, and say why") {
  for (const sim::ModelInstance& model :
       {test::counter(2, 2, true), test::counter(5, 10, true),
        test::model("fake-database", {{"updates", "4"}, {"locked", "true"}})}) {
    CAPTURE(model.name);
    const checker::Trace observed = clean_run(model);
    const auto result = checker::symbolic::predict_from(model, observed, time_ignored());
    CHECK(result.predictions.empty());
    CHECK(result.race.candidates > 0);
    CHECK(result.race.filtered == result.race.candidates);  // every pair shares the lock
    CHECK(result.lost_update.queries > 0);
    CHECK(result.lost_update.sat == 0);  // UNSAT: no reordering reads another value
    CHECK(result.lost_update.unknown == 0);  // proven, not given up at the solver's time limit
  }
}

// The sum encoding of a locked read-modify-write variable (Reordering's
// keep_values_as_sums) against the general one, on every load of small locked runs as
// the load that must read another value: the same SAT/UNSAT answer each time. Worker
// loads can read other values (the critical sections can run in another order); the
// final load after the joins cannot.
TEST_CASE("predict: the locked-counter encoding answers as the general reads-from encoding") {
  std::size_t sat = 0;
  std::size_t unsat = 0;
  for (const sim::ModelInstance& model :
       {test::counter(2, 2, true), test::counter(3, 2, true),
        test::model("fake-database", {{"updates", "2"}, {"locked", "true"}})}) {
    CAPTURE(model.name);
    const checker::Trace observed = clean_run(model);
    const checker::symbolic::CausalTrace causal = checker::symbolic::build_causal_trace(observed);
    for (const checker::symbolic::SharedVariable& var : causal.variables) {
      for (const checker::symbolic::Access& load : var.accesses) {
        if (load.is_store) continue;
        CAPTURE(load.step);
        bool answers[2] = {};
        for (const bool sums : {true, false}) {
          checker::symbolic::Reordering r(causal, {0, load.step + 1});
          r.keep_feasible(r.order(load.step) + 1,
                          {.free_read_modify_write = true, .differs = load.step, .sums_when_locked = sums});
          answers[sums] = r.solve().has_value();
          REQUIRE_FALSE(r.unknown());
        }
        CHECK(answers[true] == answers[false]);
        ++(answers[true] ? sat : unsat);
      }
    }
  }
  CHECK(sat > 0);
  CHECK(unsat > 0);
}

namespace {

// Thread a stores x and then looks at an Event; thread b looks at the Event and then
// loads x. Two is_set() reads of an Event commute, so the store and the load are not
// ordered and race, although the run did both looks in a's-then-b's order. With a set()
// instead of a's look and a wait() instead of b's, the set orders the store before the
// load (the wait returned because of it) and nothing is predicted.
sim::ModelInstance event_handoff(bool set_and_wait) {
  return test::inline_model(set_and_wait ? "event set/wait" : "event is_set/is_set", [set_and_wait] {
    sim::Shared<std::int64_t> x{"x", 0};
    sim::ThreadingEvent e{"e"};
    sim::Thread a([&] {
      x.store(1);
      if (set_and_wait) {
        e.set();
      } else {
        (void)e.is_set();
      }
    }, "a");
    sim::Thread b([&] {
      if (set_and_wait) {
        e.wait();
      } else {
        (void)e.is_set();
      }
      sim::outcome(x.load());
    }, "b");
    a.start();
    b.start();
    a.join();
    b.join();
  });
}

// The first random run in which a did all its steps before b's first: an order of the
// Event's operations that would put a's store before b's load if the run's order of
// those operations were kept.
checker::Trace run_a_then_b(const sim::ModelInstance& model) {
  for (std::uint64_t seed = 1; seed <= 500; ++seed) {
    checker::Trace trace = checker::run_one(model, seed, time_ignored());
    const sim::ThreadId a = test::thread_named(trace, "a");
    const sim::ThreadId b = test::thread_named(trace, "b");
    const auto first_b = std::find(trace.choices.begin(), trace.choices.end(), b);
    if (std::find(first_b, trace.choices.end(), a) == trace.choices.end()) return trace;
  }
  FAIL("no run where a ran before b");
  return {};
}

}  // namespace

TEST_CASE("predict: reads of an Event commute; a set still orders the wait that returned") {
  const sim::ModelInstance looks = event_handoff(false);
  const auto racy = checker::symbolic::predict_from(looks, run_a_then_b(looks), time_ignored());
  require_all_reproduced(racy);
  const auto* race = find(racy, checker::symbolic::PredictionKind::kRace);
  REQUIRE(race != nullptr);
  CHECK(race->what.find("data race on x") != std::string::npos);
  require_replays(looks, *race);

  const sim::ModelInstance handoff = event_handoff(true);
  const auto ordered = checker::symbolic::predict_from(handoff, run_a_then_b(handoff), time_ignored());
  CHECK(ordered.predictions.empty());
  CHECK(ordered.race.candidates > 0);
  CHECK(ordered.race.filtered == ordered.race.candidates);  // set -> wait orders the store before the load
}

TEST_CASE("predict: the philosophers' deadlock from a run that did not deadlock") {
  for (int n : {2, 3, 5}) {
    CAPTURE(n);
    const sim::ModelInstance model = test::philosophers(n);
    const checker::Trace observed = clean_run(model);
    const auto result = checker::symbolic::predict_from(model, observed, time_ignored());
    require_all_reproduced(result);
    const auto* deadlock = find(result, checker::symbolic::PredictionKind::kDeadlock);
    REQUIRE(deadlock != nullptr);
    REQUIRE(deadlock->replayed.finding);
    CHECK(deadlock->replayed.finding->kind == sim::FindingKind::kDeadlock);
    CHECK(deadlock->replayed.finding->blocked.size() == static_cast<std::size_t>(n + 1));  // n philosophers and main
    require_replays(model, *deadlock);
  }
  const checker::Trace ordered = clean_run(test::philosophers(3, true));
  const auto none = checker::symbolic::predict_from(test::philosophers(3, true), ordered, time_ignored());
  CHECK(find(none, checker::symbolic::PredictionKind::kDeadlock) == nullptr);
  CHECK(none.deadlock.candidates == 0);  // ordered forks: the lock graph has no cycle
}

}  // TEST_SUITE

#if defined(INTERLEAVE_CLI_PATH)

#include <sys/wait.h>

#include <cstdio>
#include <cstdlib>
#include <string>

namespace {

struct CliResult {
  int code = -1;
  std::string err;
};

// Runs `interleave ARGS`, keeping stderr (stdout is discarded).
CliResult run_cli(const std::string& args) {
  const std::string command = std::string("'") + INTERLEAVE_CLI_PATH + "' " + args + " 2>&1 >/dev/null </dev/null";
  CliResult result;
  FILE* pipe = ::popen(command.c_str(), "r");
  REQUIRE(pipe != nullptr);
  char buffer[512];
  while (std::fgets(buffer, sizeof buffer, pipe) != nullptr) result.err += buffer;
  const int status = ::pclose(pipe);
  result.code = WIFEXITED(status) ? WEXITSTATUS(status) : 128;
  return result;
}

}  // namespace

TEST_SUITE("symbolic") {

TEST_CASE("predict and bounds: bad input is one line on stderr and exit 2") {
  for (const std::string args : {
           "predict nope",
           "predict counter --runs 0",
           "predict counter --seed x",
           "predict counter --threads 0",
           "bounds philosophers",
           "bounds counter --locked",
           "bounds counter --threads 5 --iters 5",
           "bounds counter --value x",
           "bounds counter --value -1",
       }) {
    CAPTURE(args);
    const CliResult run = run_cli(args);
    CHECK(run.code == 2);
    CHECK(run.err.rfind("interleave: error: ", 0) == 0);
    CHECK(std::count(run.err.begin(), run.err.end(), '\n') == 1);
  }
}

}  // TEST_SUITE

#endif
