// threading.Thread: a handle on a modeled thread. Mirrors Python's start/join/
// is_alive/name/daemon. C++ lifetimes differ from Python's reference counting, so a
// handle destroyed on the main thread while its non-daemon thread still runs joins it
// first, as CPython's shutdown would: objects declared before the threads that use
// them therefore outlive those threads.
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
