// The exceptions asyncio raises into a model: CancelledError, InvalidStateError and the
// ExceptionGroup a TaskGroup raises. Shared by every file of sim/asyncio.
#pragma once

#include <exception>
#include <stdexcept>
#include <string>
#include <vector>

namespace sim::asyncio {

// asyncio.CancelledError, raised at the await point of a cancelled task. Since Python
// 3.8 it is a BaseException, so `except Exception:` does not swallow a cancellation;
// likewise this type does not derive from std::exception, so
// `catch (const std::exception&)` lets it pass.
struct CancelledError {
  const char* what() const noexcept { return "CancelledError"; }
};

// asyncio.InvalidStateError: result() of a future that is not done, or setting the
// result of a future that is already done.
struct InvalidStateError : std::runtime_error {
  using std::runtime_error::runtime_error;
};

// The ExceptionGroup a TaskGroup raises when tasks (or its body) failed. what() is
// CPython's str(), "unhandled errors in a TaskGroup (2 sub-exceptions)", followed by
// the messages of the sub-exceptions (CPython shows those in the traceback).
struct ExceptionGroup : std::runtime_error {
  ExceptionGroup(const std::string& message, std::vector<std::exception_ptr> errors);
  std::vector<std::exception_ptr> exceptions;
};

// True if `error` holds a CancelledError.
bool is_cancelled_error(const std::exception_ptr& error);

// The message of an exception for reports: what() of a std::exception,
// "CancelledError", or "an exception of unknown type".
std::string describe_exception(const std::exception_ptr& error);

}  // namespace sim::asyncio
