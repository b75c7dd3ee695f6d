#include "exchange/subscriptions/store.h"

#include <fmt/format.h>

#include <cstdint>

namespace zt::exchange {

std::vector<db::Migration> subscription_migrations() {
  return {
      {.version = 450, .name = "create_exchange_subscriptions", .sql = R"sql(
CREATE TABLE exchange_subscription (
  id {{id}},
  department_id BIGINT NOT NULL,
  resource_id BIGINT NOT NULL,
  resource_code TEXT NOT NULL,
  url TEXT NOT NULL,
  secret TEXT NOT NULL,
  cursor_seq BIGINT NOT NULL,
  status TEXT NOT NULL,
  failures BIGINT NOT NULL,
  last_error TEXT NOT NULL,
  last_error_detail TEXT NOT NULL,
  parked_reason TEXT NOT NULL,
  next_attempt_at BIGINT NOT NULL,
  lease_owner TEXT,
  lease_until BIGINT NOT NULL,
  created_by_kind TEXT NOT NULL,
  created_by_id BIGINT NOT NULL,
  created_by_name TEXT NOT NULL,
  created_at BIGINT NOT NULL,
  updated_at BIGINT NOT NULL,
  last_success_at BIGINT,
  parked_at BIGINT
);
CREATE INDEX exchange_subscription_department ON exchange_subscription (department_id, id);
CREATE INDEX exchange_subscription_due ON exchange_subscription (status, next_attempt_at);
CREATE TABLE exchange_delivery (
  id {{id}},
  subscription_id BIGINT NOT NULL,
  attempt BIGINT NOT NULL,
  first_seq BIGINT NOT NULL,
  last_seq BIGINT NOT NULL,
  change_count BIGINT NOT NULL,
  outcome TEXT NOT NULL,
  http_status BIGINT,
  error TEXT NOT NULL,
  error_detail TEXT NOT NULL,
  started_at BIGINT NOT NULL,
  duration_ms BIGINT
);
CREATE INDEX exchange_delivery_subscription ON exchange_delivery (subscription_id, id);
)sql"},
  };
}

namespace subscriptions {

namespace {

constexpr std::string_view kColumns =
    "id, department_id, resource_id, resource_code, url, secret, cursor_seq, status, failures, "
    "last_error, last_error_detail, parked_reason, next_attempt_at, created_by_kind, "
    "created_by_id, created_by_name, created_at, updated_at, last_success_at, parked_at";

constexpr std::string_view kDeliveryColumns =
    "id, subscription_id, attempt, first_seq, last_seq, change_count, outcome, http_status, "
    "error, error_detail, started_at, duration_ms";

// Reads a row of `SELECT kColumns`.
Subscription from_row(const db::Row& row) {
  Subscription s;
  db::into(row, s.id, s.department_id, s.resource_id, s.resource_code, s.url, s.secret, s.cursor,
           s.status, s.failures, s.last_error, s.last_error_detail, s.parked_reason,
           s.next_attempt_at, s.created_by_kind, s.created_by_id, s.created_by_name, s.created_at,
           s.updated_at, s.last_success_at, s.parked_at);
  return s;
}

// Reads a row of `SELECT kDeliveryColumns`.
Delivery delivery_of(const db::Row& row) {
  Delivery d;
  db::into(row, d.id, d.subscription_id, d.attempt, d.first_seq, d.last_seq, d.count, d.outcome,
           d.http_status, d.error, d.error_detail, d.started_at, d.duration_ms);
  return d;
}

Result<std::vector<Subscription>> many(Result<db::Rows> rows) {
  return db::map_rows<Subscription>(std::move(rows), from_row);
}

}  // namespace

Result<std::int64_t> insert(db::Connection& conn, const Subscription& s) {
  return db::scalar<std::int64_t>(conn.query(
      "INSERT INTO exchange_subscription (department_id, resource_id, resource_code, "
      "url, secret, cursor_seq, status, failures, last_error, last_error_detail, "
      "parked_reason, next_attempt_at, lease_owner, lease_until, created_by_kind, "
      "created_by_id, created_by_name, created_at, updated_at) VALUES (?, ?, ?, ?, ?, "
      "?, ?, ?, ?, ?, ?, ?, NULL, 0, ?, ?, ?, ?, ?) RETURNING id",
      s.department_id, s.resource_id, s.resource_code, s.url, s.secret, s.cursor, s.status,
      s.failures, s.last_error, s.last_error_detail, s.parked_reason, s.next_attempt_at,
      s.created_by_kind, s.created_by_id, s.created_by_name, s.created_at, s.updated_at));
}

Status set_secret(db::Connection& conn, std::int64_t id, std::string_view secret) {
  return db::done(
      conn.exec("UPDATE exchange_subscription SET secret = ? WHERE id = ?", secret, id));
}

Result<std::optional<Subscription>> find(db::Connection& conn, std::int64_t id) {
  return db::first_row<Subscription>(
      conn.query(fmt::format("SELECT {} FROM exchange_subscription WHERE id = ?", kColumns), id),
      from_row);
}

Result<std::vector<Subscription>> list(db::Connection& conn,
                                       std::optional<std::int64_t> department_id,
                                       std::int64_t before, int limit) {
  const db::NewestFirst page = db::newest_first(before, limit);
  if (department_id) {
    return many(conn.query(fmt::format("SELECT {} FROM exchange_subscription WHERE "
                                       "department_id = ? AND {}",
                                       kColumns, page.sql),
                           *department_id, page.bound));
  }
  return many(
      conn.query(fmt::format("SELECT {} FROM exchange_subscription WHERE {}", kColumns, page.sql),
                 page.bound));
}

Result<bool> remove(db::Connection& conn, std::int64_t id) {
  ZT_TRY(conn.exec("DELETE FROM exchange_delivery WHERE subscription_id = ?", id));
  ZT_ASSIGN_OR_RETURN(auto n, conn.exec("DELETE FROM exchange_subscription WHERE id = ?", id));
  return n > 0;
}

Result<bool> resume(db::Connection& conn, std::int64_t id, std::int64_t now) {
  ZT_ASSIGN_OR_RETURN(
      auto n, conn.exec("UPDATE exchange_subscription SET status = 'active', failures = 0, "
                        "parked_reason = '', parked_at = NULL, next_attempt_at = ?, updated_at = "
                        "? WHERE id = ? AND status = 'parked'",
                        now, now, id));
  return n > 0;
}

Result<std::vector<Subscription>> due(db::Connection& conn, std::int64_t now, std::int64_t after_id,
                                      int limit) {
  return many(conn.query(fmt::format("SELECT {} FROM exchange_subscription WHERE status = "
                                     "'active' AND next_attempt_at <= ? AND lease_until < ? AND "
                                     "id > ? ORDER BY id LIMIT {}",
                                     kColumns, limit),
                         now, now, after_id));
}

Result<bool> claim(db::Connection& conn, std::int64_t id, std::string_view owner, std::int64_t now,
                   std::int64_t lease_until) {
  // PostgreSQL (READ COMMITTED) re-checks the WHERE clause on the row a concurrent claim just
  // changed, so of two workers at most one sees a row count of 1.
  ZT_ASSIGN_OR_RETURN(
      auto n, conn.exec("UPDATE exchange_subscription SET lease_owner = ?, lease_until = ? WHERE "
                        "id = ? AND status = 'active' AND next_attempt_at <= ? AND lease_until < ?",
                        owner, lease_until, id, now, now));
  return n > 0;
}

Result<bool> finish(db::Connection& conn, const Subscription& s, std::string_view owner) {
  ZT_ASSIGN_OR_RETURN(
      auto n,
      conn.exec("UPDATE exchange_subscription SET cursor_seq = ?, status = ?, failures = ?, "
                "last_error = ?, last_error_detail = ?, parked_reason = ?, next_attempt_at = ?, "
                "updated_at = ?, last_success_at = ?, parked_at = ?, lease_owner = NULL, "
                "lease_until = 0 WHERE id = ? AND lease_owner = ?",
                s.cursor, s.status, s.failures, s.last_error, s.last_error_detail, s.parked_reason,
                s.next_attempt_at, s.updated_at, s.last_success_at, s.parked_at, s.id, owner));
  return n > 0;
}

Status interrupt_pending(db::Connection& conn, std::int64_t subscription_id) {
  return db::done(
      conn.exec("UPDATE exchange_delivery SET outcome = 'interrupted' WHERE subscription_id = "
                "? AND outcome = 'pending'",
                subscription_id));
}

Result<std::int64_t> insert_delivery(db::Connection& conn, const Delivery& d) {
  return db::scalar<std::int64_t>(
      conn.query("INSERT INTO exchange_delivery (subscription_id, attempt, first_seq, last_seq, "
                 "change_count, outcome, http_status, error, error_detail, started_at, "
                 "duration_ms) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id",
                 d.subscription_id, d.attempt, d.first_seq, d.last_seq, d.count, d.outcome,
                 d.http_status, d.error, d.error_detail, d.started_at, d.duration_ms));
}

Status update_delivery(db::Connection& conn, const Delivery& d) {
  return db::done(
      conn.exec("UPDATE exchange_delivery SET outcome = ?, http_status = ?, error = ?, "
                "error_detail = ?, duration_ms = ? WHERE id = ?",
                d.outcome, d.http_status, d.error, d.error_detail, d.duration_ms, d.id));
}

Result<std::vector<Delivery>> deliveries(db::Connection& conn, std::int64_t subscription_id,
                                         std::int64_t before, int limit) {
  const db::NewestFirst page = db::newest_first(before, limit);
  return db::map_rows<Delivery>(
      conn.query(fmt::format("SELECT {} FROM exchange_delivery WHERE subscription_id = ? AND {}",
                             kDeliveryColumns, page.sql),
                 subscription_id, page.bound),
      delivery_of);
}

}  // namespace subscriptions

}  // namespace zt::exchange
