// Identity storage: the module's tables and the only SQL of src/identity/.
//
// Every function takes a leased db::Connection, so the service decides the transaction and the
// access (kRead / kWrite) around it. Times are milliseconds since the epoch (see model.h).
// Errors: the db layer's (conflict "duplicate" for a unique violation, unavailable, internal).
// Thread-safety: stateless functions; a Connection is used by one thread at a time.
#pragma once

#include "core/result.h"
#include "db/connection.h"
#include "db/migration.h"
#include "identity/model.h"

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace zt::identity {

// Versions 200-299: the identity tables (identity_department, identity_department_history,
// identity_user, identity_user_role, identity_session, identity_address_failure,
// identity_api_client); 201 the security policy (identity_policy_setting,
// identity_policy_history); 202 seals TOTP secrets (drops unconfirmed plaintext enrolments);
// 203 the session epoch (identity_session_epoch).
std::vector<db::Migration> migrations();

namespace store {

// A user with what only the service may see: credentials, second factor, lockout state.
struct UserRecord {
  User user;
  std::string password_hash;  // empty: no password set
  // "sm4:" + hex of the SM4-sealed base32 secret (IdentityService::seal_totp); a row from
  // before migration 202 may hold plain base32.
  std::optional<std::string> totp_secret;          // once enrolment is confirmed
  std::optional<std::string> totp_pending_secret;  // between setup and confirm
  std::optional<std::int64_t> totp_last_step;
  int failed_count = 0;
  std::optional<std::int64_t> failure_window_start;  // ms
  std::optional<std::int64_t> locked_until;          // ms
};

struct SessionRecord {
  std::int64_t id = 0;
  std::int64_t user_id = 0;
  std::int64_t created_at = 0;    // ms
  std::int64_t last_seen_at = 0;  // ms
  std::int64_t expires_at = 0;    // ms: the absolute end
  std::optional<std::int64_t> ended_at;
};

// --- users ---
Result<std::optional<UserRecord>> find_user(db::Connection& conn, std::int64_t id);
Result<std::optional<UserRecord>> find_user_by_username(db::Connection& conn,
                                                        std::string_view username);
Result<std::int64_t> insert_user(db::Connection& conn, const NewUser& user,
                                 std::string_view password_hash, bool must_change_password,
                                 std::int64_t now);
Status update_user(db::Connection& conn, const User& user, std::int64_t now);
Status set_password(db::Connection& conn, std::int64_t user_id, std::string_view password_hash,
                    bool must_change_password, std::int64_t now);
Result<std::vector<User>> list_users(db::Connection& conn, const UserFilter& filter);
Status replace_roles(db::Connection& conn, std::int64_t user_id,
                     const std::vector<std::string>& roles);
// Users holding at least one of sys_admin, sec_admin, audit_admin.
Result<std::int64_t> count_admins(db::Connection& conn);
Status set_lockout_state(db::Connection& conn, std::int64_t user_id, int failed_count,
                         std::optional<std::int64_t> failure_window_start,
                         std::optional<std::int64_t> locked_until);
Status set_totp(db::Connection& conn, std::int64_t user_id, std::optional<std::string> secret,
                std::optional<std::string> pending_secret, std::optional<std::int64_t> last_step);
// Sets the last used step only if it is newer than the stored one (so two concurrent sign-ins
// with one code cannot both succeed). Returns whether it was set.
Result<bool> advance_totp_step(db::Connection& conn, std::int64_t user_id, std::int64_t step);

// --- sessions ---
Result<std::int64_t> insert_session(db::Connection& conn, std::int64_t user_id,
                                    std::string_view token_hash, std::string_view source_address,
                                    std::int64_t now, std::int64_t expires_at);
Result<std::optional<SessionRecord>> find_session(db::Connection& conn,
                                                  std::string_view token_hash);
Status touch_session(db::Connection& conn, std::int64_t session_id, std::int64_t now);
Status end_session(db::Connection& conn, std::int64_t session_id, std::int64_t now,
                   std::string_view reason);
// Ends every open session of the user except `keep` (when given). Returns how many.
Result<std::int64_t> end_user_sessions(db::Connection& conn, std::int64_t user_id,
                                       std::optional<std::int64_t> keep, std::int64_t now,
                                       std::string_view reason);
// The session epoch (see session_cache.h). Every function here that ends a session or changes
// what a session's principal holds (update_user, set_password, replace_roles, set_totp,
// end_session, end_user_sessions) bumps it after its change, so callers need not.
Result<std::int64_t> session_epoch(db::Connection& conn);
Status bump_session_epoch(db::Connection& conn);

// --- per-address failures (fixed one-hour windows) ---
// Failures counted for `address` in the window that started at or after `window_start_min`,
// and when that window started (ms; 0 without failures).
struct AddressFailures {
  int failures = 0;
  std::int64_t window_start = 0;
};
Result<AddressFailures> address_failures(db::Connection& conn, std::string_view address,
                                         std::int64_t window_start_min);
// Adds one failure, starting a new window at `now` when the stored one began before
// `window_start_min`.
Status record_address_failure(db::Connection& conn, std::string_view address, std::int64_t now,
                              std::int64_t window_start_min);

// --- departments ---
Result<std::optional<Department>> find_department(db::Connection& conn, std::int64_t id);
Result<std::vector<Department>> list_departments(db::Connection& conn, std::int64_t after_id,
                                                 int limit, std::optional<std::int64_t> parent_id);
Result<std::int64_t> insert_department(db::Connection& conn, const DepartmentInput& input,
                                       std::int64_t now);
// Updates and increments the version. Returns false when no such department.
Result<bool> update_department(db::Connection& conn, std::int64_t id, const DepartmentInput& input,
                               std::int64_t now);
Status delete_department(db::Connection& conn, std::int64_t id);
// How many departments, users and API clients refer to the department.
Result<std::int64_t> department_references(db::Connection& conn, std::int64_t id);
Status insert_department_version(db::Connection& conn, const DepartmentVersion& version);
Result<std::vector<DepartmentVersion>> department_history(db::Connection& conn,
                                                          std::int64_t department_id);

// --- API clients ---
Result<std::int64_t> insert_api_client(db::Connection& conn, const ApiClientInput& input,
                                       std::string_view key_hash,
                                       std::optional<std::int64_t> created_by, std::int64_t now);
Result<std::optional<ApiClient>> find_api_client(db::Connection& conn, std::int64_t id);
Result<std::optional<ApiClient>> find_api_client_by_key(db::Connection& conn,
                                                        std::string_view key_hash);
Result<std::vector<ApiClient>> list_api_clients(db::Connection& conn, std::int64_t after_id,
                                                int limit);
Status revoke_api_client(db::Connection& conn, std::int64_t id, std::int64_t now);
Status set_api_client_permissions(db::Connection& conn, std::int64_t id,
                                  const std::vector<std::string>& permissions);

// --- security policy ---
// The stored policy's version: the highest version in the history (0: never changed).
Result<std::int64_t> policy_version(db::Connection& conn);
// The stored fields, name → text form (model.h).
Result<std::map<std::string, std::string, std::less<>>> policy_settings(db::Connection& conn);
// Stores a field's value, or removes it when `value` is nullopt.
Status put_policy_setting(db::Connection& conn, std::string_view name,
                          std::optional<std::string_view> value, std::int64_t now);
// Adds a history row. A version that exists already (a concurrent change won): conflict
// "duplicate".
Status insert_policy_change(db::Connection& conn, const PolicyChange& change);
// History rows, newest first, with id < before_id (0: from the newest).
Result<std::vector<PolicyChange>> policy_history(db::Connection& conn, std::int64_t before_id,
                                                 int limit);

}  // namespace store
}  // namespace zt::identity
