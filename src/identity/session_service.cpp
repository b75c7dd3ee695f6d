#include "identity/session_service.h"

#include "db/transaction.h"
#include "identity/internal.h"

#include <algorithm>
#include <utility>

namespace zt::identity {

using namespace internal;  // the module's private helpers (internal.h)

namespace {

constexpr std::int64_t kTouchIntervalMs = 60'000;  // last-seen is written at most once a minute

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

}  // namespace

SessionService::SessionService(db::Database& db, const core::CryptoProvider& crypto,
                               const core::Clock& clock, audit::AuditLog& audit,
                               const PolicyService& policy)
    : db_(db), crypto_(crypto), clock_(clock), audit_(audit), policy_(policy) {}

Result<core::Principal> SessionService::authenticate(std::optional<std::string_view> bearer_token,
                                                     std::optional<std::string_view> api_key,
                                                     std::string_view /*remote_address*/) {
  if (bearer_token && !bearer_token->empty()) {
    return principal_for_session(*bearer_token, clock_.now());
  }
  if (api_key && !api_key->empty()) return principal_for_api_key(*api_key);
  return unauthenticated("unauthenticated",
                         "Sign in first: send Authorization: Bearer <token> or X-API-Key.");
}

Result<core::Principal> SessionService::principal_for_session(std::string_view token,
                                                              core::TimePoint now) {
  const Error invalid_token =
      unauthenticated("unauthenticated", "The session token is not valid or has ended.");
  if (token.size() != 2 * kSecretBytes) return invalid_token;
  ZT_ASSIGN_OR_RETURN(std::string token_hash, internal::hash_secret(crypto_, token));
  ZT_ASSIGN_OR_RETURN(auto effective, policy_.effective_policy());
  const IdentityConfig& policy = effective->config;
  const std::int64_t now_ms = to_millis(now);
  const std::int64_t idle_ms = std::chrono::milliseconds(policy.session_idle).count();
  const std::int64_t absolute_ms = std::chrono::milliseconds(policy.session_absolute).count();
  // A lifetime shortened by the policy applies to open sessions too.
  auto ends_at = [&](const store::SessionRecord& s) {
    return std::min(s.expires_at, s.created_at + absolute_ms);
  };
  auto principal = [&](const store::SessionRecord& s, const store::UserRecord& u) {
    return principal_of(u.user, s.id, internal::must_change_password(policy, u.user, now),
                        internal::must_enrol_totp(policy, u.user, u.totp_secret.has_value()));
  };

  std::optional<SessionCache::Entry> entry;
  {
    ZT_ASSIGN_OR_RETURN(auto conn, db_.acquire(db::Access::kRead));
    // The epoch first: a change committed after this read bumps it, and the next request
    // drops what this one stores.
    ZT_ASSIGN_OR_RETURN(const std::int64_t epoch, store::session_epoch(conn));
    entry = sessions_.find(token_hash, epoch);
    // A known session, not idle or old, whose last-seen time needs no write: no more reads.
    // The last-seen write comes long before the idle limit, so a session another node kept
    // busy is read again (below) before it could be taken for idle here.
    if (entry && now_ms < ends_at(entry->session) &&
        now_ms - entry->session.last_seen_at < std::min(idle_ms, kTouchIntervalMs)) {
      return principal(entry->session, entry->user);
    }
    entry = SessionCache::Entry{epoch, {}, {}};
    ZT_ASSIGN_OR_RETURN(auto found, store::find_session(conn, token_hash));
    if (!found || found->ended_at) return invalid_token;
    entry->session = std::move(*found);
    if (now_ms < ends_at(entry->session) && now_ms - entry->session.last_seen_at < idle_ms) {
      ZT_ASSIGN_OR_RETURN(auto u, store::find_user(conn, entry->session.user_id));
      if (u) entry->user = std::move(*u);
    }
  }
  const store::SessionRecord& session = entry->session;
  const bool live = entry->user.user.id != 0;
  if (!live || entry->user.user.disabled) {
    const bool absolute = now_ms >= ends_at(session);
    ZT_ASSIGN_OR_RETURN(auto conn, db_.acquire(db::Access::kWrite));
    ZT_TRY(store::end_session(conn, session.id, now_ms,
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
    ZT_ASSIGN_OR_RETURN(auto conn, db_.acquire(db::Access::kWrite));
    ZT_TRY(store::touch_session(conn, session.id, now_ms));
    entry->session.last_seen_at = now_ms;
  }
  core::Principal p = principal(entry->session, entry->user);
  sessions_.store(std::move(token_hash), std::move(*entry));
  return p;
}

Result<core::Principal> SessionService::principal_for_api_key(std::string_view key) {
  const Error invalid_key = unauthenticated("unauthenticated", "The API key is not valid.");
  if (key.size() != 2 * kSecretBytes) return invalid_key;
  ZT_ASSIGN_OR_RETURN(const std::string key_hash, internal::hash_secret(crypto_, key));
  ZT_ASSIGN_OR_RETURN(auto conn, db_.acquire(db::Access::kRead));
  ZT_ASSIGN_OR_RETURN(auto found, store::find_api_client_by_key(conn, key_hash));
  if (!found || found->revoked_at) return invalid_key;
  const ApiClient& client = *found;
  core::Principal p;
  p.kind = core::Principal::Kind::kApiClient;
  p.id = client.id;
  p.name = client.name;
  p.department_id = client.department_id;
  p.permissions = client.permissions;  // sorted by the store
  return p;
}

Status SessionService::logout(const core::Principal& principal,
                              const core::RequestContext& context) {
  if (principal.kind != core::Principal::Kind::kUser || principal.session_id == 0) {
    return unauthenticated("unauthenticated", "Only a signed-in user has a session to end.");
  }
  ZT_ASSIGN_OR_RETURN(auto conn, db_.acquire(db::Access::kWrite));
  ZT_ASSIGN_OR_RETURN(auto tx, db::Transaction::begin(conn));
  ZT_TRY(store::end_session(conn, principal.session_id, to_millis(clock_.now()), "logout"));
  audit::AuditEntry entry =
      audit::AuditEntry::of("auth.logout", "user", std::to_string(principal.id), context);
  entry.by(principal);
  entry.detail = detail_json({{"session_id", std::to_string(principal.session_id)}});
  ZT_TRY(audit_.append(conn, entry));
  return tx.commit();
}

}  // namespace zt::identity
