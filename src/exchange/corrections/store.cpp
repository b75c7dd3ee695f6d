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
  db::into(row, c.id, c.resource_id, c.provider_department_id, c.reporter_department_id,
           c.record_key, db::parsed<std::string_view>(c.fields, catalog::parse_string_list),
           c.reason, c.status, c.reported_by, c.reported_by_name, c.reported_at, c.answered_by,
           c.answered_by_name, c.answered_at, c.answer);
  return c;
}

}  // namespace

Result<std::int64_t> insert(db::Connection& conn, const Correction& c) {
  return db::scalar<std::int64_t>(
      conn.query("INSERT INTO exchange_correction (resource_id, provider_department_id, "
                 "reporter_department_id, record_key, fields, reason, status, reported_by, "
                 "reported_by_name, reported_at, answered_by_name, answer) VALUES (?, ?, ?, ?, ?, "
                 "?, ?, ?, ?, ?, '', '') RETURNING id",
                 c.resource_id, c.provider_department_id, c.reporter_department_id, c.record_key,
                 catalog::string_list_json(c.fields), c.reason, c.status, c.reported_by,
                 c.reported_by_name, c.reported_at));
}

Result<std::optional<Correction>> find(db::Connection& conn, std::int64_t id) {
  return db::first_row<Correction>(
      conn.query(fmt::format("SELECT {} FROM exchange_correction WHERE id = ?", kColumns), id),
      correction_of);
}

Status update_answer(db::Connection& conn, const Correction& c) {
  return db::done(
      conn.exec("UPDATE exchange_correction SET status = ?, answered_by = ?, "
                "answered_by_name = ?, answered_at = ?, answer = ? WHERE id = ?",
                c.status, c.answered_by, c.answered_by_name, c.answered_at, c.answer, c.id));
}

Result<std::vector<Correction>> list(db::Connection& conn, std::int64_t department_id,
                                     bool as_provider, std::optional<std::string> status,
                                     std::int64_t before, int limit) {
  const db::NewestFirst page = db::newest_first(before, limit);
  const std::string sql =
      fmt::format("SELECT {} FROM exchange_correction WHERE {} = ?{} AND {}", kColumns,
                  as_provider ? "provider_department_id" : "reporter_department_id",
                  status ? " AND status = ?" : "", page.sql);
  if (status) {
    return db::map_rows<Correction>(conn.query(sql, department_id, *status, page.bound),
                                    correction_of);
  }
  return db::map_rows<Correction>(conn.query(sql, department_id, page.bound), correction_of);
}

Result<std::int64_t> open_count(db::Connection& conn, std::int64_t resource_id) {
  return db::scalar<std::int64_t>(
      conn.query("SELECT count(*) FROM exchange_correction WHERE "
                 "status = 'open' AND resource_id = ?",
                 resource_id));
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
