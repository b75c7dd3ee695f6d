#include "services/attachment_store.h"

#include "db/rows.h"

#include <fmt/format.h>

namespace zt::services {

std::vector<db::Migration> attachment_migrations() {
  return {{.version = 620, .name = "create_service_attachment", .sql = R"sql(
CREATE TABLE service_attachment (
  id {{id}},
  case_id BIGINT NOT NULL REFERENCES service_case (id),
  kind TEXT NOT NULL,
  material TEXT NOT NULL,
  file_name TEXT NOT NULL,
  content_type TEXT NOT NULL,
  size_bytes BIGINT NOT NULL,
  sm3 TEXT NOT NULL,
  uploaded_by BIGINT NOT NULL,
  uploaded_by_name TEXT NOT NULL,
  uploaded_at BIGINT NOT NULL,
  submitted_at BIGINT,
  content {{blob}} NOT NULL
);
CREATE INDEX service_attachment_case ON service_attachment (case_id, id);
)sql"}};
}

namespace attachment_store {

namespace {

constexpr std::string_view kColumns =
    "id, case_id, kind, material, file_name, content_type, size_bytes, sm3, uploaded_by, "
    "uploaded_by_name, uploaded_at, submitted_at";

Result<Attachment> attachment_of(const db::Row& row) {
  Attachment a;
  std::string kind, type;
  db::into(row, a.id, a.case_id, kind, a.material, a.file_name, type, a.size, a.sm3, a.uploaded_by,
           a.uploaded_by_name, a.uploaded_at, a.submitted_at);
  auto k = kAttachmentKindNames.parse(kind);
  auto t = kContentTypeNames.parse(type);
  if (!k || !t) return Error::internal("database_error", "A stored attachment is invalid.");
  a.kind = *k;
  a.content_type = *t;
  return a;
}

std::span<const std::uint8_t> as_bytes(std::string_view s) {
  return {reinterpret_cast<const std::uint8_t*>(s.data()), s.size()};
}

}  // namespace

Result<std::int64_t> insert(db::Connection& conn, const Attachment& a, std::string_view bytes) {
  return db::scalar<std::int64_t>(conn.query(
      "INSERT INTO service_attachment (case_id, kind, material, file_name, content_type, "
      "size_bytes, sm3, uploaded_by, uploaded_by_name, uploaded_at, submitted_at, content) "
      "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, NULL, ?) RETURNING id",
      a.case_id, kAttachmentKindNames.name_of(a.kind), a.material, a.file_name,
      kContentTypeNames.name_of(a.content_type), a.size, a.sm3, a.uploaded_by, a.uploaded_by_name,
      a.uploaded_at, as_bytes(bytes)));
}

Result<std::vector<Attachment>> list(db::Connection& conn, std::int64_t case_id) {
  return db::map_rows<Attachment>(
      conn.query(
          fmt::format("SELECT {} FROM service_attachment WHERE case_id = ? ORDER BY id", kColumns),
          case_id),
      attachment_of);
}

Result<std::optional<Attachment>> find(db::Connection& conn, std::int64_t case_id,
                                       std::int64_t id) {
  return db::first_row<Attachment>(
      conn.query(
          fmt::format("SELECT {} FROM service_attachment WHERE case_id = ? AND id = ?", kColumns),
          case_id, id),
      attachment_of);
}

Result<std::int64_t> count(db::Connection& conn, std::int64_t case_id) {
  return db::scalar<std::int64_t>(
      conn.query("SELECT count(*) FROM service_attachment WHERE case_id = ?", case_id));
}

Result<std::optional<std::string>> content(db::Connection& conn, std::int64_t id) {
  return db::first_row<std::string>(
      conn.query("SELECT content FROM service_attachment WHERE id = ?", id),
      [](const db::Row& row) { return row.get<std::string>(0); });
}

Result<bool> remove_unsubmitted(db::Connection& conn, std::int64_t id) {
  ZT_ASSIGN_OR_RETURN(
      auto n,
      conn.exec("DELETE FROM service_attachment WHERE id = ? AND submitted_at IS NULL", id));
  return n > 0;
}

Result<std::vector<std::string>> materials_present(db::Connection& conn, std::int64_t case_id) {
  return db::map_rows<std::string>(
      conn.query("SELECT DISTINCT material FROM service_attachment WHERE case_id = ? AND "
                 "kind = 'material'",
                 case_id),
      [](const db::Row& row) { return row.get<std::string>(0); });
}

Status submit_materials(db::Connection& conn, std::int64_t case_id, std::int64_t now) {
  return db::done(
      conn.exec("UPDATE service_attachment SET submitted_at = ? WHERE case_id = ? AND "
                "kind = 'material' AND submitted_at IS NULL",
                now, case_id));
}

Status submit_results(db::Connection& conn, std::int64_t case_id, std::span<const std::int64_t> ids,
                      std::int64_t now) {
  for (std::int64_t id : ids) {
    ZT_ASSIGN_OR_RETURN(auto n,
                        conn.exec("UPDATE service_attachment SET submitted_at = ? WHERE id = ? AND "
                                  "case_id = ? AND kind = 'result' AND submitted_at IS NULL",
                                  now, id, case_id));
    if (n == 0) {
      return Error::invalid(
          "invalid_body",
          fmt::format("\"attachments\": {} is not a result file uploaded for this decision.", id));
    }
  }
  return {};
}

Result<bool> lock_case_in(db::Connection& conn, std::int64_t case_id,
                          std::span<const std::string_view> states) {
  std::vector<db::Param> params{db::Param(case_id)};
  std::string sql = "UPDATE service_case SET version = version WHERE id = ? AND state IN (";
  for (std::size_t i = 0; i < states.size(); ++i) {
    sql += i == 0 ? "?" : ", ?";
    params.emplace_back(states[i]);
  }
  sql += ")";
  ZT_ASSIGN_OR_RETURN(auto n, conn.exec(sql, std::span<const db::Param>(params)));
  return n > 0;
}

}  // namespace attachment_store

}  // namespace zt::services
