#include "sim/queue_core.hpp"

#include <algorithm>
#include <cstdio>

namespace sim {

namespace {

std::string seconds_text(double seconds) {
  char buffer[32];
  std::snprintf(buffer, sizeof buffer, "%g", seconds);
  return buffer;
}

}  // namespace

QueueCore::QueueCore(std::string_view name, std::int64_t maxsize)
    : runtime_(&Runtime::current()),
      id_(runtime_->register_object(name)),
      maxsize_(maxsize) {}

QueueCore::~QueueCore() {
  runtime_->forget_waitable(item_);
  runtime_->forget_waitable(room_);
  runtime_->forget_waitable(all_done_);
}

// CPython checks `timeout < 0` only on the path that would wait (block=True and, for
// put, a bounded queue): "'timeout' must be a non-negative number" (ValueError).
void QueueCore::check_timeout(Timeout timeout) {
  if (timeout && *timeout < 0) {
    throw std::invalid_argument(
        "'timeout' must be a non-negative number (leave the timeout out for Python's None)");
  }
}

void QueueCore::wait_for_room(bool block, Timeout timeout) {
  if (!bounded()) {  // CPython's put never waits, and never looks at block or timeout
    runtime_->visible(OpKind::kPut, id_);
    return;
  }
  if (!block) {
    runtime_->visible(OpKind::kPut, id_);
  } else if (!timeout) {
    runtime_->visible(OpKind::kPut, id_, &room_);
  } else {
    check_timeout(timeout);
    runtime_->visible_until(OpKind::kPut, id_, &room_, runtime_->deadline_after(*timeout));
  }
  if (is_full()) {
    runtime_->record(OpKind::kPut, id_);
    throw Full("queue.Full: " + name() + ".put() on a full queue (maxsize " + std::to_string(maxsize_) +
               (block ? "), still full after the timeout of " + seconds_text(*timeout) + " s" : ")"));
  }
}

void QueueCore::did_put(std::int64_t value, bool has_value) {
  ++size_;
  ++unfinished_;
  note_thread(putters_, runtime_->current_thread());
  runtime_->record(OpKind::kPut, id_, value, has_value);
}

void QueueCore::wait_for_item(bool block, Timeout timeout) {
  if (!block) {
    runtime_->visible(OpKind::kGet, id_);
  } else if (!timeout) {
    runtime_->visible(OpKind::kGet, id_, &item_);
  } else {
    check_timeout(timeout);
    runtime_->visible_until(OpKind::kGet, id_, &item_, runtime_->deadline_after(*timeout));
  }
  if (size_ == 0) {
    runtime_->record(OpKind::kGet, id_);
    throw Empty("queue.Empty: " + name() + ".get() on an empty queue" +
                (block ? ", still empty after the timeout of " + seconds_text(*timeout) + " s" : ""));
  }
}

void QueueCore::did_get(std::int64_t value, bool has_value) {
  --size_;
  note_thread(getters_, runtime_->current_thread());
  runtime_->record(OpKind::kGet, id_, value, has_value);
}

std::int64_t QueueCore::read_qsize() {
  runtime_->visible(OpKind::kRead, id_);
  runtime_->record(OpKind::kRead, id_, size_, true);
  return size_;
}

bool QueueCore::read_empty() {
  runtime_->visible(OpKind::kRead, id_);
  const bool empty = size_ == 0;  // CPython: `not self._qsize()`
  runtime_->record(OpKind::kRead, id_, empty ? 1 : 0, true);
  return empty;
}

bool QueueCore::read_full() {
  runtime_->visible(OpKind::kRead, id_);
  const bool full = is_full();  // CPython: `0 < self.maxsize <= self._qsize()`
  runtime_->record(OpKind::kRead, id_, full ? 1 : 0, true);
  return full;
}

void QueueCore::mark_task_done() {
  runtime_->visible(OpKind::kTaskDone, id_);
  if (unfinished_ == 0) {
    runtime_->record(OpKind::kTaskDone, id_, -1, true);
    runtime_->fail(FindingKind::kMisuse,
                   "task_done() on " + name() + " called more times than items were put on it "
                   "(Python raises ValueError: task_done() called too many times)");
  }
  --unfinished_;
  runtime_->record(OpKind::kTaskDone, id_, unfinished_, true);
}

void QueueCore::wait_all_done() {
  runtime_->visible(OpKind::kWait, id_, &all_done_);
  runtime_->record(OpKind::kWait, id_);
}

void QueueCore::note_thread(std::vector<ThreadId>& threads, ThreadId id) {
  if (std::find(threads.begin(), threads.end(), id) == threads.end()) threads.push_back(id);
}

// Lists the threads other than `waiter` that did `verb` ("put items on it") and says
// which have finished: "producer, which put items on it, has finished".
std::string QueueCore::others_text(const std::vector<ThreadId>& threads, ThreadId waiter,
                                   const char* verb) const {
  std::string finished;
  std::string running;
  int finished_count = 0;
  int running_count = 0;
  for (ThreadId id : threads) {
    if (id == waiter) continue;
    const bool done = runtime_->is_finished(id);
    std::string& list = done ? finished : running;
    list += (list.empty() ? "" : ", ") + runtime_->thread_name(id);
    ++(done ? finished_count : running_count);
  }
  const std::string which = std::string(", which ") + verb + ", ";
  auto verb_of = [](int count) { return count == 1 ? "has" : "have"; };
  if (finished_count == 0 && running_count == 0) {
    return std::string("no other thread ever ") + verb;
  }
  if (running_count == 0) return finished + which + verb_of(finished_count) + " finished";
  if (finished_count == 0) return running + which + verb_of(running_count) + " not finished";
  return std::string("of the threads that ") + verb + ", " + finished + " " + verb_of(finished_count) +
         " finished and " + running + " " + verb_of(running_count) + " not";
}

bool QueueCore::Wait::ready(ThreadId) const {
  switch (for_) {
    case For::kItem: return queue_.size_ > 0;
    case For::kRoom: return !queue_.is_full();
    case For::kAllDone: return queue_.unfinished_ == 0;
  }
  return false;
}

// No single thread is to blame: any thread could still put, get or call task_done.
ThreadId QueueCore::Wait::blocker(ThreadId) const { return kNoThread; }

std::string QueueCore::Wait::describe_wait(ThreadId waiter) const {
  const std::string& name = queue_.name();
  switch (for_) {
    case For::kItem:
      return name + ".get(): " + name + " is empty; " +
             queue_.others_text(queue_.putters_, waiter, "put items on it");
    case For::kRoom:
      return name + ".put(): " + name + " is full (maxsize " + std::to_string(queue_.maxsize_) + "); " +
             queue_.others_text(queue_.getters_, waiter, "took items from it");
    case For::kAllDone: {
      const std::int64_t n = queue_.unfinished_;
      std::string text = name + ".join(): " + std::to_string(n) + (n == 1 ? " task" : " tasks") +
                         " not marked done (" + std::to_string(queue_.size_) + " still in " + name + "); ";
      return text + queue_.others_text(queue_.getters_, waiter, "took items from it");
    }
  }
  return name;
}

}  // namespace sim
