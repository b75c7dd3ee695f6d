// The delivery worker of SubscriptionService (service.h): the thread, one pass over the due
// subscriptions, and one attempt — lease, access check, read, project, sign, POST, record.
#include "exchange/subscriptions/service.h"

#include "db/transaction.h"
#include "exchange/records/store.h"
#include "exchange/subscriptions/store.h"

#include <fmt/format.h>
#include <boost/json.hpp>

#include <algorithm>
#include <map>

namespace zt::exchange {

namespace json = boost::json;

namespace {

constexpr int kDuePage = 200;

std::string quoted(std::string_view s) {
  return json::serialize(json::string(s));
}

// Whether an AccessCheck failure refuses access (rather than failing for a passing reason).
bool refuses(const Error& e) {
  return e.kind == ErrorKind::kForbidden || e.kind == ErrorKind::kNotFound;
}

}  // namespace

void SubscriptionService::start() {
  worker_.start();
}

void SubscriptionService::notify() {
  worker_.wake();
}

Result<int> SubscriptionService::deliver_due() {
  const std::int64_t now = core::to_millis(clock_.now());
  std::map<std::int64_t, std::int64_t> last_seqs;  // resource id → last_seq, for this pass
  int attempts = 0;
  std::int64_t after = 0;
  for (;;) {
    std::vector<Subscription> work;
    std::size_t listed = 0;
    {
      ZT_ASSIGN_OR_RETURN(auto conn, db_.acquire(db::Access::kRead));
      ZT_ASSIGN_OR_RETURN(auto due, subscriptions::due(conn, now, after, kDuePage));
      listed = due.size();
      for (Subscription& s : due) {
        after = s.id;
        auto known = last_seqs.find(s.resource_id);
        if (known == last_seqs.end()) {
          ZT_ASSIGN_OR_RETURN(StorageState state, records::state(conn, s.resource_id));
          known = last_seqs.emplace(s.resource_id, state.last_seq).first;
        }
        if (known->second > s.cursor) work.push_back(std::move(s));
      }
    }
    for (const Subscription& s : work) {
      if (worker_.stopping()) return attempts;
      ZT_ASSIGN_OR_RETURN(bool attempted, deliver(s));
      attempts += attempted ? 1 : 0;
    }
    if (listed < static_cast<std::size_t>(kDuePage)) return attempts;
  }
}

Result<bool> SubscriptionService::deliver(const Subscription& listed) {
  const std::int64_t claimed_at = core::to_millis(clock_.now());
  Subscription s;
  {
    ZT_ASSIGN_OR_RETURN(auto conn, db_.acquire(db::Access::kWrite));
    ZT_ASSIGN_OR_RETURN(auto tx, db::Transaction::begin(conn));
    ZT_ASSIGN_OR_RETURN(bool claimed, subscriptions::claim(conn, listed.id, node_id_, claimed_at,
                                                           claimed_at + options_.lease.count()));
    if (!claimed) return false;  // another worker has it, or it changed since the listing
    // Read again under the lease: another node may have moved the cursor since the listing.
    ZT_ASSIGN_OR_RETURN(auto fresh, subscriptions::find(conn, listed.id));
    if (!fresh) return false;
    s = std::move(*fresh);
    ZT_TRY(subscriptions::interrupt_pending(conn, s.id));
    ZT_TRY(tx.commit());
  }

  // From here the lease is ours: every way out writes the subscription back and frees it (a
  // failure to do so leaves the lease to expire).
  auto write_back = [this](const Subscription& state, const Delivery* attempt) -> Result<bool> {
    ZT_ASSIGN_OR_RETURN(auto conn, db_.acquire(db::Access::kWrite));
    ZT_ASSIGN_OR_RETURN(auto tx, db::Transaction::begin(conn));
    if (attempt) {
      if (attempt->id == 0) {
        ZT_TRY(subscriptions::insert_delivery(conn, *attempt));
      } else {
        ZT_TRY(subscriptions::update_delivery(conn, *attempt));
      }
    }
    ZT_ASSIGN_OR_RETURN(bool held, subscriptions::finish(conn, state, node_id_));
    if (!held) return false;  // deleted meanwhile, or the lease expired: record nothing
    ZT_TRY(tx.commit());
    return true;
  };
  auto postpone = [&](const Error& why) -> Result<bool> {
    if (on_error_) on_error_(why);
    s.next_attempt_at = core::to_millis(clock_.now()) + options_.backoff_base.count();
    ZT_TRY(write_back(s, nullptr));
    return false;
  };
  auto park_refused = [&](const Error& why) -> Result<bool> {
    const std::int64_t now = core::to_millis(clock_.now());
    s.status = "parked";
    s.parked_reason = "access_revoked";
    s.parked_at = now;
    s.last_error = "access_revoked";
    s.last_error_detail = fmt::format("{}: {}", why.code, why.detail);
    s.updated_at = now;
    ZT_TRY(write_back(s, nullptr));
    return false;
  };

  // Access again, before anything is read: a revoked grant stops deliveries.
  auto resource = catalog_.find(s.resource_code);
  if (!resource.ok()) {
    return refuses(resource.error()) ? park_refused(resource.error()) : postpone(resource.error());
  }
  const catalog::Resource& r = *resource;
  auto access = access_(s.department_id, r);
  if (!access.ok()) {
    return refuses(access.error()) ? park_refused(access.error()) : postpone(access.error());
  }

  std::vector<Change> changes;
  {
    auto conn = db_.acquire(db::Access::kRead);
    if (!conn.ok()) return postpone(conn.error());
    auto read = records::read_changes(*conn, s.resource_id, s.cursor, options_.batch_size);
    if (!read.ok()) return postpone(read.error());
    changes = std::move(*read);
  }
  if (changes.empty()) {
    ZT_TRY(write_back(s, nullptr));  // nothing after the cursor after all
    return false;
  }

  Delivery d;
  d.subscription_id = s.id;
  d.attempt = s.failures + 1;
  d.first_seq = changes.front().seq;
  d.last_seq = changes.back().seq;
  d.count = static_cast<std::int64_t>(changes.size());
  d.started_at = core::to_millis(clock_.now());

  // The body, built as text so that each projected record goes in as project() wrote it.
  std::optional<Error> local;
  std::string body;
  body.reserve(256 + changes.size() * 256);
  body += fmt::format("{{\"subscription_id\":{},\"resource\":{},\"changes\":[", s.id,
                      quoted(s.resource_code));
  for (std::size_t i = 0; i < changes.size() && !local; ++i) {
    const Change& c = changes[i];
    auto data = project(r, *access, c.data);
    if (!data.ok()) {
      local = data.error();
      break;
    }
    body += fmt::format("{}{{\"seq\":{},\"op\":{},\"data\":{},\"batch_id\":{},\"changed_at\":{}}}",
                        i == 0 ? "" : ",", c.seq, quoted(c.op), *data, c.batch_id,
                        quoted(core::format_iso8601(core::from_millis(c.changed_at))));
  }
  body += fmt::format("],\"next_cursor\":{}}}", d.last_seq);

  std::string signature;
  if (!local) {
    auto secret = [&]() -> Result<std::string> {
      if (!s.secret.starts_with("sm4:")) {
        return Error::internal("secret_unreadable", "The stored secret is not sealed.");
      }
      ZT_ASSIGN_OR_RETURN(std::string sealed, core::from_hex(s.secret.substr(4)));
      return crypto_.sm4_open(data_key_, sealed, webhook_secret_context(s.id));
    }();
    auto signed_body = secret.ok() ? webhook_signature(crypto_, *secret, body)
                                   : Result<std::string>(secret.error());
    if (signed_body.ok()) {
      signature = std::move(*signed_body);
    } else {
      local = signed_body.error();
    }
  }

  Result<int> status = Error::internal("not_sent", "Not sent.");
  if (local) {
    // Nothing was sent: a failed attempt all the same, so that it shows and eventually parks.
    if (on_error_) on_error_(*local);
    status = *local;
    d.duration_ms = 0;
  } else {
    {
      auto conn = db_.acquire(db::Access::kWrite);
      if (!conn.ok()) return postpone(conn.error());
      auto tx = db::Transaction::begin(*conn);
      if (!tx.ok()) return postpone(tx.error());
      auto id = subscriptions::insert_delivery(*conn, d);
      if (!id.ok()) return postpone(id.error());
      if (auto committed = tx->commit(); !committed.ok()) return postpone(committed.error());
      d.id = *id;
    }
    const WebhookTransport::Headers headers{
        {"Content-Type", "application/json"},
        {"User-Agent", "Zhengtong-Webhook/1"},
        {"X-Zhengtong-Signature", signature},
        {"X-Zhengtong-Timestamp", std::to_string(d.started_at / 1000)},
        {"X-Zhengtong-Delivery", std::to_string(d.id)}};
    const auto sent_at = std::chrono::steady_clock::now();
    status = transport_.post(s.url, headers, body, options_.timeout);
    d.duration_ms = std::chrono::duration_cast<std::chrono::milliseconds>(
                        std::chrono::steady_clock::now() - sent_at)
                        .count();
  }

  const std::int64_t now = core::to_millis(clock_.now());
  const bool delivered = status.ok() && *status >= 200 && *status < 300;
  s.updated_at = now;
  if (status.ok()) d.http_status = *status;
  if (delivered) {
    d.outcome = "delivered";
    s.cursor = d.last_seq;
    s.failures = 0;
    s.last_error.clear();
    s.last_error_detail.clear();
    s.last_success_at = now;
    s.next_attempt_at = now;
  } else {
    d.outcome = "failed";
    if (status.ok()) {
      d.error = "http_error";
      d.error_detail = fmt::format("The receiver answered HTTP {}.", *status);
    } else {
      d.error = status.error().code;
      d.error_detail = status.error().detail;
    }
    s.failures += 1;
    s.last_error = d.error;
    s.last_error_detail = d.error_detail;
    if (s.failures >= options_.max_failures) {
      s.status = "parked";
      s.parked_reason = "too_many_failures";
      s.parked_at = now;
    } else {
      s.next_attempt_at =
          now + backoff_delay(options_.backoff_base, options_.backoff_cap, s.failures).count();
    }
  }
  ZT_ASSIGN_OR_RETURN(bool recorded, write_back(s, &d));
  (void)recorded;  // not recorded: the subscription was deleted or the lease lost meanwhile

  if (!local) {
    // Personal data left the platform (or may have): audited whatever the answer.
    audit::AuditEntry entry =
        audit::AuditEntry::of("exchange.webhook.deliver", "resource", s.resource_code, {});
    entry.by_system("webhook");
    entry.department_id = s.department_id;
    entry.outcome = delivered ? "success" : "failure";
    entry.purpose = "subscription";
    json::object detail{
        {"subscription_id", s.id},           {"delivery_id", d.id},    {"attempt", d.attempt},
        {"first_seq", d.first_seq},          {"last_seq", d.last_seq}, {"count", d.count},
        {"basis", to_string(access->basis)}, {"host", url_host(s.url)}};
    if (access->grant_id) detail["grant_id"] = *access->grant_id;
    if (d.http_status) detail["http_status"] = *d.http_status;
    if (!d.error.empty()) detail["error"] = d.error;
    entry.detail = json::serialize(detail);
    audit_writer_.submit(std::move(entry));
  }
  return true;
}

}  // namespace zt::exchange
