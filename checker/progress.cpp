#include "checker/progress.hpp"

#include <cmath>
#include <unistd.h>

namespace checker {

namespace {

constexpr auto kQuietStart = std::chrono::seconds(1);         // short searches show nothing
constexpr auto kRedrawEvery = std::chrono::milliseconds(100);

// 1234 -> "1,234"; 12345678 -> "12.3M": a rate or an estimate needs no more digits.
std::string approximate(double value) {
  if (value < 1e6) return with_commas(static_cast<std::uint64_t>(std::llround(value)));
  static const char* const kSuffixes[] = {"M", "G", "T", "P", "E"};
  int index = 0;
  value /= 1e6;
  while (value >= 1000 && index < 4) {
    value /= 1000;
    ++index;
  }
  char text[32];
  std::snprintf(text, sizeof text, value < 100 ? "%.1f%s" : "%.0f%s", value, kSuffixes[index]);
  return text;
}

}  // namespace

ProgressLine::ProgressLine(bool enabled, std::FILE* out)
    : enabled_(enabled), out_(out), start_(std::chrono::steady_clock::now()) {}

ProgressLine::~ProgressLine() { erase(); }

bool ProgressLine::stderr_is_terminal() { return ::isatty(STDERR_FILENO) == 1; }

std::function<void(const ExploreProgress&)> ProgressLine::callback() {
  if (!enabled_) return {};
  return [this](const ExploreProgress& progress) { update(progress); };
}

std::string ProgressLine::render(const ExploreProgress& progress, double seconds) {
  const std::uint64_t runs = progress.executions + progress.reruns;
  char elapsed[32];
  std::snprintf(elapsed, sizeof elapsed, "%.1f s", seconds);
  std::string line = with_commas(progress.executions) + " executions";
  if (progress.reruns > 0) line += " (+" + with_commas(progress.reruns) + " reruns)";
  line += ", " + approximate(seconds > 0 ? static_cast<double>(runs) / seconds : 0) + "/s, " + elapsed + ", " +
          with_commas(progress.findings) + (progress.findings == 1 ? " finding" : " findings");
  if (progress.remaining) line += ", ~" + approximate(*progress.remaining) + " left (" + progress.basis + ")";
  return line;
}

void ProgressLine::update(const ExploreProgress& progress) {
  const auto now = std::chrono::steady_clock::now();
  if (now - start_ < kQuietStart || now - last_drawn_ < kRedrawEvery) return;
  last_drawn_ = now;
  const std::string line = render(progress, std::chrono::duration<double>(now - start_).count());
  // Pad over a longer previous line instead of clearing it, so the line never flickers.
  const std::size_t pad = drawn_width_ > line.size() ? drawn_width_ - line.size() : 0;
  std::fprintf(out_, "\r%s%*s", line.c_str(), static_cast<int>(pad), "");
  std::fflush(out_);
  drawn_width_ = line.size();
}

void ProgressLine::erase() {
  if (drawn_width_ == 0) return;
  std::fprintf(out_, "\r%*s\r", static_cast<int>(drawn_width_), "");
  std::fflush(out_);
  drawn_width_ = 0;
}

}  // namespace checker
