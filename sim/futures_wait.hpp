// concurrent.futures.as_completed and concurrent.futures.wait (CPython 3.11 _base.py):
// waiting on several futures at once. Both see a future complete when it is FINISHED
// or CANCELLED_AND_NOTIFIED, as CPython's waiters do: a future cancelled while queued
// completes for them only once a worker takes it off the queue, and one cancelled by
// shutdown(cancel_futures=True) never does (gh-87893, gh-109934), so waiting on it
// without a timeout hangs, as it does in CPython. Each wait is one visible step on an
// object of its own ("as_completed", "wait"), explained in deadlock reports by the
// futures it still waits for.
//
// What a wait reads is recorded for partial-order reduction: wait()'s step, and the
// first step of as_completed, record a kFutureDone (the status) for each future they
// look at. The first step of as_completed also starts watching the futures not yet
// complete, as CPython installs its waiter on them: the step that completes a watched
// future records a kSet on the as_completed object (CPython's waiter.add_result), so
// the later waits read only that object, and completions whose order as_completed
// yields are ordered by it.
#pragma once

#include "sim/future.hpp"
#include "sim/runtime.hpp"
#include "sim/waitable.hpp"

#include <cstddef>
#include <cstdint>
#include <iterator>
#include <string>
#include <string_view>
#include <vector>

namespace sim {

// wait()'s return_when: FIRST_COMPLETED, FIRST_EXCEPTION, ALL_COMPLETED.
enum class ReturnWhen : std::uint8_t { kFirstCompleted, kFirstException, kAllCompleted };

namespace detail {

// The futures one call still waits for, as one Waitable: ready when `when` holds for
// them (as_completed waits like FIRST_COMPLETED).
class CompletionWait final : public Waitable {
 public:
  // `watch`: after its first step, watch the futures not complete then (as_completed).
  CompletionWait(std::string_view call, ReturnWhen when, std::vector<FutureState*> futures, bool watch = false);
  ~CompletionWait();
  CompletionWait(const CompletionWait&) = delete;
  CompletionWait& operator=(const CompletionWait&) = delete;

  // One visible step: proceeds when `when` holds or the virtual clock reaches
  // `deadline`; records how many of the futures are complete then, and, unless it
  // watches them, each future's status.
  void wait_until(Nanos deadline);
  // Whether the futures left are watched: all of them completed after the first step.
  bool watching() const { return watching_; }
  std::vector<FutureState*>& futures() { return futures_; }
  Runtime& runtime() const { return *runtime_; }

  bool ready(ThreadId waiter) const override;
  ThreadId blocker(ThreadId waiter) const override;
  std::string describe_wait(ThreadId waiter) const override;

 private:
  Runtime* runtime_;
  ObjectId id_;
  std::string call_;
  ReturnWhen when_;
  std::vector<FutureState*> futures_;  // invariant: no duplicates
  bool watch_ = false;
  bool watching_ = false;
};

// Python's set(fs), keeping the first occurrence of each future in the given order.
std::vector<std::size_t> unique_positions(const std::vector<FutureState*>& states);

// The generator as_completed(fs, timeout) over deduplicated futures.
class AsCompletedCore {
 public:
  static constexpr std::size_t kEnd = static_cast<std::size_t>(-1);
  AsCompletedCore(std::vector<FutureState*> futures, double timeout);
  // The position of the next future to yield, or kEnd. Waits (a visible step) when none
  // of those completed since the last wait is left; throws TimeoutError("N (of M)
  // futures unfinished") when the deadline (set at the first call) passes first. The
  // futures complete at the first wait come in the order given (CPython: set order,
  // which is arbitrary), those of each later wait in completion order.
  std::size_t next();

 private:
  std::vector<FutureState*> all_;
  CompletionWait waiter_;        // over the futures not yet taken
  std::vector<std::size_t> batch_;  // completed at the last wait, latest first
  double timeout_;
  Nanos deadline_ = kNever;
  bool started_ = false;
};

// wait(): which of `futures` (deduplicated) are complete on return.
std::vector<bool> wait_futures(std::vector<FutureState*> futures, double timeout, ReturnWhen when);

}  // namespace detail

// as_completed(fs, timeout): iterating yields each distinct future of `fs` once, as it
// completes, in completion order on the virtual clock (futures already complete when
// iteration starts come first, in the order given: CPython yields those in set order,
// which is arbitrary). A negative timeout means none; with one, iterating raises TimeoutError when
// the clock reaches it (measured from the start of iteration) before all are yielded.
template <typename T>
class AsCompleted {
 public:
  AsCompleted(const std::vector<Future<T>>& fs, double timeout) : core_(unique(fs), timeout) {}
  AsCompleted(const AsCompleted&) = delete;
  AsCompleted& operator=(const AsCompleted&) = delete;

  class iterator {
   public:
    using iterator_category = std::input_iterator_tag;
    using value_type = Future<T>;
    using difference_type = std::ptrdiff_t;
    iterator() = default;
    explicit iterator(AsCompleted* owner) : owner_(owner) {}
    const Future<T>& operator*() const { return owner_->futures_[owner_->current_]; }
    iterator& operator++() {
      owner_->current_ = owner_->core_.next();
      return *this;
    }
    void operator++(int) { ++*this; }
    bool operator==(std::default_sentinel_t) const { return owner_->current_ == detail::AsCompletedCore::kEnd; }

   private:
    AsCompleted* owner_ = nullptr;
  };

  iterator begin() {
    if (!started_) {
      started_ = true;
      current_ = core_.next();
    }
    return iterator(this);
  }
  std::default_sentinel_t end() const { return {}; }

 private:
  std::vector<FutureState*> unique(const std::vector<Future<T>>& fs) {
    std::vector<FutureState*> states;
    for (const Future<T>& f : fs) states.push_back(f.state().get());
    std::vector<FutureState*> kept;
    for (std::size_t i : detail::unique_positions(states)) {
      futures_.push_back(fs[i]);
      kept.push_back(states[i]);
    }
    return kept;
  }

  std::vector<Future<T>> futures_;  // deduplicated; keeps the states alive
  detail::AsCompletedCore core_;
  std::size_t current_ = detail::AsCompletedCore::kEnd;
  bool started_ = false;
};

template <typename T>
AsCompleted<T> as_completed(const std::vector<Future<T>>& fs, double timeout = -1) {
  return AsCompleted<T>(fs, timeout);
}

// wait()'s named tuple; Python's sets, here in the order the futures were given.
template <typename T>
struct DoneAndNotDone {
  std::vector<Future<T>> done;
  std::vector<Future<T>> not_done;
};

// wait(fs, timeout, return_when): one visible step that returns when return_when holds
// (FIRST_COMPLETED: one future is complete; FIRST_EXCEPTION: one finished with an
// exception, or all are complete; ALL_COMPLETED: all are complete; always when all are
// complete, including for an empty list) or when the virtual clock reaches the timeout
// (negative: none). Duplicates count once.
template <typename T>
DoneAndNotDone<T> wait(const std::vector<Future<T>>& fs, double timeout = -1,
                       ReturnWhen return_when = ReturnWhen::kAllCompleted) {
  std::vector<FutureState*> states;
  for (const Future<T>& f : fs) states.push_back(f.state().get());
  const std::vector<std::size_t> kept = detail::unique_positions(states);
  std::vector<FutureState*> unique;
  for (std::size_t i : kept) unique.push_back(states[i]);
  const std::vector<bool> done = detail::wait_futures(std::move(unique), timeout, return_when);
  DoneAndNotDone<T> result;
  for (std::size_t k = 0; k < kept.size(); ++k) (done[k] ? result.done : result.not_done).push_back(fs[kept[k]]);
  return result;
}

}  // namespace sim
