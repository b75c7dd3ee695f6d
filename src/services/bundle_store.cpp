#include "services/bundle_store.h"

#include "db/rows.h"

#include <fmt/format.h>

#include <limits>

namespace zt::services {

std::vector<db::Migration> bundle_migrations() {
  return {{.version = 610, .name = "create_service_bundle_tables", .sql = R"sql(
CREATE TABLE service_bundle (
  id {{id}},
  code TEXT NOT NULL,
  version BIGINT NOT NULL,
  name TEXT NOT NULL,
  department_id BIGINT NOT NULL,
  status TEXT NOT NULL,
  definition TEXT NOT NULL,
  search_text TEXT NOT NULL,
  created_by BIGINT NOT NULL,
  created_at BIGINT NOT NULL,
  published_at BIGINT,
  UNIQUE (code, version)
);
CREATE INDEX service_bundle_status ON service_bundle (status, id);
CREATE TABLE service_bundle_application (
  id {{id}},
  number TEXT NOT NULL UNIQUE,
  bundle_id BIGINT NOT NULL REFERENCES service_bundle (id),
  bundle_code TEXT NOT NULL,
  bundle_version BIGINT NOT NULL,
  bundle_name TEXT NOT NULL,
  applicant_user_id BIGINT,
  applicant_kind TEXT NOT NULL,
  applicant_name TEXT NOT NULL,
  applicant_key TEXT NOT NULL,
  filed_by BIGINT NOT NULL,
  channel TEXT NOT NULL,
  form TEXT NOT NULL,
  prefill TEXT NOT NULL,
  created_at BIGINT NOT NULL,
  updated_at BIGINT NOT NULL
);
CREATE INDEX service_bundle_application_user ON service_bundle_application (applicant_user_id, id);
CREATE INDEX service_bundle_application_key ON service_bundle_application (applicant_key, id);
CREATE TABLE service_bundle_case (
  application_id BIGINT NOT NULL REFERENCES service_bundle_application (id),
  position BIGINT NOT NULL,
  case_id BIGINT NOT NULL UNIQUE REFERENCES service_case (id),
  PRIMARY KEY (application_id, position)
);
)sql"}};
}

namespace store {

namespace {

constexpr std::string_view kBundleColumns =
    "id, code, version, name, department_id, status, definition, created_at, published_at";

Result<Bundle> bundle_of(const db::Row& row) {
  Bundle b;
  std::string status, definition;
  db::into(row, b.id, b.def.code, b.version, b.def.name, b.def.department_id, status, definition,
           b.created_at, b.published_at);
  auto s = kItemStatusNames.parse(status);
  if (!s) return Error::internal("database_error", "A stored bundle is invalid.");
  b.status = *s;
  ZT_TRY(read_bundle_definition(definition, b.def));
  return b;
}

constexpr std::string_view kApplicationColumns =
    "id, number, bundle_id, bundle_code, bundle_version, bundle_name, applicant_user_id, "
    "applicant_kind, applicant_name, applicant_key, filed_by, channel, form, prefill, created_at, "
    "updated_at";

BundleApplication application_of(const db::Row& row) {
  BundleApplication a;
  db::into(row, a.id, a.number, a.bundle_id, a.bundle_code, a.bundle_version, a.bundle_name,
           a.applicant_user_id, a.applicant_kind, a.applicant_name, a.applicant_key, a.filed_by,
           a.channel, a.form, a.prefill, a.created_at, a.updated_at);
  return a;
}

std::int64_t bound(std::int64_t before) {
  return before > 0 ? before : std::numeric_limits<std::int64_t>::max();
}

}  // namespace

Result<std::int64_t> insert_bundle(db::Connection& conn, const BundleDraft& d, std::int64_t version,
                                   std::int64_t created_by, std::int64_t now,
                                   std::string_view search) {
  return db::scalar<std::int64_t>(conn.query(
      "INSERT INTO service_bundle (code, version, name, department_id, status, definition, "
      "search_text, created_by, created_at) VALUES (?, ?, ?, ?, 'draft', ?, ?, ?, ?) RETURNING id",
      d.code, version, d.name, d.department_id, bundle_definition_json(d), search, created_by,
      now));
}

Status update_bundle(db::Connection& conn, std::int64_t id, const BundleDraft& d,
                     std::string_view search) {
  return db::done(conn.exec(
      "UPDATE service_bundle SET name = ?, department_id = ?, definition = ?, search_text = ? "
      "WHERE id = ? AND status = 'draft'",
      d.name, d.department_id, bundle_definition_json(d), search, id));
}

Status set_bundle_status(db::Connection& conn, std::int64_t id, ItemStatus status,
                         std::optional<std::int64_t> published_at) {
  return db::done(conn.exec(
      "UPDATE service_bundle SET status = ?, published_at = COALESCE(?, published_at) WHERE id = ?",
      kItemStatusNames.name_of(status), published_at, id));
}

Status retire_published_bundles(db::Connection& conn, std::string_view code,
                                std::int64_t except_id) {
  return db::done(conn.exec(
      "UPDATE service_bundle SET status = 'retired' WHERE code = ? AND status = 'published' AND "
      "id <> ?",
      code, except_id));
}

Result<std::optional<Bundle>> latest_bundle(db::Connection& conn, std::string_view code) {
  return db::first_row<Bundle>(
      conn.query(fmt::format("SELECT {} FROM service_bundle WHERE code = ? ORDER BY version DESC "
                             "LIMIT 1",
                             kBundleColumns),
                 code),
      bundle_of);
}

Result<std::optional<Bundle>> published_bundle(db::Connection& conn, std::string_view code) {
  return db::first_row<Bundle>(
      conn.query(fmt::format("SELECT {} FROM service_bundle WHERE code = ? AND status = "
                             "'published' ORDER BY version DESC LIMIT 1",
                             kBundleColumns),
                 code),
      bundle_of);
}

Result<std::optional<Bundle>> bundle_by_id(db::Connection& conn, std::int64_t id) {
  return db::first_row<Bundle>(
      conn.query(fmt::format("SELECT {} FROM service_bundle WHERE id = ?", kBundleColumns), id),
      bundle_of);
}

Result<std::vector<Bundle>> search_bundles(db::Connection& conn, const BundleFilter& f) {
  std::vector<db::Param> params;
  std::string sql = fmt::format(
      "SELECT {} FROM service_bundle WHERE status = 'published' AND id < ?", kBundleColumns);
  params.emplace_back(bound(f.before));
  std::string like;
  if (!f.q.empty()) {
    like = "%" + f.q + "%";
    sql += " AND search_text LIKE ?";
    params.emplace_back(like);
  }
  sql += fmt::format(" ORDER BY id DESC LIMIT {}", f.limit);
  return db::map_rows<Bundle>(conn.query(sql, std::span<const db::Param>(params)), bundle_of);
}

Result<std::int64_t> insert_application(db::Connection& conn, const BundleApplication& a) {
  return db::scalar<std::int64_t>(conn.query(
      "INSERT INTO service_bundle_application (number, bundle_id, bundle_code, bundle_version, "
      "bundle_name, applicant_user_id, applicant_kind, applicant_name, applicant_key, filed_by, "
      "channel, form, prefill, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, "
      "?, ?, ?, ?) RETURNING id",
      a.number, a.bundle_id, a.bundle_code, a.bundle_version, a.bundle_name, a.applicant_user_id,
      a.applicant_kind, a.applicant_name, a.applicant_key, a.filed_by, a.channel, a.form, a.prefill,
      a.created_at, a.updated_at));
}

Status set_application_number(db::Connection& conn, std::int64_t id, std::string_view number) {
  return db::done(
      conn.exec("UPDATE service_bundle_application SET number = ? WHERE id = ?", number, id));
}

Status update_application(db::Connection& conn, const BundleApplication& a) {
  return db::done(conn.exec(
      "UPDATE service_bundle_application SET form = ?, prefill = ?, updated_at = ? WHERE id = ?",
      a.form, a.prefill, a.updated_at, a.id));
}

Result<std::optional<BundleApplication>> find_application(db::Connection& conn,
                                                          std::string_view number) {
  return db::first_row<BundleApplication>(
      conn.query(fmt::format("SELECT {} FROM service_bundle_application WHERE number = ?",
                             kApplicationColumns),
                 number),
      application_of);
}

Status insert_child(db::Connection& conn, std::int64_t application_id, std::int64_t case_id,
                    std::int64_t position) {
  return db::done(conn.exec(
      "INSERT INTO service_bundle_case (application_id, position, case_id) VALUES (?, ?, ?)",
      application_id, position, case_id));
}

Result<std::vector<std::string>> child_numbers(db::Connection& conn, std::int64_t application_id) {
  ZT_ASSIGN_OR_RETURN(auto rows,
                      conn.query("SELECT c.number FROM service_bundle_case b JOIN service_case c "
                                 "ON c.id = b.case_id WHERE b.application_id = ? ORDER BY "
                                 "b.position",
                                 application_id));
  std::vector<std::string> out;
  for (std::size_t i = 0; i < rows.size(); ++i)
    out.push_back(rows[i].get<std::string>(0));
  return out;
}

Result<std::vector<BundleApplication>> applicant_applications(db::Connection& conn,
                                                              std::int64_t user,
                                                              std::string_view key,
                                                              std::int64_t before, int limit) {
  return db::map_rows<BundleApplication>(
      conn.query(fmt::format("SELECT {} FROM service_bundle_application WHERE "
                             "(applicant_user_id = ? OR applicant_key = ?) AND id < ? ORDER BY id "
                             "DESC LIMIT {}",
                             kApplicationColumns, limit),
                 user, key, bound(before)),
      application_of);
}

}  // namespace store

}  // namespace zt::services
