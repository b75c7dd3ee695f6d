// IdentityService: the rules of unified identity (统一身份认证) — sign-in with lockout and TOTP,
// sessions, the authenticator behind every signed-in route, users and roles with the separation
// of the three administrators (三员分立), departments with history, API clients, and the
// first-start administrator accounts.
//
// Authorisation: every method that acts for someone takes the acting Principal and checks the
// permission itself (the router checks it too), so a service call cannot bypass it. Errors:
//   401 kUnauthenticated  "invalid_credentials" (wrong username or password, locked or disabled
//                          account: the answer never says which), "too_many_attempts" (the
//                          source address failed too often this hour), "totp_required",
//                          "invalid_totp", "unauthenticated", "session_expired"
//   403 kForbidden        "forbidden" (a permission is missing)
//   400 kInvalidInput     "invalid_<field>", the password policy's codes (password.h),
//                          "unknown_role", "unknown_permission", "invalid_current_password",
//                          "password_unchanged", "roles_for_staff_only"
//   404 kNotFound         "user_not_found", "department_not_found", "api_client_not_found"
//   400 kInvalidInput     "invalid_policy" (the detail names the field)
//   409 kConflict         "policy_conflict" (another change of the policy won the race),
//                          "separation_of_duties", "cannot_change_own_roles", "user_exists",
//                          "department_exists", "department_in_use", "department_cycle",
//                          "api_client_exists", "admins_exist", "totp_already_enabled",
//                          "totp_not_started", "cannot_disable_self"
// plus the database's errors (unavailable, internal).
//
// Audit: sign-in success and failure, lockout, logout, password change and reset, TOTP
// enrolment, user, role, department and API-client changes each write an audit record; a state
// change writes it in the same transaction as the change.
//
// Security policy: every decision (lockout, address limit, session expiry, password rules and
// expiry, TOTP requirement) uses the effective policy — the [identity] config with the fields
// the security admin stored in the database applied. It is cached with its version; the cache
// asks the database for the stored version at most once a second (by the injected clock) and
// reloads when it changed, so every server node applies a change within about a second; a
// change made through this object applies at once.
//
// Thread-safety: all methods may be called from many threads at once; the object holds
// configuration, the policy cache (guarded by policy_mutex_) and references to thread-safe
// collaborators, which must outlive it.
#pragma once

#include "audit/service.h"
#include "core/crypto.h"
#include "core/principal.h"
#include "core/result.h"
#include "core/time.h"
#include "db/database.h"
#include "identity/model.h"
#include "identity/password.h"
#include "identity/session_cache.h"

#include <chrono>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace zt::identity {

inline constexpr int kMaxPageSize = 200;

class IdentityService {
 public:
  // Failure: "invalid_data_key" when config.data_key is not 32 bytes; "crypto_error" /
  // "password_hash_failed" while preparing the dummy hash that keeps unknown usernames as slow
  // as known ones.
  static Result<std::unique_ptr<IdentityService>> create(db::Database& db,
                                                         const core::CryptoProvider& crypto,
                                                         const core::Clock& clock,
                                                         audit::AuditLog& audit,
                                                         IdentityConfig config);

  // The [identity] configuration; the values in force are effective_policy()'s.
  const IdentityConfig& config() const { return config_; }

  // How often the cached policy is checked against the stored version.
  static constexpr std::chrono::seconds kPolicyReloadInterval{1};

  // --- sign-in and sessions -------------------------------------------------------------------

  // Signs in with username and password (and a TOTP code where the account has one enrolled).
  // Success: a new session token (shown once; stored as its SM3 hash) with its absolute expiry.
  // Unknown users, wrong passwords, locked and disabled accounts all fail the same way, after
  // the same argon2 work. lockout_failures failures within lockout_window lock the account for
  // lockout_duration; address_failures_per_hour failures from one address refuse that address.
  Result<LoginResult> login(const LoginRequest& request, const RequestContext& context);

  // The principal behind a session token or an API key (the token wins when both are given).
  // Slides the idle timeout (last-seen is written at most once a minute per session).
  // Failure: kUnauthenticated "unauthenticated" (missing, unknown, ended or revoked credentials,
  // disabled user), "session_expired" (idle or absolute timeout passed; the session is ended).
  Result<core::Principal> authenticate(std::optional<std::string_view> bearer_token,
                                       std::optional<std::string_view> api_key,
                                       std::string_view remote_address);

  // Ends the principal's session. Failure: "unauthenticated" for an API client.
  Status logout(const core::Principal& principal, const RequestContext& context);

  // The signed-in user. Failure: "unauthenticated" for an API client.
  Result<User> me(const core::Principal& principal);

  // Changes the signed-in user's password (allowed while an initial password must be changed)
  // and ends the user's other sessions.
  Status change_password(const core::Principal& principal, std::string_view current_password,
                         std::string_view new_password, const RequestContext& context);

  // Starts TOTP enrolment: a fresh secret (pending until confirmed) and its otpauth:// URI.
  Result<TotpEnrolment> begin_totp_enrolment(const core::Principal& principal,
                                             const RequestContext& context);
  // Confirms enrolment with a current code from the authenticator app.
  Status confirm_totp_enrolment(const core::Principal& principal, std::string_view code,
                                const RequestContext& context);

  // Whether TOTP is required for an account with these roles (admins always; staff roles
  // listed in the effective policy's totp_roles, or the config's when it cannot be read).
  bool totp_required(const std::vector<std::string>& roles) const;

  // Creates sysadmin, secadmin and auditadmin (roles sys_admin, sec_admin, audit_admin), each
  // with a one-time password that must be changed at first sign-in. The passwords are returned
  // once and stored only as argon2 hashes. Failure: conflict "admins_exist" when any account
  // holds an administrator role already.
  Result<std::vector<InitialAdmin>> init_admins();

  // --- users ------------------------------------------------------------------------------------

  // identity.users.manage. Citizens need a valid id_number, enterprises a valid uscc and a
  // responsible_person, staff a username and an existing department. Success: the user with a
  // one-time initial password.
  Result<CreatedUser> create_user(const core::Principal& actor, const NewUser& user,
                                  const RequestContext& context);
  // identity.users.read (department-scoped unless the actor also manages users or roles).
  Result<std::vector<User>> list_users(const core::Principal& actor, UserFilter filter);
  Result<User> get_user(const core::Principal& actor, std::int64_t id);
  // identity.users.manage. Disabling ends the user's sessions.
  Result<User> update_user(const core::Principal& actor, std::int64_t id, const UserUpdate& update,
                           const RequestContext& context);
  // identity.roles.assign. Replaces the user's roles. Refuses unknown roles, roles for
  // non-staff, two of the three administrator roles on one account, and one's own roles.
  Result<User> set_roles(const core::Principal& actor, std::int64_t id,
                         std::vector<std::string> roles, const RequestContext& context);
  // identity.users.manage. A new one-time password (returned once), to be changed at the next
  // sign-in; ends the user's sessions and clears a lockout.
  Result<std::string> reset_password(const core::Principal& actor, std::int64_t id,
                                     const RequestContext& context);

  // --- security policy (安全策略) ---------------------------------------------------------------

  // The policy in force (cached; see above). Failure: the database's error when nothing is
  // cached yet.
  Result<std::shared_ptr<const EffectivePolicy>> effective_policy() const;

  // identity.policy.manage (only sec_admin holds it). The policy in force, with its sources.
  Result<EffectivePolicy> get_policy(const core::Principal& actor);
  // identity.policy.manage. Applies `changes` (at least one; nullopt drops a stored value so
  // the config's applies) and returns the new effective policy. A change that leaves the stored
  // policy as it was writes nothing. Otherwise, in one transaction: the stored fields, a history
  // row (old and new effective values of the changed fields, as JSON) and the audit record
  // security.policy_change. Failure: forbidden; invalid_policy (nothing stored);
  // policy_conflict.
  Result<EffectivePolicy> set_policy(const core::Principal& actor, const PolicyChanges& changes,
                                     const RequestContext& context);
  // identity.policy.manage. The changes, newest first, with id < before_id (0: the newest).
  Result<std::vector<PolicyChange>> policy_history(const core::Principal& actor,
                                                   std::int64_t before_id, int limit);

  // --- departments
  // --------------------------------------------------------------------------------

  // Reading: any staff user or API client. Writing: identity.departments.manage.
  Result<std::vector<Department>> list_departments(const core::Principal& actor,
                                                   std::int64_t after_id, int limit,
                                                   std::optional<std::int64_t> parent_id);
  Result<Department> get_department(const core::Principal& actor, std::int64_t id);
  // For other modules (the catalog names a resource's department): the department by id, with no
  // actor check. Failure: 404 "department_not_found".
  Result<Department> find_department(std::int64_t id);
  Result<Department> create_department(const core::Principal& actor, const DepartmentInput& input,
                                       const RequestContext& context);
  Result<Department> update_department(const core::Principal& actor, std::int64_t id,
                                       const DepartmentInput& input, const RequestContext& context);
  // Refused with "department_in_use" while sub-departments, users or API clients refer to it.
  Status delete_department(const core::Principal& actor, std::int64_t id,
                           const RequestContext& context);
  Result<std::vector<DepartmentVersion>> department_history(const core::Principal& actor,
                                                            std::int64_t id);

  // --- API clients
  // ---------------------------------------------------------------------------------

  // identity.api_clients.manage. Permissions must satisfy is_api_client_permission.
  Result<CreatedApiClient> create_api_client(const core::Principal& actor,
                                             const ApiClientInput& input,
                                             const RequestContext& context);
  // identity.api_clients.read.
  Result<std::vector<ApiClient>> list_api_clients(const core::Principal& actor,
                                                  std::int64_t after_id, int limit);
  // identity.api_clients.manage. The key stops working at once.
  Result<ApiClient> revoke_api_client(const core::Principal& actor, std::int64_t id,
                                      const RequestContext& context);

 private:
  IdentityService(db::Database& db, const core::CryptoProvider& crypto, const core::Clock& clock,
                  audit::AuditLog& audit, IdentityConfig config);

  struct Failure;
  Error fail_login(const Failure& failure, const RequestContext& context);
  Result<std::string> hash_secret(std::string_view secret) const;
  Result<std::string> new_secret() const;
  // TOTP secrets at rest: "sm4:" + hex of sm4_seal(data_key, base32 secret, "totp:<user id>").
  // open_totp also reads a legacy plaintext base32 value (written before migration 202).
  Result<std::string> seal_totp(std::int64_t user_id, std::string_view secret) const;
  Result<std::string> open_totp(std::int64_t user_id, std::string_view stored) const;
  Result<core::Principal> principal_for_session(std::string_view token, core::TimePoint now);
  Result<core::Principal> principal_for_api_key(std::string_view key);
  // The password must change first (initial, reset, or expired under the dengbao profile).
  static bool must_change(const IdentityConfig& policy, const User& user, core::TimePoint now);
  static bool totp_required(const IdentityConfig& policy, const std::vector<std::string>& roles);
  // A staff role requires TOTP and none is set up yet.
  static bool must_enrol_totp(const IdentityConfig& policy, const User& user, bool totp_enrolled);
  // The stored policy on `conn` applied to config_; nullopt when its version is `known`.
  // Stored values that no longer pass the checks are ignored (the config's apply).
  Result<std::optional<EffectivePolicy>> load_policy(db::Connection& conn,
                                                     std::optional<std::int64_t> known) const;
  // Puts `policy` in the cache unless a newer version is there.
  void install_policy(EffectivePolicy policy) const;

  db::Database& db_;
  const core::CryptoProvider& crypto_;
  const core::Clock& clock_;
  audit::AuditLog& audit_;
  IdentityConfig config_;
  PasswordHasher hasher_;
  std::string dummy_hash_;  // argon2id of a random password, verified for unknown usernames

  SessionCache sessions_;  // sessions accepted lately, checked against the session epoch

  mutable std::mutex policy_mutex_;
  mutable std::shared_ptr<const EffectivePolicy> policy_;  // guarded by policy_mutex_
  mutable core::TimePoint policy_checked_at_;              // guarded by policy_mutex_
};

}  // namespace zt::identity
