// `interleave bounds counter --threads T --iters K [--value V]`: the exact minimum and
// maximum final value of the racy counter over all interleavings, proven with Z3
// (checker/symbolic/counter_bounds.hpp), each with a witness schedule replayed on the
// fibers; `--value V` asks whether the final value can be exactly V. Exit 0 when
// every answer was proven and every witness confirmed by replay.
#include "checker/cli/commands.hpp"
#include "checker/schedule.hpp"
#include "checker/symbolic/counter_bounds.hpp"

#include <fmt/format.h>

#include <iostream>
#include <memory>
#include <stdexcept>

namespace checker::cli {

namespace {

// The encoding has (T*K)^3 reads-from clauses; beyond this it is no longer quick.
constexpr int kMaxIncrements = 24;

struct BoundsArgs {
  std::string model;
  std::string value;
};

std::string witness_line(const sim::ModelInstance& model, const symbolic::Witness& witness) {
  if (!witness.replay_confirmed) {
    throw std::logic_error("the solver's witness for " + std::to_string(witness.value) +
                           " did not replay: " + witness.replay_note);
  }
  return fmt::format("    witness: {}\n             (confirmed by replay: the final value is {})\n",
                     encode_schedule(model, {witness.choices, {}, false}), witness.value);
}

void print_bound(const sim::ModelInstance& model, const char* name, const symbolic::ProvenBound& bound) {
  if (!bound.beyond_unsat) {
    throw std::logic_error(fmt::format("the {} bound {} is not tight: {} is reachable too", name,
                                       bound.witness.value, bound.beyond));
  }
  std::cout << fmt::format("  {} {}: reachable (SAT), {} is not (UNSAT); solved in {:.3f} s\n", name,
                           bound.witness.value, bound.beyond, bound.solve_seconds)
            << witness_line(model, bound.witness);
}

int run_bounds(const BoundsArgs& args, const std::vector<std::string>& extras) {
  const sim::ModelInstance model = instantiate_from_args(args.model, extras);
  const symbolic::CounterShape shape = symbolic::counter_shape(model);
  if (shape.threads * shape.iters > kMaxIncrements) {
    throw InputError(fmt::format("bounds encodes at most {} increments (threads x iters), got {} x {}",
                                 kMaxIncrements, shape.threads, shape.iters));
  }
  const std::int64_t increments = static_cast<std::int64_t>(shape.threads) * shape.iters;
  std::cout << "model: " << model_line(model) << '\n';
  if (!args.value.empty()) {
    const auto value = static_cast<std::int64_t>(parse_number("--value", args.value, 0, 1'000'000));
    const symbolic::ExactAnswer answer = symbolic::counter_can_reach(model, value);
    if (answer.witness) {
      std::cout << fmt::format("can the final value be exactly {}? yes (SAT, solved in {:.3f} s)\n", value,
                               answer.solve_seconds)
                << witness_line(model, *answer.witness);
    } else {
      std::cout << fmt::format("can the final value be exactly {}? no: no interleaving ends with it (UNSAT, "
                               "solved in {:.3f} s)\n", value, answer.solve_seconds);
    }
    return kExitOk;
  }
  const symbolic::CounterBounds bounds = symbolic::counter_bounds(model);
  std::cout << fmt::format("final value over all interleavings (Z3: {} store ranks, {} load positions; "
                           "the {} threads are interchangeable, so their first stores are ordered):\n",
                           increments, increments, shape.threads);
  print_bound(model, "minimum", bounds.min);
  print_bound(model, "maximum", bounds.max);
  return kExitOk;
}

}  // namespace

Command add_bounds_command(CLI::App& app) {
  auto args = std::make_shared<BoundsArgs>();
  CLI::App* sub = app.add_subcommand(
      "bounds", "prove the exact minimum and maximum final value of the racy counter with Z3");
  sub->allow_extras();
  sub->add_option("MODEL", args->model, "the model: counter (threads x iters increments, unlocked)")->required();
  sub->add_option("--value", args->value, "only ask: can the final value be exactly this?")->type_name("V");
  sub->footer(fmt::format(
      "Each bound is proven by two solver calls (the bound is reachable, one beyond it is not), and\n"
      "every witness schedule is replayed on the fibers before it is printed. At most {} increments.\n"
      "Exit status: 0 answered, 2 usage error.\n\n"
      "Examples:\n"
      "  interleave bounds counter --threads 4 --iters 4\n"
      "  interleave bounds counter --threads 3 --iters 3 --value 5",
      kMaxIncrements));
  return {sub, [args, sub] { return run_bounds(*args, sub->remaining()); }};
}

}  // namespace checker::cli
