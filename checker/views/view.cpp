#include "checker/views/view.hpp"

#include "checker/report.hpp"
#include "checker/schedule.hpp"
#include "checker/views/chrome_trace.hpp"
#include "checker/views/log_view.hpp"

#include <cerrno>
#include <cstring>
#include <fstream>

namespace checker::views {

std::string render_view(std::string_view name, const Trace& trace, const std::string& title) {
  if (name == "columns") {
    std::string text = render_columns(trace);
    if (!text.ends_with('\n')) text += '\n';
    return text;
  }
  if (name == "log") return render_log(trace);
  if (name == "chrome") return render_chrome_trace(trace, title);
  throw InputError("unknown view '" + std::string(name) + "': use columns, log or chrome");
}

void write_text_file(const std::string& path, const std::string& text) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  if (out) out << text;
  if (!out || !out.flush()) throw InputError("cannot write '" + path + "': " + std::strerror(errno));
}

}  // namespace checker::views
