#include "identity/auth_service.h"

#include "db/transaction.h"
#include "identity/internal.h"
#include "identity/totp.h"

#include <fmt/format.h>

#include <algorithm>
#include <utility>

namespace zt::identity {

using namespace internal;  // the module's private helpers (internal.h)

namespace {

constexpr std::int64_t kHourMs = 3'600'000;
constexpr std::string_view kTotpIssuer = "Zhengtong";
constexpr std::string_view kSealedPrefix = "sm4:";  // a sealed TOTP secret (see seal_totp)

Error user_gone() {
  return unauthenticated("unauthenticated", "The user no longer exists.");
}

}  // namespace

struct AuthService::Failure {
  std::string reason;  // for the audit record only
  std::string code = "invalid_credentials";
  std::string username;
  std::optional<std::int64_t> user_id;  // known account
  bool counts = true;                   // towards the account's lockout
  std::string action = "auth.login";    // or "auth.password_change"
};

Result<std::unique_ptr<AuthService>> AuthService::create(db::Database& db,
                                                         const core::CryptoProvider& crypto,
                                                         const core::Clock& clock,
                                                         audit::AuditLog& audit,
                                                         const PolicyService& policy) {
  const std::string& data_key = policy.config().data_key;
  if (data_key.size() != core::kSm4SealKeySize) {
    return Error::invalid("invalid_data_key", fmt::format("The data key must be {} bytes, not {}.",
                                                          core::kSm4SealKeySize, data_key.size()));
  }
  std::unique_ptr<AuthService> service(new AuthService(db, crypto, clock, audit, policy));
  ZT_ASSIGN_OR_RETURN(const std::string password, generate_one_time_password(crypto));
  ZT_ASSIGN_OR_RETURN(service->dummy_hash_, service->hasher_.hash(password));
  return service;
}

AuthService::AuthService(db::Database& db, const core::CryptoProvider& crypto,
                         const core::Clock& clock, audit::AuditLog& audit,
                         const PolicyService& policy)
    : db_(db),
      crypto_(crypto),
      clock_(clock),
      audit_(audit),
      policy_(policy),
      hasher_(crypto, policy.config().argon2) {}

Result<std::string> AuthService::seal_totp(std::int64_t user_id, std::string_view secret) const {
  ZT_ASSIGN_OR_RETURN(const std::string sealed, crypto_.sm4_seal(policy_.config().data_key, secret,
                                                                 fmt::format("totp:{}", user_id)));
  return std::string(kSealedPrefix) + core::to_hex(sealed);
}

Result<std::string> AuthService::open_totp(std::int64_t user_id, std::string_view stored) const {
  if (!stored.starts_with(kSealedPrefix)) return std::string(stored);  // legacy plaintext
  ZT_ASSIGN_OR_RETURN(const std::string sealed,
                      core::from_hex(stored.substr(kSealedPrefix.size())));
  return crypto_.sm4_open(policy_.config().data_key, sealed, fmt::format("totp:{}", user_id));
}

bool AuthService::totp_required(const std::vector<std::string>& roles) const {
  auto policy = policy_.effective_policy();
  return internal::totp_required(policy.ok() ? (*policy)->config : policy_.config(), roles);
}

// --- sign-in ---------------------------------------------------------------------------------

Error AuthService::fail_login(const Failure& failure, const core::RequestContext& context) {
  ZT_ASSIGN_OR_RETURN(auto effective, policy_.effective_policy());
  const IdentityConfig& policy = effective->config;
  const std::int64_t now = to_millis(clock_.now());
  ZT_ASSIGN_OR_RETURN(auto conn, db_.acquire(db::Access::kWrite));
  ZT_ASSIGN_OR_RETURN(auto tx, db::Transaction::begin(conn));
  ZT_TRY(store::record_address_failure(conn, context.remote_address, now, now - kHourMs));
  bool locked = false;
  std::optional<std::int64_t> department;
  if (failure.user_id) {
    ZT_ASSIGN_OR_RETURN(auto found, store::find_user(conn, *failure.user_id));
    if (found && failure.counts) {
      const store::UserRecord& user = *found;
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
      ZT_TRY(store::set_lockout_state(conn, user.user.id, count, start, locked_until));
    }
  }
  audit::AuditEntry entry = audit::AuditEntry::of(
      failure.action, "user", failure.user_id ? std::to_string(*failure.user_id) : "", context);
  entry.actor_name = failure.username;
  entry.actor_id = failure.user_id;
  entry.department_id = department;
  entry.outcome = "failure";
  entry.detail = detail_json({{"reason", failure.reason}});
  ZT_TRY(audit_.append(conn, entry));
  if (locked) {
    audit::AuditEntry lock = entry;
    lock.action = "auth.lockout";
    lock.outcome = "success";
    lock.detail =
        detail_json({{"locked_minutes", std::to_string(policy.lockout_duration.count())}});
    ZT_TRY(audit_.append(conn, lock));
  }
  ZT_TRY(tx.commit());
  if (failure.code == "totp_required") {
    return unauthenticated("totp_required", "This account needs a TOTP code (\"totp\").");
  }
  if (failure.code == "invalid_totp") {
    return unauthenticated("invalid_totp", "The TOTP code is wrong, expired or already used.");
  }
  if (failure.code == "invalid_current_password") {
    return Error::invalid("invalid_current_password", "The current password is wrong.");
  }
  return unauthenticated("invalid_credentials", "The username or password is wrong.");
}

Result<std::optional<std::int64_t>> AuthService::check_login_totp(
    const store::UserRecord& user, const LoginRequest& request, core::TimePoint now,
    Failure failure, const core::RequestContext& context) {
  if (!user.totp_secret) return std::optional<std::int64_t>();
  if (!request.totp || request.totp->empty()) {
    // Counts like a wrong code: the password alone was right, and must not be confirmable.
    failure.reason = "totp_missing";
    failure.code = "totp_required";
    return fail_login(failure, context);
  }
  auto secret = open_totp(user.user.id, *user.totp_secret);
  auto key = secret.ok() ? base32_decode(*secret) : Result<std::string>(secret.error());
  if (!key.ok()) {
    // Not the user's fault (wrong data key, damaged row): audit it, refuse the sign-in.
    audit::AuditEntry entry = user_event(user.user, "auth.login", context);
    entry.outcome = "failure";
    entry.detail = detail_json({{"reason", "totp_secret_unreadable"}, {"error", key.error().code}});
    ZT_TRY(audit_.append(entry));
    return Error::internal("internal", "The stored TOTP secret cannot be read.");
  }
  const std::optional<std::int64_t> step =
      totp_verify(*key, *request.totp, now, user.totp_last_step);
  if (!step) {
    failure.reason = "invalid_totp";
    failure.code = "invalid_totp";
    return fail_login(failure, context);
  }
  return step;
}

Result<LoginResult> AuthService::login(const LoginRequest& request,
                                       const core::RequestContext& context) {
  ZT_ASSIGN_OR_RETURN(auto effective, policy_.effective_policy());
  const IdentityConfig& policy = effective->config;
  const core::TimePoint now = clock_.now();
  const std::int64_t now_ms = to_millis(now);
  std::optional<store::UserRecord> user;
  {
    ZT_ASSIGN_OR_RETURN(auto conn, db_.acquire(db::Access::kRead));
    ZT_ASSIGN_OR_RETURN(const store::AddressFailures failures,
                        store::address_failures(conn, context.remote_address, now_ms - kHourMs));
    if (failures.failures >= policy.address_failures_per_hour) {
      audit::AuditEntry entry = audit::AuditEntry::of("auth.login", "user", "", context);
      entry.actor_name = request.username;
      entry.outcome = "denied";
      entry.detail = detail_json({{"reason", "address_limit"}});
      ZT_TRY(audit_.append(entry));
      // The window is fixed: it ends an hour after it began.
      return Error{ErrorKind::kTooManyRequests, "too_many_attempts",
                   "Too many failed sign-ins from this address; try again later.",
                   (failures.window_start + kHourMs - now_ms + 999) / 1000};
    }
    ZT_ASSIGN_OR_RETURN(user, store::find_user_by_username(conn, request.username));
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
  ZT_ASSIGN_OR_RETURN(const std::optional<std::int64_t> totp_step,
                      check_login_totp(*user, request, now, failure, context));

  ZT_ASSIGN_OR_RETURN(std::string token, internal::new_secret(crypto_));
  ZT_ASSIGN_OR_RETURN(const std::string token_hash, internal::hash_secret(crypto_, token));
  const std::int64_t expires_at =
      now_ms + std::chrono::milliseconds(policy.session_absolute).count();
  {
    ZT_ASSIGN_OR_RETURN(auto conn, db_.acquire(db::Access::kWrite));
    ZT_ASSIGN_OR_RETURN(auto tx, db::Transaction::begin(conn));
    if (totp_step) {
      ZT_ASSIGN_OR_RETURN(const bool advanced,
                          store::advance_totp_step(conn, user->user.id, *totp_step));
      if (!advanced) {  // another sign-in used this code first
        (void)tx.rollback();
        failure.reason = "totp_reused";
        failure.code = "invalid_totp";
        return fail_login(failure, context);
      }
    }
    if (user->failed_count != 0 || user->locked_until || user->failure_window_start) {
      ZT_TRY(store::set_lockout_state(conn, user->user.id, 0, std::nullopt, std::nullopt));
    }
    ZT_ASSIGN_OR_RETURN(const std::int64_t session,
                        store::insert_session(conn, user->user.id, token_hash,
                                              context.remote_address, now_ms, expires_at));
    audit::AuditEntry entry = user_event(user->user, "auth.login", context);
    entry.detail = detail_json({{"session_id", std::to_string(session)}});
    ZT_TRY(audit_.append(conn, entry));
    ZT_TRY(tx.commit());
  }
  LoginResult result;
  result.token = std::move(token);
  result.expires_at = from_millis(expires_at);
  result.user = user->user;
  const bool enrolled = user->totp_secret.has_value();
  result.user.must_change_password = internal::must_change_password(policy, user->user, now);
  result.totp_enrolment_required = internal::must_enrol_totp(policy, user->user, enrolled);
  return result;
}

// --- the signed-in user's own account --------------------------------------------------------

Result<User> AuthService::me(const core::Principal& principal) {
  if (principal.kind != core::Principal::Kind::kUser) {
    return Error::forbidden("forbidden", "An API client is not a user: this is a person's own.");
  }
  ZT_ASSIGN_OR_RETURN(auto conn, db_.acquire(db::Access::kRead));
  ZT_ASSIGN_OR_RETURN(auto found, store::find_user(conn, principal.id));
  if (!found) return user_gone();
  User user = found->user;
  user.must_change_password = principal.must_change_password;
  return user;
}

Status AuthService::change_password(const core::Principal& principal,
                                    std::string_view current_password,
                                    std::string_view new_password,
                                    const core::RequestContext& context) {
  if (principal.kind != core::Principal::Kind::kUser) {
    return unauthenticated("unauthenticated", "An API client has no password.");
  }
  std::optional<store::UserRecord> user;
  {
    ZT_ASSIGN_OR_RETURN(auto conn, db_.acquire(db::Access::kRead));
    ZT_ASSIGN_OR_RETURN(user, store::find_user(conn, principal.id));
  }
  if (!user) return user_gone();
  // A stolen session must not become a password oracle: a wrong current password counts like a
  // failed sign-in (the address counter and the account's lockout), and a locked account
  // changes nothing until the lock ends.
  const std::int64_t now_ms = to_millis(clock_.now());
  if (user->locked_until && *user->locked_until > now_ms) {
    return Error{ErrorKind::kTooManyRequests, "too_many_attempts",
                 "Too many wrong passwords: the account is locked for now.",
                 (*user->locked_until - now_ms + 999) / 1000};
  }
  if (!hasher_.verify(user->password_hash, current_password)) {
    return fail_login({.reason = "wrong_current_password",
                       .code = "invalid_current_password",
                       .username = user->user.username,
                       .user_id = user->user.id,
                       .action = "auth.password_change"},
                      context);
  }
  if (current_password == new_password) {
    return Error::invalid("password_unchanged", "The new password must differ from the old.");
  }
  ZT_ASSIGN_OR_RETURN(auto effective, policy_.effective_policy());
  ZT_TRY(
      check_password_policy(effective->config.password_profile, new_password, user->user.username));
  ZT_ASSIGN_OR_RETURN(const std::string hash, hasher_.hash(new_password));
  const std::int64_t now = to_millis(clock_.now());
  ZT_ASSIGN_OR_RETURN(auto conn, db_.acquire(db::Access::kWrite));
  ZT_ASSIGN_OR_RETURN(auto tx, db::Transaction::begin(conn));
  ZT_TRY(store::set_password(conn, user->user.id, hash, false, now));
  ZT_ASSIGN_OR_RETURN(
      const std::int64_t ended,
      store::end_user_sessions(conn, user->user.id, principal.session_id, now, "password_change"));
  audit::AuditEntry entry = user_event(user->user, "auth.password_change", context);
  entry.detail = detail_json({{"other_sessions_ended", std::to_string(ended)}});
  ZT_TRY(audit_.append(conn, entry));
  return tx.commit();
}

Result<TotpEnrolment> AuthService::begin_totp_enrolment(const core::Principal& principal,
                                                        const core::RequestContext& context) {
  if (principal.kind != core::Principal::Kind::kUser) {
    return unauthenticated("unauthenticated", "An API client cannot enrol TOTP.");
  }
  ZT_ASSIGN_OR_RETURN(const std::string bytes, crypto_.random_bytes(kTotpSecretBytes));
  const std::string secret = base32_encode(bytes);
  ZT_ASSIGN_OR_RETURN(auto conn, db_.acquire(db::Access::kWrite));
  ZT_ASSIGN_OR_RETURN(auto tx, db::Transaction::begin(conn));
  ZT_ASSIGN_OR_RETURN(auto found, store::find_user(conn, principal.id));
  if (!found) return user_gone();
  if (found->totp_secret) {
    return Error::conflict("totp_already_enabled", "TOTP is already enrolled for this account.");
  }
  ZT_ASSIGN_OR_RETURN(const std::string sealed, seal_totp(principal.id, secret));
  ZT_TRY(store::set_totp(conn, principal.id, std::nullopt, sealed, std::nullopt));
  ZT_TRY(audit_.append(conn, user_event(found->user, "auth.totp_setup", context)));
  ZT_TRY(tx.commit());
  return TotpEnrolment{secret, otpauth_uri(kTotpIssuer, principal.name, secret)};
}

Status AuthService::confirm_totp_enrolment(const core::Principal& principal, std::string_view code,
                                           const core::RequestContext& context) {
  if (principal.kind != core::Principal::Kind::kUser) {
    return unauthenticated("unauthenticated", "An API client cannot enrol TOTP.");
  }
  const core::TimePoint now = clock_.now();
  ZT_ASSIGN_OR_RETURN(auto conn, db_.acquire(db::Access::kWrite));
  ZT_ASSIGN_OR_RETURN(auto tx, db::Transaction::begin(conn));
  ZT_ASSIGN_OR_RETURN(auto found, store::find_user(conn, principal.id));
  if (!found) return user_gone();
  const store::UserRecord& user = *found;
  if (user.totp_secret) {
    return Error::conflict("totp_already_enabled", "TOTP is already enrolled for this account.");
  }
  if (!user.totp_pending_secret) {
    return Error::conflict("totp_not_started", "Start with POST /api/v1/auth/totp/setup.");
  }
  ZT_ASSIGN_OR_RETURN(const std::string secret, open_totp(user.user.id, *user.totp_pending_secret));
  ZT_ASSIGN_OR_RETURN(const std::string key, base32_decode(secret));
  auto step = totp_verify(key, code, now, std::nullopt);
  if (!step) return Error::invalid("invalid_totp", "The TOTP code is wrong or expired.");
  ZT_TRY(store::set_totp(conn, user.user.id, user.totp_pending_secret, std::nullopt, *step));
  ZT_TRY(audit_.append(conn, user_event(user.user, "auth.totp_enrol", context)));
  return tx.commit();
}

}  // namespace zt::identity
