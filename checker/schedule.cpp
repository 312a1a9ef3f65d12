// Encoding and parsing of the compact schedule string (format in schedule.hpp). The
// parser is a small hand-written scanner so every error can name the character where
// the input went wrong.
#include "checker/schedule.hpp"

#include <cstdint>
#include <string>

namespace checker {

std::string encode_schedule(const sim::ModelInstance& model, const RunSchedule& run) {
  const std::vector<sim::ThreadId>& choices = run.choices;
  std::string out = model.name + ":";
  for (std::size_t i = 0; i < model.params.size(); ++i) {
    if (i > 0) out += ',';
    out += model.params[i].first + "=" + model.params[i].second;
  }
  out += ':';
  for (std::size_t i = 0; i < choices.size();) {
    std::size_t repeat = 1;
    while (i + repeat < choices.size() && choices[i + repeat] == choices[i]) ++repeat;
    if (i > 0) out += '.';
    out += std::to_string(choices[i]);
    if (repeat > 1) out += "x" + std::to_string(repeat);
    i += repeat;
  }
  std::string extras;
  if (run.ignore_time) extras = "time=ignored";
  if (!run.draws.empty()) {
    extras += extras.empty() ? "draws=" : ",draws=";
    for (std::size_t i = 0; i < run.draws.size(); ++i) {
      extras += (i == 0 ? "" : ".") + std::to_string(run.draws[i]);
    }
  }
  if (!extras.empty()) out += ":" + extras;
  return out;
}

namespace {

bool is_name_char(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' ||
         c == '_';
}

bool is_digit(char c) { return c >= '0' && c <= '9'; }

class Parser {
 public:
  Parser(std::string_view text, std::size_t offset) : text_(text), offset_(offset) {}

  ParsedSchedule parse() {
    ParsedSchedule result;
    result.model = name("a model name");
    expect(':', "':' after the model name");
    if (peek() != ':') parse_params(result);
    expect(':', "',' or ':' after a parameter");
    if (!at_end() && peek() != ':') parse_choices(result);
    if (peek() == ':') {
      ++pos_;
      parse_extras(result);
    }
    if (!at_end()) fail("expected '.', 'x', ':' or the end of the schedule");
    return result;
  }

 private:
  void parse_params(ParsedSchedule& result) {
    while (true) {
      const std::size_t start = pos_;
      std::string key = name("a parameter name");
      for (const auto& [existing, value] : result.params) {
        if (existing == key) fail_at(start, "parameter '" + key + "' given twice");
      }
      expect('=', "'=' after parameter '" + key + "'");
      std::string value = name("a value for parameter '" + key + "'");
      result.params.emplace_back(std::move(key), std::move(value));
      if (peek() != ',') return;
      ++pos_;
    }
  }

  void parse_choices(ParsedSchedule& result) {
    while (true) {
      const std::size_t thread_at = pos_;
      const std::uint64_t thread = number("a thread number");
      if (thread >= sim::kNoThread - 1) fail_at(thread_at, "thread number too large");
      std::uint64_t count = 1;
      if (peek() == 'x') {
        ++pos_;
        const std::size_t count_at = pos_;
        count = number("a repeat count after 'x'");
        if (count == 0) fail_at(count_at, "repeat count must be at least 1");
        if (count > kMaxScheduleChoices - result.run.choices.size()) {
          fail_at(count_at, "more than 10,000,000 choices");
        }
      } else if (result.run.choices.size() == kMaxScheduleChoices) {
        fail_at(thread_at, "more than 10,000,000 choices");
      }
      result.run.choices.insert(result.run.choices.end(), count, static_cast<sim::ThreadId>(thread));
      if (peek() != '.') return;
      ++pos_;
    }
  }

  void parse_extras(ParsedSchedule& result) {
    while (true) {
      const std::size_t start = pos_;
      const std::string key = name("'time=ignored' or 'draws=...'");
      expect('=', "'=' after '" + key + "'");
      if (key == "time") {
        const std::size_t value_at = pos_;
        const std::string value = name("'ignored' or 'virtual'");
        if (value != "ignored" && value != "virtual") fail_at(value_at, "time must be 'ignored' or 'virtual'");
        result.run.ignore_time = value == "ignored";
      } else if (key == "draws") {
        while (true) {
          result.run.draws.push_back(draw_value());
          if (peek() != '.') break;
          ++pos_;
        }
      } else {
        fail_at(start, "unknown schedule field '" + key + "' (expected time or draws)");
      }
      if (peek() != ',') return;
      ++pos_;
    }
  }

  // A random() draw: any 64-bit value; more than 20 digits cannot fit.
  std::uint64_t draw_value() {
    const std::size_t start = pos_;
    if (at_end() || !is_digit(text_[pos_])) fail("expected a draw value");
    while (!at_end() && is_digit(text_[pos_])) ++pos_;
    const std::string digits(text_.substr(start, pos_ - start));
    if (digits.size() > 20 || (digits.size() == 20 && digits > "18446744073709551615")) {
      fail_at(start, "draw value too large");
    }
    if (result_draw_count_++ == kMaxScheduleChoices) fail_at(start, "more than 10,000,000 draws");
    return std::stoull(digits);
  }

  std::string name(const std::string& what) {
    const std::size_t start = pos_;
    while (!at_end() && is_name_char(text_[pos_])) ++pos_;
    if (pos_ == start) fail("expected " + what);
    return std::string(text_.substr(start, pos_ - start));
  }

  // A decimal number; values beyond kMaxScheduleChoices are clamped to one more,
  // which every caller rejects, so no overflow is possible.
  std::uint64_t number(const std::string& what) {
    if (at_end() || !is_digit(text_[pos_])) fail("expected " + what);
    std::uint64_t value = 0;
    while (!at_end() && is_digit(text_[pos_])) {
      value = value * 10 + static_cast<std::uint64_t>(text_[pos_] - '0');
      if (value > kMaxScheduleChoices) value = kMaxScheduleChoices + 1;
      ++pos_;
    }
    return value > kMaxScheduleChoices ? UINT64_MAX : value;
  }

  void expect(char c, const std::string& what) {
    if (peek() != c) fail("expected " + what);
    ++pos_;
  }

  char peek() const { return at_end() ? '\0' : text_[pos_]; }
  bool at_end() const { return pos_ == text_.size(); }

  [[noreturn]] void fail(const std::string& what) const { fail_at(pos_, what); }
  [[noreturn]] void fail_at(std::size_t pos, const std::string& what) const {
    const std::string where = pos == text_.size() ? "at the end (character " : "at character ";
    throw InputError("malformed schedule: " + what + " " + where +
                     std::to_string(offset_ + pos + 1) + (pos == text_.size() ? ")" : ""));
  }

  std::string_view text_;  // the schedule without surrounding whitespace
  std::size_t offset_;     // where text_ starts in the caller's string
  std::size_t pos_ = 0;
  std::size_t result_draw_count_ = 0;
};

}  // namespace

ParsedSchedule parse_schedule(std::string_view text) {
  const auto is_space = [](char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r'; };
  std::size_t begin = 0;
  std::size_t end = text.size();
  while (begin < end && is_space(text[begin])) ++begin;
  while (end > begin && is_space(text[end - 1])) --end;
  if (begin == end) throw InputError("malformed schedule: it is empty (expected MODEL:PARAMS:CHOICES)");
  return Parser(text.substr(begin, end - begin), begin).parse();
}

}  // namespace checker
