// SubscriptionService: webhook subscriptions (订阅) of the exchange hub and the worker that
// delivers them — a department registers an http:// URL for a resource it may read, and
// Zhengtong POSTs the resource's changes to it in batches, signed, in sequence order.
//
// Subscribing. A principal with exchange.query and a department (staff or API client) subscribes
// its department to a published resource it may read: the AccessCheck (the sharing rules) must
// grant the department access. start_after picks the first change sent (default: the resource's
// current last_seq, i.e. only new changes). The secret — 32 random bytes as 64 hex characters —
// is answered once, at creation; it is kept SM4-sealed under the platform data key (associated
// data "exchange_subscription.secret:<id>"). A department sees and manages its own
// subscriptions; city-scope principals (data_admin) see and manage every department's.
//
// Delivery. One background worker (start(); core::BackgroundWorker) looks every poll_interval (or
// at once after notify()) for active subscriptions that are due and whose resource has changes
// after their cursor. For each it takes the subscription's lease (a conditional UPDATE with an
// expiry, so several server nodes on one database never send the same batch concurrently; a node
// that dies mid-delivery loses the lease when it expires), checks access again, reads up to
// batch_size changes, projects every record with exchange::project (fields outside the grant
// absent, personal values masked) and POSTs one JSON batch:
//
//   {"subscription_id": 7, "resource": "330300-GA-0001", "next_cursor": 42,
//    "changes": [{"seq": 40, "op": "insert", "data": {…}, "batch_id": 3,
//                 "changed_at": "2026-11-23T08:00:00.123+08:00"}, …]}
//
// with the headers
//   Content-Type: application/json
//   X-Zhengtong-Signature: sm3=<lower-hex HMAC-SM3 of the exact body bytes>; the HMAC key is the
//                          subscription's secret as shown at creation (its 64 ASCII characters)
//   X-Zhengtong-Timestamp: the attempt's time, seconds since the Unix epoch
//   X-Zhengtong-Delivery: the attempt's id (as in the delivery history)
//
// A 2xx answer within `timeout` advances the cursor to next_cursor, in the same transaction as
// the attempt's record. Anything else — another status, a timeout, a refused connection — is a
// failed attempt: the changes after the cursor are sent again (the batch may have grown by
// changes made meanwhile) after backoff_delay(failures) (base, 2·base, 4·base, … at most
// backoff_cap; the due time is stored, so backoff survives restarts), and after
// max_failures consecutive failures the subscription is parked with reason "too_many_failures"
// (last_error says why the last attempt failed) until someone resumes it.
//
// At-least-once: a batch whose 2xx was not recorded (the server stopped, the database failed
// after the answer, the lease expired) is sent again, so a receiver must deduplicate by seq
// (apply a change only when its seq is above the last seq it applied; X-Zhengtong-Delivery
// differs between attempts); batches of one subscription are never sent concurrently and always
// in seq order.
//
// Access is checked at creation and again before every delivery: when the AccessCheck refuses
// (kForbidden or kNotFound: a grant revoked or expired, a share_type narrowed) the subscription
// is parked with reason "access_revoked" and nothing is sent; resuming checks access again. A
// parked subscription keeps its cursor, so nothing is skipped. Other AccessCheck failures
// (database unavailable) postpone the attempt by one backoff base without counting a failure.
//
// Audit: every attempt that POSTed data writes "exchange.webhook.deliver" (object the resource
// code; purpose "subscription"; detail the subscription, delivery and seq range, count, access
// basis and outcome) through the AuditWriter; creating, deleting and resuming write
// "exchange.subscription.create/delete/resume" through the AuditLog in the same transaction.
//
// Errors: 400 "invalid_body", "invalid_url", "invalid_start_after"; 403 "forbidden" (no
// department or permission), the AccessCheck's own (e.g. "grant_required"); 404
// "resource_not_found", "subscription_not_found"; 409 "resource_not_published",
// "resource_retired", "subscription_not_parked"; database errors.
//
// Files: the subscription routes' side here and in service.cpp; the delivery worker in
// delivery.cpp; the wire (URL check, signature, backoff) in webhook.h; the outbound seam in
// transport.h.
//
// Thread-safety: all methods may be called from many threads at once. The database, catalog,
// audit log and writer, crypto provider, clock and transport must outlive the service; the
// destructor stops the worker and waits for it (at most one attempt in flight, bounded by
// `timeout`).
#pragma once

#include "audit/service.h"
#include "audit/writer.h"
#include "catalog/service.h"
#include "core/background_worker.h"
#include "core/crypto.h"
#include "core/principal.h"
#include "core/time.h"
#include "db/database.h"
#include "exchange/records/access.h"
#include "exchange/subscriptions/model.h"
#include "exchange/subscriptions/transport.h"
#include "exchange/subscriptions/webhook.h"
#include "identity/model.h"

#include <chrono>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

namespace zt::exchange {

class SubscriptionService {
 public:
  // `data_key`: the platform's 32-byte SM4 key that seals the secrets. `on_error` (may be
  // empty) hears the worker's own failures (database errors), for the log. The worker does
  // not run until start().
  SubscriptionService(db::Database& db, catalog::CatalogService& catalog, audit::AuditLog& audit,
                      audit::AuditWriter& audit_writer, const core::CryptoProvider& crypto,
                      const core::Clock& clock, WebhookTransport& transport, std::string data_key,
                      AccessCheck access, WebhookOptions options = {},
                      std::function<void(const Error&)> on_error = {});
  ~SubscriptionService();
  SubscriptionService(const SubscriptionService&) = delete;
  SubscriptionService& operator=(const SubscriptionService&) = delete;

  // Starts the delivery worker (once; later calls do nothing).
  void start();
  // Wakes the worker now (after a subscription was made or resumed, or records were ingested).
  void notify();
  // The delivery worker (the platform starts and stops it with the other workers).
  core::BackgroundWorker& worker() { return worker_; }

  Result<CreatedSubscription> create(const core::Principal& actor, const NewSubscription& input,
                                     const core::RequestContext& context);
  // The actor's department's subscriptions (every department's with city scope), newest first,
  // id < before (0: from the newest).
  Result<std::vector<SubscriptionView>> list(const core::Principal& actor, std::int64_t before,
                                             int limit);
  Result<SubscriptionView> get(const core::Principal& actor, std::int64_t id);
  Status remove(const core::Principal& actor, std::int64_t id, const core::RequestContext& context);
  // A parked subscription active again, due now, with access checked again.
  Result<SubscriptionView> resume(const core::Principal& actor, std::int64_t id,
                                  const core::RequestContext& context);
  // Its delivery attempts, newest first, id < before (0: from the newest).
  Result<std::vector<Delivery>> deliveries(const core::Principal& actor, std::int64_t id,
                                           std::int64_t before, int limit);

  // One pass of the worker: at most one batch for each subscription due now. Success: how many
  // attempts were made. Failure: the first database error (later subscriptions wait for the
  // next pass). The worker calls it; tests may too, without start().
  Result<int> deliver_due();

 private:
  // Attempts one batch of `listed` (listed as due, with changes after its cursor). Success:
  // whether an attempt was made.
  Result<bool> deliver(const Subscription& listed);
  Result<Subscription> visible(const core::Principal& actor, std::int64_t id);
  Result<SubscriptionView> view(db::Connection& conn, Subscription s);

  db::Database& db_;
  catalog::CatalogService& catalog_;
  audit::AuditLog& audit_;
  audit::AuditWriter& audit_writer_;
  const core::CryptoProvider& crypto_;
  const core::Clock& clock_;
  WebhookTransport& transport_;
  const std::string data_key_;
  const AccessCheck access_;
  const WebhookOptions options_;
  const std::function<void(const Error&)> on_error_;
  std::string node_id_;  // this process's lease owner name; set once in the constructor

  core::BackgroundWorker worker_;  // last: runs deliver_due() once start() is called
};

}  // namespace zt::exchange
