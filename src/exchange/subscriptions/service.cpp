#include "exchange/subscriptions/service.h"

#include "db/transaction.h"
#include "exchange/records/store.h"
#include "identity/scope.h"

#include <fmt/format.h>
#include <boost/json.hpp>
#include <boost/url/parse.hpp>

#include <algorithm>
#include <charconv>
#include <map>

namespace zt::exchange {

namespace json = boost::json;

namespace {

// The permission to subscribe (exchange.query, as for every read of shared records).
constexpr std::string_view kSubscribe = "exchange.query";
constexpr std::size_t kSecretBytes = 32;
constexpr std::size_t kMaxUrlLength = 2000;
constexpr int kDuePage = 200;

Error subscription_not_found(std::int64_t id) {
  return Error::not_found("subscription_not_found", fmt::format("No subscription {}.", id));
}

std::string secret_context(std::int64_t id) {
  return fmt::format("exchange_subscription.secret:{}", id);
}

std::string quoted(std::string_view s) {
  return json::serialize(json::string(s));
}

// Whether an AccessCheck failure refuses access (rather than failing for a passing reason).
bool refuses(const Error& e) {
  return e.kind == ErrorKind::kForbidden || e.kind == ErrorKind::kNotFound;
}

// The host (and port) of a URL for audit details: never its path or query, which may carry
// tokens.
std::string host_of(std::string_view url) {
  const std::string terminated(url);
  auto parsed = boost::urls::parse_uri(terminated);
  if (!parsed) return {};
  return std::string(parsed->encoded_host_and_port());
}

}  // namespace

std::chrono::milliseconds backoff_delay(std::chrono::milliseconds base,
                                        std::chrono::milliseconds cap, std::int64_t failures) {
  std::chrono::milliseconds delay = base;
  for (std::int64_t i = 1; i < failures && delay < cap; ++i)
    delay *= 2;
  return std::min(delay, cap);
}

Result<std::string> webhook_signature(const core::CryptoProvider& crypto, std::string_view secret,
                                      std::string_view body) {
  ZT_ASSIGN_OR_RETURN(std::string tag, crypto.hmac_sm3(secret, body));
  return "sm3=" + core::to_hex(tag);
}

Result<std::string> check_webhook_url(std::string_view url) {
  auto bad = [](std::string_view why) {
    return Error::invalid("invalid_url", fmt::format("The callback URL {}.", why));
  };
  if (url.empty() || url.size() > kMaxUrlLength) {
    return bad(fmt::format("must be 1 to {} characters", kMaxUrlLength));
  }
  if (std::any_of(url.begin(), url.end(), [](char c) {
        const auto u = static_cast<unsigned char>(c);
        return u <= ' ' || u == 127;
      })) {
    return bad("must not contain spaces or control characters");
  }
  // Debian's Boost.URL 1.81 reads its input up to a NUL byte: hand it a NUL-terminated copy.
  const std::string terminated(url);
  auto parsed = boost::urls::parse_absolute_uri(terminated);
  if (!parsed) return bad("is not an absolute URL without a fragment");
  if (parsed->scheme_id() == boost::urls::scheme::https) {
    return bad("must be http:// for now: deliveries over TLS are not supported yet");
  }
  if (parsed->scheme_id() != boost::urls::scheme::http) return bad("must start with http://");
  if (!parsed->has_authority() || parsed->encoded_host().empty()) return bad("has no host");
  if (parsed->has_userinfo()) return bad("must not carry a user name or password");
  if (parsed->has_port()) {
    // Boost.URL's port_number() wraps numbers above 65535: read the digits here.
    const std::string_view port(parsed->port().data(), parsed->port().size());
    unsigned number = 0;
    auto [end, ec] = std::from_chars(port.data(), port.data() + port.size(), number);
    if (port.empty() || ec != std::errc() || end != port.data() + port.size() || number == 0 ||
        number > 65535) {
      return bad("has no valid port (1 to 65535)");
    }
  }
  return std::string(url);
}

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
      on_error_(std::move(on_error)) {
  auto random = crypto_.random_bytes(8);
  node_id_ =
      random.ok() ? core::to_hex(*random) : fmt::format("node-{}", core::to_millis(clock_.now()));
}

SubscriptionService::~SubscriptionService() {
  {
    std::lock_guard lock(mutex_);
    stop_ = true;
  }
  wake_cv_.notify_all();
  if (thread_.joinable()) thread_.join();
}

void SubscriptionService::start() {
  std::lock_guard lock(mutex_);
  if (thread_.joinable() || stop_) return;
  thread_ = std::thread([this] { run(); });
}

void SubscriptionService::notify() {
  {
    std::lock_guard lock(mutex_);
    wake_ = true;
  }
  wake_cv_.notify_all();
}

void SubscriptionService::run() {
  for (;;) {
    {
      std::lock_guard lock(mutex_);
      if (stop_) return;
    }
    auto attempts = deliver_due();
    if (!attempts.ok() && on_error_) on_error_(attempts.error());
    std::unique_lock lock(mutex_);
    if (stop_) return;
    // Attempts were made: a backlog longer than one batch goes on at once.
    if (attempts.ok() && *attempts > 0) continue;
    wake_cv_.wait_for(lock, options_.poll_interval, [this] { return stop_ || wake_; });
    wake_ = false;
  }
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
                                                        const identity::RequestContext& context) {
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
                      crypto_.sm4_seal(data_key_, secret, secret_context(s.id)));
  s.secret = "sm4:" + core::to_hex(sealed);
  ZT_TRY(subscriptions::set_secret(conn, s.id, s.secret));
  audit::AuditEntry entry;
  entry.by(actor);
  entry.action = "exchange.subscription.create";
  entry.object_type = "subscription";
  entry.object_id = std::to_string(s.id);
  entry.source_address = context.remote_address;
  entry.request_id = context.request_id;
  entry.detail = json::serialize(
      json::object{{"resource", r.code}, {"host", host_of(s.url)}, {"start_after", start}});
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
                                   const identity::RequestContext& context) {
  ZT_ASSIGN_OR_RETURN(Subscription s, visible(actor, id));
  ZT_ASSIGN_OR_RETURN(auto conn, db_.acquire(db::Access::kWrite));
  ZT_ASSIGN_OR_RETURN(auto tx, db::Transaction::begin(conn));
  ZT_ASSIGN_OR_RETURN(bool removed, subscriptions::remove(conn, id));
  if (!removed) return subscription_not_found(id);
  audit::AuditEntry entry;
  entry.by(actor);
  entry.action = "exchange.subscription.delete";
  entry.object_type = "subscription";
  entry.object_id = std::to_string(id);
  entry.source_address = context.remote_address;
  entry.request_id = context.request_id;
  entry.detail = json::serialize(
      json::object{{"resource", s.resource_code}, {"department_id", s.department_id}});
  ZT_TRY(audit_.append(conn, std::move(entry)));
  return tx.commit();
}

Result<SubscriptionView> SubscriptionService::resume(const core::Principal& actor, std::int64_t id,
                                                     const identity::RequestContext& context) {
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
    audit::AuditEntry entry;
    entry.by(actor);
    entry.action = "exchange.subscription.resume";
    entry.object_type = "subscription";
    entry.object_id = std::to_string(id);
    entry.source_address = context.remote_address;
    entry.request_id = context.request_id;
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
      {
        std::lock_guard lock(mutex_);
        if (stop_) return attempts;
      }
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
      return crypto_.sm4_open(data_key_, sealed, secret_context(s.id));
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
    audit::AuditEntry entry;
    entry.actor_kind = "system";
    entry.actor_name = "webhook";
    entry.department_id = s.department_id;
    entry.action = "exchange.webhook.deliver";
    entry.object_type = "resource";
    entry.object_id = s.resource_code;
    entry.outcome = delivered ? "success" : "failure";
    entry.purpose = "subscription";
    json::object detail{
        {"subscription_id", s.id},           {"delivery_id", d.id},    {"attempt", d.attempt},
        {"first_seq", d.first_seq},          {"last_seq", d.last_seq}, {"count", d.count},
        {"basis", to_string(access->basis)}, {"host", host_of(s.url)}};
    if (access->grant_id) detail["grant_id"] = *access->grant_id;
    if (d.http_status) detail["http_status"] = *d.http_status;
    if (!d.error.empty()) detail["error"] = d.error;
    entry.detail = json::serialize(detail);
    audit_writer_.submit(std::move(entry));
  }
  return true;
}

}  // namespace zt::exchange
