// Writing and reading JSON trace files (layout in trace_file.hpp). The reader trusts
// nothing: every field is checked for presence and type, and the redundant fields
// ("model", "parameters", "choices") are cross-checked against the "schedule" string,
// which is the one replay runs.
#include "checker/trace_file.hpp"

#include "checker/report.hpp"

#include <algorithm>
#include <charconv>
#include <cerrno>
#include <fstream>
#include <sstream>
#include <system_error>

namespace checker {

namespace {

using Json = nlohmann::ordered_json;

const std::string& name_of_thread(const Trace& trace, sim::ThreadId id) {
  static const std::string unknown = "?";
  return id < trace.thread_names.size() ? trace.thread_names[id] : unknown;
}

// The object of an event: for start/join/finish it is another thread.
std::string object_of(const Trace& trace, const sim::Event& e) {
  if (e.object == sim::kNoObject) return "";
  if (e.kind == sim::OpKind::kStart || e.kind == sim::OpKind::kJoin || e.kind == sim::OpKind::kFinish) {
    return name_of_thread(trace, e.object);
  }
  return e.object < trace.object_names.size() ? trace.object_names[e.object] : "?";
}

// "5" -> 5, anything that is not exactly an integer stays a string.
Json param_value(const std::string& text) {
  std::int64_t value = 0;
  const char* end = text.data() + text.size();
  const auto [ptr, error] = std::from_chars(text.data(), end, value);
  if (!text.empty() && error == std::errc() && ptr == end) return value;
  return text;
}

Json outcome_value(const sim::Outcome& outcome) {
  if (const auto* number = std::get_if<std::int64_t>(&outcome)) return *number;
  return std::get<std::string>(outcome);
}

}  // namespace

std::vector<RecordedStep> labelled_steps(const Trace& trace) {
  std::vector<RecordedStep> steps(trace.choices.size());
  std::vector<bool> filled(trace.choices.size(), false);
  for (std::size_t k = 0; k < trace.choices.size(); ++k) {
    steps[k].thread = name_of_thread(trace, trace.choices[k]);
  }
  for (const sim::Event& e : trace.events) {
    if (e.decision == 0 || e.decision > trace.choices.size()) continue;
    const std::size_t k = e.decision - 1;
    if (filled[k] || e.thread != trace.choices[k]) continue;
    filled[k] = true;
    steps[k].op = std::string(sim::op_name(e.kind));
    steps[k].object = object_of(trace, e);
  }
  return steps;
}

Json trace_to_json(const sim::ModelInstance& model, const Trace& trace, const TraceOrigin& origin) {
  Json doc;
  doc["format"] = "interleave-trace";
  doc["version"] = kTraceFormatVersion;
  doc["model"] = model.name;
  Json params = Json::object();
  for (const auto& [name, value] : model.params) params[name] = param_value(value);
  doc["parameters"] = std::move(params);
  doc["strategy"] = origin.strategy;
  doc["seed"] = origin.seed;
  doc["max_steps"] = origin.max_steps;
  doc["schedule"] = encode_schedule(model, {trace.choices, trace.draws, origin.ignore_time});
  doc["time"] = origin.ignore_time ? "ignored" : "virtual";
  doc["duration_seconds"] = static_cast<double>(trace.duration) / 1e9;

  Json choices = Json::array();
  const std::vector<RecordedStep> steps = labelled_steps(trace);
  for (std::size_t k = 0; k < steps.size(); ++k) {
    Json entry;
    entry["step"] = k + 1;
    entry["thread"] = steps[k].thread;
    if (!steps[k].op.empty()) entry["op"] = steps[k].op;
    if (!steps[k].object.empty()) entry["object"] = steps[k].object;
    choices.push_back(std::move(entry));
  }
  doc["choices"] = std::move(choices);

  Json events = Json::array();
  for (const sim::Event& e : trace.events) {
    Json entry;
    entry["thread"] = name_of_thread(trace, e.thread);
    entry["op"] = std::string(sim::op_name(e.kind));
    if (const std::string object = object_of(trace, e); !object.empty()) entry["object"] = object;
    if (e.has_value) entry["value"] = e.value;
    events.push_back(std::move(entry));
  }
  doc["events"] = std::move(events);

  if (trace.finding) {
    Json finding;
    finding["kind"] = std::string(sim::finding_kind_name(trace.finding->kind));
    finding["message"] = trace.finding->message;
    finding["explanation"] = explain_finding(trace);
    doc["finding"] = std::move(finding);
  }
  if (!trace.cut_off_daemons.empty()) {
    Json daemons = Json::array();
    for (const sim::CutOffDaemon& d : trace.cut_off_daemons) {
      Json entry;
      entry["thread"] = name_of_thread(trace, d.thread);
      entry["doing"] = d.doing;
      daemons.push_back(std::move(entry));
    }
    doc["cut_off_daemons"] = std::move(daemons);
  }
  if (!trace.output.empty()) {
    Json output = Json::array();
    for (const sim::OutputLine& line : trace.output) {
      Json entry;
      entry["time_seconds"] = static_cast<double>(line.time) / 1e9;
      entry["thread"] = name_of_thread(trace, line.thread);
      entry["text"] = line.text;
      output.push_back(std::move(entry));
    }
    doc["output"] = std::move(output);
  }
  if (trace.outcome) doc["outcome"] = outcome_value(*trace.outcome);
  return doc;
}

Json trace_to_json(const sim::ModelInstance& model, const FoundBug& bug, const ExploreOptions& options) {
  return trace_to_json(model, bug.trace,
                       TraceOrigin{bug.strategy, options.seed, options.max_steps, options.ignore_time});
}

void write_trace_file(const std::filesystem::path& path, const Json& document) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  if (out) out << document.dump(2, ' ', false, nlohmann::ordered_json::error_handler_t::replace) << '\n';
  out.flush();
  if (!out) {
    const std::error_code ec(errno, std::generic_category());
    throw InputError("cannot write trace file '" + path.string() + "': " + ec.message());
  }
}

void write_trace_file(const std::filesystem::path& path, const sim::ModelInstance& model,
                      const FoundBug& bug, const ExploreOptions& options) {
  write_trace_file(path, trace_to_json(model, bug, options));
}

// ------------------------------------------------------------------------ reading

namespace {

// Reads one trace file's fields, each check failing with a message naming the file.
class Reader {
 public:
  explicit Reader(const std::filesystem::path& path) : file_("trace file '" + path.string() + "'") {}

  // "trace file 'x': WHAT" and "trace file 'x' IS_WHAT" (e.g. "is empty").
  [[noreturn]] void fail(const std::string& what) const { throw InputError(file_ + ": " + what); }
  [[noreturn]] void fail_is(const std::string& what) const { throw InputError(file_ + " " + what); }

  Json load(const std::filesystem::path& path) const {
    std::error_code ec;
    if (std::filesystem::is_directory(path, ec)) fail_is("is a directory, not a file");
    std::ifstream in(path, std::ios::binary);
    if (!in) {
      const std::error_code open_error(errno, std::generic_category());
      throw InputError("cannot open " + file_ + ": " + open_error.message());
    }
    std::ostringstream content;
    content << in.rdbuf();
    const std::string text = content.str();
    if (text.find_first_not_of(" \t\r\n") == std::string::npos) fail_is("is empty");
    try {
      return Json::parse(text);
    } catch (const Json::parse_error& e) {
      std::string why = e.what();
      const auto bracket = why.find("] ");
      if (why.starts_with("[json.exception") && bracket != std::string::npos) why = why.substr(bracket + 2);
      fail_is(std::string(e.byte >= text.size() ? "is truncated or not JSON: " : "is not valid JSON: ") +
              why);
    }
  }

  // object[key]; `where` prefixes the key in messages ("choices[].").
  const Json& field(const Json& object, const char* key, const char* where = "") const {
    const auto it = object.find(key);
    if (it == object.end()) fail(std::string("missing field \"") + where + key + "\"");
    return *it;
  }

  std::string string_field(const Json& object, const char* key, const char* where = "") const {
    const Json& value = field(object, key, where);
    if (!value.is_string()) wrong_type(std::string(where) + key, "a string", value);
    return value.get<std::string>();
  }

  [[noreturn]] void wrong_type(const std::string& key, const char* expected,
                               const Json& value) const {
    const std::string got = value.is_primitive() ? value.dump() : std::string("an ") + value.type_name();
    fail("field \"" + key + "\" should be " + expected + ", not " + got);
  }

 private:
  std::string file_;
};

std::string param_text(const Reader& reader, const std::string& key, const Json& value) {
  if (value.is_string()) return value.get<std::string>();
  if (value.is_boolean()) return value.get<bool>() ? "true" : "false";
  if (value.is_number_integer()) {
    return value.is_number_unsigned() ? std::to_string(value.get<std::uint64_t>())
                                      : std::to_string(value.get<std::int64_t>());
  }
  reader.wrong_type("parameters." + key, "a number or a string", value);
}

std::string params_text(const std::vector<std::pair<std::string, std::string>>& params) {
  std::string out;
  for (const auto& [name, value] : params) out += (out.empty() ? "" : ",") + name + "=" + value;
  return out.empty() ? "none" : out;
}

}  // namespace

LoadedTrace read_trace_file(const std::filesystem::path& path) {
  const Reader reader(path);
  const Json doc = reader.load(path);
  if (!doc.is_object()) {
    reader.fail_is(std::string("is not an interleave trace (a JSON ") + doc.type_name() + ", not an object)");
  }

  const auto format = doc.find("format");
  if (format == doc.end() || !format->is_string() || format->get<std::string>() != "interleave-trace") {
    reader.fail_is("is not an interleave trace (\"format\" should be \"interleave-trace\")");
  }
  const Json& version = reader.field(doc, "version");
  if (!version.is_number_integer()) reader.wrong_type("version", "an integer", version);
  if (version.get<std::int64_t>() != kTraceFormatVersion) {
    reader.fail_is("has format version " + version.dump() + ", but this interleave reads version " +
                std::to_string(kTraceFormatVersion));
  }

  LoadedTrace loaded;
  loaded.model = reader.string_field(doc, "model");
  const Json& params = reader.field(doc, "parameters");
  if (!params.is_object()) reader.wrong_type("parameters", "an object", params);
  loaded.schedule = reader.string_field(doc, "schedule");
  const Json& choices = reader.field(doc, "choices");
  if (!choices.is_array()) reader.wrong_type("choices", "an array", choices);

  ParsedSchedule schedule;
  try {
    schedule = parse_schedule(loaded.schedule);
  } catch (const InputError& e) {
    reader.fail(std::string("field \"schedule\": ") + e.what());
  }
  if (schedule.model != loaded.model) {
    reader.fail("\"model\" is " + loaded.model + " but \"schedule\" is for model " + schedule.model);
  }
  std::vector<std::pair<std::string, std::string>> recorded;
  for (const auto& [key, value] : params.items()) recorded.emplace_back(key, param_text(reader, key, value));
  auto sorted_recorded = recorded;
  auto sorted_schedule = schedule.params;
  std::sort(sorted_recorded.begin(), sorted_recorded.end());
  std::sort(sorted_schedule.begin(), sorted_schedule.end());
  if (sorted_recorded != sorted_schedule) {
    reader.fail("\"parameters\" (" + params_text(recorded) + ") disagree with \"schedule\" (" +
                params_text(schedule.params) + ")");
  }
  if (choices.size() != schedule.run.choices.size()) {
    reader.fail("\"choices\" has " + std::to_string(choices.size()) + " entries but \"schedule\" has " +
                std::to_string(schedule.run.choices.size()) + " choices");
  }
  for (const Json& entry : choices) {
    if (!entry.is_object()) reader.wrong_type("choices[]", "an object", entry);
    RecordedStep step;
    step.thread = reader.string_field(entry, "thread", "choices[].");
    if (entry.contains("op")) step.op = reader.string_field(entry, "op", "choices[].");
    if (entry.contains("object")) step.object = reader.string_field(entry, "object", "choices[].");
    loaded.steps.push_back(std::move(step));
  }

  if (doc.contains("strategy")) loaded.strategy = reader.string_field(doc, "strategy");
  if (const auto it = doc.find("seed"); it != doc.end() && !it->is_number_unsigned()) {
    reader.wrong_type("seed", "a non-negative integer", *it);
  }
  if (const auto it = doc.find("max_steps"); it != doc.end()) {
    if (!it->is_number_unsigned() || it->get<std::uint64_t>() == 0 || it->get<std::uint64_t>() > UINT32_MAX) {
      reader.fail("field \"max_steps\" should be an integer from 1 to " + std::to_string(UINT32_MAX));
    }
    loaded.max_steps = static_cast<std::uint32_t>(it->get<std::uint64_t>());
  }
  if (const auto it = doc.find("events"); it != doc.end() && !it->is_array()) {
    reader.wrong_type("events", "an array", *it);
  }
  if (const auto it = doc.find("finding"); it != doc.end()) {
    if (!it->is_object()) reader.wrong_type("finding", "an object", *it);
    loaded.finding_kind = reader.string_field(*it, "kind", "finding.");
    loaded.finding_message = reader.string_field(*it, "message", "finding.");
  }

  loaded.params = std::move(schedule.params);
  loaded.run = std::move(schedule.run);
  return loaded;
}

}  // namespace checker
