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
#include "exchange/subscriptions/model.h"

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace zt::exchange {

// Migrations 450-499: exchange_subscription and exchange_delivery. The app applies them after
// migrations().
std::vector<db::Migration> subscription_migrations();

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
