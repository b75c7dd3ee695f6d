#include "identity/store.h"

#include <fmt/format.h>

#include <algorithm>
#include <limits>
#include <map>
#include <sstream>

namespace zt::identity {

std::vector<db::Migration> migrations() {
  return {
      {.version = 200, .name = "create_identity_tables", .sql = R"sql(
CREATE TABLE identity_department (
  id {{id}},
  code TEXT NOT NULL UNIQUE,
  name TEXT NOT NULL,
  division_code TEXT NOT NULL,
  parent_id BIGINT REFERENCES identity_department (id),
  version BIGINT NOT NULL,
  created_at BIGINT NOT NULL,
  updated_at BIGINT NOT NULL
);
CREATE INDEX identity_department_parent ON identity_department (parent_id);
CREATE TABLE identity_department_history (
  id {{id}},
  department_id BIGINT NOT NULL,
  version BIGINT NOT NULL,
  action TEXT NOT NULL,
  code TEXT NOT NULL,
  name TEXT NOT NULL,
  division_code TEXT NOT NULL,
  parent_id BIGINT,
  changed_by BIGINT,
  changed_by_name TEXT NOT NULL,
  changed_at BIGINT NOT NULL
);
CREATE INDEX identity_department_history_department
  ON identity_department_history (department_id, version);
CREATE TABLE identity_user (
  id {{id}},
  username TEXT NOT NULL UNIQUE,
  kind TEXT NOT NULL,
  display_name TEXT NOT NULL,
  id_number TEXT UNIQUE,
  uscc TEXT UNIQUE,
  responsible_person TEXT,
  department_id BIGINT REFERENCES identity_department (id),
  password_hash TEXT NOT NULL,
  password_changed_at BIGINT,
  must_change_password BOOLEAN NOT NULL,
  disabled BOOLEAN NOT NULL,
  totp_secret TEXT,
  totp_pending_secret TEXT,
  totp_last_step BIGINT,
  failed_count INTEGER NOT NULL,
  failure_window_start BIGINT,
  locked_until BIGINT,
  created_at BIGINT NOT NULL,
  updated_at BIGINT NOT NULL
);
CREATE INDEX identity_user_department ON identity_user (department_id);
CREATE TABLE identity_user_role (
  user_id BIGINT NOT NULL REFERENCES identity_user (id),
  role TEXT NOT NULL,
  PRIMARY KEY (user_id, role)
);
CREATE INDEX identity_user_role_role ON identity_user_role (role);
CREATE TABLE identity_session (
  id {{id}},
  user_id BIGINT NOT NULL REFERENCES identity_user (id),
  token_hash TEXT NOT NULL UNIQUE,
  source_address TEXT NOT NULL,
  created_at BIGINT NOT NULL,
  last_seen_at BIGINT NOT NULL,
  expires_at BIGINT NOT NULL,
  ended_at BIGINT,
  end_reason TEXT
);
CREATE INDEX identity_session_user ON identity_session (user_id);
CREATE TABLE identity_address_failure (
  address TEXT PRIMARY KEY,
  window_start BIGINT NOT NULL,
  failures INTEGER NOT NULL
);
CREATE TABLE identity_api_client (
  id {{id}},
  name TEXT NOT NULL UNIQUE,
  department_id BIGINT NOT NULL REFERENCES identity_department (id),
  permissions TEXT NOT NULL,
  key_hash TEXT NOT NULL UNIQUE,
  created_by BIGINT,
  created_at BIGINT NOT NULL,
  revoked_at BIGINT
);
)sql"},
      {.version = 201, .name = "create_identity_policy", .sql = R"sql(
CREATE TABLE identity_policy_setting (
  name TEXT PRIMARY KEY,
  value TEXT NOT NULL,
  updated_at BIGINT NOT NULL
);
CREATE TABLE identity_policy_history (
  id {{id}},
  version BIGINT NOT NULL UNIQUE,
  changed_by BIGINT,
  changed_by_name TEXT NOT NULL,
  changed_at BIGINT NOT NULL,
  old_values TEXT NOT NULL,
  new_values TEXT NOT NULL
);
)sql"},
      // TOTP secrets are now stored SM4-sealed ("sm4:" + hex, see IdentityService::seal_totp).
      // Enrolments not yet confirmed held plaintext: drop them (the user starts again).
      // Confirmed plaintext secrets stay readable until the user re-enrols.
      {.version = 202, .name = "seal_identity_totp_secrets", .sql = R"sql(
UPDATE identity_user SET totp_pending_secret = NULL WHERE totp_pending_secret IS NOT NULL;
)sql"},
      // The session epoch (SessionCache): one row, bumped by every change that ends or narrows
      // a session.
      {.version = 203, .name = "create_identity_session_epoch", .sql = R"sql(
CREATE TABLE identity_session_epoch (id BIGINT PRIMARY KEY, epoch BIGINT NOT NULL);
INSERT INTO identity_session_epoch (id, epoch) VALUES (1, 0);
)sql"},
  };
}

namespace store {

namespace {

constexpr std::string_view kUserColumns =
    "id, username, kind, display_name, id_number, uscc, responsible_person, department_id, "
    "password_hash, password_changed_at, must_change_password, disabled, totp_secret, "
    "totp_pending_secret, totp_last_step, failed_count, failure_window_start, locked_until, "
    "created_at, updated_at";

User user_of(const db::Row& row) {
  User u;
  u.id = row.get<std::int64_t>("id");
  u.username = row.get<std::string>("username");
  u.kind = parse_user_kind(row.get<std::string_view>("kind")).value_or(UserKind::kStaff);
  u.display_name = row.get<std::string>("display_name");
  u.id_number = row.get<std::optional<std::string>>("id_number");
  u.uscc = row.get<std::optional<std::string>>("uscc");
  u.responsible_person = row.get<std::optional<std::string>>("responsible_person");
  u.department_id = row.get<std::optional<std::int64_t>>("department_id");
  u.disabled = row.get<bool>("disabled");
  u.must_change_password = row.get<bool>("must_change_password");
  u.totp_enabled = !row.is_null("totp_secret");
  if (auto at = row.get<std::optional<std::int64_t>>("password_changed_at")) {
    u.password_changed_at = from_millis(*at);
  }
  u.created_at = from_millis(row.get<std::int64_t>("created_at"));
  u.updated_at = from_millis(row.get<std::int64_t>("updated_at"));
  return u;
}

Result<std::vector<std::string>> roles_of(db::Connection& conn, std::int64_t user_id) {
  ZT_ASSIGN_OR_RETURN(
      auto rows,
      conn.query("SELECT role FROM identity_user_role WHERE user_id = ? ORDER BY role", user_id));
  std::vector<std::string> roles;
  for (const db::Row row : rows)
    roles.push_back(row.get<std::string>(0));
  return roles;
}

Result<std::optional<UserRecord>> one_user(db::Connection& conn, Result<db::Rows> query) {
  ZT_ASSIGN_OR_RETURN(auto rows, std::move(query));
  if (rows.empty()) return std::optional<UserRecord>();
  const db::Row row = rows[0];
  UserRecord r;
  r.user = user_of(row);
  r.password_hash = row.get<std::string>("password_hash");
  r.totp_secret = row.get<std::optional<std::string>>("totp_secret");
  r.totp_pending_secret = row.get<std::optional<std::string>>("totp_pending_secret");
  r.totp_last_step = row.get<std::optional<std::int64_t>>("totp_last_step");
  r.failed_count = row.get<int>("failed_count");
  r.failure_window_start = row.get<std::optional<std::int64_t>>("failure_window_start");
  r.locked_until = row.get<std::optional<std::int64_t>>("locked_until");
  ZT_ASSIGN_OR_RETURN(auto roles, roles_of(conn, r.user.id));
  r.user.roles = std::move(roles);
  return std::optional<UserRecord>(std::move(r));
}

constexpr std::string_view kDepartmentColumns =
    "id, code, name, division_code, parent_id, version, created_at, updated_at";

// Reads a row of `SELECT kDepartmentColumns`.
Department department_of(const db::Row& row) {
  Department d;
  db::into(row, d.id, d.code, d.name, d.division_code, d.parent_id, d.version,
           db::parsed<std::int64_t>(d.created_at, from_millis),
           db::parsed<std::int64_t>(d.updated_at, from_millis));
  return d;
}

std::vector<std::string> split_permissions(std::string_view text) {
  std::vector<std::string> out;
  std::istringstream in{std::string(text)};
  for (std::string p; in >> p;)
    out.push_back(p);
  std::sort(out.begin(), out.end());
  return out;
}

std::string join_permissions(const std::vector<std::string>& permissions) {
  std::string out;
  for (const auto& p : permissions) {
    if (!out.empty()) out.push_back(' ');
    out += p;
  }
  return out;
}

constexpr std::string_view kApiClientColumns =
    "id, name, department_id, permissions, created_at, revoked_at";

// Reads a row of `SELECT kApiClientColumns`.
ApiClient api_client_of(const db::Row& row) {
  ApiClient c;
  c.id = row.get<std::int64_t>("id");
  c.name = row.get<std::string>("name");
  c.department_id = row.get<std::int64_t>("department_id");
  c.permissions = split_permissions(row.get<std::string_view>("permissions"));
  c.created_at = from_millis(row.get<std::int64_t>("created_at"));
  if (auto at = row.get<std::optional<std::int64_t>>("revoked_at")) c.revoked_at = from_millis(*at);
  return c;
}

// `change`, then the session epoch bumped (after it, so that a request reading the epoch before
// the change and the session after it is still told apart from one reading both after).
Status then_bump(Result<std::int64_t> change, db::Connection& conn) {
  ZT_TRY(db::done(std::move(change)));
  return bump_session_epoch(conn);
}

}  // namespace

Result<std::optional<UserRecord>> find_user(db::Connection& conn, std::int64_t id) {
  return one_user(conn, conn.query(std::string("SELECT ") + std::string(kUserColumns) +
                                       " FROM identity_user WHERE id = ?",
                                   id));
}

Result<std::optional<UserRecord>> find_user_by_username(db::Connection& conn,
                                                        std::string_view username) {
  return one_user(conn, conn.query(std::string("SELECT ") + std::string(kUserColumns) +
                                       " FROM identity_user WHERE username = ?",
                                   username));
}

Result<std::int64_t> insert_user(db::Connection& conn, const NewUser& user,
                                 std::string_view password_hash, bool must_change_password,
                                 std::int64_t now) {
  return db::scalar<std::int64_t>(
      conn.query("INSERT INTO identity_user (username, kind, display_name, id_number, uscc, "
                 "responsible_person, department_id, password_hash, password_changed_at, "
                 "must_change_password, disabled, failed_count, created_at, updated_at) "
                 "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 0, ?, ?) RETURNING id",
                 user.username, to_string(user.kind), user.display_name, user.id_number, user.uscc,
                 user.responsible_person, user.department_id, password_hash, now,
                 must_change_password, false, now, now));
}

Status update_user(db::Connection& conn, const User& user, std::int64_t now) {
  return then_bump(
      conn.exec(
          "UPDATE identity_user SET display_name = ?, responsible_person = ?, department_id = ?, "
          "disabled = ?, updated_at = ? WHERE id = ?",
          user.display_name, user.responsible_person, user.department_id, user.disabled, now,
          user.id),
      conn);
}

Status set_password(db::Connection& conn, std::int64_t user_id, std::string_view password_hash,
                    bool must_change_password, std::int64_t now) {
  return then_bump(
      conn.exec("UPDATE identity_user SET password_hash = ?, password_changed_at = ?, "
                "must_change_password = ?, failed_count = 0, failure_window_start = NULL, "
                "locked_until = NULL, updated_at = ? WHERE id = ?",
                password_hash, now, must_change_password, now, user_id),
      conn);
}

Result<std::vector<User>> list_users(db::Connection& conn, const UserFilter& filter) {
  std::string sql =
      std::string("SELECT ") + std::string(kUserColumns) + " FROM identity_user WHERE id > ?";
  std::vector<db::Param> params{db::Param(filter.after_id)};
  const std::string kind(filter.kind ? to_string(*filter.kind) : "");
  if (filter.department_id) {
    sql += " AND department_id = ?";
    params.emplace_back(*filter.department_id);
  }
  if (filter.kind) {
    sql += " AND kind = ?";
    params.emplace_back(kind);
  }
  sql += " ORDER BY id LIMIT ?";
  params.emplace_back(filter.limit);
  ZT_ASSIGN_OR_RETURN(auto rows, conn.query(sql, params));
  std::vector<User> users;
  for (const db::Row row : rows)
    users.push_back(user_of(row));
  if (users.empty()) return users;
  ZT_ASSIGN_OR_RETURN(
      auto roles,
      conn.query("SELECT user_id, role FROM identity_user_role WHERE user_id >= ? AND user_id <= ? "
                 "ORDER BY role",
                 users.front().id, users.back().id));
  std::map<std::int64_t, User*> by_id;
  for (User& u : users)
    by_id[u.id] = &u;
  for (const db::Row row : roles) {
    auto it = by_id.find(row.get<std::int64_t>(0));
    if (it != by_id.end()) it->second->roles.push_back(row.get<std::string>(1));
  }
  return users;
}

Status replace_roles(db::Connection& conn, std::int64_t user_id,
                     const std::vector<std::string>& roles) {
  ZT_TRY(db::done(conn.exec("DELETE FROM identity_user_role WHERE user_id = ?", user_id)));
  for (const std::string& role : roles) {
    ZT_TRY(db::done(
        conn.exec("INSERT INTO identity_user_role (user_id, role) VALUES (?, ?)", user_id, role)));
  }
  return bump_session_epoch(conn);
}

Result<std::int64_t> count_admins(db::Connection& conn) {
  return db::scalar<std::int64_t>(
      conn.query("SELECT COUNT(DISTINCT user_id) FROM identity_user_role "
                 "WHERE role IN ('sys_admin', 'sec_admin', 'audit_admin')"));
}

Status set_lockout_state(db::Connection& conn, std::int64_t user_id, int failed_count,
                         std::optional<std::int64_t> failure_window_start,
                         std::optional<std::int64_t> locked_until) {
  return db::done(conn.exec(
      "UPDATE identity_user SET failed_count = ?, failure_window_start = ?, locked_until = ? "
      "WHERE id = ?",
      failed_count, failure_window_start, locked_until, user_id));
}

Status set_totp(db::Connection& conn, std::int64_t user_id, std::optional<std::string> secret,
                std::optional<std::string> pending_secret, std::optional<std::int64_t> last_step) {
  return then_bump(
      conn.exec(
          "UPDATE identity_user SET totp_secret = ?, totp_pending_secret = ?, totp_last_step = ? "
          "WHERE id = ?",
          secret, pending_secret, last_step, user_id),
      conn);
}

Result<bool> advance_totp_step(db::Connection& conn, std::int64_t user_id, std::int64_t step) {
  ZT_ASSIGN_OR_RETURN(auto n,
                      conn.exec("UPDATE identity_user SET totp_last_step = ? "
                                "WHERE id = ? AND (totp_last_step IS NULL OR totp_last_step < ?)",
                                step, user_id, step));
  return n == 1;
}

Result<std::int64_t> insert_session(db::Connection& conn, std::int64_t user_id,
                                    std::string_view token_hash, std::string_view source_address,
                                    std::int64_t now, std::int64_t expires_at) {
  return db::scalar<std::int64_t>(
      conn.query("INSERT INTO identity_session (user_id, token_hash, source_address, created_at, "
                 "last_seen_at, expires_at) VALUES (?, ?, ?, ?, ?, ?) RETURNING id",
                 user_id, token_hash, source_address, now, now, expires_at));
}

Result<std::optional<SessionRecord>> find_session(db::Connection& conn,
                                                  std::string_view token_hash) {
  return db::first_row<SessionRecord>(
      conn.query("SELECT id, user_id, created_at, last_seen_at, expires_at, ended_at FROM "
                 "identity_session WHERE token_hash = ?",
                 token_hash),
      [](const db::Row& row) {
        SessionRecord s;
        db::into(row, s.id, s.user_id, s.created_at, s.last_seen_at, s.expires_at, s.ended_at);
        return s;
      });
}

Status touch_session(db::Connection& conn, std::int64_t session_id, std::int64_t now) {
  return db::done(
      conn.exec("UPDATE identity_session SET last_seen_at = ? WHERE id = ? AND last_seen_at < ?",
                now, session_id, now));
}

Status end_session(db::Connection& conn, std::int64_t session_id, std::int64_t now,
                   std::string_view reason) {
  return then_bump(
      conn.exec("UPDATE identity_session SET ended_at = ?, end_reason = ? WHERE id = ? AND "
                "ended_at IS NULL",
                now, reason, session_id),
      conn);
}

Result<std::int64_t> end_user_sessions(db::Connection& conn, std::int64_t user_id,
                                       std::optional<std::int64_t> keep, std::int64_t now,
                                       std::string_view reason) {
  ZT_ASSIGN_OR_RETURN(std::int64_t ended,
                      conn.exec("UPDATE identity_session SET ended_at = ?, end_reason = ? "
                                "WHERE user_id = ? AND ended_at IS NULL AND id <> ?",
                                now, reason, user_id, keep.value_or(0)));
  ZT_TRY(bump_session_epoch(conn));
  return ended;
}

Result<std::int64_t> session_epoch(db::Connection& conn) {
  ZT_ASSIGN_OR_RETURN(auto rows,
                      conn.query("SELECT epoch FROM identity_session_epoch WHERE id = 1"));
  if (rows.empty()) return Error::internal("database_error", "identity_session_epoch has no row");
  return rows[0].get<std::int64_t>(0);
}

Status bump_session_epoch(db::Connection& conn) {
  return db::done(conn.exec("UPDATE identity_session_epoch SET epoch = epoch + 1 WHERE id = 1"));
}

Result<AddressFailures> address_failures(db::Connection& conn, std::string_view address,
                                         std::int64_t window_start_min) {
  ZT_ASSIGN_OR_RETURN(auto rows, conn.query("SELECT failures, window_start FROM "
                                            "identity_address_failure WHERE address = ? AND "
                                            "window_start >= ?",
                                            address, window_start_min));
  if (rows.empty()) return AddressFailures{};
  return AddressFailures{rows[0].get<int>(0), rows[0].get<std::int64_t>(1)};
}

Status record_address_failure(db::Connection& conn, std::string_view address, std::int64_t now,
                              std::int64_t window_start_min) {
  return db::done(conn.exec(
      "INSERT INTO identity_address_failure (address, window_start, failures) VALUES (?, ?, 1) "
      "ON CONFLICT (address) DO UPDATE SET "
      "failures = CASE WHEN identity_address_failure.window_start < ? THEN 1 "
      "ELSE identity_address_failure.failures + 1 END, "
      "window_start = CASE WHEN identity_address_failure.window_start < ? "
      "THEN excluded.window_start ELSE identity_address_failure.window_start END",
      address, now, window_start_min, window_start_min));
}

Result<std::optional<Department>> find_department(db::Connection& conn, std::int64_t id) {
  return db::first_row<Department>(
      conn.query(fmt::format("SELECT {} FROM identity_department WHERE id = ?", kDepartmentColumns),
                 id),
      department_of);
}

Result<std::vector<Department>> list_departments(db::Connection& conn, std::int64_t after_id,
                                                 int limit, std::optional<std::int64_t> parent_id) {
  std::string sql =
      fmt::format("SELECT {} FROM identity_department WHERE id > ?", kDepartmentColumns);
  std::vector<db::Param> params{db::Param(after_id)};
  if (parent_id) {
    sql += " AND parent_id = ?";
    params.emplace_back(*parent_id);
  }
  sql += " ORDER BY id LIMIT ?";
  params.emplace_back(limit);
  return db::map_rows<Department>(conn.query(sql, params), department_of);
}

Result<std::int64_t> insert_department(db::Connection& conn, const DepartmentInput& input,
                                       std::int64_t now) {
  return db::scalar<std::int64_t>(
      conn.query("INSERT INTO identity_department (code, name, division_code, parent_id, version, "
                 "created_at, updated_at) VALUES (?, ?, ?, ?, 1, ?, ?) RETURNING id",
                 input.code, input.name, input.division_code, input.parent_id, now, now));
}

Result<bool> update_department(db::Connection& conn, std::int64_t id, const DepartmentInput& input,
                               std::int64_t now) {
  ZT_ASSIGN_OR_RETURN(
      auto n,
      conn.exec(
          "UPDATE identity_department SET code = ?, name = ?, division_code = ?, parent_id = ?, "
          "version = version + 1, updated_at = ? WHERE id = ?",
          input.code, input.name, input.division_code, input.parent_id, now, id));
  return n == 1;
}

Status delete_department(db::Connection& conn, std::int64_t id) {
  return db::done(conn.exec("DELETE FROM identity_department WHERE id = ?", id));
}

Result<std::int64_t> department_references(db::Connection& conn, std::int64_t id) {
  return db::scalar<std::int64_t>(
      conn.query("SELECT (SELECT COUNT(*) FROM identity_department WHERE parent_id = ?) + "
                 "(SELECT COUNT(*) FROM identity_user WHERE department_id = ?) + "
                 "(SELECT COUNT(*) FROM identity_api_client WHERE department_id = ?)",
                 id, id, id));
}

Status insert_department_version(db::Connection& conn, const DepartmentVersion& v) {
  return db::done(conn.exec(
      "INSERT INTO identity_department_history (department_id, version, action, code, name, "
      "division_code, parent_id, changed_by, changed_by_name, changed_at) "
      "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
      v.department_id, v.version, v.action, v.code, v.name, v.division_code, v.parent_id,
      v.changed_by, v.changed_by_name, to_millis(v.changed_at)));
}

Result<std::vector<DepartmentVersion>> department_history(db::Connection& conn,
                                                          std::int64_t department_id) {
  ZT_ASSIGN_OR_RETURN(
      auto rows,
      conn.query(
          "SELECT department_id, version, action, code, name, division_code, parent_id, "
          "changed_by, "
          "changed_by_name, changed_at FROM identity_department_history WHERE department_id = ? "
          "ORDER BY version, id",
          department_id));
  std::vector<DepartmentVersion> out;
  for (const db::Row row : rows) {
    DepartmentVersion& v = out.emplace_back();
    db::into(row, v.department_id, v.version, v.action, v.code, v.name, v.division_code,
             v.parent_id, v.changed_by, v.changed_by_name,
             db::parsed<std::int64_t>(v.changed_at, from_millis));
  }
  return out;
}

Result<std::int64_t> insert_api_client(db::Connection& conn, const ApiClientInput& input,
                                       std::string_view key_hash,
                                       std::optional<std::int64_t> created_by, std::int64_t now) {
  return db::scalar<std::int64_t>(
      conn.query("INSERT INTO identity_api_client (name, department_id, permissions, "
                 "key_hash, created_by, "
                 "created_at) VALUES (?, ?, ?, ?, ?, ?) RETURNING id",
                 input.name, input.department_id, join_permissions(input.permissions), key_hash,
                 created_by, now));
}

Result<std::optional<ApiClient>> find_api_client(db::Connection& conn, std::int64_t id) {
  return db::first_row<ApiClient>(
      conn.query(fmt::format("SELECT {} FROM identity_api_client WHERE id = ?", kApiClientColumns),
                 id),
      api_client_of);
}

Result<std::optional<ApiClient>> find_api_client_by_key(db::Connection& conn,
                                                        std::string_view key_hash) {
  return db::first_row<ApiClient>(
      conn.query(
          fmt::format("SELECT {} FROM identity_api_client WHERE key_hash = ?", kApiClientColumns),
          key_hash),
      api_client_of);
}

Result<std::vector<ApiClient>> list_api_clients(db::Connection& conn, std::int64_t after_id,
                                                int limit) {
  return db::map_rows<ApiClient>(
      conn.query(fmt::format("SELECT {} FROM identity_api_client WHERE id > ? ORDER BY id LIMIT ?",
                             kApiClientColumns),
                 after_id, limit),
      api_client_of);
}

Status revoke_api_client(db::Connection& conn, std::int64_t id, std::int64_t now) {
  return db::done(
      conn.exec("UPDATE identity_api_client SET revoked_at = ? WHERE id = ? AND revoked_at IS NULL",
                now, id));
}

Status set_api_client_permissions(db::Connection& conn, std::int64_t id,
                                  const std::vector<std::string>& permissions) {
  return db::done(conn.exec("UPDATE identity_api_client SET permissions = ? WHERE id = ?",
                            join_permissions(permissions), id));
}

// --- security policy ---

Result<std::int64_t> policy_version(db::Connection& conn) {
  return db::scalar<std::int64_t>(
      conn.query("SELECT COALESCE(MAX(version), 0) FROM identity_policy_history"));
}

Result<std::map<std::string, std::string, std::less<>>> policy_settings(db::Connection& conn) {
  ZT_ASSIGN_OR_RETURN(auto rows,
                      conn.query("SELECT name, value FROM identity_policy_setting ORDER BY name"));
  std::map<std::string, std::string, std::less<>> out;
  for (const db::Row row : rows)
    out.emplace(row.get<std::string>(0), row.get<std::string>(1));
  return out;
}

Status put_policy_setting(db::Connection& conn, std::string_view name,
                          std::optional<std::string_view> value, std::int64_t now) {
  ZT_TRY(db::done(conn.exec("DELETE FROM identity_policy_setting WHERE name = ?", name)));
  if (!value) return {};
  return db::done(
      conn.exec("INSERT INTO identity_policy_setting (name, value, updated_at) VALUES (?, ?, ?)",
                name, *value, now));
}

Status insert_policy_change(db::Connection& conn, const PolicyChange& change) {
  return db::done(conn.exec(
      "INSERT INTO identity_policy_history (version, changed_by, changed_by_name, changed_at, "
      "old_values, new_values) VALUES (?, ?, ?, ?, ?, ?)",
      change.version, change.changed_by, change.changed_by_name, to_millis(change.changed_at),
      change.old_values, change.new_values));
}

Result<std::vector<PolicyChange>> policy_history(db::Connection& conn, std::int64_t before_id,
                                                 int limit) {
  ZT_ASSIGN_OR_RETURN(
      auto rows,
      conn.query(
          "SELECT id, version, changed_by, changed_by_name, changed_at, old_values, new_values "
          "FROM identity_policy_history WHERE id < ? ORDER BY id DESC LIMIT ?",
          before_id > 0 ? before_id : std::numeric_limits<std::int64_t>::max(),
          static_cast<std::int64_t>(limit)));
  std::vector<PolicyChange> out;
  for (const db::Row row : rows) {
    PolicyChange c;
    c.id = row.get<std::int64_t>("id");
    c.version = row.get<std::int64_t>("version");
    c.changed_by = row.get<std::optional<std::int64_t>>("changed_by");
    c.changed_by_name = row.get<std::string>("changed_by_name");
    c.changed_at = from_millis(row.get<std::int64_t>("changed_at"));
    c.old_values = row.get<std::string>("old_values");
    c.new_values = row.get<std::string>("new_values");
    out.push_back(std::move(c));
  }
  return out;
}

}  // namespace store
}  // namespace zt::identity
