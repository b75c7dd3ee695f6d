#include "db/transaction.h"

#include "db/driver.h"

namespace zt::db {

Result<Transaction> Transaction::begin(Connection& conn) {
  ZT_TRY(conn.impl().begin());
  return Transaction(conn);
}

Transaction::Transaction(Transaction&& other) noexcept
    : conn_(other.conn_), active_(other.active_), failed_(other.failed_) {
  other.conn_ = nullptr;
  other.active_ = false;
}

Transaction::~Transaction() {
  if (active()) (void)rollback();
}

Status Transaction::commit() {
  if (!active()) return Error::internal("transaction_closed", "transaction already ended");
  if (failed_) {
    (void)rollback();
    return Error::internal("transaction_aborted",
                           "a statement in the transaction failed; it was rolled back");
  }
  active_ = false;
  Status s = conn_->impl().commit();
  if (!s.ok()) (void)conn_->impl().rollback();
  return s;
}

Status Transaction::rollback() {
  if (!active()) return {};
  active_ = false;
  return conn_->impl().rollback();
}

Status Transaction::savepoint() {
  if (!active()) return Error::internal("transaction_closed", "transaction already ended");
  Status s = conn_->impl().execute("SAVEPOINT zt_step");
  if (!s.ok()) failed_ = true;
  return s;
}

Status Transaction::release() {
  Status s = conn_->impl().execute("RELEASE SAVEPOINT zt_step");
  if (!s.ok()) failed_ = true;
  return s;
}

Status Transaction::rollback_to_savepoint() {
  Status s = conn_->impl().execute("ROLLBACK TO SAVEPOINT zt_step; RELEASE SAVEPOINT zt_step");
  if (!s.ok()) {
    failed_ = true;
    return s;
  }
  failed_ = false;
  conn_->impl().clear_failure();
  return {};
}

}  // namespace zt::db
