// threading.local (sim::Local): each thread sees only its own value, a value is absent
// until the thread sets it (hasattr is False), get_or_emplace builds it once per
// thread, and no access is a visible step (the only steps are the threads' own).
#include "support.hpp"

#include "sim/local.hpp"
#include "sim/output.hpp"

#include <doctest/doctest.h>

#include <string>
#include <vector>

TEST_SUITE("local") {

TEST_CASE("each thread sees only its own value; none until it sets one") {
  const sim::ExecutionRecord record = test::run_once([] {
    sim::Local<std::string> mydata;
    std::string seen;
    mydata.set("main's");
    sim::Thread a([&] {
      seen += mydata.find() == nullptr ? "a:none," : "a:some,";  // hasattr(mydata, ...)
      mydata.set("a's");
      seen += "a:" + *mydata.find() + ",";
    }, "a");
    sim::Thread b([&] {
      seen += mydata.find() == nullptr ? "b:none," : "b:some,";
      mydata.get_or_emplace("b's");
      seen += "b:" + *mydata.find() + ",";
      mydata.erase();  // del mydata.x
      seen += mydata.find() == nullptr ? "b:erased," : "b:kept,";
    }, "b");
    a.start();
    b.start();
    a.join();
    b.join();
    seen += "main:" + *mydata.find();
    sim::outcome(seen);
  });
  CHECK_FALSE(record.finding.has_value());
  // Threads started eagerly run to their first visible step (here: their end), in order.
  CHECK(record.outcome == sim::Outcome{std::string("a:none,a:a's,b:none,b:b's,b:erased,main:main's")});
}

TEST_CASE("get_or_emplace constructs once per thread (the seed's get_session)") {
  const sim::ExecutionRecord record = test::run_once([] {
    sim::Local<int> session;
    int sessions_created = 0;
    auto get_session = [&]() -> int& {
      if (session.find() == nullptr) session.set(++sessions_created);  // requests.Session()
      return *session.find();
    };
    std::vector<int> used;
    std::vector<sim::Thread> threads;
    for (int i = 0; i < 3; ++i) {
      threads.emplace_back([&] {
        for (int k = 0; k < 2; ++k) used.push_back(get_session());
        used.push_back(session.get_or_emplace(-1));  // already there: not rebuilt
      });
    }
    for (sim::Thread& t : threads) t.start();
    for (sim::Thread& t : threads) t.join();
    sim::outcome(std::to_string(sessions_created));
    std::string u;
    for (int v : used) u += std::to_string(v);
    sim::check(u == "111222333", "sessions: " + u);
  });
  CHECK_FALSE(record.finding.has_value());
  CHECK(record.outcome == sim::Outcome{std::string("3")});
}

TEST_CASE("a local access is not a visible step") {
  // Two threads that only use a Local have no steps but start, join and finish, so
  // DFS runs exactly one execution: each thread runs to its end when started.
  const checker::ExploreResult result = checker::explore(test::inline_model("local", [] {
    sim::Local<int> x;
    sim::Thread a([&] { x.set(1); x.set(*x.find() + 1); });
    sim::Thread b([&] { x.set(5); });
    a.start();
    b.start();
    a.join();
    b.join();
  }), test::dfs_all());
  CHECK(result.exhaustive);
  CHECK(result.bugs.empty());
  CHECK(result.executions == 1);
  const sim::ExecutionRecord record = test::run_once([] {
    sim::Local<int> x;
    sim::Thread a([&] { x.set(1); x.get_or_emplace(2); x.erase(); });
    a.start();
    a.join();
  });
  for (const sim::Event& e : record.events) {
    CAPTURE(sim::op_name(e.kind));
    CHECK((e.kind == sim::OpKind::kStart || e.kind == sim::OpKind::kJoin || e.kind == sim::OpKind::kFinish));
  }
}

}  // TEST_SUITE
