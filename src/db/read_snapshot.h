// ReadSnapshot: while one is open on a thread, that thread's read leases of its Database share
// one connection and, on SQLite, one read transaction.
//
// Why: a short read-only request reads several small things — a signed-in key lookup reads the
// session epoch, the grant version and the record — and on SQLite every read transaction costs
// file-lock system calls that outweigh such a read. Under a snapshot the request pays for one
// transaction, and its reads see one consistent state of the database.
//
// A write lease of the same database given back on this thread ends the shared transaction, so
// reads after a write see it. PostgreSQL: the leases share the connection, each statement still
// commits on its own (a transaction there would cost round trips, not save them).
//
// Not for long or streaming work: an open SQLite read transaction keeps the WAL from being
// checkpointed past it. No transaction may be begun on a read lease under a snapshot. One
// snapshot per thread: a second one opened inside it does nothing, and so does one on an
// in-memory SQLite database (it has no reader connections).
#pragma once

#include <memory>

#include "db/database.h"

namespace zt::db {

class ReadSnapshot {
 public:
  explicit ReadSnapshot(Database& db);
  ~ReadSnapshot();  // ends the transaction and gives the connection back
  ReadSnapshot(const ReadSnapshot&) = delete;
  ReadSnapshot& operator=(const ReadSnapshot&) = delete;

 private:
  friend class Database;
  friend class Connection;

  // The snapshot open on this thread for `db`, if any.
  static ReadSnapshot* current(const Database& db);
  // A read lease of the shared connection (taken from the pool at the first one), inside the
  // shared transaction (begun at the first one after it ended).
  Result<Connection> lease(std::chrono::milliseconds timeout);
  // After a write lease of `pool` was given back on this thread.
  static void after_write(const detail::Pool* pool);
  void end_transaction();

  Database& db_;
  bool open_ = false;  // false when nested inside another snapshot: does nothing
  std::unique_ptr<detail::ConnectionImpl> conn_;
  bool in_transaction_ = false;
};

}  // namespace zt::db
