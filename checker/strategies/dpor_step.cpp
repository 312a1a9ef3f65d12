#include "checker/strategies/dpor_step.hpp"

namespace checker::dpor {

void Step::add(std::uint32_t object, Mode mode) {
  for (std::uint8_t i = 0; i < count; ++i) {
    if (accesses[i].object != object) continue;
    if (mode == Mode::kWrite) accesses[i].mode = Mode::kWrite;
    return;
  }
  if (count == kMaxAccesses) {
    global = true;  // too many to list: dependent with everything, which is always sound
    return;
  }
  accesses[count++] = {object, mode};
}

void Step::add_operation(sim::OpKind kind, sim::ObjectId object, bool pending) {
  using sim::OpKind;
  switch (kind) {
    case OpKind::kLoad:
      add(object, Mode::kRead);
      return;
    case OpKind::kStore:
    case OpKind::kAcquire:
    case OpKind::kTryAcquire:
    case OpKind::kRelease:
      add(object, Mode::kWrite);
      return;
    case OpKind::kWrite:
      add(kStdout, Mode::kWrite);
      return;
    case OpKind::kRandom:
      add(kRandomStream, Mode::kWrite);
      return;
    case OpKind::kSleep:
    case OpKind::kYield:
      if (object != sim::kNoObject) global = true;  // e.g. an asyncio sleep on its loop
      return;
    case OpKind::kStart:
      // The runtime numbers threads in the order they are created and DPOR names threads
      // by these numbers from one execution to the next, so a step that starts a thread
      // keeps its place relative to every other step. (Starts before the first scheduling
      // point, where models usually start their threads, are in no step.)
      if (!pending) global = true;
      return;
    case OpKind::kJoin:
      // A join chosen at a scheduling point (one with a timeout) reads whether the thread
      // has finished; a join that completed (eagerly, or on a finished thread) only orders.
      if (pending) add(kThreadObject | object, Mode::kRead);
      return;
    case OpKind::kFinish:
      add(kThreadObject | object, Mode::kWrite);
      return;
    default:
      global = true;
      return;
  }
}

}  // namespace checker::dpor
