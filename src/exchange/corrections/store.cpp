#include "exchange/corrections/store.h"

#include "catalog/json.h"

#include <fmt/format.h>
#include <boost/json.hpp>

namespace zt::exchange {

namespace json = boost::json;

std::vector<db::Migration> correction_migrations() {
  // The status index serves the quality figures (open reports per resource).
  return {{.version = 460, .name = "create_exchange_corrections", .sql = R"sql(
CREATE TABLE exchange_correction (
  id {{id}},
  resource_id BIGINT NOT NULL,
  provider_department_id BIGINT NOT NULL,
  reporter_department_id BIGINT NOT NULL,
  record_key TEXT NOT NULL,
  fields TEXT NOT NULL,
  reason TEXT NOT NULL,
  status TEXT NOT NULL,
  reported_by BIGINT NOT NULL,
  reported_by_name TEXT NOT NULL,
  reported_at BIGINT NOT NULL,
  answered_by BIGINT,
  answered_by_name TEXT NOT NULL,
  answered_at BIGINT,
  answer TEXT NOT NULL
);
CREATE INDEX exchange_correction_provider ON exchange_correction (provider_department_id, id);
CREATE INDEX exchange_correction_reporter ON exchange_correction (reporter_department_id, id);
CREATE INDEX exchange_correction_status ON exchange_correction (status, resource_id);
)sql"}};
}

namespace corrections {

namespace {

constexpr std::string_view kColumns =
    "id, resource_id, provider_department_id, reporter_department_id, record_key, fields, "
    "reason, status, reported_by, reported_by_name, reported_at, answered_by, answered_by_name, "
    "answered_at, answer";

Correction correction_of(const db::Row& row) {
  Correction c;
  c.id = row.get<std::int64_t>(0);
  c.resource_id = row.get<std::int64_t>(1);
  c.provider_department_id = row.get<std::int64_t>(2);
  c.reporter_department_id = row.get<std::int64_t>(3);
  c.record_key = row.get<std::string>(4);
  c.fields = catalog::parse_string_list(row.get<std::string_view>(5));
  c.reason = row.get<std::string>(6);
  c.status = row.get<std::string>(7);
  c.reported_by = row.get<std::int64_t>(8);
  c.reported_by_name = row.get<std::string>(9);
  c.reported_at = row.get<std::int64_t>(10);
  c.answered_by = row.get<std::optional<std::int64_t>>(11);
  c.answered_by_name = row.get<std::string>(12);
  c.answered_at = row.get<std::optional<std::int64_t>>(13);
  c.answer = row.get<std::string>(14);
  return c;
}

}  // namespace

Result<std::int64_t> insert(db::Connection& conn, const Correction& c) {
  ZT_ASSIGN_OR_RETURN(
      auto rows,
      conn.query("INSERT INTO exchange_correction (resource_id, provider_department_id, "
                 "reporter_department_id, record_key, fields, reason, status, reported_by, "
                 "reported_by_name, reported_at, answered_by_name, answer) VALUES (?, ?, ?, ?, ?, "
                 "?, ?, ?, ?, ?, '', '') RETURNING id",
                 c.resource_id, c.provider_department_id, c.reporter_department_id, c.record_key,
                 catalog::string_list_json(c.fields), c.reason, c.status, c.reported_by,
                 c.reported_by_name, c.reported_at));
  return rows[0].get<std::int64_t>(0);
}

Result<std::optional<Correction>> find(db::Connection& conn, std::int64_t id) {
  ZT_ASSIGN_OR_RETURN(
      auto list,
      db::map_rows<Correction>(
          conn.query(fmt::format("SELECT {} FROM exchange_correction WHERE id = ?", kColumns), id),
          correction_of));
  if (list.empty()) return std::optional<Correction>();
  return std::optional<Correction>(std::move(list.front()));
}

Status update_answer(db::Connection& conn, const Correction& c) {
  ZT_TRY(
      conn.exec("UPDATE exchange_correction SET status = ?, answered_by = ?, "
                "answered_by_name = ?, answered_at = ?, answer = ? WHERE id = ?",
                c.status, c.answered_by, c.answered_by_name, c.answered_at, c.answer, c.id));
  return {};
}

Result<std::vector<Correction>> list(db::Connection& conn, std::int64_t department_id,
                                     bool as_provider, std::optional<std::string> status,
                                     std::int64_t before, int limit) {
  const std::string sql = fmt::format(
      "SELECT {} FROM exchange_correction WHERE {} = ? AND id < ?{} ORDER BY id DESC LIMIT {}",
      kColumns, as_provider ? "provider_department_id" : "reporter_department_id",
      status ? " AND status = ?" : "", limit);
  const std::int64_t cursor = before > 0 ? before : INT64_MAX;
  if (status)
    return db::map_rows<Correction>(conn.query(sql, department_id, cursor, *status), correction_of);
  return db::map_rows<Correction>(conn.query(sql, department_id, cursor), correction_of);
}

Result<std::int64_t> open_count(db::Connection& conn, std::int64_t resource_id) {
  ZT_ASSIGN_OR_RETURN(auto rows, conn.query("SELECT count(*) FROM exchange_correction WHERE "
                                            "status = 'open' AND resource_id = ?",
                                            resource_id));
  return rows[0].get<std::int64_t>(0);
}

Result<std::map<std::int64_t, std::int64_t>> open_counts(db::Connection& conn) {
  ZT_ASSIGN_OR_RETURN(auto rows, conn.query("SELECT resource_id, count(*) FROM "
                                            "exchange_correction WHERE status = 'open' GROUP BY "
                                            "resource_id"));
  std::map<std::int64_t, std::int64_t> out;
  for (std::size_t i = 0; i < rows.size(); ++i)
    out[rows[i].get<std::int64_t>(0)] = rows[i].get<std::int64_t>(1);
  return out;
}

}  // namespace corrections

}  // namespace zt::exchange
