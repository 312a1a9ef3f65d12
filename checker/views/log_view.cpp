#include "checker/views/log_view.hpp"

#include "checker/views/steps.hpp"

#include <fmt/format.h>

#include <algorithm>

namespace checker::views {

namespace {

std::string time_text(sim::Nanos time) {
  return fmt::format("[{:>10.6f} s]", static_cast<double>(time) / 1e9);
}

}  // namespace

std::string render_log(const Trace& trace) {
  std::size_t width = 6;
  for (const std::string& name : trace.thread_names) width = std::max(width, name.size());

  // Each printed line right after the write that ended it (lines are in that order).
  std::size_t next_line = 0;
  const auto print_lines_after = [&](std::size_t event, std::string& text) {
    while (next_line < trace.output.size() && std::min(trace.output[next_line].step, trace.events.size()) == event) {
      const sim::OutputLine& line = trace.output[next_line++];
      text += fmt::format("{} {:>5}  {:<{}}  | {}\n", time_text(line.time), "", thread_label(trace, line.thread),
                          width, line.text);
    }
  };

  std::string text = fmt::format("{:<15} {:>5}  {:<{}}  {}\n", "virtual time", "step", "thread", width, "operation");
  for (std::size_t i = 0; i < trace.events.size(); ++i) {
    const sim::Event& e = trace.events[i];
    text += fmt::format("{} {:>5}  {:<{}}  {}\n", time_text(e.time), i + 1, thread_label(trace, e.thread), width,
                        step_text(trace, e));
    print_lines_after(i, text);
  }
  print_lines_after(trace.events.size(), text);
  if (trace.finding) {
    text += fmt::format("{} {:>5}  {:<{}}  {}: {}\n", time_text(trace.duration), "",
                        trace.finding->thread == sim::kNoThread ? "" : thread_label(trace, trace.finding->thread),
                        width, sim::finding_kind_name(trace.finding->kind), trace.finding->message);
  }
  return text;
}

}  // namespace checker::views
