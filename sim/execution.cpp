#include "sim/execution.hpp"

namespace sim {

std::string_view finding_kind_name(FindingKind kind) {
  switch (kind) {
    case FindingKind::kDeadlock: return "deadlock";
    case FindingKind::kAssertion: return "assertion";
    case FindingKind::kUncaughtException: return "uncaught-exception";
    case FindingKind::kStepBound: return "step-bound";
    case FindingKind::kMisuse: return "misuse";
    case FindingKind::kDaemonCutOff: return "daemon-cut-off";
    case FindingKind::kDataRace: return "data-race";
  }
  return "?";
}

// Keeps every vector's capacity, so steady-state executions do not allocate.
void ExecutionRecord::clear() {
  events.clear();
  choices.clear();
  reasons.clear();
  draws.clear();
  thread_names.clear();
  object_names.clear();
  outcome.reset();
  finding.reset();
  cut_off_daemons.clear();
  output.clear();
  abandoned = false;
  duration = 0;
}

}  // namespace sim
