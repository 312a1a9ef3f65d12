// Running the `interleave` binary from a test (INTERLEAVE_CLI_PATH, defined by CMake
// when the CLI target exists): its exit code, stdout and stderr, and a scratch
// directory for the files it writes, removed at exit.
#pragma once

#if defined(INTERLEAVE_CLI_PATH)

#include <doctest/doctest.h>

#include <sys/wait.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>

namespace test {

inline const std::filesystem::path& cli_scratch() {
  static const struct Dir {
    std::filesystem::path path;
    Dir()
        : path(std::filesystem::temp_directory_path() /
               ("interleave-test-views-" + std::to_string(::getpid()))) {
      std::filesystem::create_directories(path);
    }
    ~Dir() {
      std::error_code ignored;
      std::filesystem::remove_all(path, ignored);
    }
  } dir;
  return dir.path;
}

inline std::string read_text_file(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

inline std::string shell_quote(const std::string& text) {
  std::string quoted = "'";
  for (char c : text) quoted += c == '\'' ? std::string("'\\''") : std::string(1, c);
  return quoted + "'";
}

struct CliResult {
  int code = -1;
  std::string out;
  std::string err;
};

// Runs `interleave ARGS` (ARGS already shell-quoted where needed).
inline CliResult run_interleave(const std::string& args) {
  const std::filesystem::path out = cli_scratch() / "stdout.txt";
  const std::filesystem::path err = cli_scratch() / "stderr.txt";
  const std::string command = shell_quote(INTERLEAVE_CLI_PATH) + " " + args + " >" + shell_quote(out.string()) +
                              " 2>" + shell_quote(err.string()) + " </dev/null";
  const int status = std::system(command.c_str());
  CliResult result;
  result.code = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
  result.out = read_text_file(out);
  result.err = read_text_file(err);
  return result;
}

}  // namespace test

#endif  // INTERLEAVE_CLI_PATH
