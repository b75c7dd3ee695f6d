// Catalog storage: the only file of the module with SQL. Resources, their version history and
// the keyword index (SQLite FTS5 with the trigram tokenizer; PostgreSQL pg_trgm).
//
// Thread-safety: free functions on a caller's connection; no state.
#pragma once

#include "catalog/model.h"
#include "core/result.h"
#include "db/connection.h"
#include "db/migration.h"

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace zt::catalog {

// Migrations 300-399.
std::vector<db::Migration> migrations();

// What a catalog search asks for. Empty filters match everything.
struct SearchQuery {
  std::string text;  // keywords, space-separated, all must match (name, code, summary, keywords,
                     // field labels)
  std::optional<std::int64_t> department_id;
  std::optional<Category> category;
  std::optional<ShareType> share_type;
  std::optional<OpenType> open_type;
  std::optional<UpdateCycle> update_cycle;
  std::optional<ResourceStatus> status;
  // Visibility, decided by the service: when set, only these departments' resources plus the
  // published ones of others whose share_type is not none.
  std::optional<std::int64_t> own_department;
  // The public portal's view: only resources whose open_type is open or conditional.
  bool open_only = false;
  std::int64_t after_id = 0;  // cursor: resources with a smaller id (newest first)
  int limit = 50;
};

struct FacetCount {
  std::string value;
  std::int64_t count = 0;
  std::string label;  // department_id: the department's name; empty for the others
};

struct SearchResult {
  std::vector<Resource> items;
  std::optional<std::int64_t> next_cursor;
  std::int64_t total = 0;
  // facet name ("department_id", "category", "share_type", "open_type", "update_cycle") →
  // counts over every resource matching the query.
  std::map<std::string, std::vector<FacetCount>> facets;
};

// One entry of a resource's history: the whole resource as it was after the change.
struct ResourceVersion {
  std::int64_t version = 0;
  std::string action;  // "create", "update", "publish", "retire"
  std::vector<std::string> changes;
  std::int64_t changed_by = 0;
  std::int64_t changed_at = 0;
  std::string snapshot;  // catalog::to_json(resource) as JSON text
};

namespace store {

Result<std::optional<Resource>> find_resource(db::Connection& conn, std::string_view code);
Result<std::optional<Resource>> find_resource_by_id(db::Connection& conn, std::int64_t id);
// Inserts `resource` (id, version 1); returns the id. A taken code is Error conflict
// "resource_exists".
Result<std::int64_t> insert_resource(db::Connection& conn, const Resource& resource);
// Writes every column of `resource` where its id and version - 1 match (optimistic check).
// Failure: Error conflict "version_conflict" when the stored version moved on.
Status update_resource(db::Connection& conn, const Resource& resource);
Status insert_version(db::Connection& conn, const ResourceVersion& version, std::int64_t id);
Result<std::vector<ResourceVersion>> list_versions(db::Connection& conn, std::int64_t id);
Result<SearchResult> search(db::Connection& conn, const SearchQuery& query);
// Published resources, for the quality figures.
Result<std::vector<Resource>> published_resources(db::Connection& conn);

}  // namespace store

}  // namespace zt::catalog
