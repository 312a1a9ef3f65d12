// A search strategy: a Scheduler that also knows how to move from one execution to
// the next. Each strategy is one small file in checker/strategies/.
#pragma once

#include "sim/execution.hpp"
#include "sim/scheduler.hpp"

#include <string>

namespace checker {

class Strategy : public sim::Scheduler {
 public:
  // Prepares the next execution; false when the strategy has nothing left to run.
  virtual bool next_execution() = 0;
  // Called after each execution with its record, before next_execution(): strategies
  // that learn from what ran (partial-order reduction) look at the steps here.
  virtual void execution_finished(const sim::ExecutionRecord&) {}
  // True when running out of executions means every schedule was covered.
  virtual bool exhaustive_when_done() const { return false; }
  // How the search is described in a certificate, e.g. "DFS" or "random (seed 7)".
  virtual std::string describe() const = 0;
};

}  // namespace checker
