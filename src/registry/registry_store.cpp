#include "registry/registry_store.h"

#include "db/rows.h"

#include <fmt/format.h>

#include <algorithm>
#include <boost/json.hpp>

namespace zt::registry {

namespace json = boost::json;

std::vector<db::Migration> registry_migrations() {
  return {
      {.version = 520, .name = "create_registry_tables", .sql = R"sql(
CREATE TABLE registry_config (
  registry TEXT PRIMARY KEY,
  resource_code TEXT NOT NULL,
  updated_at BIGINT NOT NULL
);
CREATE TABLE registry_mapping (
  registry TEXT NOT NULL,
  attribute TEXT NOT NULL,
  resource_code TEXT NOT NULL,
  field TEXT NOT NULL,
  priority INTEGER NOT NULL,
  PRIMARY KEY (registry, attribute, resource_code)
);
CREATE TABLE registry_cursor (
  registry TEXT NOT NULL,
  resource_code TEXT NOT NULL,
  last_seq BIGINT NOT NULL,
  PRIMARY KEY (registry, resource_code)
);
CREATE TABLE registry_source (
  registry TEXT NOT NULL,
  rkey TEXT NOT NULL,
  resource_code TEXT NOT NULL,
  vals TEXT NOT NULL,
  batch_id BIGINT NOT NULL,
  seq BIGINT NOT NULL,
  changed_at BIGINT NOT NULL,
  PRIMARY KEY (registry, rkey, resource_code)
);
CREATE TABLE registry_record (
  registry TEXT NOT NULL,
  rkey TEXT NOT NULL,
  name TEXT,
  county_code TEXT NOT NULL,
  birth_year TEXT,
  gender TEXT,
  alive INTEGER NOT NULL,
  category TEXT,
  status TEXT,
  vals TEXT NOT NULL,
  provenance TEXT NOT NULL,
  updated_at BIGINT NOT NULL,
  deleted INTEGER NOT NULL DEFAULT 0,
  pending INTEGER NOT NULL DEFAULT 1,
  PRIMARY KEY (registry, rkey)
);
CREATE INDEX registry_record_county ON registry_record (registry, county_code);
CREATE INDEX registry_record_pending ON registry_record (registry, pending, rkey);
CREATE TABLE registry_conflict (
  id {{id}},
  registry TEXT NOT NULL,
  rkey TEXT NOT NULL,
  attribute TEXT NOT NULL,
  digest TEXT NOT NULL,
  candidates TEXT NOT NULL,
  status TEXT NOT NULL,
  resolution TEXT,
  note TEXT NOT NULL DEFAULT '',
  resolved_by BIGINT,
  resolved_by_name TEXT NOT NULL DEFAULT '',
  resolved_at BIGINT,
  created_at BIGINT NOT NULL,
  updated_at BIGINT NOT NULL
);
CREATE INDEX registry_conflict_status ON registry_conflict (registry, status, id);
CREATE INDEX registry_conflict_key ON registry_conflict (registry, rkey, attribute);
)sql"},
      // A golden record's provenance follows from its sources and resolutions (merge() is
      // deterministic): it is derived when a record is read instead of stored with each record,
      // where it was two thirds of the row (~800 bytes a person).
      {.version = 521,
       .name = "registry_record_without_provenance",
       .sql = "ALTER TABLE registry_record DROP COLUMN provenance;"},
      // The figures by county count from this index alone (a fraction of the table's bytes),
      // in group order; it replaces the county index, which nothing else read.
      {.version = 522, .name = "registry_record_figures_index", .sql = R"sql(
DROP INDEX registry_record_county;
CREATE INDEX registry_record_figures ON registry_record
  (registry, deleted, alive, county_code, birth_year, gender, category, status);
)sql"},
      // A key's conflicts of one status, in id order: the person read's open conflicts were found
      // through registry_conflict_status, walking every open conflict of the registry (issue
      // 16); this index gives them directly, and serves every other lookup by key (sync, the
      // resolutions, the merge's IN queries), so it replaces registry_conflict_key.
      {.version = 523, .name = "registry_conflict_by_key_index", .sql = R"sql(
DROP INDEX registry_conflict_key;
CREATE INDEX registry_conflict_by_key ON registry_conflict (registry, rkey, status, id);
)sql"},
      // The stewards' list of every conflict of a registry in id order (no status, no key):
      // it was sorted from registry_conflict_status, every conflict of the registry per page
      // (issue 16: 1.2 ms at 20 000 people, 15.4 ms at 1 M); this index gives the page as one
      // walk from the cursor. A status keeps registry_conflict_status, a key
      // registry_conflict_by_key.
      {.version = 524, .name = "registry_conflict_by_registry_index", .sql = R"sql(
CREATE INDEX registry_conflict_by_registry ON registry_conflict (registry, id);
)sql"},
      // The figures' counts, kept as golden records change (FigureDeltas, write_figures), filled
      // from the records already there.
      {.version = 530, .name = "registry_figure_counts", .sql = R"sql(
CREATE TABLE registry_figure (
  registry TEXT NOT NULL,
  county_code TEXT NOT NULL,
  alive INTEGER NOT NULL,
  birth_year TEXT NOT NULL,
  gender TEXT NOT NULL,
  category TEXT NOT NULL,
  status TEXT NOT NULL,
  records BIGINT NOT NULL,
  PRIMARY KEY (registry, county_code, alive, birth_year, gender, category, status)
);
INSERT INTO registry_figure (registry, county_code, alive, birth_year, gender, category, status,
                             records)
SELECT registry, county_code, alive, COALESCE(birth_year, ''), COALESCE(gender, ''),
       COALESCE(category, ''), COALESCE(status, ''), COUNT(*)
FROM registry_record WHERE deleted = 0
GROUP BY registry, county_code, alive, COALESCE(birth_year, ''), COALESCE(gender, ''),
         COALESCE(category, ''), COALESCE(status, '');
)sql"},
  };
}

namespace store {

namespace {

std::string name_of(RegistryKind kind) {
  return std::string(to_string(kind));
}

std::optional<std::string> text_of(const Merged& m, std::string_view attribute) {
  auto it = m.values.find(attribute);
  if (it == m.values.end() || it->second.is_null()) return std::nullopt;
  if (it->second.is_string()) return std::string(it->second.get_string());
  return json::serialize(it->second);
}

constexpr std::string_view kConflictColumns =
    "id, registry, rkey, attribute, digest, candidates, status, resolution, note, resolved_by, "
    "resolved_by_name, resolved_at, created_at";

// Reads a row of `SELECT kConflictColumns`.
Conflict conflict_of(const db::Row& row) {
  Conflict c;
  db::into(row, c.id, c.registry, c.key, c.attribute, c.digest, c.candidates, c.status,
           c.resolution, c.note, c.resolved_by, c.resolved_by_name, c.resolved_at, c.created_at);
  return c;
}

// One registry_source row as SourceValues: the columns resource_code, vals, batch_id, seq,
// changed_at from column `first` on.
Result<SourceValues> source_of(const db::Row& row, std::size_t first) {
  SourceValues s;
  s.resource_code = row.get<std::string>(first);
  boost::system::error_code ec;
  json::value v = json::parse(row.get<std::string>(first + 1), ec);
  if (ec || !v.is_object()) {
    return Error::internal(
        "registry_corrupt",
        fmt::format("a registry_source row of {} is not a JSON object", s.resource_code));
  }
  for (const auto& [name, value] : v.get_object())
    s.values.emplace(std::string(name), value);
  s.batch_id = row.get<std::int64_t>(first + 2);
  s.seq = row.get<std::int64_t>(first + 3);
  s.changed_at = row.get<std::int64_t>(first + 4);
  return s;
}

}  // namespace

Result<std::optional<Config>> read_config(db::Connection& conn, RegistryKind kind) {
  ZT_ASSIGN_OR_RETURN(auto rows,
                      conn.query("SELECT resource_code, updated_at FROM registry_config WHERE "
                                 "registry = ?",
                                 name_of(kind)));
  if (rows.empty()) return std::optional<Config>();
  Config c;
  c.resource_code = rows[0].get<std::string>(0);
  c.updated_at = rows[0].get<std::int64_t>(1);
  ZT_ASSIGN_OR_RETURN(auto maps, conn.query("SELECT attribute, resource_code, field, priority "
                                            "FROM registry_mapping WHERE registry = ? ORDER BY "
                                            "attribute, priority DESC, resource_code",
                                            name_of(kind)));
  for (std::size_t i = 0; i < maps.size(); ++i) {
    c.mappings.push_back({maps[i].get<std::string>(0), maps[i].get<std::string>(1),
                          maps[i].get<std::string>(2), maps[i].get<int>(3)});
  }
  return std::optional<Config>(std::move(c));
}

Status write_config(db::Connection& conn, RegistryKind kind, const Config& config) {
  const std::string r = name_of(kind);
  ZT_TRY(db::done(conn.exec("DELETE FROM registry_config WHERE registry = ?", r)));
  ZT_TRY(
      db::done(conn.exec("INSERT INTO registry_config (registry, resource_code, updated_at) "
                         "VALUES (?, ?, ?)",
                         r, config.resource_code, config.updated_at)));
  ZT_TRY(db::done(conn.exec("DELETE FROM registry_mapping WHERE registry = ?", r)));
  for (const Mapping& m : config.mappings) {
    ZT_TRY(
        db::done(conn.exec("INSERT INTO registry_mapping (registry, attribute, resource_code, "
                           "field, priority) VALUES (?, ?, ?, ?, ?)",
                           r, m.attribute, m.resource_code, m.field, m.priority)));
  }
  return {};
}

Result<std::int64_t> cursor(db::Connection& conn, RegistryKind kind, std::string_view resource) {
  ZT_ASSIGN_OR_RETURN(auto rows, conn.query("SELECT last_seq FROM registry_cursor WHERE registry "
                                            "= ? AND resource_code = ?",
                                            name_of(kind), resource));
  return rows.empty() ? 0 : rows[0].get<std::int64_t>(0);
}

Status set_cursor(db::Connection& conn, RegistryKind kind, std::string_view resource,
                  std::int64_t seq) {
  return db::done(
      conn.exec("INSERT INTO registry_cursor (registry, resource_code, last_seq) VALUES "
                "(?, ?, ?) ON CONFLICT (registry, resource_code) DO UPDATE SET last_seq "
                "= excluded.last_seq",
                name_of(kind), resource, seq));
}

Result<std::vector<SourceValues>> sources(db::Connection& conn, RegistryKind kind,
                                          std::string_view key) {
  return db::map_rows<SourceValues>(
      conn.query("SELECT resource_code, vals, batch_id, seq, changed_at FROM registry_source "
                 "WHERE registry = ? AND rkey = ? ORDER BY resource_code",
                 name_of(kind), key),
      [](const db::Row& row) { return source_of(row, 0); });
}

Result<std::vector<std::pair<std::string, SourceValues>>> source_range(db::Connection& conn,
                                                                       RegistryKind kind,
                                                                       std::string_view after_key,
                                                                       int limit) {
  ZT_ASSIGN_OR_RETURN(auto rows,
                      conn.query(fmt::format("SELECT rkey, resource_code, vals, batch_id, seq, "
                                             "changed_at FROM registry_source WHERE registry = ? "
                                             "AND rkey > ? ORDER BY rkey, resource_code LIMIT {}",
                                             limit),
                                 name_of(kind), after_key));
  std::vector<std::pair<std::string, SourceValues>> out;
  out.reserve(rows.size());
  for (std::size_t i = 0; i < rows.size(); ++i) {
    ZT_ASSIGN_OR_RETURN(SourceValues s, source_of(rows[i], 1));
    out.emplace_back(rows[i].get<std::string>(0), std::move(s));
  }
  return out;
}

Result<std::map<std::string, KeyState, std::less<>>> states(db::Connection& conn, RegistryKind kind,
                                                            const std::vector<std::string>& keys) {
  std::map<std::string, KeyState, std::less<>> out;
  const std::string registry = name_of(kind);
  constexpr std::size_t kChunk = 500;
  for (std::size_t start = 0; start < keys.size(); start += kChunk) {
    const std::size_t n = std::min(kChunk, keys.size() - start);
    std::string in = "?";
    for (std::size_t i = 1; i < n; ++i)
      in += ", ?";
    std::vector<db::Param> params{db::Param(registry)};
    for (std::size_t i = 0; i < n; ++i)
      params.emplace_back(std::string_view(keys[start + i]));
    ZT_ASSIGN_OR_RETURN(auto rows,
                        conn.query(fmt::format("SELECT rkey, resource_code, vals, batch_id, seq, "
                                               "changed_at FROM registry_source WHERE registry = "
                                               "? AND rkey IN ({}) ORDER BY rkey, resource_code",
                                               in),
                                   params));
    for (std::size_t i = 0; i < rows.size(); ++i) {
      ZT_ASSIGN_OR_RETURN(SourceValues s, source_of(rows[i], 1));
      out[rows[i].get<std::string>(0)].sources.push_back(std::move(s));
    }
    ZT_ASSIGN_OR_RETURN(auto conflicts,
                        conn.query(fmt::format("SELECT rkey, id, attribute, digest, status, "
                                               "resolution, resolved_at FROM registry_conflict "
                                               "WHERE registry = ? AND rkey IN ({}) AND status IN "
                                               "('open', 'resolved')",
                                               in),
                                   params));
    for (std::size_t i = 0; i < conflicts.size(); ++i) {
      KeyState& state = out[conflicts[i].get<std::string>(0)];
      const std::int64_t id = conflicts[i].get<std::int64_t>(1);
      std::string attribute = conflicts[i].get<std::string>(2);
      std::string digest = conflicts[i].get<std::string>(3);
      if (conflicts[i].get<std::string>(4) == "open") {
        state.open.push_back({id, std::move(attribute), std::move(digest)});
        continue;
      }
      boost::system::error_code ec;
      json::value value = json::parse(conflicts[i].get<std::string>(5), ec);
      if (ec) continue;
      state.resolutions.push_back({id, std::move(attribute), std::move(digest), std::move(value),
                                   conflicts[i].get<std::int64_t>(6)});
    }
  }
  return out;
}

Status put_source(db::Connection& conn, RegistryKind kind, std::string_view key,
                  const SourceValues& source) {
  json::object values;
  for (const auto& [name, value] : source.values)
    values[name] = value;
  return db::done(conn.exec(
      "INSERT INTO registry_source (registry, rkey, resource_code, vals, batch_id, seq, "
      "changed_at) VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT (registry, rkey, resource_code) DO "
      "UPDATE SET vals = excluded.vals, batch_id = excluded.batch_id, seq = excluded.seq, "
      "changed_at = excluded.changed_at",
      name_of(kind), key, source.resource_code, json::serialize(values), source.batch_id,
      source.seq, source.changed_at));
}

Status delete_source(db::Connection& conn, RegistryKind kind, std::string_view key,
                     std::string_view resource) {
  return db::done(
      conn.exec("DELETE FROM registry_source WHERE registry = ? AND rkey = ? AND "
                "resource_code = ?",
                name_of(kind), key, resource));
}

Result<std::optional<GoldenRecord>> record(db::Connection& conn, RegistryKind kind,
                                           std::string_view key) {
  ZT_ASSIGN_OR_RETURN(auto rows, conn.query("SELECT vals, updated_at FROM registry_record WHERE "
                                            "registry = ? AND rkey = ? AND deleted = 0",
                                            name_of(kind), key));
  if (rows.empty()) return std::optional<GoldenRecord>();
  return std::optional<GoldenRecord>(
      GoldenRecord{std::string(key), rows[0].get<std::string>(0), rows[0].get<std::int64_t>(1)});
}

namespace {

constexpr std::string_view kFigureColumns =
    "county_code, alive, COALESCE(birth_year, ''), COALESCE(gender, ''), COALESCE(category, ''), "
    "COALESCE(status, '')";

// A row of `SELECT kFigureColumns`.
FigureKey figure_key_of(const db::Row& row) {
  FigureKey k;
  db::into(row, k.county_code, k.alive, k.birth_year, k.gender, k.category, k.status);
  return k;
}

}  // namespace

// Every statement finds the record through the primary key's conflict check (ON CONFLICT), never
// through a plan: a plan made while the table was empty (a fresh build's prepared statements) may
// read the figures index instead and walk the registry for each record.
Status put_record(db::Connection& conn, RegistryKind kind, std::string_view key,
                  const Merged& merged, std::int64_t now, FigureDeltas& figures) {
  json::object values;
  for (const auto& [name, value] : merged.values)
    values[name] = value;
  const bool person = kind == RegistryKind::kPerson;
  const std::string division = text_of(merged, "division_code").value_or("");
  const std::string county = division.size() >= 6 ? division.substr(0, 6) : "";
  const auto birth = text_of(merged, "birth_date");
  const std::optional<std::string> birth_year =
      birth && birth->size() >= 4 ? std::optional<std::string>(birth->substr(0, 4)) : std::nullopt;
  const auto alive = text_of(merged, "alive");
  const std::optional<std::string> year = person ? birth_year : std::nullopt;
  const std::optional<std::string> gender = person ? text_of(merged, "gender") : std::nullopt;
  const std::optional<std::string> category = person ? std::nullopt : text_of(merged, "industry");
  const std::optional<std::string> status = person ? std::nullopt : text_of(merged, "status");
  const std::int64_t alive_flag = alive != "false" ? 1 : 0;
  const std::string vals = json::serialize(values);
  const std::string registry = name_of(kind);
  const FigureKey after{county,
                        alive_flag,
                        year.value_or(""),
                        gender.value_or(""),
                        category.value_or(""),
                        status.value_or("")};
  constexpr std::string_view kInsert =
      "INSERT INTO registry_record (registry, rkey, name, county_code, birth_year, gender, alive, "
      "category, status, vals, updated_at, deleted, pending) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, "
      "?, ?, 0, 1) ON CONFLICT (registry, rkey) DO ";
  // A new key (every key of a fresh build): one statement.
  ZT_ASSIGN_OR_RETURN(
      std::int64_t inserted,
      conn.exec(std::string(kInsert) + "NOTHING", registry, key, text_of(merged, "name"), county,
                year, gender, alive_flag, category, status, vals, now));
  if (inserted == 1) {
    figures[after] += 1;
    return {};
  }
  // The record exists: lock it and read what it counts under (a no-op update). Should it have
  // gone meanwhile, this inserts a deleted placeholder — counted nowhere — that the next
  // statement overwrites.
  ZT_ASSIGN_OR_RETURN(
      auto old,
      conn.query(fmt::format("INSERT INTO registry_record (registry, rkey, county_code, alive, "
                             "vals, updated_at, deleted, pending) VALUES (?, ?, '', 1, '{{}}', ?, "
                             "1, 1) ON CONFLICT (registry, rkey) DO UPDATE SET pending = 1 "
                             "RETURNING {}, deleted",
                             kFigureColumns),
                 registry, key, now));
  if (old.size() != 1) {
    return Error::internal("database_error", "An upsert of a golden record returned no row.");
  }
  if (old[0].get<std::int64_t>(6) == 0) figures[figure_key_of(old[0])] -= 1;
  ZT_TRY(db::done(conn.exec(
      std::string(kInsert) +
          "UPDATE SET deleted = 0, pending = 1, name = excluded.name, county_code = "
          "excluded.county_code, birth_year = excluded.birth_year, gender = excluded.gender, "
          "alive = excluded.alive, category = excluded.category, status = excluded.status, vals "
          "= excluded.vals, updated_at = CASE WHEN excluded.updated_at > "
          "registry_record.updated_at THEN excluded.updated_at ELSE registry_record.updated_at + "
          "1 END",
      registry, key, text_of(merged, "name"), county, year, gender, alive_flag, category, status,
      vals, now)));
  figures[after] += 1;
  return {};
}

Status delete_record(db::Connection& conn, RegistryKind kind, std::string_view key,
                     std::int64_t now, FigureDeltas& figures) {
  // updated_at only grows, so mark_published can tell a later change from the one published.
  constexpr std::string_view kDelete =
      "UPDATE registry_record SET deleted = 1, pending = 1, vals = '{}', updated_at = CASE WHEN ? "
      "> updated_at THEN ? ELSE updated_at + 1 END WHERE registry = ? AND rkey = ?";
  // A counted record: the update locks it, and returns what it counted under (the delete leaves
  // those columns as they were).
  ZT_ASSIGN_OR_RETURN(auto counted, conn.query(fmt::format("{} AND deleted = 0 RETURNING {}",
                                                           kDelete, kFigureColumns),
                                               now, now, name_of(kind), key));
  if (!counted.empty()) {
    figures[figure_key_of(counted[0])] -= 1;
    return {};
  }
  // Absent, or deleted already (marked pending again, as before).
  return db::done(conn.exec(kDelete, now, now, name_of(kind), key));
}

Status write_figures(db::Connection& conn, RegistryKind kind, const FigureDeltas& figures) {
  constexpr std::size_t kChunk = 100;  // 8 parameters a row: within SQLite's 999
  const std::string registry = name_of(kind);
  auto it = figures.begin();
  while (it != figures.end()) {
    std::string sql =
        "INSERT INTO registry_figure (registry, county_code, alive, birth_year, gender, category, "
        "status, records) VALUES ";
    std::vector<db::Param> params;
    std::size_t n = 0;
    for (; it != figures.end() && n < kChunk; ++it) {
      if (it->second == 0) continue;
      const FigureKey& k = it->first;
      sql += n++ ? ", (?, ?, ?, ?, ?, ?, ?, ?)" : "(?, ?, ?, ?, ?, ?, ?, ?)";
      for (db::Param p :
           {db::Param(std::string_view(registry)), db::Param(std::string_view(k.county_code)),
            db::Param(k.alive), db::Param(std::string_view(k.birth_year)),
            db::Param(std::string_view(k.gender)), db::Param(std::string_view(k.category)),
            db::Param(std::string_view(k.status)), db::Param(it->second)}) {
        params.push_back(p);
      }
    }
    if (n == 0) break;
    sql +=
        " ON CONFLICT (registry, county_code, alive, birth_year, gender, category, status) DO "
        "UPDATE SET records = registry_figure.records + excluded.records";
    ZT_TRY(db::done(conn.exec(sql, params)));
  }
  return {};
}

Result<std::vector<PendingRecord>> pending(db::Connection& conn, RegistryKind kind,
                                           std::string_view after_key, int limit) {
  return db::map_rows<PendingRecord>(
      conn.query(fmt::format("SELECT rkey, vals, deleted, updated_at FROM registry_record WHERE "
                             "registry = ? AND pending = 1 AND rkey > ? ORDER BY rkey LIMIT {}",
                             limit),
                 name_of(kind), after_key),
      [](const db::Row& row) {
        return PendingRecord{row.get<std::string>(0), row.get<std::string>(1),
                             row.get<std::int64_t>(2) != 0, row.get<std::int64_t>(3)};
      });
}

Status mark_published(db::Connection& conn, RegistryKind kind, std::string_view first_key,
                      std::string_view last_key, std::int64_t read_at) {
  const std::string registry = name_of(kind);
  ZT_TRY(
      db::done(conn.exec("DELETE FROM registry_record WHERE registry = ? AND pending = 1 AND rkey "
                         ">= ? AND rkey <= ? AND deleted = 1 AND updated_at <= ?",
                         registry, first_key, last_key, read_at)));
  return db::done(
      conn.exec("UPDATE registry_record SET pending = 0 WHERE registry = ? AND pending = "
                "1 AND rkey >= ? AND rkey <= ? AND updated_at <= ?",
                registry, first_key, last_key, read_at));
}

Result<std::vector<Resolution>> resolutions(db::Connection& conn, RegistryKind kind,
                                            std::string_view key) {
  ZT_ASSIGN_OR_RETURN(auto rows, conn.query("SELECT id, attribute, digest, resolution, "
                                            "resolved_at FROM registry_conflict WHERE registry "
                                            "= ? AND rkey = ? AND status = 'resolved'",
                                            name_of(kind), key));
  std::vector<Resolution> out;
  for (std::size_t i = 0; i < rows.size(); ++i) {
    boost::system::error_code ec;
    json::value v = json::parse(rows[i].get<std::string>(3), ec);
    if (ec) continue;
    out.push_back({rows[i].get<std::int64_t>(0), rows[i].get<std::string>(1),
                   rows[i].get<std::string>(2), std::move(v), rows[i].get<std::int64_t>(4)});
  }
  return out;
}

Result<std::vector<Conflict>> key_conflicts(db::Connection& conn, RegistryKind kind,
                                            std::string_view key) {
  // Sorted here, not by ORDER BY id: with it SQLite walks registry_conflict_by_registry (which
  // gives the order) through every conflict of the registry instead of the key's few.
  ZT_ASSIGN_OR_RETURN(
      auto out, db::map_rows<Conflict>(
                    conn.query(fmt::format("SELECT {} FROM registry_conflict WHERE registry = ? "
                                           "AND rkey = ? AND status IN ('open', 'resolved')",
                                           kConflictColumns),
                               name_of(kind), key),
                    conflict_of));
  std::ranges::sort(out, {}, &Conflict::id);
  return out;
}

std::vector<Resolution> resolutions_of(const std::vector<Conflict>& conflicts) {
  std::vector<Resolution> out;
  for (const Conflict& c : conflicts) {
    if (c.status != "resolved" || !c.resolution) continue;
    boost::system::error_code ec;
    json::value v = json::parse(*c.resolution, ec);
    if (ec) continue;
    out.push_back({c.id, c.attribute, c.digest, std::move(v), c.resolved_at.value_or(0)});
  }
  return out;
}

Result<int> sync_conflicts(db::Connection& conn, RegistryKind kind, std::string_view key,
                           const std::vector<MergeConflict>& open, std::int64_t now) {
  ZT_ASSIGN_OR_RETURN(auto rows, conn.query("SELECT id, attribute, digest FROM registry_conflict "
                                            "WHERE registry = ? AND rkey = ? AND status = "
                                            "'open'",
                                            name_of(kind), key));
  std::vector<OpenConflict> known;
  for (std::size_t i = 0; i < rows.size(); ++i) {
    known.push_back(
        {rows[i].get<std::int64_t>(0), rows[i].get<std::string>(1), rows[i].get<std::string>(2)});
  }
  return sync_conflicts(conn, kind, key, known, open, now);
}

Result<int> sync_conflicts(db::Connection& conn, RegistryKind kind, std::string_view key,
                           const std::vector<OpenConflict>& known,
                           const std::vector<MergeConflict>& open, std::int64_t now) {
  std::vector<bool> still(open.size(), false);
  for (const OpenConflict& k : known) {
    bool kept = false;
    for (std::size_t j = 0; j < open.size(); ++j) {
      if (!still[j] && open[j].attribute == k.attribute && open[j].digest == k.digest) {
        still[j] = kept = true;
      }
    }
    if (!kept) {
      ZT_TRY(
          db::done(conn.exec("UPDATE registry_conflict SET status = 'gone', updated_at = ? WHERE "
                             "id = ?",
                             now, k.id)));
    }
  }
  int opened = 0;
  for (std::size_t j = 0; j < open.size(); ++j) {
    if (still[j]) continue;
    json::array candidates;
    for (const Candidate& c : open[j].candidates) {
      candidates.push_back(json::object{{"resource_code", c.resource_code},
                                        {"value", c.value},
                                        {"priority", c.priority},
                                        {"changed_at", c.changed_at}});
    }
    ZT_TRY(
        db::done(conn.exec("INSERT INTO registry_conflict (registry, rkey, attribute, digest, "
                           "candidates, status, created_at, updated_at) VALUES (?, ?, ?, ?, ?, "
                           "'open', ?, ?)",
                           name_of(kind), key, open[j].attribute, open[j].digest,
                           json::serialize(candidates), now, now)));
    ++opened;
  }
  return opened;
}

Result<std::vector<Conflict>> conflicts(db::Connection& conn, RegistryKind kind,
                                        std::optional<std::string> status,
                                        std::optional<std::string> key, std::int64_t after_id,
                                        int limit) {
  // With a key, `+id` keeps SQLite on registry_conflict_by_key (the key's few conflicts) rather
  // than walking registry_conflict_by_registry from the cursor through the whole registry.
  std::string sql = fmt::format("SELECT {} FROM registry_conflict WHERE registry = ? AND {} > ?",
                                kConflictColumns, key ? "+id" : "id");
  const std::string registry = name_of(kind);  // outlives params, which view it
  std::vector<db::Param> params{db::Param(registry), db::Param(after_id)};
  if (status) {
    sql += " AND status = ?";
    params.emplace_back(std::string_view(*status));
  }
  if (key) {
    // A key has a few conflicts: all of them after the cursor, sorted here.
    sql += " AND rkey = ?";
    params.emplace_back(std::string_view(*key));
    ZT_ASSIGN_OR_RETURN(auto out, db::map_rows<Conflict>(conn.query(sql, params), conflict_of));
    std::ranges::sort(out, {}, &Conflict::id);
    if (out.size() > static_cast<std::size_t>(std::max(limit, 0))) out.resize(limit);
    return out;
  }
  sql += fmt::format(" ORDER BY id LIMIT {}", limit);
  return db::map_rows<Conflict>(conn.query(sql, params), conflict_of);
}

Result<std::optional<Conflict>> conflict(db::Connection& conn, std::int64_t id) {
  return db::first_row<Conflict>(
      conn.query(fmt::format("SELECT {} FROM registry_conflict WHERE id = ?", kConflictColumns),
                 id),
      conflict_of);
}

Status resolve_conflict(db::Connection& conn, std::int64_t id, std::string_view value_json,
                        std::string_view note, std::int64_t by, std::string_view by_name,
                        std::int64_t now) {
  return db::done(
      conn.exec("UPDATE registry_conflict SET status = 'resolved', resolution = ?, note "
                "= ?, resolved_by = ?, resolved_by_name = ?, resolved_at = ?, "
                "updated_at = ? WHERE id = ?",
                value_json, note, by, by_name, now, now, id));
}

Result<std::int64_t> count_records(db::Connection& conn, RegistryKind kind) {
  return db::scalar<std::int64_t>(
      conn.query("SELECT CAST(COALESCE(SUM(records), 0) AS BIGINT) FROM registry_figure WHERE "
                 "registry = ?",
                 name_of(kind)));
}

Result<std::int64_t> count_conflicts(db::Connection& conn, RegistryKind kind,
                                     std::string_view status) {
  return db::scalar<std::int64_t>(
      conn.query("SELECT COUNT(*) FROM registry_conflict WHERE "
                 "registry = ? AND status = ?",
                 name_of(kind), status));
}

Result<std::vector<FigureRow>> figures(db::Connection& conn, RegistryKind kind,
                                       std::string_view /*today*/) {
  const bool person = kind == RegistryKind::kPerson;
  // The counts' rows of the registry (a few per county and group), summed over what the
  // figures do not show; groups whose records all went are left out, as a count of the records
  // would.
  const std::string sql =
      person ? "SELECT county_code, birth_year || '|' || gender, CAST(SUM(records) AS BIGINT) "
               "FROM registry_figure WHERE registry = 'person' AND alive = 1 GROUP BY "
               "county_code, birth_year, gender HAVING SUM(records) <> 0 ORDER BY 1, 2"
             : "SELECT county_code, category || '|' || status, CAST(SUM(records) AS BIGINT) FROM "
               "registry_figure WHERE registry = 'entity' GROUP BY county_code, category, status "
               "HAVING SUM(records) <> 0 ORDER BY 1, 2";
  return db::map_rows<FigureRow>(conn.query(sql), [](const db::Row& row) {
    return FigureRow{row.get<std::string>(0), row.get<std::string>(1), row.get<std::int64_t>(2)};
  });
}

Status clear(db::Connection& conn, RegistryKind kind) {
  const std::string r = name_of(kind);
  ZT_TRY(db::done(conn.exec("DELETE FROM registry_source WHERE registry = ?", r)));
  ZT_TRY(db::done(conn.exec("DELETE FROM registry_record WHERE registry = ?", r)));
  ZT_TRY(db::done(conn.exec("DELETE FROM registry_figure WHERE registry = ?", r)));
  ZT_TRY(db::done(conn.exec("DELETE FROM registry_cursor WHERE registry = ?", r)));
  return db::done(
      conn.exec("DELETE FROM registry_conflict WHERE registry = ? AND status <> "
                "'resolved'",
                r));
}

}  // namespace store

}  // namespace zt::registry
