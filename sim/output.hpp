// print() and the model's seeded random(): output recorded with its virtual time,
// and random draws the scheduler chooses and the schedule records, so a replay
// reproduces both.
#pragma once

#include <cstdint>
#include <string_view>

namespace sim {

// CPython's print(text) writes the text and then the line end as two writes to
// sys.stdout, so lines of different threads can interleave; so do ours (two steps).
void print(std::string_view text);

// random.randint(low, high): an integer in [low, high], both ends included.
std::int64_t randint(std::int64_t low, std::int64_t high);
// random.random(): a float in [0, 1), with 53 random bits like CPython's.
double random();

}  // namespace sim
