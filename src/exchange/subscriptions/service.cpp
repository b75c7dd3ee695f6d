#include "exchange/subscriptions/service.h"

#include "db/transaction.h"
#include "exchange/records/store.h"
#include "exchange/subscriptions/store.h"
#include "identity/scope.h"

#include <fmt/format.h>
#include <boost/json.hpp>

#include <algorithm>
#include <map>

namespace zt::exchange {

namespace json = boost::json;

namespace {

// The permission to subscribe (exchange.query, as for every read of shared records).
constexpr std::string_view kSubscribe = "exchange.query";
constexpr std::size_t kSecretBytes = 32;

Error subscription_not_found(std::int64_t id) {
  return Error::not_found("subscription_not_found", fmt::format("No subscription {}.", id));
}

}  // namespace

SubscriptionService::SubscriptionService(db::Database& db, catalog::CatalogService& catalog,
                                         audit::AuditLog& audit, audit::AuditWriter& audit_writer,
                                         const core::CryptoProvider& crypto,
                                         const core::Clock& clock, WebhookTransport& transport,
                                         std::string data_key, AccessCheck access,
                                         WebhookOptions options,
                                         std::function<void(const Error&)> on_error)
    : db_(db),
      catalog_(catalog),
      audit_(audit),
      audit_writer_(audit_writer),
      crypto_(crypto),
      clock_(clock),
      transport_(transport),
      data_key_(std::move(data_key)),
      access_(std::move(access)),
      options_(options),
      on_error_(std::move(on_error)),
      worker_({.name = "webhook-delivery", .period = options_.poll_interval}, [this] {
        auto attempts = deliver_due();
        if (!attempts.ok() && on_error_) on_error_(attempts.error());
        // Attempts were made: a backlog longer than one batch goes on at once.
        return attempts.ok() && *attempts > 0 ? core::BackgroundWorker::Next::again()
                                              : core::BackgroundWorker::Next::idle();
      }) {
  auto random = crypto_.random_bytes(8);
  node_id_ =
      random.ok() ? core::to_hex(*random) : fmt::format("node-{}", core::to_millis(clock_.now()));
}

SubscriptionService::~SubscriptionService() {
  worker_.stop();
}

Result<SubscriptionView> SubscriptionService::view(db::Connection& conn, Subscription s) {
  ZT_ASSIGN_OR_RETURN(StorageState state, records::state(conn, s.resource_id));
  s.secret.clear();
  return SubscriptionView{std::move(s), state.last_seq};
}

Result<Subscription> SubscriptionService::visible(const core::Principal& actor, std::int64_t id) {
  ZT_ASSIGN_OR_RETURN(auto conn, db_.acquire(db::Access::kRead));
  ZT_ASSIGN_OR_RETURN(auto found, subscriptions::find(conn, id));
  if (!found) return subscription_not_found(id);
  const bool own = actor.department_id && *actor.department_id == found->department_id;
  if (!own && !identity::has_city_scope(actor)) return subscription_not_found(id);
  return std::move(*found);
}

Result<CreatedSubscription> SubscriptionService::create(const core::Principal& actor,
                                                        const NewSubscription& input,
                                                        const core::RequestContext& context) {
  if (!actor.has_permission(kSubscribe) || !actor.department_id) {
    return Error::forbidden("forbidden", "Subscribing takes exchange.query and a department.");
  }
  ZT_ASSIGN_OR_RETURN(std::string url, check_webhook_url(input.url));
  ZT_TRY(transport_.check_destination(url));
  ZT_ASSIGN_OR_RETURN(catalog::Resource r, catalog_.find(input.resource_code));
  if (!catalog::CatalogService::visible_to(actor, r)) {
    return Error::not_found("resource_not_found",
                            fmt::format("No resource {}.", input.resource_code));
  }
  if (r.status == catalog::ResourceStatus::kDraft) {
    return Error::conflict("resource_not_published", "A draft resource has no changes to send.");
  }
  if (r.status == catalog::ResourceStatus::kRetired) {
    return Error::conflict("resource_retired", "A retired resource takes no more changes.");
  }
  ZT_TRY(access_(*actor.department_id, r));

  std::int64_t last_seq = 0;
  {
    ZT_ASSIGN_OR_RETURN(auto conn, db_.acquire(db::Access::kRead));
    ZT_ASSIGN_OR_RETURN(StorageState state, records::state(conn, r.id));
    last_seq = state.last_seq;
  }
  const std::int64_t start = input.start_after.value_or(last_seq);
  if (start < 0 || start > last_seq) {
    return Error::invalid(
        "invalid_start_after",
        fmt::format("start_after must be a sequence number from 0 to {} (the resource's last).",
                    last_seq));
  }
  ZT_ASSIGN_OR_RETURN(std::string random, crypto_.random_bytes(kSecretBytes));
  std::string secret = core::to_hex(random);

  const std::int64_t now = core::to_millis(clock_.now());
  Subscription s;
  s.department_id = *actor.department_id;
  s.resource_id = r.id;
  s.resource_code = r.code;
  s.url = std::move(url);
  s.cursor = start;
  s.next_attempt_at = now;
  s.created_by_kind = actor.kind == core::Principal::Kind::kApiClient ? "api_client" : "user";
  s.created_by_id = actor.id;
  s.created_by_name = actor.name;
  s.created_at = s.updated_at = now;

  ZT_ASSIGN_OR_RETURN(auto conn, db_.acquire(db::Access::kWrite));
  ZT_ASSIGN_OR_RETURN(auto tx, db::Transaction::begin(conn));
  ZT_ASSIGN_OR_RETURN(s.id, subscriptions::insert(conn, s));
  ZT_ASSIGN_OR_RETURN(std::string sealed,
                      crypto_.sm4_seal(data_key_, secret, webhook_secret_context(s.id)));
  s.secret = "sm4:" + core::to_hex(sealed);
  ZT_TRY(subscriptions::set_secret(conn, s.id, s.secret));
  audit::AuditEntry entry = audit::AuditEntry::of("exchange.subscription.create", "subscription",
                                                  std::to_string(s.id), context);
  entry.by(actor);
  entry.detail = json::serialize(
      json::object{{"resource", r.code}, {"host", url_host(s.url)}, {"start_after", start}});
  ZT_TRY(audit_.append(conn, std::move(entry)));
  ZT_TRY(tx.commit());
  notify();
  s.secret.clear();
  return CreatedSubscription{{std::move(s), last_seq}, std::move(secret)};
}

Result<std::vector<SubscriptionView>> SubscriptionService::list(const core::Principal& actor,
                                                                std::int64_t before, int limit) {
  ZT_ASSIGN_OR_RETURN(auto conn, db_.acquire(db::Access::kRead));
  ZT_ASSIGN_OR_RETURN(auto found,
                      subscriptions::list(conn, identity::department_filter(actor), before, limit));
  std::vector<SubscriptionView> out;
  out.reserve(found.size());
  for (Subscription& s : found) {
    ZT_ASSIGN_OR_RETURN(auto v, view(conn, std::move(s)));
    out.push_back(std::move(v));
  }
  return out;
}

Result<SubscriptionView> SubscriptionService::get(const core::Principal& actor, std::int64_t id) {
  ZT_ASSIGN_OR_RETURN(Subscription s, visible(actor, id));
  ZT_ASSIGN_OR_RETURN(auto conn, db_.acquire(db::Access::kRead));
  return view(conn, std::move(s));
}

Status SubscriptionService::remove(const core::Principal& actor, std::int64_t id,
                                   const core::RequestContext& context) {
  ZT_ASSIGN_OR_RETURN(Subscription s, visible(actor, id));
  ZT_ASSIGN_OR_RETURN(auto conn, db_.acquire(db::Access::kWrite));
  ZT_ASSIGN_OR_RETURN(auto tx, db::Transaction::begin(conn));
  ZT_ASSIGN_OR_RETURN(bool removed, subscriptions::remove(conn, id));
  if (!removed) return subscription_not_found(id);
  audit::AuditEntry entry = audit::AuditEntry::of("exchange.subscription.delete", "subscription",
                                                  std::to_string(id), context);
  entry.by(actor);
  entry.detail = json::serialize(
      json::object{{"resource", s.resource_code}, {"department_id", s.department_id}});
  ZT_TRY(audit_.append(conn, std::move(entry)));
  return tx.commit();
}

Result<SubscriptionView> SubscriptionService::resume(const core::Principal& actor, std::int64_t id,
                                                     const core::RequestContext& context) {
  ZT_ASSIGN_OR_RETURN(Subscription s, visible(actor, id));
  if (s.status != "parked") {
    return Error::conflict("subscription_not_parked", "Only a parked subscription is resumed.");
  }
  ZT_ASSIGN_OR_RETURN(catalog::Resource r, catalog_.find(s.resource_code));
  ZT_TRY(access_(s.department_id, r));
  const std::int64_t now = core::to_millis(clock_.now());
  {
    ZT_ASSIGN_OR_RETURN(auto conn, db_.acquire(db::Access::kWrite));
    ZT_ASSIGN_OR_RETURN(auto tx, db::Transaction::begin(conn));
    ZT_ASSIGN_OR_RETURN(bool resumed, subscriptions::resume(conn, id, now));
    if (!resumed) {
      return Error::conflict("subscription_not_parked", "Only a parked subscription is resumed.");
    }
    audit::AuditEntry entry = audit::AuditEntry::of("exchange.subscription.resume", "subscription",
                                                    std::to_string(id), context);
    entry.by(actor);
    entry.detail = json::serialize(json::object{{"resource", s.resource_code},
                                                {"parked_reason", s.parked_reason},
                                                {"last_error", s.last_error}});
    ZT_TRY(audit_.append(conn, std::move(entry)));
    ZT_TRY(tx.commit());
  }
  notify();
  return get(actor, id);
}

Result<std::vector<Delivery>> SubscriptionService::deliveries(const core::Principal& actor,
                                                              std::int64_t id, std::int64_t before,
                                                              int limit) {
  ZT_ASSIGN_OR_RETURN(Subscription s, visible(actor, id));
  ZT_ASSIGN_OR_RETURN(auto conn, db_.acquire(db::Access::kRead));
  return subscriptions::deliveries(conn, s.id, before, limit);
}

}  // namespace zt::exchange
