// The views `interleave replay --view NAME` offers, by name, and writing a view (or a
// wait-for graph) to a file for the CLI.
#pragma once

#include "checker/explore.hpp"

#include <string>
#include <string_view>

namespace checker::views {

// The trace as the view called `name`, newline-terminated: "columns", one column per
// thread (render_columns); "log", one line per step with its virtual time
// (render_log); "chrome", trace-event JSON (render_chrome_trace), where `title` names
// the run. Throws InputError for another name.
std::string render_view(std::string_view name, const Trace& trace, const std::string& title);

// Writes `text` to `path`, replacing it; throws InputError with a one-line message when
// the file cannot be written.
void write_text_file(const std::string& path, const std::string& text);

}  // namespace checker::views
