// A model ready to run: its registered name, the parameter values it was built
// with (for traces and replay checks), and the function that runs as the modeled
// main thread. Produced by models/, consumed by checker/.
#pragma once

#include <functional>
#include <string>
#include <utility>
#include <vector>

namespace sim {

struct ModelInstance {
  std::string name;
  std::vector<std::pair<std::string, std::string>> params;  // in the model's declared order
  std::function<void()> main;
};

}  // namespace sim
