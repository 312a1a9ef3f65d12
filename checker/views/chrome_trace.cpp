#include "checker/views/chrome_trace.hpp"

#include "checker/views/steps.hpp"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <vector>

namespace checker::views {

namespace {

using Json = nlohmann::ordered_json;

constexpr int kPid = 1;

// Track ids start at 1: some viewers treat tid 0 as the idle task.
std::int64_t tid_of(sim::ThreadId thread) { return static_cast<std::int64_t>(thread) + 1; }

double seconds(sim::Nanos time) { return static_cast<double>(time) / 1e9; }

Json metadata(const char* name, std::int64_t tid, Json args) {
  return Json{{"name", name}, {"ph", "M"}, {"pid", kPid}, {"tid", tid}, {"args", std::move(args)}};
}

Json slice(std::string name, const char* category, std::int64_t begin_step, std::int64_t end_step,
           sim::ThreadId thread, Json args) {
  return Json{{"name", std::move(name)},
              {"cat", category},
              {"ph", "X"},
              {"ts", begin_step * kMicrosPerStep},
              {"dur", (end_step - begin_step) * kMicrosPerStep},
              {"pid", kPid},
              {"tid", tid_of(thread)},
              {"args", std::move(args)}};
}

// `scope` "t": on the thread's track; "g": across the whole timeline.
Json instant(std::string name, const char* category, std::int64_t at_step, sim::ThreadId thread, const char* scope,
             Json args) {
  return Json{{"name", std::move(name)}, {"cat", category}, {"ph", "i"},      {"ts", at_step * kMicrosPerStep},
              {"pid", kPid},             {"tid", tid_of(thread)}, {"s", scope}, {"args", std::move(args)}};
}

// Why the thread of `trace.events[i]` did not run its next step right away: the reason
// recorded at the scheduling point that followed step i, if one directly followed it.
std::optional<sim::SwitchReason> reason_after(const Trace& trace, std::size_t i) {
  const std::uint32_t point = trace.events[i].decision;
  const bool point_follows = i + 1 < trace.events.size() && trace.events[i + 1].decision > point;
  if (!point_follows || point >= trace.reasons.size()) return std::nullopt;
  return trace.reasons[point];
}

// A slice for the time between two steps of one thread (from step `after` to `before`).
Json waiting_slice(const Trace& trace, std::size_t after, std::size_t before) {
  const sim::ThreadId thread = trace.events[before].thread;
  const std::optional<sim::SwitchReason> why = reason_after(trace, after);
  const std::int64_t begin = static_cast<std::int64_t>(after) + 1;
  const std::int64_t end = static_cast<std::int64_t>(before);
  if (why == sim::SwitchReason::kBlocked && trace.events[before].kind == sim::OpKind::kSleep) {
    return slice("sleeping", "blocked", begin, end, thread, Json::object());
  }
  if (why == sim::SwitchReason::kBlocked) {
    return slice("blocked: " + step_text(trace, trace.events[before]), "blocked", begin, end, thread, Json::object());
  }
  if (why == sim::SwitchReason::kPreempted) return slice("preempted", "ready", begin, end, thread, Json::object());
  return slice("waiting", "ready", begin, end, thread, Json::object());
}

}  // namespace

std::string render_chrome_trace(const Trace& trace, const std::string& title) {
  std::vector<Json> events;
  events.push_back(metadata("process_name", tid_of(sim::kMainThread), Json{{"name", title}}));
  for (sim::ThreadId t = 0; t < trace.thread_names.size(); ++t) {
    events.push_back(metadata("thread_name", tid_of(t), Json{{"name", trace.thread_names[t]}}));
    events.push_back(metadata("thread_sort_index", tid_of(t), Json{{"sort_index", t}}));
  }

  // Where each thread's track last had something: after its last step, or after the
  // step that started it (a thread's own first step may come much later).
  std::vector<std::optional<std::size_t>> last(trace.thread_names.size());
  std::vector<std::int64_t> started(trace.thread_names.size(), 0);
  for (std::size_t i = 0; i < trace.events.size(); ++i) {
    const sim::Event& e = trace.events[i];
    if (e.thread >= last.size()) continue;
    if (last[e.thread] && *last[e.thread] + 1 < i) events.push_back(waiting_slice(trace, *last[e.thread], i));
    last[e.thread] = i;
    if (e.kind == sim::OpKind::kStart && e.object < started.size()) started[e.object] = static_cast<std::int64_t>(i) + 1;
    events.push_back(slice(step_text(trace, e), "step", static_cast<std::int64_t>(i), static_cast<std::int64_t>(i) + 1,
                           e.thread, Json{{"step", i + 1}, {"virtual_time_s", seconds(e.time)}}));
  }

  const auto end = static_cast<std::int64_t>(trace.events.size());
  for (const sim::OutputLine& line : trace.output) {
    const std::int64_t at = std::min(static_cast<std::int64_t>(line.step) + 1, end);  // the end of its write
    events.push_back(instant("print: " + line.text, "output", at, line.thread, "t",
                             Json{{"virtual_time_s", seconds(line.time)}}));
  }
  if (trace.finding) {
    // Threads blocked for good get one more step of timeline, so the last to block shows too.
    const std::int64_t forever = end + 1;
    for (const sim::BlockedThread& b : trace.finding->blocked) {
      if (b.thread >= last.size()) continue;
      const std::int64_t begin = last[b.thread] ? static_cast<std::int64_t>(*last[b.thread]) + 1 : started[b.thread];
      if (begin < forever) {
        events.push_back(slice("blocked: waits for " + b.waits_for, "blocked", begin, forever, b.thread,
                               Json{{"never_returns", true}}));
      }
    }
    const sim::Finding& f = *trace.finding;
    const bool global = f.thread == sim::kNoThread;
    events.push_back(instant(std::string(sim::finding_kind_name(f.kind)) + ": " + f.message, "finding", forever,
                             global ? sim::kMainThread : f.thread, global ? "g" : "t",
                             Json{{"virtual_time_s", seconds(trace.duration)}}));
  }
  for (const sim::CutOffDaemon& d : trace.cut_off_daemons) {
    events.push_back(instant("cut off: " + d.doing, "finding", end, d.thread, "t", Json{{"mid_work", d.mid_work}}));
  }

  std::string text = "{\"traceEvents\": [\n";
  for (std::size_t i = 0; i < events.size(); ++i) {
    text += "  " + events[i].dump(-1, ' ', false, Json::error_handler_t::replace) + (i + 1 < events.size() ? ",\n" : "\n");
  }
  const Json other{{"title", title},
                   {"time_axis", "one step = 1 ms on the timeline; each event's args give its virtual time"},
                   {"virtual_duration_s", seconds(trace.duration)}};
  return text + "],\n\"displayTimeUnit\": \"ms\",\n\"otherData\": " + other.dump() + "}\n";
}

}  // namespace checker::views
