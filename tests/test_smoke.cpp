#include "checker/explore.hpp"
#include "models/registry.hpp"

#include <doctest/doctest.h>
#include <cstdio>

TEST_CASE("smoke") {
  auto m = models::instantiate("counter", {{"threads", "2"}, {"iters", "2"}});
  checker::ExploreOptions o; o.strategy = checker::StrategyKind::kDfs; o.stop_at_first_bug = false;
  auto r = checker::explore(m, o);
  std::printf("%s execs=%llu\n", r.certificate.c_str(), (unsigned long long)r.executions);
  for (auto& oc : r.outcomes) std::printf("  %lld x %llu\n", (long long)std::get<std::int64_t>(oc.value), (unsigned long long)oc.count);
  auto p = models::instantiate("philosophers", {{"n", "3"}});
  auto r2 = checker::explore(p, o);
  std::printf("%s execs=%llu bugs=%zu\n", r2.certificate.c_str(), (unsigned long long)r2.executions, r2.bugs.size());
  auto e = models::instantiate("executor-deadlock", {});
  auto r3 = checker::explore(e, o);
  std::printf("%s execs=%llu bugs=%zu\n", r3.certificate.c_str(), (unsigned long long)r3.executions, r3.bugs.size());
  for (auto& b : r3.bugs) { std::printf(" %s: %s\n", std::string(sim::finding_kind_name(b.trace.finding->kind)).c_str(), b.trace.finding->message.c_str()); for (auto& bl : b.trace.finding->blocked) std::printf("   %s waits for %s\n", b.trace.thread_names[bl.thread].c_str(), bl.waits_for.c_str()); }
}
