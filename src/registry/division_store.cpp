#include "registry/division_store.h"

#include "db/bulk_load.h"
#include "db/rows.h"

#include <fmt/format.h>

#include <algorithm>

namespace zt::registry {

std::vector<db::Migration> division_migrations() {
  return {{.version = 500, .name = "create_registry_division", .sql = R"sql(
CREATE TABLE registry_division (
  code TEXT PRIMARY KEY,
  name TEXT NOT NULL,
  level TEXT NOT NULL,
  parent_code TEXT,
  is_current BOOLEAN NOT NULL,
  updated_at BIGINT NOT NULL
);
CREATE INDEX registry_division_parent ON registry_division (parent_code, code);
CREATE INDEX registry_division_level ON registry_division (level, code);
CREATE TABLE registry_division_import (
  code TEXT PRIMARY KEY,
  name TEXT NOT NULL,
  level TEXT NOT NULL,
  parent_code TEXT
);
)sql"}};
}

namespace division_store {

namespace {

constexpr std::string_view kColumns = "code, name, level, parent_code, is_current, updated_at";

Division division_of(const db::Row& row) {
  return Division{
      .code = row.get<std::string>(0),
      .name = row.get<std::string>(1),
      .level = parse_division_level(row.get<std::string_view>(2)).value_or(DivisionLevel::kVillage),
      .parent_code = row.get<std::optional<std::string>>(3),
      .current = row.get<bool>(4),
      .updated_at = row.get<std::int64_t>(5)};
}

Result<std::int64_t> count(db::Connection& conn, std::string_view sql) {
  auto rows = conn.query(sql);
  if (!rows.ok()) return std::move(rows).error();
  return (*rows)[0].get<std::int64_t>(0);
}

}  // namespace

Result<DivisionImportCounts> merge(db::Transaction& tx, const DivisionSource& source,
                                   std::int64_t now_ms) {
  db::Connection& conn = tx.connection();
  ZT_TRY(conn.exec("DELETE FROM registry_division_import"));
  DivisionImportCounts counts;
  {
    auto bulk = db::BulkLoader::start(tx, "registry_division_import",
                                      {"code", "name", "level", "parent_code"});
    if (!bulk.ok()) return std::move(bulk).error();
    for (;;) {
      auto next = source();
      if (!next.ok()) return std::move(next).error();
      if (!next->has_value()) break;
      const Division& d = **next;
      ZT_TRY(bulk->add_row(d.code, d.name, to_string(d.level), d.parent_code));
      ++counts.rows;
    }
    auto loaded = bulk->finish();
    if (!loaded.ok()) return std::move(loaded).error();
  }

  constexpr std::string_view kDiffers =
      "(d.name <> i.name OR d.level <> i.level OR COALESCE(d.parent_code, '') <> "
      "COALESCE(i.parent_code, '') OR NOT d.is_current)";
  {
    auto added = count(conn,
                       "SELECT COUNT(*) FROM registry_division_import i WHERE NOT EXISTS "
                       "(SELECT 1 FROM registry_division d WHERE d.code = i.code)");
    if (!added.ok()) return std::move(added).error();
    counts.added = *added;
    auto changed = count(conn, fmt::format("SELECT COUNT(*) FROM registry_division_import i "
                                           "JOIN registry_division d ON d.code = i.code WHERE {}",
                                           kDiffers));
    if (!changed.ok()) return std::move(changed).error();
    counts.changed = *changed;
    auto retired = count(conn,
                         "SELECT COUNT(*) FROM registry_division d WHERE d.is_current AND NOT "
                         "EXISTS (SELECT 1 FROM registry_division_import i WHERE i.code = d.code)");
    if (!retired.ok()) return std::move(retired).error();
    counts.retired = *retired;
    counts.unchanged = counts.rows - counts.added - counts.changed;
  }
  ZT_TRY(conn.exec(
      "INSERT INTO registry_division (code, name, level, parent_code, is_current, updated_at) "
      "SELECT code, name, level, parent_code, TRUE, ? FROM registry_division_import WHERE TRUE "
      "ON CONFLICT (code) DO UPDATE SET name = excluded.name, level = excluded.level, "
      "parent_code = excluded.parent_code, is_current = TRUE, updated_at = excluded.updated_at "
      "WHERE registry_division.name <> excluded.name OR registry_division.level <> excluded.level "
      "OR COALESCE(registry_division.parent_code, '') <> COALESCE(excluded.parent_code, '') "
      "OR NOT registry_division.is_current",
      now_ms));
  ZT_TRY(conn.exec(
      "UPDATE registry_division SET is_current = FALSE, updated_at = ? WHERE is_current AND NOT "
      "EXISTS (SELECT 1 FROM registry_division_import i WHERE i.code = registry_division.code)",
      now_ms));
  ZT_TRY(conn.exec("DELETE FROM registry_division_import"));
  return counts;
}

Result<std::optional<Division>> find(db::Connection& conn, std::string_view code) {
  auto rows =
      conn.query(fmt::format("SELECT {} FROM registry_division WHERE code = ?", kColumns), code);
  if (!rows.ok()) return std::move(rows).error();
  if (rows->empty()) return std::optional<Division>();
  return std::optional<Division>(division_of((*rows)[0]));
}

Result<std::vector<Division>> find_many(db::Connection& conn,
                                        const std::vector<std::string>& codes) {
  std::vector<Division> out;
  if (codes.empty()) return out;
  // One statement for all of them (a code and its ancestors are at most five).
  std::string in = "?";
  std::vector<db::Param> params;
  params.reserve(codes.size());
  for (std::size_t i = 0; i < codes.size(); ++i) {
    if (i > 0) in += ", ?";
    params.emplace_back(std::string_view(codes[i]));
  }
  auto rows = conn.query(
      fmt::format("SELECT {} FROM registry_division WHERE code IN ({})", kColumns, in), params);
  if (!rows.ok()) return std::move(rows).error();
  out.reserve(rows->size());
  for (std::size_t i = 0; i < rows->size(); ++i)
    out.push_back(division_of((*rows)[i]));
  return out;
}

Result<std::vector<Division>> list(db::Connection& conn, const ListQuery& query) {
  std::string sql = fmt::format("SELECT {} FROM registry_division WHERE code > ?", kColumns);
  std::vector<db::Param> params{db::Param(std::string_view(query.after_code))};
  const std::string level = query.level ? std::string(to_string(*query.level)) : std::string();
  if (query.parent_code) {
    sql += " AND parent_code = ?";
    params.emplace_back(std::string_view(*query.parent_code));
  }
  if (query.level) {
    sql += " AND level = ?";
    params.emplace_back(std::string_view(level));
  }
  const std::string like = query.code_prefix + "%";
  if (!query.code_prefix.empty()) {
    sql += " AND code LIKE ?";
    params.emplace_back(std::string_view(like));
  }
  if (query.current_only) sql += " AND is_current";
  sql += " ORDER BY code LIMIT ?";
  params.emplace_back(static_cast<std::int64_t>(query.limit));
  return db::map_rows<Division>(conn.query(sql, params), division_of);
}

Result<std::vector<std::pair<DivisionLevel, std::int64_t>>> count_by_level(db::Connection& conn) {
  auto rows =
      conn.query("SELECT level, COUNT(*) FROM registry_division WHERE is_current GROUP BY level");
  if (!rows.ok()) return std::move(rows).error();
  std::vector<std::pair<DivisionLevel, std::int64_t>> out;
  for (const db::Row row : *rows) {
    if (auto level = parse_division_level(row.get<std::string_view>(0))) {
      out.emplace_back(*level, row.get<std::int64_t>(1));
    }
  }
  std::sort(out.begin(), out.end());
  return out;
}

}  // namespace division_store
}  // namespace zt::registry
