// BackgroundWorker: the one kind of background thread in Zhengtong — a thread that runs a pass of
// work when woken, on a period, or at a time the last pass asked for, until stopped.
//
// Every background task uses it (the audit writer, webhook delivery, the registry syncer, the
// SQLite checkpointer, and the modules' reminders and recomputations), so start, wake-up, pacing,
// stop and the final drain are written once. Work that must run on one node at a time when
// several nodes share one PostgreSQL gives a `claim`: each pass first asks it (e.g. a
// db::WorkerLease), and a node that does not hold the claim skips the pass and waits for the next
// period.
//
// A pass returns what it wants next: Next::idle() (wait for a wake-up or the period),
// Next::again() (run again at once: more is waiting), or Next::at(t) (run at steady time t, or
// earlier when woken). stop() wakes the thread; with `drain_on_stop` the passes go on until one
// returns idle (the audit writer writes what is queued); with `final_pass` one more pass runs after
// the stop request (the registry syncer merges what arrived last). Passes see stopping() == true
// from then on.
//
// Thread-safety: wake(), stopping() and passes() may be called from any thread (wake() from inside
// a pass too); start() and stop() from the owning thread. The destructor stops and joins. The pass
// and the claim must not throw (an exception is a programming error and terminates).
#pragma once

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <functional>
#include <mutex>
#include <optional>
#include <string>
#include <thread>

namespace zt::core {

class BackgroundWorker {
 public:
  using SteadyTime = std::chrono::steady_clock::time_point;

  // What a pass asks for next.
  class Next {
   public:
    static Next idle() { return Next(Kind::kIdle, {}); }
    static Next again() { return Next(Kind::kAgain, {}); }
    static Next at(SteadyTime t) { return Next(Kind::kAt, t); }
    static Next after(std::chrono::steady_clock::duration d) {
      return at(std::chrono::steady_clock::now() + d);
    }

   private:
    friend class BackgroundWorker;
    enum class Kind { kIdle, kAgain, kAt };
    Next(Kind kind, SteadyTime at) : kind_(kind), at_(at) {}
    Kind kind_;
    SteadyTime at_;
  };

  struct Options {
    std::string name;  // what the work is, for logs (e.g. "webhook-delivery")
    // Pace when idle: a pass every `period`; zero: only when woken or asked for.
    std::chrono::milliseconds period{0};
    // Called before each pass; false: this node may not run it now (another holds the lease).
    std::function<bool()> claim;
    // After stop(): keep running passes until one returns idle (each sees stopping()).
    bool drain_on_stop = false;
    // After stop(): run exactly one more pass.
    bool final_pass = false;
    // The first pass waits for a wake-up or the period (default: it runs at start()).
    bool idle_at_start = false;
  };

  BackgroundWorker(Options options, std::function<Next()> pass);
  ~BackgroundWorker();  // stop() and join
  BackgroundWorker(const BackgroundWorker&) = delete;
  BackgroundWorker& operator=(const BackgroundWorker&) = delete;

  // Starts the thread (once; later calls do nothing). The first pass runs at once unless
  // idle_at_start.
  void start();
  // Asks for a pass soon (coalesced: many wake-ups before the pass give one pass).
  void wake();
  // Asks the thread to stop, lets the running pass end, runs the drain or final pass the options
  // ask for, and joins. Idempotent; without start() it only marks the worker stopping.
  void stop();
  // True once stop() was called: long passes cut their work short, retries give up sooner.
  bool stopping() const { return stopping_.load(std::memory_order_acquire); }
  // Passes run so far (skipped ones not counted): for tests and metrics.
  std::uint64_t passes() const { return passes_.load(std::memory_order_relaxed); }
  const std::string& name() const { return options_.name; }

 private:
  void run();
  // Waits until woken, stopped (unless draining), or `until` (or the period when unset). Called
  // with the lock held.
  void wait(std::unique_lock<std::mutex>& lock, std::optional<SteadyTime> until, bool draining);

  const Options options_;
  const std::function<Next()> pass_;
  std::atomic<bool> stopping_ = false;
  std::atomic<std::uint64_t> passes_ = 0;
  std::mutex mutex_;  // guards woken_ and the wait
  std::condition_variable cv_;
  bool woken_ = false;
  std::thread thread_;
};

}  // namespace zt::core
