#include "checker/views/steps.hpp"

namespace checker::views {

const std::string& thread_label(const Trace& trace, sim::ThreadId id) {
  static const std::string unknown = "?";
  return id < trace.thread_names.size() ? trace.thread_names[id] : unknown;
}

std::string step_text(const Trace& trace, const sim::Event& e) {
  std::string text(sim::op_name(e.kind));
  if (e.object != sim::kNoObject) {
    const bool names_thread =
        e.kind == sim::OpKind::kStart || e.kind == sim::OpKind::kJoin || e.kind == sim::OpKind::kFinish;
    if (names_thread) {
      text += " " + thread_label(trace, e.object);
    } else {
      text += " " + (e.object < trace.object_names.size() ? trace.object_names[e.object] : std::string("?"));
    }
  }
  if (!e.has_value) return text;
  switch (e.kind) {
    case sim::OpKind::kLoad: return text + " -> " + std::to_string(e.value);
    case sim::OpKind::kStore: return text + " = " + std::to_string(e.value);
    case sim::OpKind::kTryAcquire: return text + (e.value != 0 ? ": ok" : ": failed");
    default: return text + " (" + std::to_string(e.value) + ")";
  }
}

}  // namespace checker::views
