// threading.Thread: a handle on a modeled thread. Mirrors Python's start/join/
// is_alive/name/daemon. C++ lifetimes differ from Python's reference counting, so the
// end of a handle on the main thread stands for interpreter exit: a non-daemon thread
// still running is joined first, and a daemon thread still running is cut off there
// (killed without cleanup, as CPython does), while the objects declared before the
// handle, which the thread uses, still exist. Keep handles alive until main returns.
#pragma once

#include "sim/ids.hpp"

#include <functional>
#include <string>
#include <string_view>

namespace sim {

class Thread {
 public:
  // `name` empty gives CPython's default "Thread-N".
  explicit Thread(std::function<void()> target, std::string_view name = {}, bool daemon = false);
  ~Thread();
  Thread(Thread&& other) noexcept;
  Thread(const Thread&) = delete;
  Thread& operator=(const Thread&) = delete;
  Thread& operator=(Thread&&) = delete;

  void start();
  void join();
  // join(timeout): returns when the thread finished or the timeout expired (check
  // is_alive(), as in Python).
  void join(double timeout);
  bool is_alive() const;
  const std::string& name() const;
  bool daemon() const;
  ThreadId id() const { return id_; }

 private:
  ThreadId id_;
};

}  // namespace sim
