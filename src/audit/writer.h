// AuditWriter: group-commit writer for audit records of reads of personal data, so that auditing
// does not cap read throughput.
//
// submit() only queues the entry (stamping its time now, when the read happens); a background
// thread appends queued entries in batches of up to batch_size per transaction
// (AuditLog::append_batch). A batch is written as soon as batch_size entries wait, when the
// oldest waiting entry is flush_interval old, or when flush() asks. So a submitted record is
// durable within flush_interval plus one commit (default 200 ms; config [audit]
// flush_interval_ms, at most 1000). When a batch fails (database unavailable) it stays queued, in
// order, and is retried every flush_interval; nothing is dropped while the writer runs.
// The queue is bounded (queue_capacity): when it is full, submit() waits for room — back-pressure
// rather than loss.
//
// Thread-safety: submit(), flush() and stats() may be called from any number of threads. The
// AuditLog must outlive the writer. The destructor flushes what was submitted (retrying a failing
// database up to kShutdownAttempts times; records still unwritten then are counted as dropped)
// and joins the thread.
#pragma once

#include <chrono>
#include <condition_variable>
#include <cstddef>
#include <cstdint>
#include <deque>
#include <mutex>
#include <optional>

#include "audit/model.h"
#include "audit/service.h"
#include "core/background_worker.h"
#include "core/result.h"

namespace zt::audit {

struct WriterOptions {
  // Entries per transaction, at most. Large: every commit rewrites the pages where the
  // indexes grow, so fewer, larger commits write (and checkpoint) far less per record.
  std::size_t batch_size = 8192;
  std::chrono::milliseconds flush_interval{200};  // longest wait of a queued entry
  std::size_t queue_capacity = 100'000;           // entries; submit() waits beyond it
};

class AuditWriter {
 public:
  static constexpr int kShutdownAttempts = 3;

  struct Stats {
    std::uint64_t submitted = 0;  // entries accepted by submit()
    std::uint64_t written = 0;    // entries durable in the database
    std::uint64_t batches = 0;    // transactions committed
    std::uint64_t failures = 0;   // batches that failed (and were retried)
    std::uint64_t dropped = 0;    // entries given up at shutdown (database failing)
    std::size_t queued = 0;       // entries waiting now
  };

  // Starts the background worker.
  explicit AuditWriter(AuditLog& log, WriterOptions options = {});
  ~AuditWriter();
  AuditWriter(const AuditWriter&) = delete;
  AuditWriter& operator=(const AuditWriter&) = delete;

  // Queues `entry` (its time, when unset, becomes the log's clock now). Never touches the
  // database; waits only while the queue is full.
  void submit(AuditEntry entry);

  // Waits until every entry submitted before the call is durable. Success: all written.
  // Failure: Error unavailable "audit_flush_timeout" (with the last database error) when that
  // has not happened within `timeout`; the entries stay queued.
  Status flush(std::chrono::milliseconds timeout = std::chrono::seconds(30));

  Stats stats() const;
  // The error of the most recent failed batch, if any batch failed.
  std::optional<Error> last_error() const;

 private:
  using SteadyTime = std::chrono::steady_clock::time_point;
  struct Queued {
    SteadyTime queued_at;
    AuditEntry entry;
  };

  // One pass of the worker: writes a batch when one is due, else says when it will be.
  core::BackgroundWorker::Next write_due();

  AuditLog& log_;
  const WriterOptions options_;

  mutable std::mutex mutex_;         // guards everything below but worker_
  std::condition_variable room_;     // submitters: the queue has room
  std::condition_variable durable_;  // flushers: written_ advanced
  std::deque<Queued> queue_;
  std::uint64_t submitted_ = 0;
  std::uint64_t written_ = 0;
  std::uint64_t batches_ = 0;
  std::uint64_t failures_ = 0;
  std::uint64_t dropped_ = 0;
  std::size_t flush_waiters_ = 0;
  std::optional<Error> last_error_;
  int failures_at_stop_ = 0;  // failed batches since the stop request
  bool stop_ = false;         // submitters stop waiting for room

  core::BackgroundWorker worker_;  // last: starts after every member above exists
};

}  // namespace zt::audit
