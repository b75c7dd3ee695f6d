#include "db/read_snapshot.h"

#include "db/driver.h"

namespace zt::db {

namespace {

// The snapshot open on this thread (at most one); see the header.
thread_local ReadSnapshot* open_snapshot = nullptr;

}  // namespace

ReadSnapshot::ReadSnapshot(Database& db) : db_(db) {
  // An in-memory SQLite database has only its writer: a read transaction held on it would
  // keep the writes of this very thread waiting.
  const bool readers =
      db.backend() != Backend::kSqlite || &db.pool(Access::kRead) != &db.pool(Access::kWrite);
  if (open_snapshot == nullptr && readers) {
    open_snapshot = this;
    open_ = true;
  }
}

ReadSnapshot::~ReadSnapshot() {
  if (!open_) return;
  open_snapshot = nullptr;
  end_transaction();
  if (conn_) db_.pool(Access::kRead).give_back(std::move(conn_));
}

ReadSnapshot* ReadSnapshot::current(const Database& db) {
  return open_snapshot != nullptr && &open_snapshot->db_ == &db ? open_snapshot : nullptr;
}

Result<Connection> ReadSnapshot::lease(std::chrono::milliseconds timeout) {
  if (!conn_) {
    auto taken = db_.pool(Access::kRead).take(timeout);
    if (!taken.ok()) return std::move(taken).error();
    conn_ = std::move(taken).value();
  }
  if (!in_transaction_ && conn_->backend() == Backend::kSqlite) {
    ZT_TRY(conn_->begin());
    in_transaction_ = true;
  }
  return Connection(conn_.get(), Access::kRead);
}

void ReadSnapshot::after_write(const detail::Pool* pool) {
  if (open_snapshot != nullptr && &open_snapshot->db_.pool(Access::kWrite) == pool) {
    open_snapshot->end_transaction();
  }
}

void ReadSnapshot::end_transaction() {
  if (!in_transaction_) return;
  in_transaction_ = false;
  (void)conn_->rollback();  // read-only: nothing to keep
}

}  // namespace zt::db
