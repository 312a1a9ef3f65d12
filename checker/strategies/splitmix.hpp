// SplitMix64 (Steele, Lea & Flood, OOPSLA 2014) and a bounded draw from it: tiny, fast,
// well mixed, and the same on every machine (no standard-library distribution, whose
// output differs between implementations).
#pragma once

#include <cstdint>

namespace checker {

inline std::uint64_t splitmix64(std::uint64_t x) {
  std::uint64_t z = x + 0x9E3779B97F4A7C15ull;
  z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
  z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
  return z ^ (z >> 31);
}

// Multiply-shift onto [0, bound): negligible bias for the small bounds models use.
inline std::uint64_t bounded(std::uint64_t random, std::uint64_t bound) {
  return static_cast<std::uint64_t>((static_cast<unsigned __int128>(random) * bound) >> 64);
}

}  // namespace checker
