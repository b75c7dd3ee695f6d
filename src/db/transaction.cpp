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

}  // namespace zt::db
