#include "identity/service.h"

#include "core/division_code.h"
#include "core/id_number.h"
#include "core/uscc.h"
#include "db/transaction.h"
#include "identity/policy.h"
#include "identity/scope.h"
#include "identity/store.h"
#include "identity/totp.h"

#include <fmt/format.h>

#include <algorithm>
#include <initializer_list>
#include <utility>

namespace zt::identity {

namespace {

constexpr std::int64_t kHourMs = 3'600'000;
constexpr std::int64_t kTouchIntervalMs = 60'000;  // last-seen is written at most once a minute
constexpr std::size_t kSecretBytes = 32;           // tokens and API keys: 256 bits
constexpr std::string_view kTotpIssuer = "Zhengtong";
constexpr std::string_view kSealedPrefix = "sm4:";  // a sealed TOTP secret (see seal_totp)

Error unauthenticated(std::string code, std::string detail) {
  return {ErrorKind::kUnauthenticated, std::move(code), std::move(detail)};
}

Error forbidden(std::string_view permission) {
  return Error::forbidden("forbidden", fmt::format("This needs the permission {}.", permission));
}

Status require(const core::Principal& actor, std::string_view permission) {
  if (!actor.has_permission(permission)) return forbidden(permission);
  return {};
}

Status require_staff_or_client(const core::Principal& actor) {
  if (actor.kind == core::Principal::Kind::kApiClient || actor.user_kind == "staff") return {};
  return Error::forbidden("forbidden", "Only staff and API clients may do this.");
}

// Replaces a db "duplicate" error with a module code.
Error rename_duplicate(Error error, std::string code, std::string detail) {
  if (error.code == "duplicate") return Error::conflict(std::move(code), std::move(detail));
  return error;
}

std::string json_escape(std::string_view s) {
  std::string out;
  for (char ch : s) {
    const auto c = static_cast<unsigned char>(ch);
    switch (ch) {
      case '"': out += "\\\""; break;
      case '\\': out += "\\\\"; break;
      case '\n': out += "\\n"; break;
      default:
        if (c < 0x20) {
          out += fmt::format("\\u{:04x}", c);
        } else {
          out.push_back(ch);
        }
    }
  }
  return out;
}

// A JSON object of string fields, for AuditEntry::detail.
std::string detail_json(std::initializer_list<std::pair<std::string_view, std::string>> fields) {
  std::string out = "{";
  for (const auto& [key, value] : fields) {
    if (out.size() > 1) out.push_back(',');
    out += fmt::format("\"{}\":\"{}\"", key, json_escape(value));
  }
  out.push_back('}');
  return out;
}

std::string join(const std::vector<std::string>& items) {
  std::string out;
  for (const auto& item : items) {
    if (!out.empty()) out.push_back(',');
    out += item;
  }
  return out;
}

audit::AuditEntry event(std::string action, std::string object_type, std::string object_id,
                        const RequestContext& context) {
  audit::AuditEntry e;
  e.action = std::move(action);
  e.object_type = std::move(object_type);
  e.object_id = std::move(object_id);
  e.source_address = context.remote_address;
  e.request_id = context.request_id;
  return e;
}

audit::AuditEntry user_event(const User& user, std::string action, const RequestContext& context) {
  audit::AuditEntry e = event(std::move(action), "user", std::to_string(user.id), context);
  e.actor_kind = "user";
  e.actor_id = user.id;
  e.actor_name = user.username;
  e.department_id = user.department_id;
  return e;
}

bool valid_name(std::string_view s, std::size_t min, std::size_t max, bool allow_at) {
  if (s.size() < min || s.size() > max) return false;
  return std::all_of(s.begin(), s.end(), [allow_at](char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '.' ||
           c == '_' || c == '-' || (allow_at && c == '@');
  });
}

bool valid_text(std::string_view s, std::size_t max) {
  if (s.empty() || s.size() > max) return false;
  return std::none_of(s.begin(), s.end(),
                      [](char c) { return static_cast<unsigned char>(c) < 0x20; });
}

int clamp_limit(int limit) {
  return std::clamp(limit, 1, kMaxPageSize);
}

core::Principal principal_of(const User& user, std::int64_t session_id, bool must_change,
                             bool must_enrol_totp) {
  core::Principal p;
  p.kind = core::Principal::Kind::kUser;
  p.id = user.id;
  p.name = user.username;
  p.user_kind = std::string(to_string(user.kind));
  p.department_id = user.department_id;
  p.roles = user.roles;
  p.permissions = permissions_of(user.roles);
  p.session_id = session_id;
  p.must_change_password = must_change;
  p.must_enrol_totp = must_enrol_totp;
  return p;
}

template <typename T>
Result<T> not_found_if_empty(Result<std::optional<T>> found, std::string code, std::string detail) {
  if (!found.ok()) return std::move(found).error();
  if (!found->has_value()) return Error::not_found(std::move(code), std::move(detail));
  return std::move(**found);
}

}  // namespace

struct IdentityService::Failure {
  std::string reason;  // for the audit record only
  std::string code = "invalid_credentials";
  std::string username;
  std::optional<std::int64_t> user_id;  // known account
  bool counts = true;                   // towards the account's lockout
};

Result<std::unique_ptr<IdentityService>> IdentityService::create(db::Database& db,
                                                                 const core::CryptoProvider& crypto,
                                                                 const core::Clock& clock,
                                                                 audit::AuditLog& audit,
                                                                 IdentityConfig config) {
  if (config.data_key.size() != core::kSm4SealKeySize) {
    return Error::invalid("invalid_data_key",
                          fmt::format("The data key must be {} bytes, not {}.",
                                      core::kSm4SealKeySize, config.data_key.size()));
  }
  std::unique_ptr<IdentityService> service(
      new IdentityService(db, crypto, clock, audit, std::move(config)));
  auto password = generate_one_time_password(crypto);
  if (!password.ok()) return std::move(password).error();
  auto dummy = service->hasher_.hash(*password);
  if (!dummy.ok()) return std::move(dummy).error();
  service->dummy_hash_ = std::move(dummy).value();
  return service;
}

IdentityService::IdentityService(db::Database& db, const core::CryptoProvider& crypto,
                                 const core::Clock& clock, audit::AuditLog& audit,
                                 IdentityConfig config)
    : db_(db),
      crypto_(crypto),
      clock_(clock),
      audit_(audit),
      config_(std::move(config)),
      hasher_(crypto, config_.argon2) {}

Result<std::string> IdentityService::seal_totp(std::int64_t user_id,
                                               std::string_view secret) const {
  auto sealed = crypto_.sm4_seal(config_.data_key, secret, fmt::format("totp:{}", user_id));
  if (!sealed.ok()) return std::move(sealed).error();
  return std::string(kSealedPrefix) + core::to_hex(*sealed);
}

Result<std::string> IdentityService::open_totp(std::int64_t user_id,
                                               std::string_view stored) const {
  if (!stored.starts_with(kSealedPrefix)) return std::string(stored);  // legacy plaintext
  auto sealed = core::from_hex(stored.substr(kSealedPrefix.size()));
  if (!sealed.ok()) return std::move(sealed).error();
  return crypto_.sm4_open(config_.data_key, *sealed, fmt::format("totp:{}", user_id));
}

Result<std::string> IdentityService::hash_secret(std::string_view secret) const {
  auto digest = crypto_.sm3(secret);
  if (!digest.ok()) return std::move(digest).error();
  return core::to_hex(*digest);
}

Result<std::string> IdentityService::new_secret() const {
  auto bytes = crypto_.random_bytes(kSecretBytes);
  if (!bytes.ok()) return std::move(bytes).error();
  return core::to_hex(*bytes);
}

bool IdentityService::totp_required(const IdentityConfig& policy,
                                    const std::vector<std::string>& roles) {
  return std::any_of(roles.begin(), roles.end(), [&policy](const std::string& r) {
    return is_admin_role(r) || std::find(policy.totp_roles.begin(), policy.totp_roles.end(), r) !=
                                   policy.totp_roles.end();
  });
}

bool IdentityService::totp_required(const std::vector<std::string>& roles) const {
  auto policy = effective_policy();
  return totp_required(policy.ok() ? (*policy)->config : config_, roles);
}

bool IdentityService::must_change(const IdentityConfig& policy, const User& user,
                                  core::TimePoint now) {
  return user.must_change_password ||
         password_expired(policy.password_profile, policy.password_max_age_days,
                          user.password_changed_at, now);
}

bool IdentityService::must_enrol_totp(const IdentityConfig& policy, const User& user,
                                      bool totp_enrolled) {
  return user.kind == UserKind::kStaff && totp_required(policy, user.roles) && !totp_enrolled;
}

// --- sign-in
// ---------------------------------------------------------------------------------------

Error IdentityService::fail_login(const Failure& failure, const RequestContext& context) {
  auto effective = effective_policy();
  if (!effective.ok()) return std::move(effective).error();
  const IdentityConfig& policy = (*effective)->config;
  const std::int64_t now = to_millis(clock_.now());
  auto conn = db_.acquire(db::Access::kWrite);
  if (!conn.ok()) return std::move(conn).error();
  auto tx = db::Transaction::begin(*conn);
  if (!tx.ok()) return std::move(tx).error();
  if (auto s = store::record_address_failure(*conn, context.remote_address, now, now - kHourMs);
      !s.ok()) {
    return std::move(s).error();
  }
  bool locked = false;
  std::optional<std::int64_t> department;
  if (failure.user_id) {
    auto found = store::find_user(*conn, *failure.user_id);
    if (!found.ok()) return std::move(found).error();
    if (*found && failure.counts) {
      const store::UserRecord& user = **found;
      department = user.user.department_id;
      const std::int64_t window = std::chrono::milliseconds(policy.lockout_window).count();
      int count = user.failed_count + 1;
      std::optional<std::int64_t> start = user.failure_window_start;
      if (!start || now - *start > window) {
        count = 1;
        start = now;
      }
      std::optional<std::int64_t> locked_until;
      if (count >= policy.lockout_failures) {
        locked = true;
        locked_until = now + std::chrono::milliseconds(policy.lockout_duration).count();
        count = 0;
        start.reset();
      }
      if (auto s = store::set_lockout_state(*conn, user.user.id, count, start, locked_until);
          !s.ok()) {
        return std::move(s).error();
      }
    }
  }
  audit::AuditEntry entry =
      event("auth.login", "user", failure.user_id ? std::to_string(*failure.user_id) : "", context);
  entry.actor_name = failure.username;
  entry.actor_id = failure.user_id;
  entry.department_id = department;
  entry.outcome = "failure";
  entry.detail = detail_json({{"reason", failure.reason}});
  if (auto r = audit_.append(*conn, entry); !r.ok()) return std::move(r).error();
  if (locked) {
    audit::AuditEntry lock = entry;
    lock.action = "auth.lockout";
    lock.outcome = "success";
    lock.detail =
        detail_json({{"locked_minutes", std::to_string(policy.lockout_duration.count())}});
    if (auto r = audit_.append(*conn, lock); !r.ok()) return std::move(r).error();
  }
  if (auto s = tx->commit(); !s.ok()) return std::move(s).error();
  if (failure.code == "totp_required") {
    return unauthenticated("totp_required", "This account needs a TOTP code (\"totp\").");
  }
  if (failure.code == "invalid_totp") {
    return unauthenticated("invalid_totp", "The TOTP code is wrong, expired or already used.");
  }
  return unauthenticated("invalid_credentials", "The username or password is wrong.");
}

Result<LoginResult> IdentityService::login(const LoginRequest& request,
                                           const RequestContext& context) {
  auto effective = effective_policy();
  if (!effective.ok()) return std::move(effective).error();
  const IdentityConfig& policy = (*effective)->config;
  const core::TimePoint now = clock_.now();
  const std::int64_t now_ms = to_millis(now);
  std::optional<store::UserRecord> user;
  {
    auto conn = db_.acquire(db::Access::kRead);
    if (!conn.ok()) return std::move(conn).error();
    auto failures = store::address_failures(*conn, context.remote_address, now_ms - kHourMs);
    if (!failures.ok()) return std::move(failures).error();
    if (*failures >= policy.address_failures_per_hour) {
      audit::AuditEntry entry = event("auth.login", "user", "", context);
      entry.actor_name = request.username;
      entry.outcome = "denied";
      entry.detail = detail_json({{"reason", "address_limit"}});
      if (auto r = audit_.append(entry); !r.ok()) return std::move(r).error();
      return Error{ErrorKind::kTooManyRequests, "too_many_attempts",
                   "Too many failed sign-ins from this address; try again later."};
    }
    auto found = store::find_user_by_username(*conn, request.username);
    if (!found.ok()) return std::move(found).error();
    user = std::move(found).value();
  }
  if (!user) {
    (void)hasher_.verify(dummy_hash_, request.password);  // the same work as a known user
    return fail_login({.reason = "unknown_user", .username = request.username, .counts = false},
                      context);
  }
  const bool password_ok = hasher_.verify(user->password_hash, request.password);
  Failure failure{.username = request.username, .user_id = user->user.id};
  if (user->locked_until && *user->locked_until > now_ms) {
    failure.reason = "locked";
    failure.counts = false;
    return fail_login(failure, context);
  }
  if (user->user.disabled) {
    failure.reason = "disabled";
    failure.counts = false;
    return fail_login(failure, context);
  }
  if (!password_ok) {
    failure.reason = "wrong_password";
    return fail_login(failure, context);
  }
  std::optional<std::int64_t> totp_step;
  if (user->totp_secret) {
    if (!request.totp || request.totp->empty()) {
      failure.reason = "totp_missing";
      failure.code = "totp_required";
      failure.counts = false;
      return fail_login(failure, context);
    }
    auto secret = open_totp(user->user.id, *user->totp_secret);
    auto key = secret.ok() ? base32_decode(*secret) : Result<std::string>(secret.error());
    if (!key.ok()) {
      // Not the user's fault (wrong data key, damaged row): audit it, refuse the sign-in.
      audit::AuditEntry entry = user_event(user->user, "auth.login", context);
      entry.outcome = "failure";
      entry.detail =
          detail_json({{"reason", "totp_secret_unreadable"}, {"error", key.error().code}});
      if (auto r = audit_.append(entry); !r.ok()) return std::move(r).error();
      return Error::internal("internal", "The stored TOTP secret cannot be read.");
    }
    totp_step = totp_verify(*key, *request.totp, now, user->totp_last_step);
    if (!totp_step) {
      failure.reason = "invalid_totp";
      failure.code = "invalid_totp";
      return fail_login(failure, context);
    }
  }

  auto token = new_secret();
  if (!token.ok()) return std::move(token).error();
  auto token_hash = hash_secret(*token);
  if (!token_hash.ok()) return std::move(token_hash).error();
  const std::int64_t expires_at =
      now_ms + std::chrono::milliseconds(policy.session_absolute).count();
  {
    auto conn = db_.acquire(db::Access::kWrite);
    if (!conn.ok()) return std::move(conn).error();
    auto tx = db::Transaction::begin(*conn);
    if (!tx.ok()) return std::move(tx).error();
    if (totp_step) {
      auto advanced = store::advance_totp_step(*conn, user->user.id, *totp_step);
      if (!advanced.ok()) return std::move(advanced).error();
      if (!*advanced) {  // another sign-in used this code first
        (void)tx->rollback();
        failure.reason = "totp_reused";
        failure.code = "invalid_totp";
        return fail_login(failure, context);
      }
    }
    if (user->failed_count != 0 || user->locked_until || user->failure_window_start) {
      ZT_TRY(store::set_lockout_state(*conn, user->user.id, 0, std::nullopt, std::nullopt));
    }
    auto session = store::insert_session(*conn, user->user.id, *token_hash, context.remote_address,
                                         now_ms, expires_at);
    if (!session.ok()) return std::move(session).error();
    audit::AuditEntry entry = user_event(user->user, "auth.login", context);
    entry.detail = detail_json({{"session_id", std::to_string(*session)}});
    if (auto r = audit_.append(*conn, entry); !r.ok()) return std::move(r).error();
    ZT_TRY(tx->commit());
  }
  LoginResult result;
  result.token = std::move(token).value();
  result.expires_at = from_millis(expires_at);
  result.user = user->user;
  const bool enrolled = user->totp_secret.has_value();
  result.user.must_change_password = must_change(policy, user->user, now);
  result.totp_enrolment_required = must_enrol_totp(policy, user->user, enrolled);
  return result;
}

Result<core::Principal> IdentityService::authenticate(std::optional<std::string_view> bearer_token,
                                                      std::optional<std::string_view> api_key,
                                                      std::string_view /*remote_address*/) {
  if (bearer_token && !bearer_token->empty()) {
    return principal_for_session(*bearer_token, clock_.now());
  }
  if (api_key && !api_key->empty()) return principal_for_api_key(*api_key);
  return unauthenticated("unauthenticated",
                         "Sign in first: send Authorization: Bearer <token> or X-API-Key.");
}

Result<core::Principal> IdentityService::principal_for_session(std::string_view token,
                                                               core::TimePoint now) {
  const Error invalid_token =
      unauthenticated("unauthenticated", "The session token is not valid or has ended.");
  if (token.size() != 2 * kSecretBytes) return invalid_token;
  auto token_hash = hash_secret(token);
  if (!token_hash.ok()) return std::move(token_hash).error();
  auto effective = effective_policy();
  if (!effective.ok()) return std::move(effective).error();
  const IdentityConfig& policy = (*effective)->config;
  const std::int64_t now_ms = to_millis(now);
  const std::int64_t idle_ms = std::chrono::milliseconds(policy.session_idle).count();
  const std::int64_t absolute_ms = std::chrono::milliseconds(policy.session_absolute).count();
  // A lifetime shortened by the policy applies to open sessions too.
  auto ends_at = [&](const store::SessionRecord& s) {
    return std::min(s.expires_at, s.created_at + absolute_ms);
  };
  auto principal = [&](const store::SessionRecord& s, const store::UserRecord& u) {
    return principal_of(u.user, s.id, must_change(policy, u.user, now),
                        must_enrol_totp(policy, u.user, u.totp_secret.has_value()));
  };

  std::optional<SessionCache::Entry> entry;
  {
    auto conn = db_.acquire(db::Access::kRead);
    if (!conn.ok()) return std::move(conn).error();
    // The epoch first: a change committed after this read bumps it, and the next request
    // drops what this one stores.
    auto epoch = store::session_epoch(*conn);
    if (!epoch.ok()) return std::move(epoch).error();
    entry = sessions_.find(*token_hash, *epoch);
    // A known session, not idle or old, whose last-seen time needs no write: no more reads.
    // The last-seen write comes long before the idle limit, so a session another node kept
    // busy is read again (below) before it could be taken for idle here.
    if (entry && now_ms < ends_at(entry->session) &&
        now_ms - entry->session.last_seen_at < std::min(idle_ms, kTouchIntervalMs)) {
      return principal(entry->session, entry->user);
    }
    entry = SessionCache::Entry{*epoch, {}, {}};
    auto found = store::find_session(*conn, *token_hash);
    if (!found.ok()) return std::move(found).error();
    if (!*found || (*found)->ended_at) return invalid_token;
    entry->session = std::move(**found);
    if (now_ms < ends_at(entry->session) && now_ms - entry->session.last_seen_at < idle_ms) {
      auto u = store::find_user(*conn, entry->session.user_id);
      if (!u.ok()) return std::move(u).error();
      if (*u) entry->user = std::move(**u);
    }
  }
  const store::SessionRecord& session = entry->session;
  const bool live = entry->user.user.id != 0;
  if (!live || entry->user.user.disabled) {
    const bool absolute = now_ms >= ends_at(session);
    auto conn = db_.acquire(db::Access::kWrite);
    if (!conn.ok()) return std::move(conn).error();
    ZT_TRY(store::end_session(*conn, session.id, now_ms,
                              live       ? "disabled"
                              : absolute ? "absolute_timeout"
                                         : "idle_timeout"));
    if (live) return invalid_token;
    return unauthenticated("session_expired",
                           absolute ? "The session has reached its maximum lifetime; sign in "
                                      "again."
                                    : "The session was idle too long; sign in again.");
  }
  if (now_ms - session.last_seen_at >= kTouchIntervalMs) {
    auto conn = db_.acquire(db::Access::kWrite);
    if (!conn.ok()) return std::move(conn).error();
    ZT_TRY(store::touch_session(*conn, session.id, now_ms));
    entry->session.last_seen_at = now_ms;
  }
  core::Principal p = principal(entry->session, entry->user);
  sessions_.store(std::move(token_hash).value(), std::move(*entry));
  return p;
}

Result<core::Principal> IdentityService::principal_for_api_key(std::string_view key) {
  const Error invalid_key = unauthenticated("unauthenticated", "The API key is not valid.");
  if (key.size() != 2 * kSecretBytes) return invalid_key;
  auto key_hash = hash_secret(key);
  if (!key_hash.ok()) return std::move(key_hash).error();
  auto conn = db_.acquire(db::Access::kRead);
  if (!conn.ok()) return std::move(conn).error();
  auto found = store::find_api_client_by_key(*conn, *key_hash);
  if (!found.ok()) return std::move(found).error();
  if (!*found || (*found)->revoked_at) return invalid_key;
  const ApiClient& client = **found;
  core::Principal p;
  p.kind = core::Principal::Kind::kApiClient;
  p.id = client.id;
  p.name = client.name;
  p.department_id = client.department_id;
  p.permissions = client.permissions;  // sorted by the store
  return p;
}

Status IdentityService::logout(const core::Principal& principal, const RequestContext& context) {
  if (principal.kind != core::Principal::Kind::kUser || principal.session_id == 0) {
    return unauthenticated("unauthenticated", "Only a signed-in user has a session to end.");
  }
  auto conn = db_.acquire(db::Access::kWrite);
  if (!conn.ok()) return std::move(conn).error();
  auto tx = db::Transaction::begin(*conn);
  if (!tx.ok()) return std::move(tx).error();
  ZT_TRY(store::end_session(*conn, principal.session_id, to_millis(clock_.now()), "logout"));
  audit::AuditEntry entry = event("auth.logout", "user", std::to_string(principal.id), context);
  entry.by(principal);
  entry.detail = detail_json({{"session_id", std::to_string(principal.session_id)}});
  if (auto r = audit_.append(*conn, entry); !r.ok()) return std::move(r).error();
  return tx->commit();
}

Result<User> IdentityService::me(const core::Principal& principal) {
  if (principal.kind != core::Principal::Kind::kUser) {
    return unauthenticated("unauthenticated", "An API client is not a user.");
  }
  auto conn = db_.acquire(db::Access::kRead);
  if (!conn.ok()) return std::move(conn).error();
  auto found = store::find_user(*conn, principal.id);
  if (!found.ok()) return std::move(found).error();
  if (!*found) return unauthenticated("unauthenticated", "The user no longer exists.");
  User user = (*found)->user;
  user.must_change_password = principal.must_change_password;
  return user;
}

Status IdentityService::change_password(const core::Principal& principal,
                                        std::string_view current_password,
                                        std::string_view new_password,
                                        const RequestContext& context) {
  if (principal.kind != core::Principal::Kind::kUser) {
    return unauthenticated("unauthenticated", "An API client has no password.");
  }
  std::optional<store::UserRecord> user;
  {
    auto conn = db_.acquire(db::Access::kRead);
    if (!conn.ok()) return std::move(conn).error();
    auto found = store::find_user(*conn, principal.id);
    if (!found.ok()) return std::move(found).error();
    user = std::move(found).value();
  }
  if (!user) return unauthenticated("unauthenticated", "The user no longer exists.");
  if (!hasher_.verify(user->password_hash, current_password)) {
    audit::AuditEntry entry = user_event(user->user, "auth.password_change", context);
    entry.outcome = "failure";
    entry.detail = detail_json({{"reason", "wrong_current_password"}});
    if (auto r = audit_.append(entry); !r.ok()) return std::move(r).error();
    return Error::invalid("invalid_current_password", "The current password is wrong.");
  }
  if (current_password == new_password) {
    return Error::invalid("password_unchanged", "The new password must differ from the old.");
  }
  auto effective = effective_policy();
  if (!effective.ok()) return std::move(effective).error();
  ZT_TRY(check_password_policy((*effective)->config.password_profile, new_password,
                               user->user.username));
  auto hash = hasher_.hash(new_password);
  if (!hash.ok()) return std::move(hash).error();
  const std::int64_t now = to_millis(clock_.now());
  auto conn = db_.acquire(db::Access::kWrite);
  if (!conn.ok()) return std::move(conn).error();
  auto tx = db::Transaction::begin(*conn);
  if (!tx.ok()) return std::move(tx).error();
  ZT_TRY(store::set_password(*conn, user->user.id, *hash, false, now));
  auto ended =
      store::end_user_sessions(*conn, user->user.id, principal.session_id, now, "password_change");
  if (!ended.ok()) return std::move(ended).error();
  audit::AuditEntry entry = user_event(user->user, "auth.password_change", context);
  entry.detail = detail_json({{"other_sessions_ended", std::to_string(*ended)}});
  if (auto r = audit_.append(*conn, entry); !r.ok()) return std::move(r).error();
  return tx->commit();
}

Result<TotpEnrolment> IdentityService::begin_totp_enrolment(const core::Principal& principal,
                                                            const RequestContext& context) {
  if (principal.kind != core::Principal::Kind::kUser) {
    return unauthenticated("unauthenticated", "An API client cannot enrol TOTP.");
  }
  auto bytes = crypto_.random_bytes(kTotpSecretBytes);
  if (!bytes.ok()) return std::move(bytes).error();
  const std::string secret = base32_encode(*bytes);
  auto conn = db_.acquire(db::Access::kWrite);
  if (!conn.ok()) return std::move(conn).error();
  auto tx = db::Transaction::begin(*conn);
  if (!tx.ok()) return std::move(tx).error();
  auto found = store::find_user(*conn, principal.id);
  if (!found.ok()) return std::move(found).error();
  if (!*found) return unauthenticated("unauthenticated", "The user no longer exists.");
  if ((*found)->totp_secret) {
    return Error::conflict("totp_already_enabled", "TOTP is already enrolled for this account.");
  }
  auto sealed = seal_totp(principal.id, secret);
  if (!sealed.ok()) return std::move(sealed).error();
  ZT_TRY(store::set_totp(*conn, principal.id, std::nullopt, *sealed, std::nullopt));
  audit::AuditEntry entry = user_event((*found)->user, "auth.totp_setup", context);
  if (auto r = audit_.append(*conn, entry); !r.ok()) return std::move(r).error();
  ZT_TRY(tx->commit());
  return TotpEnrolment{secret, otpauth_uri(kTotpIssuer, principal.name, secret)};
}

Status IdentityService::confirm_totp_enrolment(const core::Principal& principal,
                                               std::string_view code,
                                               const RequestContext& context) {
  if (principal.kind != core::Principal::Kind::kUser) {
    return unauthenticated("unauthenticated", "An API client cannot enrol TOTP.");
  }
  const core::TimePoint now = clock_.now();
  auto conn = db_.acquire(db::Access::kWrite);
  if (!conn.ok()) return std::move(conn).error();
  auto tx = db::Transaction::begin(*conn);
  if (!tx.ok()) return std::move(tx).error();
  auto found = store::find_user(*conn, principal.id);
  if (!found.ok()) return std::move(found).error();
  if (!*found) return unauthenticated("unauthenticated", "The user no longer exists.");
  const store::UserRecord& user = **found;
  if (user.totp_secret) {
    return Error::conflict("totp_already_enabled", "TOTP is already enrolled for this account.");
  }
  if (!user.totp_pending_secret) {
    return Error::conflict("totp_not_started", "Start with POST /api/v1/auth/totp/setup.");
  }
  auto secret = open_totp(user.user.id, *user.totp_pending_secret);
  if (!secret.ok()) return std::move(secret).error();
  auto key = base32_decode(*secret);
  if (!key.ok()) return std::move(key).error();
  auto step = totp_verify(*key, code, now, std::nullopt);
  if (!step) return Error::invalid("invalid_totp", "The TOTP code is wrong or expired.");
  ZT_TRY(store::set_totp(*conn, user.user.id, user.totp_pending_secret, std::nullopt, *step));
  audit::AuditEntry entry = user_event(user.user, "auth.totp_enrol", context);
  if (auto r = audit_.append(*conn, entry); !r.ok()) return std::move(r).error();
  return tx->commit();
}

Result<std::vector<InitialAdmin>> IdentityService::init_admins() {
  const std::int64_t now = to_millis(clock_.now());
  {
    auto conn = db_.acquire(db::Access::kRead);
    if (!conn.ok()) return std::move(conn).error();
    auto admins = store::count_admins(*conn);
    if (!admins.ok()) return std::move(admins).error();
    if (*admins > 0) {
      return Error::conflict("admins_exist", "Administrator accounts exist already.");
    }
  }
  struct Spec {
    std::string_view username, role, display_name;
  };
  const Spec specs[] = {{"sysadmin", role::kSysAdmin, "系统管理员"},
                        {"secadmin", role::kSecAdmin, "安全管理员"},
                        {"auditadmin", role::kAuditAdmin, "审计管理员"}};
  std::vector<InitialAdmin> admins;
  std::vector<std::string> hashes;
  for (const Spec& spec : specs) {
    auto password = generate_one_time_password(crypto_);
    if (!password.ok()) return std::move(password).error();
    auto hash = hasher_.hash(*password);
    if (!hash.ok()) return std::move(hash).error();
    admins.push_back({std::string(spec.username), std::string(spec.role), *password});
    hashes.push_back(std::move(hash).value());
  }
  auto conn = db_.acquire(db::Access::kWrite);
  if (!conn.ok()) return std::move(conn).error();
  auto tx = db::Transaction::begin(*conn);
  if (!tx.ok()) return std::move(tx).error();
  auto again = store::count_admins(*conn);  // another node may have been quicker
  if (!again.ok()) return std::move(again).error();
  if (*again > 0) return Error::conflict("admins_exist", "Administrator accounts exist already.");
  for (std::size_t i = 0; i < admins.size(); ++i) {
    NewUser user{.kind = UserKind::kStaff,
                 .username = admins[i].username,
                 .display_name = std::string(specs[i].display_name)};
    auto id = store::insert_user(*conn, user, hashes[i], true, now);
    if (!id.ok()) {
      return rename_duplicate(std::move(id).error(), "admins_exist",
                              "An account named " + admins[i].username + " exists already.");
    }
    ZT_TRY(store::replace_roles(*conn, *id, {admins[i].role}));
    audit::AuditEntry entry;
    entry.actor_kind = "system";
    entry.actor_name = "zhengtong";
    entry.action = "user.create";
    entry.object_type = "user";
    entry.object_id = std::to_string(*id);
    entry.detail = detail_json({{"username", admins[i].username},
                                {"roles", admins[i].role},
                                {"reason", "initial_administrator"}});
    if (auto r = audit_.append(*conn, entry); !r.ok()) return std::move(r).error();
  }
  ZT_TRY(tx->commit());
  return admins;
}

// --- users
// ------------------------------------------------------------------------------------------

Result<CreatedUser> IdentityService::create_user(const core::Principal& actor, const NewUser& input,
                                                 const RequestContext& context) {
  ZT_TRY(require(actor, permission::kUsersManage));
  const core::TimePoint now = clock_.now();
  NewUser user = input;
  switch (user.kind) {
    case UserKind::kCitizen: {
      if (!user.id_number) {
        return Error::invalid("invalid_id_number", "A citizen needs an id_number (身份证号).");
      }
      auto checked = core::check_id_number(*user.id_number, core::china_date(now));
      if (!checked.ok()) return std::move(checked).error();
      user.id_number = *checked;
      if (user.username.empty()) user.username = *checked;
      user.uscc.reset();
      user.responsible_person.reset();
      user.department_id.reset();
      break;
    }
    case UserKind::kEnterprise: {
      if (!user.uscc) {
        return Error::invalid("invalid_uscc", "An enterprise needs a uscc (统一社会信用代码).");
      }
      auto checked = core::check_uscc(*user.uscc);
      if (!checked.ok()) return std::move(checked).error();
      user.uscc = *checked;
      if (!user.responsible_person || !valid_text(*user.responsible_person, 200)) {
        return Error::invalid("invalid_responsible_person",
                              "An enterprise needs a responsible_person (负责人).");
      }
      if (user.username.empty()) user.username = *checked;
      user.id_number.reset();
      user.department_id.reset();
      break;
    }
    case UserKind::kStaff: {
      user.id_number.reset();
      user.uscc.reset();
      user.responsible_person.reset();
      if (!user.department_id) {
        return Error::invalid("invalid_department", "A staff user needs a department_id.");
      }
      break;
    }
  }
  if (!valid_name(user.username, 3, 64, true)) {
    return Error::invalid("invalid_username",
                          "username: 3 to 64 characters of A-Z, a-z, 0-9, '.', '_', '-', '@'.");
  }
  if (!valid_text(user.display_name, 200)) {
    return Error::invalid("invalid_display_name", "display_name: 1 to 200 bytes of text.");
  }
  auto password = generate_one_time_password(crypto_);
  if (!password.ok()) return std::move(password).error();
  auto hash = hasher_.hash(*password);
  if (!hash.ok()) return std::move(hash).error();

  auto conn = db_.acquire(db::Access::kWrite);
  if (!conn.ok()) return std::move(conn).error();
  auto tx = db::Transaction::begin(*conn);
  if (!tx.ok()) return std::move(tx).error();
  if (user.department_id) {
    auto department = store::find_department(*conn, *user.department_id);
    if (!department.ok()) return std::move(department).error();
    if (!*department) {
      return Error::invalid("invalid_department",
                            fmt::format("No department with id {}.", *user.department_id));
    }
  }
  auto id = store::insert_user(*conn, user, *hash, true, to_millis(now));
  if (!id.ok()) {
    return rename_duplicate(std::move(id).error(), "user_exists",
                            "A user with this username, id number or credit code exists.");
  }
  audit::AuditEntry entry = event("user.create", "user", std::to_string(*id), context);
  entry.by(actor);
  entry.detail =
      detail_json({{"username", user.username}, {"kind", std::string(to_string(user.kind))}});
  if (auto r = audit_.append(*conn, entry); !r.ok()) return std::move(r).error();
  auto created = store::find_user(*conn, *id);
  if (!created.ok()) return std::move(created).error();
  ZT_TRY(tx->commit());
  return CreatedUser{(*created)->user, std::move(password).value()};
}

Result<std::vector<User>> IdentityService::list_users(const core::Principal& actor,
                                                      UserFilter filter) {
  ZT_TRY(require(actor, permission::kUsersRead));
  filter.limit = clamp_limit(filter.limit);
  if (!actor.has_permission(permission::kUsersManage) &&
      !actor.has_permission(permission::kRolesAssign)) {
    if (auto own = department_filter(actor)) filter.department_id = own;
  }
  auto conn = db_.acquire(db::Access::kRead);
  if (!conn.ok()) return std::move(conn).error();
  return store::list_users(*conn, filter);
}

Result<User> IdentityService::get_user(const core::Principal& actor, std::int64_t id) {
  const bool self = actor.kind == core::Principal::Kind::kUser && actor.id == id;
  if (!self) ZT_TRY(require(actor, permission::kUsersRead));
  auto conn = db_.acquire(db::Access::kRead);
  if (!conn.ok()) return std::move(conn).error();
  auto found = not_found_if_empty(store::find_user(*conn, id), "user_not_found",
                                  fmt::format("No user with id {}.", id));
  if (!found.ok()) return std::move(found).error();
  if (!self && !actor.has_permission(permission::kUsersManage) &&
      !actor.has_permission(permission::kRolesAssign)) {
    if (!found->user.department_id ||
        !require_same_department(actor, *found->user.department_id).ok()) {
      return Error::not_found("user_not_found", fmt::format("No user with id {}.", id));
    }
  }
  return found->user;
}

Result<User> IdentityService::update_user(const core::Principal& actor, std::int64_t id,
                                          const UserUpdate& update, const RequestContext& context) {
  ZT_TRY(require(actor, permission::kUsersManage));
  if (update.disabled.value_or(false) && actor.kind == core::Principal::Kind::kUser &&
      actor.id == id) {
    return Error::conflict("cannot_disable_self", "You cannot disable your own account.");
  }
  if (update.display_name && !valid_text(*update.display_name, 200)) {
    return Error::invalid("invalid_display_name", "display_name: 1 to 200 bytes of text.");
  }
  const std::int64_t now = to_millis(clock_.now());
  auto conn = db_.acquire(db::Access::kWrite);
  if (!conn.ok()) return std::move(conn).error();
  auto tx = db::Transaction::begin(*conn);
  if (!tx.ok()) return std::move(tx).error();
  auto found = not_found_if_empty(store::find_user(*conn, id), "user_not_found",
                                  fmt::format("No user with id {}.", id));
  if (!found.ok()) return std::move(found).error();
  User user = found->user;
  std::vector<std::string> changed;
  if (update.display_name && *update.display_name != user.display_name) {
    user.display_name = *update.display_name;
    changed.push_back("display_name");
  }
  if (update.responsible_person) {
    if (user.kind != UserKind::kEnterprise || !valid_text(*update.responsible_person, 200)) {
      return Error::invalid("invalid_responsible_person",
                            "Only an enterprise has a responsible_person, of 1 to 200 bytes.");
    }
    user.responsible_person = update.responsible_person;
    changed.push_back("responsible_person");
  }
  if (update.department_id && update.department_id != user.department_id) {
    if (user.kind != UserKind::kStaff) {
      return Error::invalid("invalid_department", "Only staff belong to a department.");
    }
    auto department = store::find_department(*conn, *update.department_id);
    if (!department.ok()) return std::move(department).error();
    if (!*department) {
      return Error::invalid("invalid_department",
                            fmt::format("No department with id {}.", *update.department_id));
    }
    user.department_id = update.department_id;
    changed.push_back("department_id");
  }
  bool disabling = false;
  if (update.disabled && *update.disabled != user.disabled) {
    user.disabled = *update.disabled;
    disabling = user.disabled;
    changed.push_back("disabled");
  }
  ZT_TRY(store::update_user(*conn, user, now));
  if (disabling) {
    auto ended = store::end_user_sessions(*conn, id, std::nullopt, now, "disabled");
    if (!ended.ok()) return std::move(ended).error();
  }
  audit::AuditEntry entry =
      event(disabling ? "user.disable" : "user.update", "user", std::to_string(id), context);
  entry.by(actor);
  entry.detail = detail_json({{"changed", join(changed)}});
  if (auto r = audit_.append(*conn, entry); !r.ok()) return std::move(r).error();
  auto updated = store::find_user(*conn, id);
  if (!updated.ok()) return std::move(updated).error();
  ZT_TRY(tx->commit());
  return (*updated)->user;
}

Result<User> IdentityService::set_roles(const core::Principal& actor, std::int64_t id,
                                        std::vector<std::string> roles,
                                        const RequestContext& context) {
  ZT_TRY(require(actor, permission::kRolesAssign));
  if (actor.kind == core::Principal::Kind::kUser && actor.id == id) {
    return Error::conflict("cannot_change_own_roles",
                           "Nobody may change their own roles; ask another security admin.");
  }
  std::sort(roles.begin(), roles.end());
  roles.erase(std::unique(roles.begin(), roles.end()), roles.end());
  for (const std::string& r : roles) {
    if (!is_known_role(r)) {
      return Error::invalid("unknown_role", fmt::format("'{}' is not a role.", r));
    }
  }
  if (std::count_if(roles.begin(), roles.end(),
                    [](const std::string& r) { return is_admin_role(r); }) > 1) {
    return Error::conflict("separation_of_duties",
                           "One account may hold only one of sys_admin, sec_admin, audit_admin "
                           "(三员分立).");
  }
  auto conn = db_.acquire(db::Access::kWrite);
  if (!conn.ok()) return std::move(conn).error();
  auto tx = db::Transaction::begin(*conn);
  if (!tx.ok()) return std::move(tx).error();
  auto found = not_found_if_empty(store::find_user(*conn, id), "user_not_found",
                                  fmt::format("No user with id {}.", id));
  if (!found.ok()) return std::move(found).error();
  if (found->user.kind != UserKind::kStaff && !roles.empty()) {
    return Error::invalid("roles_for_staff_only", "Only staff users hold roles.");
  }
  const std::vector<std::string> before = found->user.roles;
  ZT_TRY(store::replace_roles(*conn, id, roles));
  audit::AuditEntry entry = event("user.roles_change", "user", std::to_string(id), context);
  entry.by(actor);
  entry.detail = detail_json({{"from", join(before)}, {"to", join(roles)}});
  if (auto r = audit_.append(*conn, entry); !r.ok()) return std::move(r).error();
  ZT_TRY(tx->commit());
  User user = found->user;
  user.roles = roles;
  return user;
}

Result<std::string> IdentityService::reset_password(const core::Principal& actor, std::int64_t id,
                                                    const RequestContext& context) {
  ZT_TRY(require(actor, permission::kUsersManage));
  auto password = generate_one_time_password(crypto_);
  if (!password.ok()) return std::move(password).error();
  auto hash = hasher_.hash(*password);
  if (!hash.ok()) return std::move(hash).error();
  const std::int64_t now = to_millis(clock_.now());
  auto conn = db_.acquire(db::Access::kWrite);
  if (!conn.ok()) return std::move(conn).error();
  auto tx = db::Transaction::begin(*conn);
  if (!tx.ok()) return std::move(tx).error();
  auto found = not_found_if_empty(store::find_user(*conn, id), "user_not_found",
                                  fmt::format("No user with id {}.", id));
  if (!found.ok()) return std::move(found).error();
  ZT_TRY(store::set_password(*conn, id, *hash, true, now));
  auto ended = store::end_user_sessions(*conn, id, std::nullopt, now, "password_reset");
  if (!ended.ok()) return std::move(ended).error();
  audit::AuditEntry entry = event("user.password_reset", "user", std::to_string(id), context);
  entry.by(actor);
  if (auto r = audit_.append(*conn, entry); !r.ok()) return std::move(r).error();
  ZT_TRY(tx->commit());
  return std::move(password).value();
}

// --- security policy -------------------------------------------------------------------------

namespace {

// {"field":value,…} of the fields' values in `config`.
std::string policy_json(const IdentityConfig& config, const std::vector<std::string>& fields) {
  std::string out = "{";
  for (const std::string& field : fields) {
    if (out.size() > 1) out.push_back(',');
    out += fmt::format("\"{}\":{}", field, policy_value_json(config, field));
  }
  return out + "}";
}

}  // namespace

Result<std::optional<EffectivePolicy>> IdentityService::load_policy(
    db::Connection& conn, std::optional<std::int64_t> known) const {
  // The version first: a change committed between the two reads leaves a newer stored version
  // than the cached one, so the next check loads again.
  auto version = store::policy_version(conn);
  if (!version.ok()) return std::move(version).error();
  if (known && *known == *version) return std::optional<EffectivePolicy>();
  auto settings = store::policy_settings(conn);
  if (!settings.ok()) return std::move(settings).error();
  EffectivePolicy policy;
  policy.version = *version;
  policy.defaults = config_;
  policy.config = config_;
  for (const auto& [name, value] : *settings) {
    if (apply_policy_value(policy.config, name, value).ok()) policy.from_database.push_back(name);
  }
  return std::optional<EffectivePolicy>(std::move(policy));
}

void IdentityService::install_policy(EffectivePolicy policy) const {
  std::lock_guard lock(policy_mutex_);
  if (!policy_ || policy.version >= policy_->version) {
    policy_ = std::make_shared<const EffectivePolicy>(std::move(policy));
  }
}

Result<std::shared_ptr<const EffectivePolicy>> IdentityService::effective_policy() const {
  const core::TimePoint now = clock_.now();
  std::shared_ptr<const EffectivePolicy> cached;
  {
    std::lock_guard lock(policy_mutex_);
    cached = policy_;
    if (cached && now >= policy_checked_at_ && now - policy_checked_at_ < kPolicyReloadInterval) {
      return cached;
    }
    // This thread checks; the others go on with the cached policy meanwhile.
    policy_checked_at_ = now;
  }
  Result<std::optional<EffectivePolicy>> loaded = [&]() -> Result<std::optional<EffectivePolicy>> {
    auto conn = db_.acquire(db::Access::kRead);
    if (!conn.ok()) return std::move(conn).error();
    return load_policy(*conn, cached ? std::optional(cached->version) : std::nullopt);
  }();
  if (!loaded.ok()) {
    if (cached) return cached;  // checked again after the interval
    return std::move(loaded).error();
  }
  if (!*loaded) return cached;
  install_policy(std::move(**loaded));
  std::lock_guard lock(policy_mutex_);
  return policy_;
}

Result<EffectivePolicy> IdentityService::get_policy(const core::Principal& actor) {
  ZT_TRY(require(actor, permission::kPolicyManage));
  auto policy = effective_policy();
  if (!policy.ok()) return std::move(policy).error();
  return **policy;
}

Result<EffectivePolicy> IdentityService::set_policy(const core::Principal& actor,
                                                    const PolicyChanges& changes,
                                                    const RequestContext& context) {
  ZT_TRY(require(actor, permission::kPolicyManage));
  if (changes.empty()) {
    return Error::invalid("invalid_policy", "Give at least one policy field to change.");
  }
  // Check every value first, and store each in its normalised text form.
  std::map<std::string, std::optional<std::string>, std::less<>> normalised;
  for (const auto& [field, value] : changes) {
    if (!is_policy_field(field)) {
      return Error::invalid("invalid_policy", fmt::format("{}: not a policy field.", field));
    }
    if (!value) {
      normalised.emplace(field, std::nullopt);
      continue;
    }
    IdentityConfig scratch = config_;
    ZT_TRY(apply_policy_value(scratch, field, *value));
    normalised.emplace(field, policy_value_text(scratch, field));
  }
  const core::TimePoint now = clock_.now();
  auto conn = db_.acquire(db::Access::kWrite);
  if (!conn.ok()) return std::move(conn).error();
  auto tx = db::Transaction::begin(*conn);
  if (!tx.ok()) return std::move(tx).error();
  auto before = load_policy(*conn, std::nullopt);
  if (!before.ok()) return std::move(before).error();
  auto stored = store::policy_settings(*conn);
  if (!stored.ok()) return std::move(stored).error();
  std::vector<std::string> changed;
  for (const auto& [field, value] : normalised) {
    const auto it = stored->find(field);
    const std::optional<std::string> old =
        it == stored->end() ? std::nullopt : std::optional(it->second);
    if (old != value) changed.push_back(field);
  }
  if (changed.empty()) {
    ZT_TRY(tx->commit());
    install_policy(**before);
    return std::move(**before);
  }
  for (const std::string& field : changed) {
    const auto& value = normalised.at(field);
    ZT_TRY(store::put_policy_setting(*conn, field,
                                     value ? std::optional<std::string_view>(*value) : std::nullopt,
                                     to_millis(now)));
  }
  PolicyChange change;
  change.version = (*before)->version + 1;
  if (actor.kind == core::Principal::Kind::kUser) change.changed_by = actor.id;
  change.changed_by_name = actor.name;
  change.changed_at = now;
  change.old_values = policy_json((*before)->config, changed);
  EffectivePolicy after = **before;
  after.version = change.version;
  after.config = config_;
  after.from_database.clear();
  auto settings = store::policy_settings(*conn);
  if (!settings.ok()) return std::move(settings).error();
  for (const auto& [name, value] : *settings) {
    if (apply_policy_value(after.config, name, value).ok()) after.from_database.push_back(name);
  }
  change.new_values = policy_json(after.config, changed);
  if (auto s = store::insert_policy_change(*conn, change); !s.ok()) {
    return rename_duplicate(std::move(s).error(), "policy_conflict",
                            "The policy was changed at the same time; read it and try again.");
  }
  audit::AuditEntry entry =
      event("security.policy_change", "security_policy", std::to_string(change.version), context);
  entry.by(actor);
  entry.detail = fmt::format("{{\"version\":{},\"old\":{},\"new\":{}}}", change.version,
                             change.old_values, change.new_values);
  if (auto r = audit_.append(*conn, entry); !r.ok()) return std::move(r).error();
  ZT_TRY(tx->commit());
  {
    std::lock_guard lock(policy_mutex_);
    policy_checked_at_ = now;
  }
  install_policy(after);
  return after;
}

Result<std::vector<PolicyChange>> IdentityService::policy_history(const core::Principal& actor,
                                                                  std::int64_t before_id,
                                                                  int limit) {
  ZT_TRY(require(actor, permission::kPolicyManage));
  auto conn = db_.acquire(db::Access::kRead);
  if (!conn.ok()) return std::move(conn).error();
  return store::policy_history(*conn, before_id, clamp_limit(limit));
}

// --- departments ------------------------------------------------------------------------------

namespace {

Result<DepartmentInput> checked_department(DepartmentInput input) {
  if (!valid_name(input.code, 1, 64, false)) {
    return Error::invalid("invalid_code",
                          "code: 1 to 64 characters of A-Z, a-z, 0-9, '.', '_', '-'.");
  }
  if (!valid_text(input.name, 200)) {
    return Error::invalid("invalid_name", "name: 1 to 200 bytes of text.");
  }
  auto division = core::check_division_code(input.division_code);
  if (!division.ok()) return std::move(division).error();
  input.division_code = *division;
  return input;
}

DepartmentVersion version_of(const Department& d, std::string action, const core::Principal& actor,
                             core::TimePoint at) {
  DepartmentVersion v;
  v.department_id = d.id;
  v.version = d.version;
  v.action = std::move(action);
  v.code = d.code;
  v.name = d.name;
  v.division_code = d.division_code;
  v.parent_id = d.parent_id;
  if (actor.kind == core::Principal::Kind::kUser) v.changed_by = actor.id;
  v.changed_by_name = actor.name;
  v.changed_at = at;
  return v;
}

std::string department_detail(const Department& d) {
  return detail_json({{"code", d.code},
                      {"name", d.name},
                      {"division_code", d.division_code},
                      {"parent_id", d.parent_id ? std::to_string(*d.parent_id) : ""},
                      {"version", std::to_string(d.version)}});
}

Error no_department(std::int64_t id) {
  return Error::not_found("department_not_found", fmt::format("No department with id {}.", id));
}

}  // namespace

Result<std::vector<Department>> IdentityService::list_departments(
    const core::Principal& actor, std::int64_t after_id, int limit,
    std::optional<std::int64_t> parent_id) {
  ZT_TRY(require_staff_or_client(actor));
  auto conn = db_.acquire(db::Access::kRead);
  if (!conn.ok()) return std::move(conn).error();
  return store::list_departments(*conn, after_id, clamp_limit(limit), parent_id);
}

Result<Department> IdentityService::get_department(const core::Principal& actor, std::int64_t id) {
  ZT_TRY(require_staff_or_client(actor));
  auto conn = db_.acquire(db::Access::kRead);
  if (!conn.ok()) return std::move(conn).error();
  auto found = store::find_department(*conn, id);
  if (!found.ok()) return std::move(found).error();
  if (!*found) return no_department(id);
  return **found;
}

Result<Department> IdentityService::find_department(std::int64_t id) {
  ZT_ASSIGN_OR_RETURN(auto conn, db_.acquire(db::Access::kRead));
  ZT_ASSIGN_OR_RETURN(auto found, store::find_department(conn, id));
  if (!found) return no_department(id);
  return *found;
}

Result<Department> IdentityService::create_department(const core::Principal& actor,
                                                      const DepartmentInput& raw,
                                                      const RequestContext& context) {
  ZT_TRY(require(actor, permission::kDepartmentsManage));
  auto input = checked_department(raw);
  if (!input.ok()) return std::move(input).error();
  const core::TimePoint now = clock_.now();
  auto conn = db_.acquire(db::Access::kWrite);
  if (!conn.ok()) return std::move(conn).error();
  auto tx = db::Transaction::begin(*conn);
  if (!tx.ok()) return std::move(tx).error();
  if (input->parent_id) {
    auto parent = store::find_department(*conn, *input->parent_id);
    if (!parent.ok()) return std::move(parent).error();
    if (!*parent) {
      return Error::invalid("invalid_parent",
                            fmt::format("No department with id {}.", *input->parent_id));
    }
  }
  auto id = store::insert_department(*conn, *input, to_millis(now));
  if (!id.ok()) {
    return rename_duplicate(std::move(id).error(), "department_exists",
                            "A department with this code exists.");
  }
  auto created = store::find_department(*conn, *id);
  if (!created.ok()) return std::move(created).error();
  const Department& d = **created;
  ZT_TRY(store::insert_department_version(*conn, version_of(d, "create", actor, now)));
  audit::AuditEntry entry = event("department.create", "department", std::to_string(d.id), context);
  entry.by(actor);
  entry.detail = department_detail(d);
  if (auto r = audit_.append(*conn, entry); !r.ok()) return std::move(r).error();
  ZT_TRY(tx->commit());
  return d;
}

Result<Department> IdentityService::update_department(const core::Principal& actor, std::int64_t id,
                                                      const DepartmentInput& raw,
                                                      const RequestContext& context) {
  ZT_TRY(require(actor, permission::kDepartmentsManage));
  auto input = checked_department(raw);
  if (!input.ok()) return std::move(input).error();
  const core::TimePoint now = clock_.now();
  auto conn = db_.acquire(db::Access::kWrite);
  if (!conn.ok()) return std::move(conn).error();
  auto tx = db::Transaction::begin(*conn);
  if (!tx.ok()) return std::move(tx).error();
  auto existing = store::find_department(*conn, id);
  if (!existing.ok()) return std::move(existing).error();
  if (!*existing) return no_department(id);
  // The new parent must exist and must not be the department or one of its descendants.
  for (std::optional<std::int64_t> at = input->parent_id; at;) {
    if (*at == id) {
      return Error::conflict("department_cycle",
                             "A department cannot be placed under itself or its descendants.");
    }
    auto parent = store::find_department(*conn, *at);
    if (!parent.ok()) return std::move(parent).error();
    if (!*parent) {
      return Error::invalid("invalid_parent", fmt::format("No department with id {}.", *at));
    }
    at = (*parent)->parent_id;
  }
  auto updated = store::update_department(*conn, id, *input, to_millis(now));
  if (!updated.ok()) {
    return rename_duplicate(std::move(updated).error(), "department_exists",
                            "A department with this code exists.");
  }
  auto after = store::find_department(*conn, id);
  if (!after.ok()) return std::move(after).error();
  const Department& d = **after;
  ZT_TRY(store::insert_department_version(*conn, version_of(d, "update", actor, now)));
  audit::AuditEntry entry = event("department.update", "department", std::to_string(id), context);
  entry.by(actor);
  entry.detail = department_detail(d);
  if (auto r = audit_.append(*conn, entry); !r.ok()) return std::move(r).error();
  ZT_TRY(tx->commit());
  return d;
}

Status IdentityService::delete_department(const core::Principal& actor, std::int64_t id,
                                          const RequestContext& context) {
  ZT_TRY(require(actor, permission::kDepartmentsManage));
  const core::TimePoint now = clock_.now();
  auto conn = db_.acquire(db::Access::kWrite);
  if (!conn.ok()) return std::move(conn).error();
  auto tx = db::Transaction::begin(*conn);
  if (!tx.ok()) return std::move(tx).error();
  auto existing = store::find_department(*conn, id);
  if (!existing.ok()) return std::move(existing).error();
  if (!*existing) return no_department(id);
  auto references = store::department_references(*conn, id);
  if (!references.ok()) return std::move(references).error();
  if (*references > 0) {
    return Error::conflict("department_in_use",
                           "Sub-departments, users or API clients still belong to it.");
  }
  Department d = **existing;
  d.version += 1;
  ZT_TRY(store::insert_department_version(*conn, version_of(d, "delete", actor, now)));
  ZT_TRY(store::delete_department(*conn, id));
  audit::AuditEntry entry = event("department.delete", "department", std::to_string(id), context);
  entry.by(actor);
  entry.detail = department_detail(d);
  if (auto r = audit_.append(*conn, entry); !r.ok()) return std::move(r).error();
  return tx->commit();
}

Result<std::vector<DepartmentVersion>> IdentityService::department_history(
    const core::Principal& actor, std::int64_t id) {
  ZT_TRY(require_staff_or_client(actor));
  auto conn = db_.acquire(db::Access::kRead);
  if (!conn.ok()) return std::move(conn).error();
  auto history = store::department_history(*conn, id);
  if (!history.ok()) return std::move(history).error();
  if (history->empty()) return no_department(id);
  return history;
}

// --- API clients
// -----------------------------------------------------------------------------------

Result<CreatedApiClient> IdentityService::create_api_client(const core::Principal& actor,
                                                            const ApiClientInput& raw,
                                                            const RequestContext& context) {
  ZT_TRY(require(actor, permission::kApiClientsManage));
  ApiClientInput input = raw;
  if (!valid_name(input.name, 3, 64, false)) {
    return Error::invalid("invalid_name",
                          "name: 3 to 64 characters of A-Z, a-z, 0-9, '.', '_', '-'.");
  }
  std::sort(input.permissions.begin(), input.permissions.end());
  input.permissions.erase(std::unique(input.permissions.begin(), input.permissions.end()),
                          input.permissions.end());
  for (const std::string& p : input.permissions) {
    if (!is_api_client_permission(p)) {
      return Error::invalid("unknown_permission",
                            fmt::format("'{}' is not a permission an API client may hold.", p));
    }
  }
  auto key = new_secret();
  if (!key.ok()) return std::move(key).error();
  auto key_hash = hash_secret(*key);
  if (!key_hash.ok()) return std::move(key_hash).error();
  const std::int64_t now = to_millis(clock_.now());
  auto conn = db_.acquire(db::Access::kWrite);
  if (!conn.ok()) return std::move(conn).error();
  auto tx = db::Transaction::begin(*conn);
  if (!tx.ok()) return std::move(tx).error();
  auto department = store::find_department(*conn, input.department_id);
  if (!department.ok()) return std::move(department).error();
  if (!*department) {
    return Error::invalid("invalid_department",
                          fmt::format("No department with id {}.", input.department_id));
  }
  std::optional<std::int64_t> created_by;
  if (actor.kind == core::Principal::Kind::kUser) created_by = actor.id;
  auto id = store::insert_api_client(*conn, input, *key_hash, created_by, now);
  if (!id.ok()) {
    return rename_duplicate(std::move(id).error(), "api_client_exists",
                            "An API client with this name exists.");
  }
  audit::AuditEntry entry = event("api_client.create", "api_client", std::to_string(*id), context);
  entry.by(actor);
  entry.detail = detail_json({{"name", input.name},
                              {"department_id", std::to_string(input.department_id)},
                              {"permissions", join(input.permissions)}});
  if (auto r = audit_.append(*conn, entry); !r.ok()) return std::move(r).error();
  auto created = store::find_api_client(*conn, *id);
  if (!created.ok()) return std::move(created).error();
  ZT_TRY(tx->commit());
  return CreatedApiClient{**created, std::move(key).value()};
}

Result<std::vector<ApiClient>> IdentityService::list_api_clients(const core::Principal& actor,
                                                                 std::int64_t after_id, int limit) {
  ZT_TRY(require(actor, permission::kApiClientsRead));
  auto conn = db_.acquire(db::Access::kRead);
  if (!conn.ok()) return std::move(conn).error();
  return store::list_api_clients(*conn, after_id, clamp_limit(limit));
}

Result<ApiClient> IdentityService::revoke_api_client(const core::Principal& actor, std::int64_t id,
                                                     const RequestContext& context) {
  ZT_TRY(require(actor, permission::kApiClientsManage));
  const std::int64_t now = to_millis(clock_.now());
  auto conn = db_.acquire(db::Access::kWrite);
  if (!conn.ok()) return std::move(conn).error();
  auto tx = db::Transaction::begin(*conn);
  if (!tx.ok()) return std::move(tx).error();
  auto found = not_found_if_empty(store::find_api_client(*conn, id), "api_client_not_found",
                                  fmt::format("No API client with id {}.", id));
  if (!found.ok()) return std::move(found).error();
  ZT_TRY(store::revoke_api_client(*conn, id, now));
  audit::AuditEntry entry = event("api_client.revoke", "api_client", std::to_string(id), context);
  entry.by(actor);
  if (auto r = audit_.append(*conn, entry); !r.ok()) return std::move(r).error();
  auto after = store::find_api_client(*conn, id);
  if (!after.ok()) return std::move(after).error();
  ZT_TRY(tx->commit());
  return **after;
}

}  // namespace zt::identity
