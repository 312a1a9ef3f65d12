// Wall time of solver calls, for reports and benches only (never for a decision).
#pragma once

#include <chrono>

namespace checker::symbolic {

class Stopwatch {
 public:
  double seconds() const { return std::chrono::duration<double>(Clock::now() - start_).count(); }

 private:
  using Clock = std::chrono::steady_clock;
  Clock::time_point start_ = Clock::now();
};

}  // namespace checker::symbolic
