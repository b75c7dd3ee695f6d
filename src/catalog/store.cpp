#include "catalog/store.h"

#include "catalog/json.h"

#include <fmt/format.h>
#include <boost/json.hpp>

#include <array>

namespace zt::catalog {

namespace json = boost::json;

std::vector<db::Migration> migrations() {
  return {
      {.version = 300, .name = "create_catalog_tables", .sql = R"sql(
CREATE TABLE catalog_resource (
  id {{id}},
  code TEXT NOT NULL UNIQUE,
  name TEXT NOT NULL,
  department_id BIGINT NOT NULL,
  category TEXT NOT NULL,
  summary TEXT NOT NULL,
  format TEXT NOT NULL,
  share_type TEXT NOT NULL,
  share_condition TEXT NOT NULL,
  share_mode TEXT NOT NULL,
  open_type TEXT NOT NULL,
  open_condition TEXT NOT NULL,
  update_cycle TEXT NOT NULL,
  publish_date TEXT,
  related TEXT NOT NULL,
  keywords TEXT NOT NULL,
  fields TEXT NOT NULL,
  status TEXT NOT NULL,
  version BIGINT NOT NULL,
  search_text TEXT NOT NULL,
  created_by BIGINT NOT NULL,
  created_at BIGINT NOT NULL,
  updated_at BIGINT NOT NULL,
  published_at BIGINT,
  retired_at BIGINT
);
CREATE INDEX catalog_resource_department ON catalog_resource (department_id);
CREATE TABLE catalog_resource_version (
  resource_id BIGINT NOT NULL REFERENCES catalog_resource (id),
  version BIGINT NOT NULL,
  action TEXT NOT NULL,
  changes TEXT NOT NULL,
  changed_by BIGINT NOT NULL,
  changed_at BIGINT NOT NULL,
  snapshot TEXT NOT NULL,
  PRIMARY KEY (resource_id, version)
);
)sql"},
      // Keyword search that works for Chinese: trigrams. SQLite's trigram tokenizer needs 3+
      // characters per term; shorter terms fall back to LIKE on search_text (see search()).
      {.version = 301,
       .name = "create_catalog_search_index",
       .sqlite_sql = R"sql(
CREATE VIRTUAL TABLE catalog_resource_fts USING fts5(
  search_text, content='catalog_resource', content_rowid='id', tokenize='trigram');
CREATE TRIGGER catalog_resource_fts_insert AFTER INSERT ON catalog_resource BEGIN
  INSERT INTO catalog_resource_fts (rowid, search_text) VALUES (new.id, new.search_text);
END;
CREATE TRIGGER catalog_resource_fts_delete AFTER DELETE ON catalog_resource BEGIN
  INSERT INTO catalog_resource_fts (catalog_resource_fts, rowid, search_text)
  VALUES ('delete', old.id, old.search_text);
END;
CREATE TRIGGER catalog_resource_fts_update AFTER UPDATE OF search_text ON catalog_resource BEGIN
  INSERT INTO catalog_resource_fts (catalog_resource_fts, rowid, search_text)
  VALUES ('delete', old.id, old.search_text);
  INSERT INTO catalog_resource_fts (rowid, search_text) VALUES (new.id, new.search_text);
END;
)sql",
       // The operator class is named with the schema pg_trgm lives in, which need not be on the
       // search_path (an installation may keep extensions in a schema of their own).
       .postgres_sql = R"sql(
CREATE EXTENSION IF NOT EXISTS pg_trgm;
DO $$
DECLARE
  ext_schema text;
BEGIN
  SELECT n.nspname INTO ext_schema FROM pg_extension e
    JOIN pg_namespace n ON n.oid = e.extnamespace WHERE e.extname = 'pg_trgm';
  EXECUTE format('CREATE INDEX catalog_resource_search ON catalog_resource '
                 'USING gin (search_text %I.gin_trgm_ops)', ext_schema);
END
$$;
)sql"},
  };
}

namespace store {

namespace {

constexpr std::string_view kColumns =
    "id, code, name, department_id, category, summary, format, share_type, share_condition, "
    "share_mode, open_type, open_condition, update_cycle, publish_date, related, keywords, "
    "fields, status, version, created_by, created_at, updated_at, published_at, retired_at";

// What keyword search looks at.
std::string search_text(const Resource& r) {
  std::string text = r.code + " " + r.name + " " + r.summary;
  for (const auto& k : r.keywords)
    text += " " + k;
  for (const Field& f : r.fields)
    text += " " + f.label + " " + f.name;
  return text;
}

Result<Resource> from_row(const db::Row& row) {
  Resource r;
  r.id = row.get<std::int64_t>("id");
  r.code = row.get<std::string>("code");
  r.name = row.get<std::string>("name");
  r.department_id = row.get<std::int64_t>("department_id");
  r.category =
      parse_category(row.get<std::string_view>("category")).value_or(Category::kDepartment);
  r.summary = row.get<std::string>("summary");
  r.format = row.get<std::string>("format");
  r.share_type =
      parse_share_type(row.get<std::string_view>("share_type")).value_or(ShareType::kNone);
  r.share_condition = row.get<std::string>("share_condition");
  r.share_mode =
      parse_share_mode(row.get<std::string_view>("share_mode")).value_or(ShareMode::kApi);
  r.open_type = parse_open_type(row.get<std::string_view>("open_type")).value_or(OpenType::kClosed);
  r.open_condition = row.get<std::string>("open_condition");
  r.update_cycle = parse_update_cycle(row.get<std::string_view>("update_cycle"))
                       .value_or(UpdateCycle::kIrregular);
  r.publish_date = row.get<std::optional<std::string>>("publish_date");
  r.related = parse_string_list(row.get<std::string_view>("related"));
  r.keywords = parse_string_list(row.get<std::string_view>("keywords"));
  boost::system::error_code ec;
  json::value fields = json::parse(row.get<std::string_view>("fields"), ec);
  if (ec) return Error::internal("database_error", "A stored field list is not valid JSON.");
  ZT_ASSIGN_OR_RETURN(r.fields, fields_from_json(fields));
  r.status =
      parse_resource_status(row.get<std::string_view>("status")).value_or(ResourceStatus::kDraft);
  r.version = row.get<std::int64_t>("version");
  r.created_by = row.get<std::int64_t>("created_by");
  r.created_at = row.get<std::int64_t>("created_at");
  r.updated_at = row.get<std::int64_t>("updated_at");
  r.published_at = row.get<std::optional<std::int64_t>>("published_at");
  r.retired_at = row.get<std::optional<std::int64_t>>("retired_at");
  return r;
}

Result<std::optional<Resource>> one(Result<db::Rows> rows) {
  return db::first_row<Resource>(std::move(rows), from_row);
}

// Escapes LIKE wildcards; the statements say ESCAPE '\'.
std::string like_pattern(std::string_view term) {
  std::string out = "%";
  for (char c : term) {
    if (c == '%' || c == '_' || c == '\\') out += '\\';
    out += c;
  }
  out += '%';
  return out;
}

std::size_t utf8_length(std::string_view s) {
  std::size_t n = 0;
  for (unsigned char c : s) {
    if ((c & 0xC0) != 0x80) ++n;
  }
  return n;
}

// WHERE clause and parameters for a query, without the cursor.
struct Where {
  std::string sql;
  std::vector<std::string> text;  // owns the text parameters
  std::vector<db::Param> params;
};

Where where_of(db::Backend backend, const SearchQuery& q, std::string_view skip_facet) {
  Where w;
  w.text.reserve(16);
  std::vector<std::string> clauses;
  auto add_text = [&](std::string clause, std::string value) {
    clauses.push_back(std::move(clause));
    w.text.push_back(std::move(value));
  };
  std::size_t start = 0;
  const std::string& text = q.text;
  while (start < text.size()) {
    std::size_t end = text.find(' ', start);
    if (end == std::string::npos) end = text.size();
    std::string term = text.substr(start, end - start);
    start = end + 1;
    if (term.empty()) continue;
    if (backend == db::Backend::kSqlite && utf8_length(term) >= 3) {
      std::string quoted = "\"";
      for (char c : term) {
        quoted += c;
        if (c == '"') quoted += '"';
      }
      quoted += '"';
      add_text("id IN (SELECT rowid FROM catalog_resource_fts WHERE catalog_resource_fts MATCH ?)",
               std::move(quoted));
    } else if (backend == db::Backend::kSqlite) {
      add_text("search_text LIKE ? ESCAPE '\\'", like_pattern(term));
    } else {
      add_text("search_text ILIKE ? ESCAPE '\\'", like_pattern(term));
    }
  }
  if (q.category && skip_facet != "category") {
    add_text("category = ?", std::string(to_string(*q.category)));
  }
  if (q.share_type && skip_facet != "share_type") {
    add_text("share_type = ?", std::string(to_string(*q.share_type)));
  }
  if (q.open_type && skip_facet != "open_type") {
    add_text("open_type = ?", std::string(to_string(*q.open_type)));
  }
  if (q.update_cycle && skip_facet != "update_cycle") {
    add_text("update_cycle = ?", std::string(to_string(*q.update_cycle)));
  }
  if (q.status) add_text("status = ?", std::string(to_string(*q.status)));
  // Integer parameters after the text ones: remember where each goes.
  std::vector<std::pair<std::size_t, std::int64_t>> ints;
  if (q.department_id && skip_facet != "department_id") {
    ints.emplace_back(clauses.size(), *q.department_id);
    clauses.push_back("department_id = ?");
  }
  if (q.own_department) {
    ints.emplace_back(clauses.size(), *q.own_department);
    clauses.push_back("(department_id = ? OR (status <> 'draft' AND share_type <> 'none'))");
  }
  // Parameters in clause order.
  std::size_t t = 0, i = 0;
  for (std::size_t c = 0; c < clauses.size(); ++c) {
    if (i < ints.size() && ints[i].first == c) {
      w.params.emplace_back(ints[i].second);
      ++i;
    } else {
      w.params.emplace_back(w.text[t++]);
    }
  }
  // Clauses without a parameter go last, after the parameters are placed.
  if (q.open_only) clauses.push_back("open_type <> 'closed'");
  for (std::size_t c = 0; c < clauses.size(); ++c)
    w.sql += (c ? " AND " : " WHERE ") + clauses[c];
  return w;
}

}  // namespace

Result<std::optional<Resource>> find_resource(db::Connection& conn, std::string_view code) {
  return one(
      conn.query(fmt::format("SELECT {} FROM catalog_resource WHERE code = ?", kColumns), code));
}

Result<std::optional<Resource>> find_resource_by_id(db::Connection& conn, std::int64_t id) {
  return one(conn.query(fmt::format("SELECT {} FROM catalog_resource WHERE id = ?", kColumns), id));
}

Result<std::int64_t> insert_resource(db::Connection& conn, const Resource& r) {
  const std::string fields = json::serialize(to_json(r.fields));
  auto rows = conn.query(
      "INSERT INTO catalog_resource (code, name, department_id, category, summary, format, "
      "share_type, share_condition, share_mode, open_type, open_condition, update_cycle, "
      "publish_date, related, keywords, fields, status, version, search_text, created_by, "
      "created_at, updated_at, published_at, retired_at) "
      "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING "
      "id",
      r.code, r.name, r.department_id, to_string(r.category), r.summary, r.format,
      to_string(r.share_type), r.share_condition, to_string(r.share_mode), to_string(r.open_type),
      r.open_condition, to_string(r.update_cycle), r.publish_date, string_list_json(r.related),
      string_list_json(r.keywords), fields, to_string(r.status), r.version, search_text(r),
      r.created_by, r.created_at, r.updated_at, r.published_at, r.retired_at);
  if (!rows.ok()) {
    if (rows.error().code == "duplicate") {
      return Error::conflict("resource_exists",
                             fmt::format("A resource with the code {} exists already.", r.code));
    }
    return std::move(rows).error();
  }
  return (*rows)[0].get<std::int64_t>(0);
}

Status update_resource(db::Connection& conn, const Resource& r) {
  const std::string fields = json::serialize(to_json(r.fields));
  ZT_ASSIGN_OR_RETURN(
      std::int64_t n,
      conn.exec("UPDATE catalog_resource SET name = ?, category = ?, summary = ?, format = ?, "
                "share_type = ?, share_condition = ?, share_mode = ?, open_type = ?, "
                "open_condition = ?, update_cycle = ?, publish_date = ?, related = ?, "
                "keywords = ?, fields = ?, status = ?, version = ?, search_text = ?, "
                "updated_at = ?, published_at = ?, retired_at = ? WHERE id = ? AND version = ?",
                r.name, to_string(r.category), r.summary, r.format, to_string(r.share_type),
                r.share_condition, to_string(r.share_mode), to_string(r.open_type),
                r.open_condition, to_string(r.update_cycle), r.publish_date,
                string_list_json(r.related), string_list_json(r.keywords), fields,
                to_string(r.status), r.version, search_text(r), r.updated_at, r.published_at,
                r.retired_at, r.id, r.version - 1));
  if (n == 0) {
    return Error::conflict("version_conflict",
                           "The resource was changed by someone else meanwhile; reload it.");
  }
  return {};
}

Status insert_version(db::Connection& conn, const ResourceVersion& v, std::int64_t id) {
  return db::done(conn.exec(
      "INSERT INTO catalog_resource_version (resource_id, version, action, changes, changed_by, "
      "changed_at, snapshot) VALUES (?, ?, ?, ?, ?, ?, ?)",
      id, v.version, v.action, string_list_json(v.changes), v.changed_by, v.changed_at,
      v.snapshot));
}

Result<std::vector<ResourceVersion>> list_versions(db::Connection& conn, std::int64_t id) {
  ZT_ASSIGN_OR_RETURN(auto rows,
                      conn.query("SELECT version, action, changes, changed_by, changed_at, "
                                 "snapshot FROM catalog_resource_version WHERE resource_id = ? "
                                 "ORDER BY version DESC",
                                 id));
  std::vector<ResourceVersion> out;
  for (std::size_t i = 0; i < rows.size(); ++i) {
    const db::Row row = rows[i];
    out.push_back({.version = row.get<std::int64_t>(0),
                   .action = row.get<std::string>(1),
                   .changes = parse_string_list(row.get<std::string_view>(2)),
                   .changed_by = row.get<std::int64_t>(3),
                   .changed_at = row.get<std::int64_t>(4),
                   .snapshot = row.get<std::string>(5)});
  }
  return out;
}

Result<SearchResult> search(db::Connection& conn, const SearchQuery& q) {
  SearchResult result;
  const db::Backend backend = conn.backend();
  {
    Where w = where_of(backend, q, "");
    std::string sql = fmt::format("SELECT {} FROM catalog_resource{}", kColumns, w.sql);
    std::vector<db::Param> params = w.params;
    if (q.after_id > 0) {
      sql += w.sql.empty() ? " WHERE id < ?" : " AND id < ?";
      params.emplace_back(q.after_id);
    }
    sql += fmt::format(" ORDER BY id DESC LIMIT {}", q.limit + 1);
    ZT_ASSIGN_OR_RETURN(auto rows, conn.query(sql, params));
    for (std::size_t i = 0; i < rows.size() && static_cast<int>(i) < q.limit; ++i) {
      ZT_ASSIGN_OR_RETURN(Resource r, from_row(rows[i]));
      result.items.push_back(std::move(r));
    }
    if (static_cast<int>(rows.size()) > q.limit && !result.items.empty()) {
      result.next_cursor = result.items.back().id;
    }
    ZT_ASSIGN_OR_RETURN(result.total,
                        db::scalar<std::int64_t>(
                            conn.query("SELECT count(*) FROM catalog_resource" + w.sql, w.params)));
  }
  // Each facet counts what the query matches without its own filter, so the other values of
  // a chosen facet stay visible.
  static constexpr std::array<std::string_view, 5> kFacets = {
      "department_id", "category", "share_type", "open_type", "update_cycle"};
  for (std::string_view facet : kFacets) {
    Where w = where_of(backend, q, facet);
    ZT_ASSIGN_OR_RETURN(
        auto rows, conn.query(fmt::format("SELECT {0}, count(*) FROM catalog_resource{1} GROUP "
                                          "BY {0} ORDER BY count(*) DESC, {0}",
                                          facet, w.sql),
                              w.params));
    auto& counts = result.facets[std::string(facet)];
    for (std::size_t i = 0; i < rows.size(); ++i) {
      counts.push_back({rows[i].get<std::string>(0), rows[i].get<std::int64_t>(1)});
    }
  }
  return result;
}

Result<std::vector<Resource>> published_resources(db::Connection& conn) {
  return db::map_rows<Resource>(
      conn.query(fmt::format(
          "SELECT {} FROM catalog_resource WHERE status = 'published' ORDER BY id", kColumns)),
      from_row);
}

}  // namespace store

}  // namespace zt::catalog
