#include "sim/thread.hpp"

#include "sim/runtime.hpp"

#include <utility>

namespace sim {

Thread::Thread(std::function<void()> target, std::string_view name, bool daemon)
    : id_(Runtime::current().create_thread(std::move(target), name, daemon)) {}

Thread::Thread(Thread&& other) noexcept : id_(std::exchange(other.id_, kNoThread)) {}

Thread::~Thread() {
  if (id_ == kNoThread) return;
  Runtime& rt = Runtime::current();
  if (rt.current_thread() != kMainThread || rt.is_finished(id_) || rt.unwinding()) return;
  if (rt.is_daemon(id_)) {
    rt.cut_off_daemon(id_);
  } else {
    rt.join_at_scope_exit(id_);
  }
}

void Thread::start() { Runtime::current().start_thread(id_); }
void Thread::join() { Runtime::current().join_thread(id_); }
void Thread::join(double timeout) { Runtime::current().join_thread(id_, timeout); }

bool Thread::is_alive() const {
  const Runtime& rt = Runtime::current();
  return rt.is_started(id_) && !rt.is_finished(id_);
}

const std::string& Thread::name() const { return Runtime::current().thread_name(id_); }
bool Thread::daemon() const { return Runtime::current().is_daemon(id_); }

}  // namespace sim
