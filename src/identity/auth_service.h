// AuthService: signing in (统一身份认证) — username and password with lockout, the per-address
// limit and TOTP (RFC 6238), opening a session — and each signed-in user's own account: who am
// I, password change, TOTP enrolment. SessionService checks the sessions it opens.
//
// Secrets: session tokens are 256 random bits, shown once and stored as their SM3 hash; passwords
// as argon2id hashes; TOTP secrets SM4-sealed with the platform data key, bound to "totp:<user id>"
// (stored as "sm4:" + hex; a legacy plaintext base32 value written before migration 202 is still
// read). Every decision (lockout, address limit, session expiry, password rules and expiry, TOTP
// requirement) uses PolicyService::effective_policy().
//
// Errors:
//   401 kUnauthenticated  "invalid_credentials" (wrong username or password, locked or disabled
//                          account: the answer never says which), "totp_required",
//                          "invalid_totp", "unauthenticated" (an API client, a deleted user)
//   429 kTooManyRequests  "too_many_attempts" (the source address failed too often this hour)
//   400 kInvalidInput     "invalid_current_password", "password_unchanged", "invalid_totp"
//                          (enrolment), the password policy's codes (password.h)
//   409 kConflict         "totp_already_enabled", "totp_not_started"
// plus the database's errors (unavailable, internal).
//
// Audit: sign-in success and failure, lockout, the address limit, password change and
// TOTP set-up and enrolment each write an audit record; a state change writes it in the same
// transaction as the change.
//
// Thread-safety: all methods may be called from many threads at once; the object holds
// immutable state and references to thread-safe collaborators,
// which must outlive it.
#pragma once

#include "audit/service.h"
#include "core/crypto.h"
#include "core/principal.h"
#include "core/result.h"
#include "core/time.h"
#include "db/database.h"
#include "identity/model.h"
#include "identity/password.h"
#include "identity/policy_service.h"
#include "identity/store.h"

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace zt::identity {

class AuthService {
 public:
  // Failure: "invalid_data_key" when policy.config().data_key is not 32 bytes; "crypto_error" /
  // "password_hash_failed" while preparing the dummy hash that keeps unknown usernames as slow
  // as known ones.
  static Result<std::unique_ptr<AuthService>> create(db::Database& db,
                                                     const core::CryptoProvider& crypto,
                                                     const core::Clock& clock,
                                                     audit::AuditLog& audit,
                                                     const PolicyService& policy);

  // Signs in with username and password (and a TOTP code where the account has one enrolled).
  // Success: a new session token (shown once; stored as its SM3 hash) with its absolute expiry.
  // Unknown users, wrong passwords, locked and disabled accounts all fail the same way, after
  // the same argon2 work. lockout_failures failures within lockout_window lock the account for
  // lockout_duration; address_failures_per_hour failures from one address refuse that address
  // (too_many_attempts, with retry_after_seconds: when the hour's window ends). A TOTP account
  // without a code: totp_required; a wrong or reused code: invalid_totp — both count towards the
  // lockout like a wrong password, since the password was confirmed.
  Result<LoginResult> login(const LoginRequest& request, const core::RequestContext& context);

  // The signed-in user. Failure: 403 "forbidden" for an API client (a person's own routes are
  // not a system's); "unauthenticated" for a deleted user.
  Result<User> me(const core::Principal& principal);

  // Changes the signed-in user's password (allowed while an initial password must be changed)
  // and ends the user's other sessions. Failure: "unauthenticated" (API client);
  // invalid_current_password (audited, and counted towards the lockout as a failed sign-in);
  // too_many_attempts while the account is locked (retry_after_seconds: until the lock ends);
  // password_unchanged; the password policy's codes.
  Status change_password(const core::Principal& principal, std::string_view current_password,
                         std::string_view new_password, const core::RequestContext& context);

  // Starts TOTP enrolment: a fresh secret (pending until confirmed) and its otpauth:// URI.
  // Failure: "unauthenticated" (API client); totp_already_enabled.
  Result<TotpEnrolment> begin_totp_enrolment(const core::Principal& principal,
                                             const core::RequestContext& context);
  // Confirms enrolment with a current code from the authenticator app. Failure:
  // "unauthenticated" (API client); totp_already_enabled; totp_not_started; invalid_totp.
  Status confirm_totp_enrolment(const core::Principal& principal, std::string_view code,
                                const core::RequestContext& context);

  // Whether TOTP is required for an account with these roles (admins always; staff roles
  // listed in the effective policy's totp_roles, or the config's when it cannot be read).
  bool totp_required(const std::vector<std::string>& roles) const;

 private:
  AuthService(db::Database& db, const core::CryptoProvider& crypto, const core::Clock& clock,
              audit::AuditLog& audit, const PolicyService& policy);

  struct Failure;
  // Records a failed sign-in (address counter, the account's lockout, audit) and returns the
  // error the caller sees.
  Error fail_login(const Failure& failure, const core::RequestContext& context);
  // Checks the TOTP code of a sign-in by `user` (whose password was right). Success: the step
  // the code matched, or nullopt when the account has no TOTP. Failure: fail_login's error for
  // a missing or wrong code; internal when the stored secret cannot be read (audited).
  Result<std::optional<std::int64_t>> check_login_totp(const store::UserRecord& user,
                                                       const LoginRequest& request,
                                                       core::TimePoint now, Failure failure,
                                                       const core::RequestContext& context);
  // TOTP secrets at rest: "sm4:" + hex of sm4_seal(data_key, base32 secret, "totp:<user id>").
  // open_totp also reads a legacy plaintext base32 value (written before migration 202).
  Result<std::string> seal_totp(std::int64_t user_id, std::string_view secret) const;
  Result<std::string> open_totp(std::int64_t user_id, std::string_view stored) const;

  db::Database& db_;
  const core::CryptoProvider& crypto_;
  const core::Clock& clock_;
  audit::AuditLog& audit_;
  const PolicyService& policy_;
  PasswordHasher hasher_;
  std::string dummy_hash_;  // argon2id of a random password, verified for unknown usernames
};

}  // namespace zt::identity
