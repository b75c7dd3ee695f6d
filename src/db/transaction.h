// Transaction: RAII database transaction on a leased Connection. Begun by Transaction::begin,
// rolled back by the destructor unless commit() succeeded.
//
// SQLite: on a kWrite lease the transaction is BEGIN IMMEDIATE, taking the write lock at once so
// it cannot fail half-way with SQLITE_BUSY; on a kRead lease it is a deferred, read-only snapshot.
// PostgreSQL: BEGIN (READ COMMITTED).
//
// Thread-safety: like its Connection, used by one thread. The Connection must outlive the
// Transaction; use the Connection for statements while the transaction is open.
#pragma once

#include "core/result.h"
#include "db/connection.h"

namespace zt::db {

class Transaction {
 public:
  // Begins a transaction on `conn`. Failure: the BEGIN's error (e.g. "database_busy" when
  // SQLite's write lock stays taken past busy_timeout).
  static Result<Transaction> begin(Connection& conn);

  Transaction(Transaction&& other) noexcept;
  Transaction& operator=(Transaction&&) = delete;
  ~Transaction();  // rolls back if still open

  Connection& connection() { return *conn_; }

  // Commits. Success: every statement of the transaction is durable. Failure: nothing is
  // (the transaction is rolled back), e.g. Error internal "transaction_aborted" when a statement
  // or bulk load inside it failed, or the COMMIT's own error. Either way it is closed.
  Status commit();
  // Rolls back now. Failure only when the connection is lost (nothing was committed anyway).
  Status rollback();

  bool active() const { return conn_ != nullptr && active_; }
  // Marks the transaction as failed so that commit() refuses (used by BulkLoader after an error
  // that the backend would otherwise let a COMMIT keep half of).
  void mark_failed() { failed_ = true; }

  // A savepoint: the statements after it can be undone alone. try_step() runs `step` after a
  // SAVEPOINT; when the step fails, its statements are rolled back (ROLLBACK TO SAVEPOINT) and
  // the transaction stays usable — the step's error is returned for the caller to decide. When
  // it succeeds, the savepoint is released. Failure of the SAVEPOINT or ROLLBACK TO themselves:
  // their error, and the transaction is marked failed.
  template <typename F>
  Status try_step(F&& step) {
    ZT_TRY(savepoint());
    Status s = step();
    if (s.ok()) return release();
    ZT_TRY(rollback_to_savepoint());
    return s;
  }

 private:
  explicit Transaction(Connection& conn) : conn_(&conn) {}
  Status savepoint();
  Status release();
  Status rollback_to_savepoint();

  Connection* conn_;
  bool active_ = true;
  bool failed_ = false;
};

}  // namespace zt::db
