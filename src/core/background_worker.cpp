#include "core/background_worker.h"

namespace zt::core {

BackgroundWorker::BackgroundWorker(Options options, std::function<Next()> pass)
    : options_(std::move(options)), pass_(std::move(pass)) {}

BackgroundWorker::~BackgroundWorker() {
  stop();
}

void BackgroundWorker::start() {
  if (thread_.joinable() || stopping()) return;
  thread_ = std::thread([this] { run(); });
}

void BackgroundWorker::wake() {
  {
    std::lock_guard lock(mutex_);
    woken_ = true;
  }
  cv_.notify_one();
}

void BackgroundWorker::stop() {
  {
    std::lock_guard lock(mutex_);
    stopping_.store(true, std::memory_order_release);
  }
  cv_.notify_all();
  if (thread_.joinable()) thread_.join();
}

void BackgroundWorker::wait(std::unique_lock<std::mutex>& lock, std::optional<SteadyTime> until,
                            bool draining) {
  // While draining, a stop request no longer ends the wait: only a wake-up or the time does.
  auto done = [&] { return woken_ || (!draining && stopping()); };
  if (until) {
    cv_.wait_until(lock, *until, done);
  } else if (options_.period.count() > 0) {
    cv_.wait_for(lock, options_.period, done);
  } else {
    cv_.wait(lock, done);
  }
  woken_ = false;
}

void BackgroundWorker::run() {
  std::optional<SteadyTime> until;  // unset: wait for a wake-up or the period
  if (!options_.idle_at_start) until = std::chrono::steady_clock::now();
  auto pass = [&] {
    if (options_.claim && !options_.claim()) {
      until.reset();  // not ours now: look again after the period
      return Next::idle();
    }
    Next next = pass_();
    passes_.fetch_add(1, std::memory_order_relaxed);
    switch (next.kind_) {
      case Next::Kind::kIdle: until.reset(); break;
      case Next::Kind::kAgain: until = std::chrono::steady_clock::now(); break;
      case Next::Kind::kAt: until = next.at_; break;
    }
    return next;
  };
  while (true) {
    {
      std::unique_lock lock(mutex_);
      wait(lock, until, false);
    }
    if (stopping()) break;
    pass();
  }
  if (options_.drain_on_stop) {
    while (pass().kind_ != Next::Kind::kIdle) {
      std::unique_lock lock(mutex_);
      wait(lock, until, true);
    }
  } else if (options_.final_pass) {
    pass();
  }
}

}  // namespace zt::core
