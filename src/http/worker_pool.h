// WorkerPool: a fixed set of threads that run blocking work (database, files) off the I/O
// threads, with a bounded queue so overload is refused early instead of piling up.
//
// Thread-safety: try_submit and the getters may be called from any thread. The destructor
// finishes queued work, then joins the threads.
#pragma once

#include <atomic>
#include <condition_variable>
#include <cstddef>
#include <deque>
#include <functional>
#include <mutex>
#include <thread>
#include <vector>

namespace zt::http {

class WorkerPool {
 public:
  WorkerPool(std::size_t threads, std::size_t queue_limit);
  ~WorkerPool();
  WorkerPool(const WorkerPool&) = delete;
  WorkerPool& operator=(const WorkerPool&) = delete;

  // Queues `job`. Returns false, and drops the job, when `queue_limit` jobs already wait
  // (the caller answers 503) or the pool is stopping.
  bool try_submit(std::function<void()> job);

  // Blocks until no job is queued or running.
  void wait_idle();

  std::size_t queue_depth() const;
  std::size_t threads() const { return threads_.size(); }
  std::size_t queue_limit() const { return queue_limit_; }
  std::uint64_t rejected() const { return rejected_.load(std::memory_order_relaxed); }
  std::size_t busy() const { return busy_.load(std::memory_order_relaxed); }

 private:
  void run();

  const std::size_t queue_limit_;
  mutable std::mutex mutex_;  // guards queue_ and stopping_
  std::condition_variable ready_;
  std::condition_variable idle_;
  std::size_t running_ = 0;  // guarded by mutex_
  std::deque<std::function<void()>> queue_;
  bool stopping_ = false;
  std::atomic<std::uint64_t> rejected_{0};
  std::atomic<std::size_t> busy_{0};
  std::vector<std::thread> threads_;
};

}  // namespace zt::http
