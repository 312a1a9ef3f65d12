#include "checker/race_detector.hpp"

#include <algorithm>
#include <string_view>

namespace checker {

using sim::OpKind;

std::optional<DataRace> RaceDetector::find(std::span<const sim::Event> events, std::size_t threads,
                                           std::size_t objects) {
  threads_ = threads;
  hb_.reset(events, threads, objects);
  last_store_.assign(objects, Access{});
  loads_.assign(objects * threads, Access{});
  for (std::size_t i = 0; i < events.size(); ++i) {
    const sim::Event& e = events[i];
    hb_.before(e);
    const bool access = (e.kind == OpKind::kLoad || e.kind == OpKind::kStore) && e.object < objects &&
                        e.thread < threads;
    if (access) {
      if (const auto earlier = conflict(e)) return DataRace{*earlier, i};
      note(e, i);
    }
    hb_.after(e);
  }
  return std::nullopt;
}

// The earliest access that conflicts with `e` and does not happen before it.
std::optional<std::size_t> RaceDetector::conflict(const sim::Event& e) {
  std::optional<std::size_t> found;
  const auto consider = [&](const Access& a) {
    if (a.thread == sim::kNoThread || a.thread == e.thread || hb_.ordered(a.thread, a.epoch, e.thread)) return;
    if (!found || a.step < *found) found = a.step;
  };
  consider(last_store_[e.object]);
  if (e.kind == OpKind::kStore) {
    for (std::size_t u = 0; u < threads_; ++u) consider(loads_[e.object * threads_ + u]);
  }
  return found;
}

void RaceDetector::note(const sim::Event& e, std::size_t step) {
  const Access here{e.thread, hb_.epoch(e.thread), step};
  if (e.kind == OpKind::kLoad) {
    loads_[e.object * threads_ + e.thread] = here;
    return;
  }
  // Every earlier access is ordered before this store (else find() returned a race),
  // so anything ordered after the store is ordered after them: forget them.
  last_store_[e.object] = here;
  std::fill_n(loads_.begin() + static_cast<std::ptrdiff_t>(e.object * threads_), threads_, Access{});
}

std::string source_text(const sim::Event& e) {
  const std::string_view file = e.where.file_name();
  if (file.empty() || e.where.line() == 0) return "";
  // Keep "dir/file.cpp": the same on every machine, unlike the absolute path.
  std::size_t cut = file.rfind('/');
  if (cut != std::string_view::npos && cut > 0) cut = file.rfind('/', cut - 1);
  const std::string_view tail = cut == std::string_view::npos ? file : file.substr(cut + 1);
  return std::string(tail) + ":" + std::to_string(e.where.line());
}

namespace {

void append_access_identity(const sim::Event& e, std::span<const std::string> thread_names,
                            std::span<const std::string> object_names, std::string& out) {
  out += thread_names[e.thread];
  out += ' ';
  out += sim::op_name(e.kind);
  out += ' ';
  out += object_names[e.object];
  out += ' ';
  out += e.where.file_name();
  out += ':';
  out += std::to_string(e.where.line());  // short: fits the small-string buffer
}

}  // namespace

void race_identity(const DataRace& race, std::span<const sim::Event> events,
                   std::span<const std::string> thread_names, std::span<const std::string> object_names,
                   std::string& out) {
  const sim::Event* a = &events[race.first];
  const sim::Event* b = &events[race.second];
  // The same pair in either order: order the two by thread name, then operation.
  const std::string_view name_a = thread_names[a->thread];
  const std::string_view name_b = thread_names[b->thread];
  if (name_b < name_a || (name_b == name_a && b->kind < a->kind)) std::swap(a, b);
  out.clear();
  append_access_identity(*a, thread_names, object_names, out);
  out += " / ";
  append_access_identity(*b, thread_names, object_names, out);
}

namespace {

// "Thread-1's store counter = 1 (step 5, models/counter.cpp:38)".
std::string access_text(const sim::Event& e, std::size_t index, std::span<const std::string> thread_names,
                        std::span<const std::string> object_names) {
  const std::string who = e.thread < thread_names.size() ? thread_names[e.thread] : "thread " + std::to_string(e.thread);
  std::string text = who + "'s " + std::string(sim::op_name(e.kind)) + " " + object_names[e.object];
  if (e.has_value) text += (e.kind == OpKind::kLoad ? " -> " : " = ") + std::to_string(e.value);
  text += " (step " + std::to_string(index + 1);
  if (const std::string where = source_text(e); !where.empty()) text += ", " + where;
  return text + ")";
}

}  // namespace

sim::Finding race_finding(const DataRace& race, std::span<const sim::Event> events,
                          std::span<const std::string> thread_names, std::span<const std::string> object_names) {
  const sim::Event& first = events[race.first];
  const sim::Event& second = events[race.second];
  sim::Finding finding;
  finding.kind = sim::FindingKind::kDataRace;
  finding.thread = second.thread;
  finding.message = access_text(first, race.first, thread_names, object_names) + " and " +
                    access_text(second, race.second, thread_names, object_names) +
                    " are unordered: no lock, join, queue or future orders these two accesses";
  return finding;
}

}  // namespace checker
