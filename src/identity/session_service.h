// SessionService: the authenticator behind every signed-in route — the principal of a session
// token (opened by AuthService::login) or an API key (ApiClientService) — and signing out.
//
// A session ends at its absolute expiry (the policy's session_absolute, also when shortened
// after it was opened), after session_idle without a request, at logout, when its user is
// disabled, or when the user changes or is given a new password. Sessions accepted lately are
// kept in a SessionCache checked against the session epoch (session_cache.h), so a known token
// costs one read of the epoch; the last-seen time is written at most once a minute.
//
// Errors: 401 kUnauthenticated "unauthenticated" (missing, unknown, ended or revoked
// credentials, disabled user; logout by an API client), "session_expired"; plus the crypto
// provider's and the database's errors (unavailable, internal).
//
// Thread-safety: all methods may be called from many threads at once; the cache is
// thread-safe, and the collaborators, which must outlive the object, are too.
#pragma once

#include "audit/service.h"
#include "core/crypto.h"
#include "core/principal.h"
#include "core/result.h"
#include "core/time.h"
#include "db/database.h"
#include "identity/model.h"
#include "identity/policy_service.h"
#include "identity/session_cache.h"

#include <optional>
#include <string_view>

namespace zt::identity {

class SessionService {
 public:
  SessionService(db::Database& db, const core::CryptoProvider& crypto, const core::Clock& clock,
                 audit::AuditLog& audit, const PolicyService& policy);

  // The principal behind a session token or an API key (the token wins when both are given).
  // A user's principal carries its roles' permissions and whether a password change or TOTP
  // enrolment is pending. Slides the idle timeout. Failure: "unauthenticated";
  // "session_expired" (idle or absolute timeout passed; the session is ended).
  Result<core::Principal> authenticate(std::optional<std::string_view> bearer_token,
                                       std::optional<std::string_view> api_key,
                                       std::string_view remote_address);

  // Ends the principal's session and audits auth.logout. Failure: "unauthenticated" for an API
  // client.
  Status logout(const core::Principal& principal, const core::RequestContext& context);

 private:
  Result<core::Principal> principal_for_session(std::string_view token, core::TimePoint now);
  Result<core::Principal> principal_for_api_key(std::string_view key);

  db::Database& db_;
  const core::CryptoProvider& crypto_;
  const core::Clock& clock_;
  audit::AuditLog& audit_;
  const PolicyService& policy_;

  SessionCache sessions_;  // sessions accepted lately, checked against the session epoch
};

}  // namespace zt::identity
