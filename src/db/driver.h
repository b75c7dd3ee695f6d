// Internal to src/db: the seam between the public types and the two backends, and the
// connection pool both use. Domain code does not include this header.
//
// Thread-safety: a ConnectionImpl and a BulkSink are used by one thread at a time (their lease
// holder); Pool is thread-safe.
#pragma once

#include <chrono>
#include <condition_variable>
#include <cstddef>
#include <cstdint>
#include <deque>
#include <functional>
#include <memory>
#include <mutex>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "core/result.h"
#include "db/connection.h"
#include "db/rows.h"
#include "db/value.h"

namespace zt::db::detail {

// A bulk load in progress on one connection (see bulk_load.h). Destroying an unfinished sink
// abandons it; the connection stays usable, the enclosing transaction must roll back.
class BulkSink {
 public:
  virtual ~BulkSink() = default;
  virtual Status add_row(std::span<const Param> values) = 0;
  virtual Result<std::int64_t> finish() = 0;
};

class ConnectionImpl {
 public:
  virtual ~ConnectionImpl() = default;
  virtual Backend backend() const = 0;
  virtual Status execute(std::string_view script) = 0;
  virtual Result<Rows> query(std::string_view sql, std::span<const Param> params) = 0;
  virtual Result<std::int64_t> exec(std::string_view sql, std::span<const Param> params) = 0;
  virtual Status begin() = 0;   // SQLite's writer: BEGIN IMMEDIATE
  virtual Status commit() = 0;  // fails if the transaction is aborted (nothing committed)
  virtual Status rollback() = 0;
  // After ROLLBACK TO SAVEPOINT: the statements that failed since the savepoint are undone, so
  // the transaction may commit again.
  virtual void clear_failure() {}
  // `table` and `columns` are already quoted identifiers.
  virtual Result<std::unique_ptr<BulkSink>> start_bulk(std::string_view table,
                                                       std::span<const std::string> columns) = 0;
  // Called when a lease ends: rolls back anything left open. False: the connection is broken or
  // dirty and must be closed rather than reused.
  virtual bool reset() = 0;
};

// A bounded pool of connections opened lazily by `factory`. Waiters are served in the order they
// came: a connection given back while someone waits goes to the longest waiter, never to idle
// where the thread that gave it back (a background worker running step after step) would take it
// again at once. With SQLite's one writer that barging starved every other write — a session's
// last-seen write waited seconds behind the audit object indexer catching up (issue 16).
class Pool {
 public:
  using Factory = std::function<Result<std::unique_ptr<ConnectionImpl>>()>;

  Pool(std::size_t capacity, Factory factory);
  ~Pool();  // every lease must have been given back
  Pool(const Pool&) = delete;
  Pool& operator=(const Pool&) = delete;

  // An idle connection, a new one if fewer than capacity are open, or after waiting up to
  // `timeout` for one to come back (first come, first served). Failure: Error unavailable
  // "database_busy" on timeout, or the factory's error.
  Result<std::unique_ptr<ConnectionImpl>> take(std::chrono::milliseconds timeout);
  // Returns a connection taken from this pool; closes it instead when reset() says so.
  void give_back(std::unique_ptr<ConnectionImpl> conn);
  // Adds an already-open connection as idle (counts against capacity).
  void add_idle(std::unique_ptr<ConnectionImpl> conn);

  PoolStats stats() const;

 private:
  // One take() waiting: handed a connection, or a slot to open one in.
  struct Waiter {
    std::condition_variable cv;
    std::unique_ptr<ConnectionImpl> conn;
    bool slot = false;
  };
  // Hands `conn` (or, when null, a free slot if there is one) to the longest waiter and wakes
  // it, else keeps the connection idle. Needs mu_.
  void hand_on(std::unique_ptr<ConnectionImpl> conn);
  Result<std::unique_ptr<ConnectionImpl>> open_slot(std::unique_lock<std::mutex>& lock);

  const std::size_t capacity_;
  const Factory factory_;
  mutable std::mutex mu_;
  // Guarded by mu_.
  std::vector<std::unique_ptr<ConnectionImpl>> idle_;
  std::deque<Waiter*> waiters_;  // oldest first
  std::size_t open_ = 0;         // idle + leased + being opened
};

// Quotes `name` (optionally schema.name) as an SQL identifier after checking it is made of
// letters, digits and underscores. Failure: Error invalid "invalid_identifier".
Result<std::string> quote_identifier(std::string_view name);

}  // namespace zt::db::detail
