#include "checker/report.hpp"

#include "checker/wait_for.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <map>
#include <optional>
#include <vector>

namespace checker {

namespace {

const std::string& thread_name(const Trace& trace, sim::ThreadId id) {
  static const std::string unknown = "?";
  return id < trace.thread_names.size() ? trace.thread_names[id] : unknown;
}

// The name of the object an event or a pending operation refers to.
std::string object_label(const Trace& trace, sim::OpKind op, sim::ObjectId object) {
  if (object == sim::kNoObject) return "";
  if (op == sim::OpKind::kStart || op == sim::OpKind::kJoin || op == sim::OpKind::kFinish) {
    return thread_name(trace, object);
  }
  return object < trace.object_names.size() ? trace.object_names[object] : "?";
}

}  // namespace

// What each thread holds at the end of the trace, by the effect of its steps: for each
// thread, the objects it acquired and has not released, with how many acquisitions
// are outstanding. The trace does not say which primitive an object is, but the
// steps do: a Lock records acquire and release without a value, and any thread's
// release frees it (CPython allows that); an RLock records its count after each
// step, so a nested release (count > 0) keeps it held and only a release to count 0
// frees it (a Condition's wait, too, releases it to 0 and its re-acquire restores the
// count); a Semaphore records the permits left, and each acquire takes a permit the
// thread holds until it releases one. Successful try-acquires count as acquires.
std::map<sim::ThreadId, std::vector<std::pair<sim::ObjectId, std::int64_t>>> holdings(const Trace& trace) {
  std::map<sim::ObjectId, std::map<sim::ThreadId, std::int64_t>> held;  // object -> thread -> acquisitions
  std::map<sim::ObjectId, bool> freed_to_zero;  // last release left an RLock at count 0
  for (const sim::Event& e : trace.events) {
    if (e.kind != sim::OpKind::kAcquire && e.kind != sim::OpKind::kTryAcquire && e.kind != sim::OpKind::kRelease) {
      continue;
    }
    auto& by_thread = held[e.object];
    switch (e.kind) {
      case sim::OpKind::kAcquire:
        // An RLock re-acquired after a release to 0 (a Condition wait's restore)
        // records the count it restores; otherwise an acquire adds one.
        if (e.has_value && freed_to_zero[e.object]) {
          by_thread[e.thread] = e.value;
        } else {
          ++by_thread[e.thread];
        }
        freed_to_zero[e.object] = false;
        break;
      case sim::OpKind::kTryAcquire:
        if (e.value == 1) {
          ++by_thread[e.thread];
          freed_to_zero[e.object] = false;
        }
        break;
      case sim::OpKind::kRelease:
        if (!e.has_value || e.value == 0) {
          // A Lock's release (by any thread), or an RLock's last one: nobody holds it.
          by_thread.clear();
          freed_to_zero[e.object] = e.has_value;
        } else if (by_thread[e.thread] > 0) {
          --by_thread[e.thread];  // one RLock level, or one Semaphore permit
        }
        break;
      default:
        break;
    }
  }
  std::map<sim::ThreadId, std::vector<std::pair<sim::ObjectId, std::int64_t>>> result;
  for (const auto& [object, by_thread] : held) {
    for (const auto& [thread, count] : by_thread) {
      if (count > 0) result[thread].emplace_back(object, count);
    }
  }
  return result;
}

// The task each executor worker is running at the end of the trace (started and not
// finished), by the name of its future: a worker is then named after its work,
// "worker-1 (running consumer)", since its own name says nothing of the program.
std::map<sim::ThreadId, sim::ObjectId> running_tasks(const Trace& trace) {
  std::map<sim::ThreadId, sim::ObjectId> running;
  for (const sim::Event& e : trace.events) {
    if (e.kind == sim::OpKind::kTaskStart) running[e.thread] = e.object;
    if (e.kind == sim::OpKind::kTaskFinish) running.erase(e.thread);
  }
  return running;
}

namespace {

const sim::BlockedThread* blocked_entry(const sim::Finding& finding, sim::ThreadId id) {
  for (const sim::BlockedThread& b : finding.blocked) {
    if (b.thread == id) return &b;
  }
  return nullptr;
}

// The first cycle found by following "waits for" edges from each blocked thread.
std::vector<sim::ThreadId> wait_for_cycle(const sim::Finding& finding) {
  for (const sim::BlockedThread& start : finding.blocked) {
    std::vector<sim::ThreadId> path;
    sim::ThreadId at = start.thread;
    while (true) {
      const auto seen = std::find(path.begin(), path.end(), at);
      if (seen != path.end()) return {seen, path.end()};
      const sim::BlockedThread* entry = blocked_entry(finding, at);
      if (entry == nullptr || entry->blocker == sim::kNoThread) break;
      path.push_back(at);
      at = entry->blocker;
    }
  }
  return {};
}

// What a blocked thread waits on, as a node of the cycle: "fork-1", "future b".
std::string wait_node(const Trace& trace, const sim::BlockedThread& b) {
  if (b.op == sim::OpKind::kJoin) return "join " + thread_name(trace, b.object);
  if (b.op == sim::OpKind::kFutureResult) return "future " + object_label(trace, b.op, b.object);
  return object_label(trace, b.op, b.object);
}

std::string cycle_text(const Trace& trace, const std::vector<sim::ThreadId>& cycle) {
  std::string text;
  for (sim::ThreadId id : cycle) {
    text += thread_name(trace, id) + " -> " + wait_node(trace, *blocked_entry(*trace.finding, id)) + " -> ";
  }
  return text + thread_name(trace, cycle.front());
}

// Stores that overwrote another thread's store their writer never read: the classic
// lost update ("T loaded x, U stored x, then T stored x over it").
std::string lost_update_notes(const Trace& trace) {
  struct LastAccess {
    std::size_t step = 0;  // 1-based row in the column view; 0 = none
    std::int64_t value = 0;
  };
  std::map<std::pair<sim::ObjectId, sim::ThreadId>, LastAccess> last_load;
  std::map<sim::ObjectId, std::pair<sim::ThreadId, LastAccess>> last_store;
  std::string notes;
  int shown = 0;
  for (std::size_t i = 0; i < trace.events.size(); ++i) {
    const sim::Event& e = trace.events[i];
    const LastAccess here{i + 1, e.value};
    if (e.kind == sim::OpKind::kLoad) last_load[{e.object, e.thread}] = here;
    if (e.kind != sim::OpKind::kStore) continue;
    const auto load = last_load.find({e.object, e.thread});
    const auto store = last_store.find(e.object);
    if (load != last_load.end() && store != last_store.end() && store->second.first != e.thread &&
        store->second.second.step > load->second.step && shown++ < 3) {
      const std::string& x = trace.object_names[e.object];
      notes += fmt::format(
          "  Lost update: {} loaded {} = {} (step {}), {} then stored {} = {} (step {}), and {} "
          "stored {} = {} (step {}) over it, never having seen that write.\n",
          thread_name(trace, e.thread), x, load->second.value, load->second.step,
          thread_name(trace, store->second.first), x, store->second.second.value,
          store->second.second.step, thread_name(trace, e.thread), x, e.value, i + 1);
    }
    last_store[e.object] = {e.thread, here};
  }
  return notes;
}

std::string event_text(const Trace& trace, const sim::Event& e) {
  const std::string object = object_label(trace, e.kind, e.object);
  std::string text(sim::op_name(e.kind));
  if (!object.empty()) text += " " + object;
  if (!e.has_value) return text;
  switch (e.kind) {
    case sim::OpKind::kLoad: return text + " -> " + std::to_string(e.value);
    case sim::OpKind::kStore: return text + " = " + std::to_string(e.value);
    case sim::OpKind::kTryAcquire: return text + (e.value != 0 ? ": ok" : ": failed");
    default: return text + " (" + std::to_string(e.value) + ")";
  }
}

// `finished`: the thread of the latest finish step. A finished thread's joiner runs
// eagerly (its join is the step just before), and then the finished thread's slot makes
// the choice, so a kFinished reason names it, not the joiner.
std::string switch_note(const Trace& trace, const sim::Event& e, sim::ThreadId previous, sim::ThreadId finished) {
  if (previous == sim::kNoThread || e.thread == previous) return "";
  const std::string& who = thread_name(trace, previous);
  if (e.decision == 0 || e.decision > trace.choices.size() || trace.choices[e.decision - 1] != e.thread) {
    return "";  // an eager run after start or join, not a scheduling choice
  }
  switch (trace.reasons[e.decision - 1]) {
    case sim::SwitchReason::kPreempted: return "preempts " + who;
    case sim::SwitchReason::kBlocked: return who + " is blocked";
    case sim::SwitchReason::kFinished:
      return thread_name(trace, finished == sim::kNoThread ? previous : finished) + " finished";
    case sim::SwitchReason::kContinued: return "";
  }
  return "";
}

}  // namespace

std::string outcome_text(const sim::Outcome& outcome) {
  if (const auto* number = std::get_if<std::int64_t>(&outcome)) return std::to_string(*number);
  return std::get<std::string>(outcome);
}

std::string finding_headline(const Trace& trace) {
  const sim::Finding& f = *trace.finding;
  const std::string kind(sim::finding_kind_name(f.kind));
  if (f.kind == sim::FindingKind::kDeadlock) {
    const auto cycle = wait_for_cycle(f);
    if (!cycle.empty()) return kind + ": " + cycle_text(trace, cycle);
    return kind + ": " + f.message;
  }
  return kind + " in " + thread_name(trace, f.thread) + ": " + f.message;
}

std::string explain_finding(const Trace& trace) {
  const sim::Finding& f = *trace.finding;
  const std::string& who = thread_name(trace, f.thread);
  switch (f.kind) {
    case sim::FindingKind::kDeadlock:
      return explain_wait_for(trace);
    case sim::FindingKind::kAssertion:
      return "Assertion failed in " + who + ": " + f.message + ".\n" + lost_update_notes(trace);
    case sim::FindingKind::kUncaughtException:
      return who + " raised an exception that nothing caught: " + f.message + ".\n";
    case sim::FindingKind::kStepBound:
      return "Non-termination in " + who + ": " + f.message + "\n" + explain_partial_deadlock(trace);
    case sim::FindingKind::kMisuse:
      return "Misuse in " + who + ": " + f.message + ".\n";
    case sim::FindingKind::kDaemonCutOff:
      return "Daemon cut off: " + f.message + ".\nJoin the thread (or make it non-daemon) if its work must finish.\n";
    case sim::FindingKind::kDataRace:
      return "Data race: " + f.message +
             ".\nAnother run may do them in the other order: guard both with the same lock, or hand the value over "
             "through a queue, a join or a future.\n";
  }
  return f.message + "\n";
}

std::string seconds_text(sim::Nanos nanos) {
  return fmt::format("{:.2f} s", static_cast<double>(nanos) / 1e9);
}

std::string render_output(const Trace& trace) {
  std::string text;
  for (const sim::OutputLine& line : trace.output) {
    text += fmt::format("[{:>8.3f} s] {}\n", static_cast<double>(line.time) / 1e9, line.text);
  }
  return text + "simulated duration: " + seconds_text(trace.duration) + "\n";
}

std::string explain_cut_off(const Trace& trace) {
  std::string text;
  for (const sim::CutOffDaemon& d : trace.cut_off_daemons) {
    text += "daemon thread " + thread_name(trace, d.thread) +
            " was cut off when the main thread finished, " + d.doing + "\n";
  }
  return text;
}

std::string render_columns(const Trace& trace) {
  std::size_t width = 12;
  for (const std::string& name : trace.thread_names) width = std::max(width, name.size());
  for (const sim::Event& e : trace.events) width = std::max(width, event_text(trace, e).size());
  width += 2;

  std::string text = fmt::format("{:>5}  ", "step");
  for (const std::string& name : trace.thread_names) text += fmt::format("{:<{}}", name, width);
  text += "why\n";
  sim::ThreadId previous = sim::kNoThread;
  sim::ThreadId finished = sim::kNoThread;  // the thread of the latest finish step
  std::size_t row = 0;
  for (const sim::Event& e : trace.events) {
    text += fmt::format("{:>5}  ", ++row);
    for (sim::ThreadId column = 0; column < trace.thread_names.size(); ++column) {
      text += fmt::format("{:<{}}", column == e.thread ? event_text(trace, e) : "", width);
    }
    text += switch_note(trace, e, previous, finished);
    while (!text.empty() && text.back() == ' ') text.pop_back();
    text += "\n";
    previous = e.thread;
    if (e.kind == sim::OpKind::kFinish) finished = e.thread;
  }
  return text;
}

}  // namespace checker
