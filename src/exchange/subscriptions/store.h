// Webhook subscriptions (订阅) and their delivery history: the only file of the module with SQL on
// exchange_subscription and exchange_delivery (migrations 450-459).
//
// A subscription row carries its delivery state: the cursor (the last sequence number the
// subscriber acknowledged with a 2xx), the consecutive failures of the batch at its head, when
// the next attempt is due (kept in the table so backoff survives restarts), and a lease
// (lease_owner, lease_until) that one delivery worker takes with a conditional UPDATE before it
// sends anything, so that several server nodes on one database never send the same batch at the
// same time. Every write that ends an attempt is conditioned on still holding the lease.
//
// Times are milliseconds since the epoch (BIGINT), as everywhere in the module.
// Thread-safety: free functions on a caller's connection.
#pragma once

#include "core/result.h"
#include "db/connection.h"
#include "db/migration.h"

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace zt::exchange {

// Migrations 450-499: exchange_subscription and exchange_delivery. The app applies them after
// migrations().
std::vector<db::Migration> subscription_migrations();

struct Subscription {
  std::int64_t id = 0;
  std::int64_t department_id = 0;  // the subscriber
  std::int64_t resource_id = 0;
  std::string resource_code;
  std::string url;     // http:// only
  std::string secret;  // as stored: "sm4:" + hex of the sealed secret
  std::int64_t cursor = 0;
  std::string status = "active";  // "active", "parked"
  std::int64_t failures = 0;      // consecutive failed attempts of the batch at the cursor
  std::string last_error;         // code of the last failed attempt ("" when none)
  std::string last_error_detail;
  std::string parked_reason;  // "too_many_failures", "access_revoked"; "" while active
  std::int64_t next_attempt_at = 0;
  std::string created_by_kind;  // "user", "api_client"
  std::int64_t created_by_id = 0;
  std::string created_by_name;
  std::int64_t created_at = 0;
  std::int64_t updated_at = 0;
  std::optional<std::int64_t> last_success_at;
  std::optional<std::int64_t> parked_at;
};

// One attempt to deliver one batch.
struct Delivery {
  std::int64_t id = 0;  // also the X-Zhengtong-Delivery header
  std::int64_t subscription_id = 0;
  std::int64_t attempt = 1;  // 1 for the batch's first try, 2 for its first retry, …
  std::int64_t first_seq = 0;
  std::int64_t last_seq = 0;
  std::int64_t count = 0;
  // "pending" (being sent), "delivered" (2xx), "failed", "interrupted" (its worker stopped
  // before the answer was recorded; the batch is sent again).
  std::string outcome = "pending";
  std::optional<std::int64_t> http_status;
  std::string error;  // failure code ("http_error", "timeout", …), "" otherwise
  std::string error_detail;
  std::int64_t started_at = 0;
  std::optional<std::int64_t> duration_ms;
};

namespace subscriptions {

// Inserts a subscription (its id ignored); returns the id.
Result<std::int64_t> insert(db::Connection& conn, const Subscription& s);
// Sets the stored (sealed) secret.
Status set_secret(db::Connection& conn, std::int64_t id, std::string_view secret);
Result<std::optional<Subscription>> find(db::Connection& conn, std::int64_t id);
// Newest first, id < before (0: from the newest); only `department_id`'s when given.
Result<std::vector<Subscription>> list(db::Connection& conn,
                                       std::optional<std::int64_t> department_id,
                                       std::int64_t before, int limit);
// Deletes the subscription and its delivery history. Success: whether it existed.
Result<bool> remove(db::Connection& conn, std::int64_t id);
// A parked subscription active again: failures 0, no parked reason, due at `now`.
// Success: whether it was parked (nothing changes otherwise).
Result<bool> resume(db::Connection& conn, std::int64_t id, std::int64_t now);

// Active subscriptions due at `now` whose lease is free, id > after_id in id order, at most
// `limit` (page on with the last id).
Result<std::vector<Subscription>> due(db::Connection& conn, std::int64_t now, std::int64_t after_id,
                                      int limit);
// Takes the lease of an active, due subscription until `lease_until` for `owner`.
// Success: true when taken; false when another worker holds it, or it is no longer active or due.
Result<bool> claim(db::Connection& conn, std::int64_t id, std::string_view owner, std::int64_t now,
                   std::int64_t lease_until);
// Writes the delivery state of `s` (cursor, status, failures, errors, parked reason, next
// attempt, success and park times) and frees the lease, provided `owner` still holds it.
// Success: whether it did (false: the lease was lost or the subscription deleted).
Result<bool> finish(db::Connection& conn, const Subscription& s, std::string_view owner);

// Marks the pending attempts of a subscription as interrupted (a worker stopped mid-delivery).
Status interrupt_pending(db::Connection& conn, std::int64_t subscription_id);
// Inserts an attempt; returns its id.
Result<std::int64_t> insert_delivery(db::Connection& conn, const Delivery& d);
// Writes an attempt's outcome, status, error and duration.
Status update_delivery(db::Connection& conn, const Delivery& d);
// Attempts of a subscription, newest first, id < before (0: from the newest).
Result<std::vector<Delivery>> deliveries(db::Connection& conn, std::int64_t subscription_id,
                                         std::int64_t before, int limit);

}  // namespace subscriptions

}  // namespace zt::exchange
