// Seeds 000/001's site downloads, three ways, each request taking `latency` (modeled as
// a sleep: the network is the only thing the program waits for):
//
//   # --mode sync (default)                   # --mode threads
//   def download_site(url, session):          variable_list = []
//       with session.get(url) as response:    def download_site(url):
//           pass #do something                    session = get_session()
//                                                 with session.get(url) as response:
//   def download_all_sites(sites):                    variable_list.append(url)
//       with requests.Session() as session:   def download_all_sites(sites):
//           for url in sites:                     with concurrent.futures.ThreadPoolExecutor(
//               download_site(url, session)               max_workers=160) as executor:
//                                                     executor.map(download_site, sites)
//   sites = ["https://www.jython.org",
//            "http://olympus.realpython.org/dice"] * 80
//   start_time = time.time()
//   download_all_sites(sites)
//   duration = time.time() - start_time
//   print(f"Downloaded {len(sites)} in {duration} seconds")
//   print(len(variable_list))                 # --mode threads
//
//   # --mode asyncio
//   async def download_site(session, url):
//       async with session.get(url) as response:
//           pass #do something
//   async def download_all_sites(sites):
//       async with aiohttp.ClientSession() as session:
//           tasks = []
//           for url in sites:
//               task = asyncio.ensure_future(download_site(session, url))
//               tasks.append(task)
//           await asyncio.gather(*tasks, return_exceptions=True)
//   asyncio.get_event_loop().run_until_complete(download_all_sites(sites))
//   print(f"Downloaded {len(sites)} sites in {duration} seconds")
//
// Simulated durations: sync n·latency; threads ceil(n / workers)·latency (the pool runs
// `workers` requests at a time); asyncio one latency (every request is in flight at
// once). The threading version checks that len(variable_list) == n: list.append is
// atomic in CPython, so no append is lost. The session objects (requests.Session,
// thread-local sessions, aiohttp.ClientSession) only carry connections and are left
// out. The outcome is the "Downloaded ..." line.
#include "models/all.hpp"
#include "sim/asyncio/asyncio.hpp"
#include "sim/check.hpp"
#include "sim/executor.hpp"
#include "sim/output.hpp"
#include "sim/runtime.hpp"
#include "sim/sleep.hpp"

#include <fmt/format.h>

#include <charconv>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace models {

namespace {

namespace asyncio = sim::asyncio;

enum class Mode { kSync, kThreads, kAsyncio };

// A Python list shared by threads, of which the model only appends: list.append is one
// call under the GIL, so it is a single visible step (recorded with the new length).
class AppendOnlyList {
 public:
  explicit AppendOnlyList(std::string_view name)
      : runtime_(&sim::Runtime::current()), id_(runtime_->register_object(name)) {}
  void append(std::string item) {
    runtime_->visible(sim::OpKind::kStore, id_);
    items_.push_back(std::move(item));
    runtime_->record(sim::OpKind::kStore, id_, static_cast<std::int64_t>(items_.size()), true);
  }
  std::size_t size() const { return items_.size(); }  // len(): read by main after the joins

 private:
  sim::Runtime* runtime_;
  sim::ObjectId id_;
  std::vector<std::string> items_;
};

// repr() of a Python float for the durations printed: the shortest text that reads
// back the same, with ".0" on whole numbers (38.64874482154846, 2.5, 3.0).
std::string python_float(double value) {
  char buffer[64];
  const auto end = std::to_chars(buffer, buffer + sizeof buffer, value).ptr;
  std::string text(buffer, end);
  if (text.find_first_of(".en") == std::string::npos) text += ".0";
  return text;
}

double elapsed_since(sim::Nanos start) {
  return static_cast<double>(sim::Runtime::current().now() - start) / 1e9;
}

void downloads_program(Mode mode, int n_sites, int workers, double latency) {
  std::vector<std::string> sites;  // [jython, olympus] * (n / 2), cut to n
  for (int i = 0; i < n_sites; ++i) {
    sites.push_back(i % 2 == 0 ? "https://www.jython.org" : "http://olympus.realpython.org/dice");
  }
  AppendOnlyList variable_list("variable_list");
  const sim::Nanos start_time = sim::Runtime::current().now();  // start_time = time.time()
  std::string line;

  switch (mode) {
    case Mode::kSync: {
      auto download_site = [latency](const std::string&) {
        sim::sleep(latency);  // with session.get(url) as response: pass
      };
      for (const std::string& url : sites) download_site(url);
      line = fmt::format("Downloaded {} in {} seconds", sites.size(), python_float(elapsed_since(start_time)));
      break;
    }
    case Mode::kThreads: {
      auto download_site = [latency, &variable_list](const std::string& url) {
        sim::sleep(latency);         // with session.get(url) as response:
        variable_list.append(url);  //     variable_list.append(url)
      };
      {
        sim::ThreadPoolExecutor executor(workers);  // with ThreadPoolExecutor(max_workers=...) as executor:
        executor.map(download_site, sites, {.task = "download_site"});
      }  // leaving the with block: shutdown(wait=True)
      line = fmt::format("Downloaded {} in {} seconds", sites.size(), python_float(elapsed_since(start_time)));
      break;
    }
    case Mode::kAsyncio: {
      auto download_site = [latency](const std::string&) {
        asyncio::sleep(latency);  // async with session.get(url) as response: pass
      };
      auto download_all_sites = [&] {
        std::vector<asyncio::Task<void>> tasks;
        for (const std::string& url : sites) {
          tasks.push_back(asyncio::create_task([&download_site, &url] { download_site(url); }));
        }
        asyncio::gather(tasks, asyncio::return_exceptions);
      };
      asyncio::run(download_all_sites);  // run_until_complete(download_all_sites(sites))
      line = fmt::format("Downloaded {} sites in {} seconds", sites.size(),
                         python_float(elapsed_since(start_time)));
      break;
    }
  }

  sim::print(line);
  sim::outcome(line);
  if (mode == Mode::kThreads) {
    sim::print(std::to_string(variable_list.size()));  // print(len(variable_list))
    sim::check(variable_list.size() == sites.size(), [&] {
      return fmt::format("variable_list has {} urls, expected {}: an append was lost", variable_list.size(),
                         sites.size());
    });
  }
}

}  // namespace

ModelSpec downloads_spec() {
  return {
      "downloads",
      "download n sites one by one, on a thread pool, or as asyncio tasks; each request takes --latency-ms",
      "seeds 000/001: download_site / download_all_sites (sync, threading, asyncio)",
      {
          choice_param("mode", {"sync", "threads", "asyncio"},
                       "one site after the other, ThreadPoolExecutor.map, or one asyncio task per site, gathered"),
          {"sites", false, 6, 1, 200, "number of sites (seed: 160)"},
          {"workers", false, 3, 1, 200, "max_workers of the pool, --mode threads only (seed: 160)"},
          {"latency-ms", false, 500, 1, 10'000, "how long each request takes, in milliseconds"},
      },
      [](const ParamValues& p) -> std::function<void()> {
        const std::string& word = p.choice("mode");
        const Mode mode = word == "threads" ? Mode::kThreads : word == "asyncio" ? Mode::kAsyncio : Mode::kSync;
        const int sites = static_cast<int>(p.get("sites"));
        const int workers = static_cast<int>(p.get("workers"));
        const double latency = static_cast<double>(p.get("latency-ms")) / 1000.0;
        return [=] { downloads_program(mode, sites, workers, latency); };
      },
  };
}

}  // namespace models
