// The model shown in the README's "Writing a model" section, kept compiling and true.
#include "checker/explore.hpp"
#include "sim/check.hpp"
#include "sim/lock.hpp"
#include "sim/shared.hpp"
#include "sim/thread.hpp"

#include <doctest/doctest.h>

#include <mutex>

namespace {

void two_increments() {
  sim::Shared<int> counter("counter", 0);
  sim::Lock lock("lock");
  auto worker = [&] {
    std::scoped_lock with_lock(lock);   // with lock:
    counter.store(counter.load() + 1);  //   counter += 1  (load, then store)
  };
  sim::Thread a(worker), b(worker);
  a.start(); b.start();
  a.join(); b.join();
  sim::outcome(counter.load());  // collected into the outcome set
  sim::check(counter.load() == 2, "lost update");
}

}  // namespace

TEST_CASE("the README's model runs as the README says: always 2, no bug, exhaustively") {
  checker::ExploreOptions options;
  options.stop_at_first_bug = false;
  const checker::ExploreResult result =
      checker::explore(sim::ModelInstance{"mine", {}, two_increments}, options);
  CHECK(result.exhaustive);
  CHECK(result.bugs.empty());
  REQUIRE(result.outcomes.size() == 1);
  CHECK(result.outcomes[0].value == sim::Outcome{std::int64_t{2}});
  // Two critical sections of acquire, load, store, release: 2 orders of the sections,
  // each with the final two loads of main forced.
  CHECK(result.executions == 2);
}
