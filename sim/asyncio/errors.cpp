#include "sim/asyncio/errors.hpp"

namespace sim::asyncio {

namespace {

std::string group_message(const std::string& message, const std::vector<std::exception_ptr>& errors) {
  std::string text = message + " (" + std::to_string(errors.size()) +
                     (errors.size() == 1 ? " sub-exception)" : " sub-exceptions)");
  std::string details;
  for (const std::exception_ptr& error : errors) {
    details += (details.empty() ? ": " : "; ") + describe_exception(error);
  }
  return text + details;
}

}  // namespace

ExceptionGroup::ExceptionGroup(const std::string& message, std::vector<std::exception_ptr> errors)
    : std::runtime_error(group_message(message, errors)), exceptions(std::move(errors)) {}

bool is_cancelled_error(const std::exception_ptr& error) {
  if (!error) return false;
  try {
    std::rethrow_exception(error);
  } catch (const CancelledError&) {
    return true;
  } catch (...) {
    return false;
  }
}

std::string describe_exception(const std::exception_ptr& error) {
  if (!error) return "no exception";
  try {
    std::rethrow_exception(error);
  } catch (const CancelledError& e) {
    return e.what();
  } catch (const std::exception& e) {
    return e.what();
  } catch (...) {
    return "an exception of unknown type";
  }
}

}  // namespace sim::asyncio
