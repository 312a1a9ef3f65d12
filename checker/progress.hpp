// The progress line of a long search: on a terminal, one stderr line rewritten in place
// (executions, rate, elapsed time, findings, and what is left by the search's own
// estimate), shown only once the search has run for a second, and erased when it ends.
// The wall clock is read here for display only: explore() calls the callback at fixed
// execution counts, and nothing here feeds back into the search.
#pragma once

#include "checker/explore.hpp"

#include <chrono>
#include <cstdio>
#include <string>

namespace checker {

class ProgressLine {
 public:
  // `enabled` false: every call does nothing (e.g. --quiet, or stderr not a terminal).
  ProgressLine(bool enabled, std::FILE* out = stderr);
  ~ProgressLine();  // erases the line if one was drawn
  ProgressLine(const ProgressLine&) = delete;
  ProgressLine& operator=(const ProgressLine&) = delete;

  // The callback for ExploreOptions::progress; empty when disabled, so a quiet run
  // does not even estimate its tree.
  std::function<void(const ExploreProgress&)> callback();

  // The line for `progress` after `seconds` of search, without the carriage return.
  static std::string render(const ExploreProgress& progress, double seconds);

  // True when stderr is a terminal (where a rewritten line makes sense).
  static bool stderr_is_terminal();

 private:
  void update(const ExploreProgress& progress);
  void erase();

  bool enabled_;
  std::FILE* out_;
  std::chrono::steady_clock::time_point start_;
  std::chrono::steady_clock::time_point last_drawn_{};
  std::size_t drawn_width_ = 0;  // characters on the line now; 0: nothing drawn
};

}  // namespace checker
