// Storage of the person and entity registries: their configuration (the golden resource and the
// attribute mappings), the change-feed cursors, what each source holds per key, the golden
// records, and the conflicts with their resolutions. The only SQL of the merge.
//
// Tables (migrations 520-539): registry_config, registry_mapping, registry_cursor,
// registry_source (registry, rkey, resource_code → the source's mapped values as JSON),
// registry_record (the golden record: a few columns for search and figures, all values as JSON;
// its provenance is not stored but derived by merge() from the sources and resolutions),
// registry_conflict (open / resolved / gone), registry_figure (the figures' counts, FigureDeltas).
// Thread-safety: stateless functions; a Connection is used by one thread at a time.
#pragma once

#include "core/result.h"
#include "db/connection.h"
#include "db/migration.h"
#include "registry/merge.h"

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace zt::registry {

std::vector<db::Migration> registry_migrations();

namespace store {

struct Config {
  std::string resource_code;  // the catalog resource the golden records are published as
  std::vector<Mapping> mappings;
  std::int64_t updated_at = 0;
};

struct GoldenRecord {
  std::string key;
  std::string values;  // JSON object attribute → value (provenance: merge() of the sources)
  std::int64_t updated_at = 0;
};

struct Conflict {
  std::int64_t id = 0;
  std::string registry;
  std::string key;
  std::string attribute;
  std::string digest;
  std::string candidates;  // JSON array [{resource_code, value, priority, changed_at}]
  std::string status;      // open, resolved, gone
  std::optional<std::string> resolution;  // JSON value
  std::string note;
  std::optional<std::int64_t> resolved_by;
  std::string resolved_by_name;
  std::optional<std::int64_t> resolved_at;
  std::int64_t created_at = 0;
};

struct FigureRow {
  std::string county_code;
  std::string group;  // person: "<age band>|<gender>"; entity: "<industry>|<status>"
  std::int64_t count = 0;
};

Result<std::optional<Config>> read_config(db::Connection& conn, RegistryKind kind);
Status write_config(db::Connection& conn, RegistryKind kind, const Config& config);

Result<std::int64_t> cursor(db::Connection& conn, RegistryKind kind, std::string_view resource);
Status set_cursor(db::Connection& conn, RegistryKind kind, std::string_view resource,
                  std::int64_t seq);

// Every source's values for `key`.
Result<std::vector<SourceValues>> sources(db::Connection& conn, RegistryKind kind,
                                          std::string_view key);

// Source rows of keys after `after_key`, in key order (then resource), at most `limit` rows: the
// bulk merge of a fresh build walks them in order.
Result<std::vector<std::pair<std::string, SourceValues>>> source_range(db::Connection& conn,
                                                                       RegistryKind kind,
                                                                       std::string_view after_key,
                                                                       int limit);

// What a page of the feeds needs about its keys, read with a few IN queries instead of several
// queries per change: every source's values, the kept resolutions and the open conflicts.
struct OpenConflict {
  std::int64_t id = 0;
  std::string attribute;
  std::string digest;
};
struct KeyState {
  std::vector<SourceValues> sources;
  std::vector<Resolution> resolutions;
  std::vector<OpenConflict> open;
};
Result<std::map<std::string, KeyState, std::less<>>> states(db::Connection& conn, RegistryKind kind,
                                                            const std::vector<std::string>& keys);
Status put_source(db::Connection& conn, RegistryKind kind, std::string_view key,
                  const SourceValues& source);
Status delete_source(db::Connection& conn, RegistryKind kind, std::string_view key,
                     std::string_view resource);

Result<std::optional<GoldenRecord>> record(db::Connection& conn, RegistryKind kind,
                                           std::string_view key);
// What the figures count a golden record under: its county, alive flag and group columns ("" for
// none; person: birth_year and gender, entity: category and status).
struct FigureKey {
  std::string county_code;
  std::int64_t alive = 1;
  std::string birth_year;
  std::string gender;
  std::string category;
  std::string status;
  auto operator<=>(const FigureKey&) const = default;
};
// How a transaction's changes to golden records move the figures' counts (registry_figure: the
// records not deleted per FigureKey, migration 530), collected by put_record and delete_record —
// which lock the record and read what it counted under in the statements that change it (so a
// concurrent change of the same record waits and is counted after) — and added by write_figures.
// Write them last in the transaction (before its audit append): the counts' rows are then locked in
// one order (the map's) and after every record row, so transactions that touch the same counts on
// several nodes wait for each other rather than deadlock.
using FigureDeltas = std::map<FigureKey, std::int64_t>;

// Writes the golden record (the columns for search and figures taken from `merged`), adding its
// move to `figures`: one statement for a new key, three for an existing one, each finding the
// record through the primary key. Failure: the database's error.
Status put_record(db::Connection& conn, RegistryKind kind, std::string_view key,
                  const Merged& merged, std::int64_t now, FigureDeltas& figures);
// Marks the record deleted (every source deleted it): pending until the deletion is published.
Status delete_record(db::Connection& conn, RegistryKind kind, std::string_view key,
                     std::int64_t now, FigureDeltas& figures);
// Adds `figures` to the counts: one UPSERT that adds (records = records + n) per non-zero entry.
Status write_figures(db::Connection& conn, RegistryKind kind, const FigureDeltas& figures);

// Records changed since they were last published (put_record and delete_record set pending).
struct PendingRecord {
  std::string key;
  std::string values;  // JSON object
  bool deleted = false;
  std::int64_t updated_at = 0;
};
// In key order, after `after_key` ("" for the first).
Result<std::vector<PendingRecord>> pending(db::Connection& conn, RegistryKind kind,
                                           std::string_view after_key, int limit);
// Clears pending (drops deleted rows) of the records from first_key to last_key that have not
// changed since `read_at` (the largest updated_at of the page read; updated_at only grows).
Status mark_published(db::Connection& conn, RegistryKind kind, std::string_view first_key,
                      std::string_view last_key, std::int64_t read_at);

// `key`'s open and resolved conflicts, by id, in one index range: what a read shows (the open
// ones) and the resolutions its provenance follows.
Result<std::vector<Conflict>> key_conflicts(db::Connection& conn, RegistryKind kind,
                                            std::string_view key);
// The resolved ones of `conflicts` as the merge takes them (a resolution that is not JSON is
// left out, as resolutions() does).
std::vector<Resolution> resolutions_of(const std::vector<Conflict>& conflicts);
// Resolutions kept for `key` (resolved conflicts).
Result<std::vector<Resolution>> resolutions(db::Connection& conn, RegistryKind kind,
                                            std::string_view key);
// Open conflicts of `key` become exactly `open`: new ones inserted, those no longer found
// marked gone. Returns how many were opened.
Result<int> sync_conflicts(db::Connection& conn, RegistryKind kind, std::string_view key,
                           const std::vector<MergeConflict>& open, std::int64_t now);
// The same when the key's open conflicts are known (`known`, from states()).
Result<int> sync_conflicts(db::Connection& conn, RegistryKind kind, std::string_view key,
                           const std::vector<OpenConflict>& known,
                           const std::vector<MergeConflict>& open, std::int64_t now);
Result<std::vector<Conflict>> conflicts(db::Connection& conn, RegistryKind kind,
                                        std::optional<std::string> status,
                                        std::optional<std::string> key, std::int64_t after_id,
                                        int limit);
Result<std::optional<Conflict>> conflict(db::Connection& conn, std::int64_t id);
Status resolve_conflict(db::Connection& conn, std::int64_t id, std::string_view value_json,
                        std::string_view note, std::int64_t by, std::string_view by_name,
                        std::int64_t now);
// The records not deleted, from the figures' counts (a few rows per county whatever the
// registry's size).
Result<std::int64_t> count_records(db::Connection& conn, RegistryKind kind);
Result<std::int64_t> count_conflicts(db::Connection& conn, RegistryKind kind,
                                     std::string_view status);

// Figures: records per county (first 6 digits of the division code, "" when none) and group,
// from the figures' counts (registry_figure), not from the records.
Result<std::vector<FigureRow>> figures(db::Connection& conn, RegistryKind kind,
                                       std::string_view today);

// Empties the registry's sources, records, cursors and open conflicts (resolutions stay).
Status clear(db::Connection& conn, RegistryKind kind);

}  // namespace store

}  // namespace zt::registry
