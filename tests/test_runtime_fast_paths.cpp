// The runtime's shortcuts that keep a scheduling point cheap, in the cases where the
// slow path used to do the work implicitly: a joiner is not polled, so a joined thread
// that finishes without waking anybody (a daemon cut off) must still make it runnable.
#include "support.hpp"

#include "sim/lock.hpp"
#include "sim/shared.hpp"
#include "sim/thread.hpp"

#include <doctest/doctest.h>

#include <cstdint>
#include <optional>
#include <set>

TEST_CASE("a daemon joining a daemon that is cut off can run afterwards") {
  // `blocked` waits for a lock the main thread holds; `joiner` joins it. Cutting
  // `blocked` off finishes it without a normal finish (nobody is woken), so the main
  // thread's join on `joiner` deadlocks unless the joiner became runnable then.
  const auto model = [] {
    sim::Shared<std::int64_t> x("x", 0);
    sim::Lock lock("L");
    lock.acquire();
    std::optional<sim::Thread> blocked(std::in_place, [&lock] { lock.acquire(); }, "blocked", true);
    sim::Thread joiner([&] {
      blocked->join();
      x.store(1);
    }, "joiner", true);
    blocked->start();
    joiner.start();
    blocked.reset();  // cut off: it was idle, blocked on L
    joiner.join();
    sim::outcome(x.load());
  };
  checker::ExploreOptions options = test::dfs_all();
  options.stop_at_first_bug = false;
  const checker::ExploreResult result = checker::explore(test::inline_model("cut-off join", model), options);
  CHECK(result.exhaustive);
  CHECK(result.bugs.empty());
  CHECK(test::int_outcomes(result) == std::set<std::int64_t>{1});
}
