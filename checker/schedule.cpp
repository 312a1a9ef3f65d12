// Encoding and parsing of the compact schedule string (format in schedule.hpp). The
// parser is a small hand-written scanner so every error can name the character where
// the input went wrong.
#include "checker/schedule.hpp"

#include <cstdint>
#include <string>

namespace checker {

std::string encode_schedule(const sim::ModelInstance& model, std::span<const sim::ThreadId> choices) {
  std::string out = model.name + ":";
  for (std::size_t i = 0; i < model.params.size(); ++i) {
    if (i > 0) out += ',';
    out += model.params[i].first + "=" + model.params[i].second;
  }
  out += ':';
  for (std::size_t i = 0; i < choices.size();) {
    std::size_t run = 1;
    while (i + run < choices.size() && choices[i + run] == choices[i]) ++run;
    if (i > 0) out += '.';
    out += std::to_string(choices[i]);
    if (run > 1) out += "x" + std::to_string(run);
    i += run;
  }
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
    if (!at_end()) parse_choices(result);
    if (!at_end()) fail("expected '.', 'x' or the end of the schedule");
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
        if (count > kMaxScheduleChoices - result.choices.size()) {
          fail_at(count_at, "more than 10,000,000 choices");
        }
      } else if (result.choices.size() == kMaxScheduleChoices) {
        fail_at(thread_at, "more than 10,000,000 choices");
      }
      result.choices.insert(result.choices.end(), count, static_cast<sim::ThreadId>(thread));
      if (peek() != '.') return;
      ++pos_;
    }
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
