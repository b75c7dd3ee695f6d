// RegistryService: the population (人口库) and legal-entity (法人库) registries — golden records
// merged from the resources the departments publish (merge.h), kept up to date from the
// exchange's change feeds, and read under the data hub's rules.
//
// Configuration (registry.manage): the golden resource — a catalog resource of the registry's
// department whose key field is id_number (person) or uscc (entity) and whose fields are the
// registry's attributes — and the mappings attribute ← (source resource, field, priority). Every
// source must map the key attribute from its own single key field.
//
// Sync: the registry is a subscriber like any other. It reads each source's change feed through
// ExchangeService::changes as the system principal "registry" of the golden resource's
// department — so the sources must grant that department their mapped fields, unmasked — from
// its cursor, a page at a time; each page in one transaction updates the source values, the
// golden records and the conflicts and moves the cursor. A fresh build (no golden record, every
// cursor at the start) instead fills the source values from the feeds and then merges every key
// once in key order. Golden records that changed are then
// published into the golden resource through ExchangeService::ingest (the real ingest path), so
// other departments read them — granted, masked and audited — and subscribe to their changes.
// A record stays `pending` until published; a failed publication is retried by the next sync.
// rebuild() starts again from the feeds' beginning; resolutions are kept.
//
// Reads: person()/entity() read the golden resource through QueryService (grant, masking,
// purpose, audit as any shared read) and add each shown attribute's provenance and open
// conflicts, and a warning for a division code the division table does not hold.
// data_access(): a signed-in citizen's (or enterprise's) reads of their own records from the
// audit log's per-subject index (audit/subject_index.h) — every read that returned a record of a
// resource keyed by their id_number (uscc): key lookups, filtered queries and the registry's
// search, exports, change-feed pages — newest first, at the cost of one index range whatever the
// log's size.
//
// Errors: 400 "invalid_registry", "invalid_mapping", "invalid_value"; 403 "forbidden";
// 404 "registry_not_configured", "conflict_not_found"; 409 "conflict_not_open"; and the
// exchange's and the database's.
// Thread-safety: all methods may be called from many threads; sync() runs one at a time per
// service (a mutex), so feeds are consumed in order.
#pragma once

#include "audit/service.h"
#include "catalog/service.h"
#include "core/principal.h"
#include "exchange/records/service.h"
#include "exchange/service.h"
#include "registry/division_service.h"
#include "registry/registry_store.h"

#include <boost/json/value.hpp>

#include <array>
#include <memory>
#include <mutex>

namespace zt::identity {
class IdentityService;
}

namespace zt::registry {

inline constexpr std::string_view kSyncPurpose = "基础库建设";
inline constexpr int kSyncPage = 5000;

struct SyncReport {
  std::int64_t changes = 0;    // feed entries applied
  std::int64_t published = 0;  // golden records written to the golden resource
  std::int64_t conflicts_opened = 0;
  // Where the time went: reading the feeds (with an incremental merge), the bulk merge of a
  // fresh build, publishing the golden records.
  double feed_seconds = 0;
  double merge_seconds = 0;
  double publish_seconds = 0;
};

struct ConflictPage {
  std::vector<store::Conflict> items;
  std::optional<std::int64_t> next_cursor;
};

struct DataAccessEntry {
  std::int64_t audit_id = 0;
  core::TimePoint time;
  std::string department;  // the reader's department name ("" when none)
  // How: "lookup" (one record by key, the registry's person/entity read included), "query" (a
  // filtered page, the registry's search included), "export", "changes" (the change feed).
  std::string kind;
  std::string resource_code;
  std::string resource_name;
  std::string purpose;
  std::string case_id;
};

struct DataAccessPage {
  std::vector<DataAccessEntry> items;
  std::optional<std::int64_t> next_cursor;
};

struct RegistryFigures {
  std::int64_t records = 0;
  std::int64_t open_conflicts = 0;
  // person: county → age band ("0-17", "18-34", "35-59", "60+") → gender → count;
  // entity: county → industry → status → count. County "" holds records without a division.
  boost::json::object by_county;
};

class RegistryService {
 public:
  RegistryService(db::Database& db, catalog::CatalogService& catalog,
                  exchange::ExchangeService& exchange, exchange::QueryService& query,
                  identity::IdentityService& identity, audit::AuditLog& audit,
                  DivisionService& divisions, const core::Clock& clock);

  Result<store::Config> config(const core::Principal& actor, RegistryKind kind);
  Result<store::Config> configure(const core::Principal& actor, RegistryKind kind,
                                  store::Config config, const core::RequestContext& context);

  // Consumes every source's feed to its end and publishes what changed. Without a
  // configuration: an empty report.
  Result<SyncReport> sync(RegistryKind kind);
  // registry.manage. Starts again from the feeds' beginning.
  Result<SyncReport> rebuild(const core::Principal& actor, RegistryKind kind,
                             const core::RequestContext& context);

  // The golden record as JSON {record, provenance, open_conflicts, warnings}.
  Result<std::string> read(const core::Principal& actor, RegistryKind kind, std::string_view key,
                           const exchange::ReadContext& context);
  // By name (exact) within a division (code prefix), through the golden resource's filters.
  Result<exchange::QueryPage> search(const core::Principal& actor, RegistryKind kind,
                                     std::string_view name, std::string_view division, int limit,
                                     std::string cursor, const exchange::ReadContext& context);

  // registry.manage.
  Result<ConflictPage> conflicts(const core::Principal& actor, RegistryKind kind,
                                 std::optional<std::string> status, std::optional<std::string> key,
                                 std::int64_t after, int limit);
  // registry.manage. Keeps `value` for the conflict's attribute while its candidates stay the
  // same, re-merges the key and publishes it.
  Result<store::Conflict> resolve(const core::Principal& actor, std::int64_t id,
                                  const boost::json::value& value, std::string note,
                                  const core::RequestContext& context);

  // Staff (any of registry.read, analytics.read, exchange.query).
  Result<RegistryFigures> figures(const core::Principal& actor, RegistryKind kind);

  // A signed-in citizen's (enterprise's) own golden record, unmasked — it is theirs — as JSON
  // {registry, resource_code, fields: [{name, label, value, source, changed_at}]}. Audited
  // ("registry.self_read"). 404 "record_not_found" when the registry has none.
  Result<std::string> own_record(const core::Principal& actor, const core::RequestContext& context);

  // A citizen's (id_number) or an enterprise's (uscc) reads of their own records.
  Result<DataAccessPage> data_access(const core::Principal& actor,
                                     std::optional<std::int64_t> cursor, int limit);

 private:
  struct Loaded {
    store::Config config;
    catalog::Resource golden;
    std::vector<std::string> attributes;
  };
  Result<Loaded> load(RegistryKind kind);
  // load() for the reads (read, search, own_record), kept exchange::kResourceCacheMs as the
  // records' resource cache is: a configuration or golden resource changed on another node is
  // seen within that time; configure() on this node drops it at once.
  Result<std::shared_ptr<const Loaded>> load_for_read(RegistryKind kind);
  core::Principal system_principal(const catalog::Resource& golden) const;
  Result<SyncReport> sync_locked(RegistryKind kind);
  // Re-merges `key` on `conn` (in the caller's transaction), its move in the figures added to
  // `figures` (the caller writes them). Returns conflicts opened.
  Result<int> remerge(db::Connection& conn, const Loaded& l, RegistryKind kind,
                      std::string_view key, std::int64_t now, store::FigureDeltas& figures);
  Result<std::int64_t> publish_pending(const Loaded& l, RegistryKind kind);
  // The provenance of a golden record as JSON {attribute: {resource_code, batch_id,
  // changed_at[, resolution_id]}}: merge() of its key's sources and resolutions (empty without
  // sources).
  static boost::json::object provenance(const Loaded& l, RegistryKind kind,
                                        const std::vector<SourceValues>& sources,
                                        const std::vector<Resolution>& resolutions);
  // The bulk merge of a fresh build: every key once, in key order.
  Status merge_all(const Loaded& l, RegistryKind kind, SyncReport& report);

  db::Database& db_;
  catalog::CatalogService& catalog_;
  exchange::ExchangeService& exchange_;
  exchange::QueryService& query_;
  identity::IdentityService& identity_;
  audit::AuditLog& audit_;
  DivisionService& divisions_;
  const core::Clock& clock_;
  std::mutex sync_mutex_;
  std::mutex loaded_mutex_;  // guards loaded_
  // By RegistryKind: what load_for_read gives, and when it was loaded (ms).
  std::array<std::pair<std::shared_ptr<const Loaded>, std::int64_t>, 2> loaded_{};
};

}  // namespace zt::registry
