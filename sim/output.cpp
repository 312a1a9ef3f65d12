#include "sim/output.hpp"

#include "sim/runtime.hpp"

#include <stdexcept>

namespace sim {

void print(std::string_view text) {
  Runtime& rt = Runtime::current();
  rt.write_stdout(text);
  rt.write_stdout("\n");
}

std::int64_t randint(std::int64_t low, std::int64_t high) {
  // CPython: randint(a, b) raises ValueError when b < a ("empty range").
  if (high < low) throw std::invalid_argument("randint: empty range (high < low)");
  const auto span = static_cast<std::uint64_t>(high - low) + 1;
  return low + static_cast<std::int64_t>(Runtime::current().draw(span));
}

double random() {
  constexpr std::uint64_t kUnits = std::uint64_t{1} << 53;
  return static_cast<double>(Runtime::current().draw(kUnits)) / static_cast<double>(kUnits);
}

}  // namespace sim
