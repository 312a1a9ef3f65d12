// The state machine shared by queue.Queue and queue.SimpleQueue, independent of the
// item type: the item count, maxsize, the unfinished-task counter of task_done/join,
// and the three waits of CPython's queue.py (its `not_empty`, `not_full` and
// `all_tasks_done` conditions), each a Waitable that explains itself in a deadlock
// report. The typed wrappers (sim/queue.hpp, sim/simple_queue.hpp) keep the items and
// call the halves of each operation around their own push/pop, so the item moves
// between the two halves within the same atomic step.
//
// Steps: every method is one visible step, as each takes the queue's mutex in CPython:
// put (kPut), get (kGet), qsize/empty/full (kRead), task_done (kTaskDone), join (kWait).
#pragma once

#include "sim/runtime.hpp"
#include "sim/waitable.hpp"

#include <cstdint>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

namespace sim {

// queue.Full: put(block=False) on a full queue, or a timed put that timed out.
struct Full : std::runtime_error {
  using std::runtime_error::runtime_error;
};

// queue.Empty: get(block=False) on an empty queue, or a timed get that timed out.
struct Empty : std::runtime_error {
  using std::runtime_error::runtime_error;
};

// The timeout argument of put/get: no value is Python's `timeout=None` (wait forever);
// a negative value raises ValueError (std::invalid_argument), as in CPython.
using Timeout = std::optional<double>;

class QueueCore {
 public:
  QueueCore(const QueueCore&) = delete;
  QueueCore& operator=(const QueueCore&) = delete;

  ObjectId id() const { return id_; }
  const std::string& name() const { return runtime_->object_name(id_); }
  // maxsize as given; 0 or negative means unbounded.
  std::int64_t maxsize() const { return maxsize_; }

 protected:
  QueueCore(std::string_view name, std::int64_t maxsize);
  ~QueueCore();

  // The first half of put: a scheduling point that waits for room (blocking, up to
  // `timeout`) as CPython's Queue.put does. Throws Full when it does not wait or its
  // timeout expires; std::invalid_argument for a negative timeout on a bounded queue
  // with block=true. On return the caller appends the item, then calls did_put.
  void wait_for_room(bool block, Timeout timeout);
  // The second half of put: counts the item and the unfinished task, records the step.
  void did_put(std::int64_t value, bool has_value);
  // The first half of get: a scheduling point that waits for an item. Throws Empty when
  // it does not wait or its timeout expires; std::invalid_argument for a negative
  // timeout with block=true. On return the caller removes the front item, then calls
  // did_get.
  void wait_for_item(bool block, Timeout timeout);
  void did_get(std::int64_t value, bool has_value);

  // qsize(), empty(), full(): one visible read each.
  std::int64_t read_qsize();
  bool read_empty();
  bool read_full();
  // task_done(): one step; a call with no unfinished task left is a misuse finding
  // (CPython raises ValueError: task_done() called too many times).
  void mark_task_done();
  // join(): blocks until every item put has been marked done.
  void wait_all_done();

 private:
  // One of CPython's three conditions: what a blocked put, get or join waits for.
  class Wait final : public Waitable {
   public:
    enum class For : std::uint8_t { kItem, kRoom, kAllDone };
    Wait(const QueueCore& queue, For what) : queue_(queue), for_(what) {}
    bool ready(ThreadId waiter) const override;
    ThreadId blocker(ThreadId waiter) const override;
    std::string describe_wait(ThreadId waiter) const override;

   private:
    const QueueCore& queue_;
    For for_;
  };

  bool bounded() const { return maxsize_ > 0; }
  bool is_full() const { return bounded() && size_ >= maxsize_; }
  static void check_timeout(Timeout timeout);
  // "producer, which put items on it, has finished": who could change the state the
  // waiter waits for, and whether they are done.
  std::string others_text(const std::vector<ThreadId>& threads, ThreadId waiter, const char* verb) const;
  static void note_thread(std::vector<ThreadId>& threads, ThreadId id);

  Runtime* runtime_;
  ObjectId id_;
  std::int64_t maxsize_;
  std::int64_t size_ = 0;           // invariant: equals the typed wrapper's item count
  std::int64_t unfinished_ = 0;     // CPython's unfinished_tasks; invariant: >= 0
  std::vector<ThreadId> putters_;   // every thread that has put an item, in order of first put
  std::vector<ThreadId> getters_;   // every thread that has taken an item
  Wait item_{*this, Wait::For::kItem};
  Wait room_{*this, Wait::For::kRoom};
  Wait all_done_{*this, Wait::For::kAllDone};
};

}  // namespace sim
