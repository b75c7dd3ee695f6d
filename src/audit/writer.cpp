#include "audit/writer.h"

#include <algorithm>
#include <string>
#include <utility>
#include <vector>

namespace zt::audit {

AuditWriter::AuditWriter(AuditLog& log, WriterOptions options)
    : log_(log),
      options_(options),
      worker_({.name = "audit-writer", .drain_on_stop = true}, [this] { return write_due(); }) {
  worker_.start();
}

AuditWriter::~AuditWriter() {
  {
    std::lock_guard lock(mutex_);
    stop_ = true;
  }
  room_.notify_all();
  worker_.stop();  // writes what is queued (kShutdownAttempts tries when the database fails)
  durable_.notify_all();
}

void AuditWriter::submit(AuditEntry entry) {
  if (!entry.time) entry.time = log_.clock().now();
  const SteadyTime now = std::chrono::steady_clock::now();
  std::unique_lock lock(mutex_);
  room_.wait(lock, [&] { return queue_.size() < options_.queue_capacity || stop_; });
  const bool was_empty = queue_.empty();
  queue_.push_back({now, std::move(entry)});
  ++submitted_;
  if (was_empty || queue_.size() >= options_.batch_size) worker_.wake();
}

Status AuditWriter::flush(std::chrono::milliseconds timeout) {
  std::unique_lock lock(mutex_);
  const std::uint64_t target = submitted_;
  if (written_ >= target) return {};
  ++flush_waiters_;
  worker_.wake();
  const bool done = durable_.wait_for(lock, timeout, [&] { return written_ >= target; });
  --flush_waiters_;
  if (done) return {};
  return Error::unavailable(
      "audit_flush_timeout",
      "audit records are not yet durable" +
          (last_error_ ? ": " + last_error_->detail + " (" + last_error_->code + ")"
                       : std::string()));
}

AuditWriter::Stats AuditWriter::stats() const {
  std::lock_guard lock(mutex_);
  return {submitted_, written_, batches_, failures_, dropped_, queue_.size()};
}

std::optional<Error> AuditWriter::last_error() const {
  std::lock_guard lock(mutex_);
  return last_error_;
}

core::BackgroundWorker::Next AuditWriter::write_due() {
  using Next = core::BackgroundWorker::Next;
  std::unique_lock lock(mutex_);
  if (queue_.empty()) return Next::idle();
  // Let a batch gather: until it is full, its oldest entry has waited flush_interval, someone
  // flushes, or the writer stops.
  const bool stopping = worker_.stopping();
  const SteadyTime deadline = queue_.front().queued_at + options_.flush_interval;
  if (!stopping && flush_waiters_ == 0 && queue_.size() < options_.batch_size &&
      std::chrono::steady_clock::now() < deadline) {
    return Next::at(deadline);
  }
  const std::size_t n = std::min(options_.batch_size, queue_.size());
  std::vector<AuditEntry> batch;
  std::vector<SteadyTime> queued_at;
  batch.reserve(n);
  queued_at.reserve(n);
  for (std::size_t i = 0; i < n; ++i) {
    batch.push_back(std::move(queue_.front().entry));
    queued_at.push_back(queue_.front().queued_at);
    queue_.pop_front();
  }
  room_.notify_all();

  lock.unlock();
  auto result = log_.append_batch(batch);
  lock.lock();

  if (result.ok()) {
    written_ += n;
    ++batches_;
    failures_at_stop_ = 0;
    durable_.notify_all();
    return queue_.empty() ? Next::idle() : Next::again();
  }
  ++failures_;
  last_error_ = std::move(result).error();
  for (std::size_t i = n; i-- > 0;) {  // back at the front, in order
    queue_.push_front({queued_at[i], std::move(batch[i])});
  }
  if (stopping && ++failures_at_stop_ >= kShutdownAttempts) {
    dropped_ += queue_.size();
    queue_.clear();
    room_.notify_all();
    durable_.notify_all();
    return Next::idle();
  }
  return Next::after(options_.flush_interval);  // back off before retrying
}

}  // namespace zt::audit
