// Identity value types (统一身份认证): departments, users, roles and permissions, sessions, API
// clients, and the module's configuration.
//
// Times are stored as milliseconds since the Unix epoch (UTC) in BIGINT columns, so that the
// session, lockout and TOTP arithmetic is the same on both databases; the API shows them as
// ISO 8601 with +08:00 (core::format_iso8601).
//
// Thread-safety: plain values; the role table is immutable.
#pragma once

#include "core/enum_names.h"
#include "core/request_context.h"
#include "core/time.h"
#include "identity/permissions.h"

#include <chrono>
#include <cstdint>
#include <map>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace zt::identity {

// --- Roles and permissions -----------------------------------------------------------------

namespace role {
inline constexpr std::string_view kWindowClerk = "window_clerk";
inline constexpr std::string_view kDeptOfficer = "dept_officer";
inline constexpr std::string_view kDeptAdmin = "dept_admin";
inline constexpr std::string_view kDataAdmin = "data_admin";
inline constexpr std::string_view kSupervisor = "supervisor";
inline constexpr std::string_view kLeader = "leader";
inline constexpr std::string_view kSysAdmin = "sys_admin";
inline constexpr std::string_view kSecAdmin = "sec_admin";
inline constexpr std::string_view kAuditAdmin = "audit_admin";
}  // namespace role

// The permission names are in identity/permissions.h (namespace permission).

// The nine roles, in a fixed order.
std::span<const std::string_view> all_roles();
bool is_known_role(std::string_view role);
// sys_admin, sec_admin, audit_admin: one account never holds two of them (三员分立).
bool is_admin_role(std::string_view role);
// The permissions a role grants, sorted; empty for an unknown role.
std::span<const std::string_view> role_permissions(std::string_view role);
// The union of the roles' permissions, sorted and without duplicates (Principal::permissions).
std::vector<std::string> permissions_of(std::span<const std::string> roles);
// Every permission some role grants, sorted.
std::vector<std::string> all_permissions();
// Whether an API client may be given `permission`: any permission some role grants, except the
// administrators' identity.*, audit.read and scope.city.
bool is_api_client_permission(std::string_view permission);

// --- Configuration ---------------------------------------------------------------------------

enum class PasswordProfile {
  kDengbao,  // 等保: ≥ 12 characters, 3 of 4 character classes, not the username, max age
  kAsvs,     // OWASP ASVS L2: ≥ 12 characters, no composition rules, no forced rotation
};

struct Argon2Params {
  std::uint32_t memory_kib = 19456;  // OWASP: argon2id m=19 MiB, t=2, p=1
  std::uint32_t iterations = 2;
  std::uint32_t parallelism = 1;
};

struct IdentityConfig {
  PasswordProfile password_profile = PasswordProfile::kDengbao;
  int password_max_age_days = 90;  // dengbao only; 0: no rotation
  Argon2Params argon2;
  std::chrono::minutes session_idle{30};
  std::chrono::hours session_absolute{12};
  int lockout_failures = 5;
  std::chrono::minutes lockout_window{15};
  std::chrono::minutes lockout_duration{15};
  int address_failures_per_hour = 50;
  // Staff roles that must use TOTP besides the three administrators (who always must).
  std::vector<std::string> totp_roles;
  // The platform's data key ([security] data_key_file): 32 random bytes, the SM4 key that seals
  // TOTP secrets at rest. IdentityService::create refuses any other size ("invalid_data_key").
  std::string data_key;
};

// --- Security policy -------------------------------------------------------------------------

// The security admin's policy (安全策略): the IdentityConfig settings that may change at run time,
// stored in the database and overriding the [identity] config for each field it holds. The
// argon2 cost stays config-only (a deployment concern).
//
// Fields and their text form (the stored form, and what PolicyChanges carry):
//   password_profile           "dengbao" | "asvs"
//   password_max_age_days      integer 0..3650 (0: no rotation; dengbao only)
//   lockout_failures           integer 1..1000
//   lockout_window_minutes     integer 1..1440
//   lockout_minutes            integer 1..1440
//   address_failures_per_hour  integer 1..1000000
//   session_idle_minutes       integer 1..1440
//   session_absolute_hours     integer 1..720
//   totp_roles                 comma-separated non-administrator roles, sorted ("" for none)
std::span<const std::string_view> policy_fields();

// field → new value in text form, or nullopt to drop the stored value (the config's applies).
using PolicyChanges = std::map<std::string, std::optional<std::string>, std::less<>>;

// The policy in force: the config with the stored fields applied.
struct EffectivePolicy {
  std::int64_t version = 0;                // of the stored policy; 0: never changed
  IdentityConfig config;                   // effective values (argon2 always the config's)
  IdentityConfig defaults;                 // the [identity] config alone
  std::vector<std::string> from_database;  // fields whose value is stored, sorted
  bool is_from_database(std::string_view field) const;
};

// One change of the policy (identity_policy_history).
struct PolicyChange {
  std::int64_t id = 0;
  std::int64_t version = 0;  // the policy version this change made
  std::optional<std::int64_t> changed_by;
  std::string changed_by_name;
  core::TimePoint changed_at;
  std::string old_values;  // JSON object: each changed field's effective value before
  std::string new_values;  // JSON object: … and after
};

// --- Values ----------------------------------------------------------------------------------

// The largest page a list call returns (a larger limit is clamped; the routes answer 400).
inline constexpr int kMaxPageSize = 200;

struct Department {
  std::int64_t id = 0;
  std::string code;
  std::string name;
  std::string division_code;  // GB/T 2260
  std::optional<std::int64_t> parent_id;
  std::int64_t version = 1;
  core::TimePoint created_at;
  core::TimePoint updated_at;
};

struct DepartmentInput {
  std::string code;
  std::string name;
  std::string division_code;
  std::optional<std::int64_t> parent_id;
};

// One version of a department, written by every create, update and delete.
struct DepartmentVersion {
  std::int64_t department_id = 0;
  std::int64_t version = 0;
  std::string action;  // "create", "update", "delete"
  std::string code;
  std::string name;
  std::string division_code;
  std::optional<std::int64_t> parent_id;
  std::optional<std::int64_t> changed_by;  // user id
  std::string changed_by_name;
  core::TimePoint changed_at;
};

enum class UserKind { kCitizen, kEnterprise, kStaff };
// The API names of UserKind, for to_string, parse_user_kind and the API document.
inline constexpr auto kUserKindNames =
    core::enum_names<UserKind>({{UserKind::kCitizen, "citizen"},
                                {UserKind::kEnterprise, "enterprise"},
                                {UserKind::kStaff, "staff"}});
std::string_view to_string(UserKind kind);
std::optional<UserKind> parse_user_kind(std::string_view text);

struct User {
  std::int64_t id = 0;
  std::string username;
  UserKind kind = UserKind::kStaff;
  std::string display_name;
  std::optional<std::string> id_number;           // citizen: 身份证号
  std::optional<std::string> uscc;                // enterprise: 统一社会信用代码
  std::optional<std::string> responsible_person;  // enterprise: 法定代表人/负责人
  std::optional<std::int64_t> department_id;      // staff
  std::vector<std::string> roles;                 // sorted
  bool disabled = false;
  bool must_change_password = false;
  bool totp_enabled = false;
  std::optional<core::TimePoint> password_changed_at;
  core::TimePoint created_at;
  core::TimePoint updated_at;
};

struct NewUser {
  UserKind kind = UserKind::kStaff;
  std::string username;  // citizens and enterprises: defaults to the id number / credit code
  std::string display_name;
  std::optional<std::string> id_number;
  std::optional<std::string> uscc;
  std::optional<std::string> responsible_person;
  std::optional<std::int64_t> department_id;
};

struct UserUpdate {
  std::optional<std::string> display_name;
  std::optional<std::string> responsible_person;
  std::optional<std::int64_t> department_id;
  std::optional<bool> disabled;
};

struct UserFilter {
  std::optional<std::int64_t> department_id;
  std::optional<UserKind> kind;
  std::int64_t after_id = 0;  // cursor
  int limit = 50;
};

// A user just made, with the one-time initial password (shown once, must be changed).
struct CreatedUser {
  User user;
  std::string initial_password;
};

struct ApiClient {
  std::int64_t id = 0;
  std::string name;
  std::int64_t department_id = 0;
  std::vector<std::string> permissions;  // sorted
  core::TimePoint created_at;
  std::optional<core::TimePoint> revoked_at;
};

struct ApiClientInput {
  std::string name;
  std::int64_t department_id = 0;
  std::vector<std::string> permissions;
};

struct CreatedApiClient {
  ApiClient client;
  std::string api_key;  // shown once; stored only as its SM3 hash
};

struct LoginRequest {
  std::string username;
  std::string password;
  std::optional<std::string> totp;
};

struct LoginResult {
  std::string token;  // shown once; stored only as its SM3 hash
  core::TimePoint expires_at;
  User user;
  // True when TOTP is required for this account but not yet enrolled: until it is, only the
  // routes allowed before a password change answer (as with an initial password).
  bool totp_enrolment_required = false;
};

struct TotpEnrolment {
  std::string secret;  // base32
  std::string otpauth_uri;
};

// An administrator account made by init_admins, with its one-time password.
struct InitialAdmin {
  std::string username;
  std::string role;
  std::string password;
};

// Milliseconds since the Unix epoch, the stored form of every time of this module.
using core::from_millis;
using core::to_millis;

}  // namespace zt::identity
