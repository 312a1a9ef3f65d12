#include "checker/symbolic/causal_trace.hpp"

#include <algorithm>
#include <map>
#include <set>
#include <stdexcept>

namespace checker::symbolic {

namespace {

// Operations of every executor share one order: which worker takes which work item
// is decided by the order of submits, takes and shutdowns, and the take is recorded
// on the item's future, not on the queue.
constexpr std::uint64_t kExecutorKey = (1ull << 32) + 1;
constexpr std::uint64_t kRandomKey = (1ull << 32) + 2;  // draws are replayed by their global index

bool is_executor_op(sim::OpKind kind) {
  return kind == sim::OpKind::kSubmit || kind == sim::OpKind::kTaskStart || kind == sim::OpKind::kWorkGet ||
         kind == sim::OpKind::kShutdown;
}

bool is_thread_op(sim::OpKind kind) {
  return kind == sim::OpKind::kStart || kind == sim::OpKind::kJoin || kind == sim::OpKind::kFinish;
}

class Builder {
 public:
  explicit Builder(const Trace& trace) : trace_(trace) {
    causal_.trace = &trace;
    causal_.by_thread.resize(trace.thread_names.size());
    anchor_.assign(trace.events.size(), kNone);
  }

  CausalTrace build() {
    assign_steps();
    classify_locks();
    program_order_and_threads();
    inferred_shutdown_joins();
    other_object_orders();
    lock_regions();
    shared_variables();
    return std::move(causal_);
  }

 private:
  // Choice k performs the first event recorded with decision k + 1 by the chosen
  // thread; the chosen thread's later events in that group (a start, its finish)
  // happen in the same step. Events of another thread in the group (a joiner woken
  // eagerly) belong to that thread's next step.
  void assign_steps() {
    causal_.steps.resize(trace_.choices.size());
    for (std::size_t k = 0; k < trace_.choices.size(); ++k) {
      causal_.steps[k].thread = trace_.choices[k];
      causal_.by_thread.at(trace_.choices[k]).push_back(k);
    }
    for (std::size_t i = 0; i < trace_.events.size(); ++i) {
      const sim::Event& e = trace_.events[i];
      if (e.decision == 0) continue;  // before the first scheduling point: a fixed prefix
      const std::size_t k = e.decision - 1;
      if (k >= causal_.steps.size()) throw std::logic_error("predict: an event after the last recorded choice");
      if (e.thread != causal_.steps[k].thread) continue;
      anchor_[i] = k;
      if (causal_.steps[k].event == kNone) causal_.steps[k].event = i;
    }
    std::vector<std::size_t> next_step(trace_.thread_names.size(), kNone);
    for (std::size_t i = trace_.events.size(); i-- > 0;) {
      const sim::Event& e = trace_.events[i];
      if (anchor_[i] != kNone) {
        next_step[e.thread] = anchor_[i];
      } else if (e.decision > 0) {
        anchor_[i] = next_step[e.thread];  // eager: happens before its thread's next step
      }
    }
  }

  bool is_step_event(std::size_t i) const {
    return anchor_[i] != kNone && causal_.steps[anchor_[i]].event == i;
  }

  void add(std::size_t before, std::size_t after) {
    if (before != kNone && after != kNone && before != after) causal_.orders.push_back({before, after});
  }

  // Program order, and start/join: the steps a thread has done (or waited for by a
  // join) before it starts a child precede the child's first step, and a joined
  // child's last step precedes the joiner's next step.
  void program_order_and_threads() {
    const std::size_t n_threads = trace_.thread_names.size();
    std::vector<std::vector<std::size_t>> since(n_threads);  // steps that precede the thread's next step
    std::vector<std::vector<std::size_t>> start_bounds(n_threads);
    for (std::size_t i = 0; i < trace_.events.size(); ++i) {
      const sim::Event& e = trace_.events[i];
      std::vector<std::size_t>& bounds = since[e.thread];
      if (is_step_event(i)) {
        for (std::size_t b : bounds) add(b, anchor_[i]);
        bounds.assign(1, anchor_[i]);
      } else if (e.kind == sim::OpKind::kStart && e.object < n_threads) {
        start_bounds[e.object] = bounds;
      } else if (e.kind == sim::OpKind::kJoin && e.object < n_threads && !(e.has_value && e.value == 0)) {
        if (!causal_.by_thread[e.object].empty()) bounds.push_back(causal_.by_thread[e.object].back());
      }
    }
    for (std::size_t t = 0; t < n_threads; ++t) {
      if (causal_.by_thread[t].empty()) continue;
      for (std::size_t b : start_bounds[t]) add(b, causal_.by_thread[t].front());
    }
  }

  // shutdown(wait=True) joins the workers, but the runtime records no join of a worker
  // that had already finished. Conservatively: when every worker of the queue had
  // finished before the shutting-down thread's next step, that step follows them all.
  void inferred_shutdown_joins() {
    std::map<sim::ObjectId, std::set<sim::ThreadId>> workers;
    std::vector<std::size_t> finished_at(trace_.thread_names.size(), kNone);
    for (std::size_t i = 0; i < trace_.events.size(); ++i) {
      const sim::Event& e = trace_.events[i];
      if (e.kind == sim::OpKind::kWorkGet) workers[e.object].insert(e.thread);
      if (e.kind == sim::OpKind::kFinish) finished_at[e.thread] = i;
    }
    for (std::size_t i = 0; i < trace_.events.size(); ++i) {
      const sim::Event& e = trace_.events[i];
      if (e.kind != sim::OpKind::kShutdown || !workers.contains(e.object)) continue;
      const std::size_t next = first_step_after(e.thread, i);
      if (next == kNone) continue;
      const std::size_t next_event = causal_.steps[next].event;
      for (sim::ThreadId w : workers[e.object]) {
        if (finished_at[w] != kNone && finished_at[w] < next_event && !causal_.by_thread[w].empty()) {
          add(causal_.by_thread[w].back(), next);
        }
      }
    }
  }

  std::size_t first_step_after(sim::ThreadId thread, std::size_t event) const {
    for (std::size_t k : causal_.by_thread[thread]) {
      if (causal_.steps[k].event != kNone && causal_.steps[k].event > event) return k;
    }
    return kNone;
  }

  // A plain threading.Lock records acquires without a value (RLock and Semaphore
  // record their count) and is released by its holder; anything else about an
  // object with acquires makes it "other".
  void classify_locks() {
    std::map<sim::ObjectId, sim::ThreadId> holder;
    std::set<sim::ObjectId> lockish;
    for (const sim::Event& e : trace_.events) {
      if (e.kind == sim::OpKind::kAcquire || e.kind == sim::OpKind::kTryAcquire || e.kind == sim::OpKind::kRelease) {
        lockish.insert(e.object);
      }
    }
    std::set<sim::ObjectId> broken;
    for (const sim::Event& e : trace_.events) {
      // (A start or join names a thread id in `object`: another namespace.)
      const bool lock_op = e.kind == sim::OpKind::kAcquire || e.kind == sim::OpKind::kTryAcquire ||
                           e.kind == sim::OpKind::kRelease;
      if (e.kind == sim::OpKind::kRead && lockish.contains(e.object)) {
        broken.insert(e.object);  // locked(): its answer must keep its place among the acquires
        continue;
      }
      if (!lock_op || !lockish.contains(e.object)) continue;
      if (e.kind == sim::OpKind::kAcquire && !e.has_value && !holder.contains(e.object)) {
        holder[e.object] = e.thread;
      } else if (e.kind == sim::OpKind::kRelease && holder.contains(e.object) && holder[e.object] == e.thread) {
        holder.erase(e.object);
      } else {
        broken.insert(e.object);
      }
    }
    for (sim::ObjectId id : lockish) {
      if (!broken.contains(id)) plain_locks_.insert(id);
    }
  }

  bool is_plain_lock_op(const sim::Event& e) const {
    return (e.kind == sim::OpKind::kAcquire || e.kind == sim::OpKind::kRelease) && plain_locks_.contains(e.object);
  }

  static bool is_numeric_access(const sim::Event& e) {
    return (e.kind == sim::OpKind::kLoad || e.kind == sim::OpKind::kStore) && e.has_value;
  }

  // Which object an event's order is kept on (kNoObject: none).
  std::uint64_t order_key(std::size_t i) const {
    const sim::Event& e = trace_.events[i];
    if (is_thread_op(e.kind) || is_plain_lock_op(e) || is_numeric_access(e) || anchor_[i] == kNone) {
      return sim::kNoObject;
    }
    if (is_executor_op(e.kind)) return kExecutorKey;
    if (e.kind == sim::OpKind::kRandom) return kRandomKey;
    return e.object;
  }

  // Every other object keeps the run's order of its operations, except threading.Event
  // objects and futures, whose operations are either writes (set, clear; a task's
  // finish, a successful cancel) or reads of the state they leave (is_set, wait,
  // result, done, a failed cancel, futures.wait): there, writes keep their order and
  // each read stays between the writes around it, so it sees the same state (a wait
  // that returned still comes after its set; a timed-out result() still comes before
  // the finish). That is the effect-based order of the maximal causal model; reads of
  // one state may move past each other. Queues keep their full order: whether a put
  // could run before an earlier get depends on the queue's maxsize, which the trace
  // does not record.
  void other_object_orders() {
    std::map<std::uint64_t, std::vector<std::size_t>> by_key;  // events, in trace order
    for (std::size_t i = 0; i < trace_.events.size(); ++i) {
      const std::uint64_t key = order_key(i);
      if (key != sim::kNoObject) by_key[key].push_back(i);
    }
    for (const auto& [key, events] : by_key) {
      if (has_read_write_effects(events)) {
        order_reads_between_writes(events);
      } else {
        order_as_recorded(events);
      }
    }
  }

  enum class Effect { kRead, kWrite, kOther };

  Effect effect(const sim::Event& e) const {
    switch (e.kind) {
      case sim::OpKind::kSet:
      case sim::OpKind::kClear:
      case sim::OpKind::kTaskFinish:
        return Effect::kWrite;
      case sim::OpKind::kCancel:
        return e.has_value && e.value == 0 ? Effect::kRead : Effect::kWrite;
      case sim::OpKind::kRead:
      case sim::OpKind::kWait:
      case sim::OpKind::kFutureResult:
      case sim::OpKind::kFutureDone:
        return Effect::kRead;
      default:
        return Effect::kOther;
    }
  }

  // An Event or a future: written by set/clear or a finish/cancel, and nothing but
  // the kinds above; or an object only looked at (is_set, qsize, ...: kRead never
  // changes state). A Condition or Barrier also records waits, but never a write of
  // this list: their waits change their state and keep the recorded order.
  bool has_read_write_effects(const std::vector<std::size_t>& events) const {
    bool written = false;
    bool only_looks = true;
    for (std::size_t i : events) {
      const Effect x = effect(trace_.events[i]);
      if (x == Effect::kOther) return false;
      written = written || x == Effect::kWrite;
      only_looks = only_looks && trace_.events[i].kind == sim::OpKind::kRead;
    }
    return written || only_looks;
  }

  // An eager event's anchor (its thread's next step) can come after the next
  // operation's step; ordering those would contradict the run itself, so each link
  // goes from the latest anchor so far.
  void order_as_recorded(const std::vector<std::size_t>& events) {
    std::size_t last = kNone;
    for (std::size_t i : events) {
      if (last != kNone && last < anchor_[i]) add(last, anchor_[i]);
      last = last == kNone ? anchor_[i] : std::max(last, anchor_[i]);
    }
  }

  void order_reads_between_writes(const std::vector<std::size_t>& events) {
    std::size_t last_write = kNone;          // latest anchor of the writes so far
    std::vector<std::size_t> reads_since;   // anchors of the reads since that write
    for (std::size_t i : events) {
      const std::size_t at = anchor_[i];
      if (effect(trace_.events[i]) == Effect::kRead) {
        if (last_write != kNone && last_write < at) add(last_write, at);
        reads_since.push_back(at);
        continue;
      }
      if (last_write != kNone && last_write < at) add(last_write, at);
      for (std::size_t r : reads_since) {
        if (r < at) add(r, at);
      }
      reads_since.clear();
      last_write = last_write == kNone ? at : std::max(last_write, at);
    }
  }

  void lock_regions() {
    causal_.held.resize(causal_.steps.size());
    std::map<std::pair<sim::ThreadId, sim::ObjectId>, std::size_t> open;  // -> index in regions
    for (std::size_t k = 0; k < causal_.steps.size(); ++k) {
      const Step& step = causal_.steps[k];
      for (const auto& [key, index] : open) {
        if (key.first == step.thread) causal_.held[k].push_back(key.second);
      }
      if (step.event == kNone) continue;
      const sim::Event& e = trace_.events[step.event];
      if (!is_plain_lock_op(e)) continue;
      if (e.kind == sim::OpKind::kAcquire) {
        open[{e.thread, e.object}] = causal_.regions.size();
        causal_.regions.push_back({e.object, e.thread, k, kNone});
      } else if (const auto it = open.find({e.thread, e.object}); it != open.end()) {
        causal_.regions[it->second].release = k;
        open.erase(it);
      }
    }
  }

  void shared_variables() {
    std::map<sim::ObjectId, std::size_t> index;
    std::map<std::pair<sim::ThreadId, sim::ObjectId>, std::pair<std::size_t, std::int64_t>> last_load;  // step, value
    std::map<std::pair<sim::ThreadId, sim::ObjectId>, std::pair<std::size_t, std::size_t>> last_access;
    for (std::size_t i = 0; i < trace_.events.size(); ++i) {
      const sim::Event& e = trace_.events[i];
      if (!is_numeric_access(e)) continue;
      auto [it, fresh] = index.try_emplace(e.object, causal_.variables.size());
      if (fresh) causal_.variables.push_back({e.object, std::nullopt, {}});
      SharedVariable& var = causal_.variables[it->second];
      const bool is_store = e.kind == sim::OpKind::kStore;
      if (!is_step_event(i)) {  // before the first choice: part of the initial state
        var.initial = e.value;
        continue;
      }
      if (var.accesses.empty() && !is_store && !var.initial) var.initial = e.value;
      Access access{anchor_[i], is_store, e.value, kNone, 0, false};
      const auto key = std::make_pair(e.thread, e.object);
      if (is_store) {
        if (const auto load = last_load.find(key); load != last_load.end()) {
          access.source = load->second.first;
          access.delta = e.value - load->second.second;
        }
        if (const auto prev = last_access.find(key); prev != last_access.end()) {
          Access& before = causal_.variables[prev->second.first].accesses[prev->second.second];
          if (!before.is_store) before.feeds_store = true;
        }
      }
      var.accesses.push_back(access);
      last_access[key] = {it->second, var.accesses.size() - 1};
      if (!is_store) last_load[key] = {access.step, e.value};
    }
  }

  const Trace& trace_;
  CausalTrace causal_;
  std::vector<std::size_t> anchor_;  // per event: the step it happens in (kNone: before any choice)
  std::set<sim::ObjectId> plain_locks_;
};

}  // namespace

CausalTrace build_causal_trace(const Trace& trace) { return Builder(trace).build(); }

std::string describe_step(const CausalTrace& causal, std::size_t step) {
  const Trace& trace = *causal.trace;
  const Step& s = causal.steps[step];
  std::string text = trace.thread_names[s.thread];
  if (s.event == kNone) return text + " (step " + std::to_string(step + 1) + ")";
  const sim::Event& e = trace.events[s.event];
  text += " " + std::string(sim::op_name(e.kind));
  if (e.object < trace.object_names.size() && !is_thread_op(e.kind)) text += " " + trace.object_names[e.object];
  return text;
}

}  // namespace checker::symbolic
