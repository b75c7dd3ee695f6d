// QueryService: reading shared records (共享查询) — by key, by filters on indexed fields, and a
// streamed export — each projected and masked by the reader's Access (records/access.h) and audited
// with its purpose and case.
//
// Purpose: every read names one — the X-Purpose header, else the grant's purpose; the providing
// department's own reads default to "本部门业务". None of these: 400 "purpose_required". The case
// (X-Case-Id, the 办件编号 a read serves) is optional. Both go into the audit record, written
// through the group-commit AuditWriter: a key lookup writes one record per read
// ("exchange.record.read", object "<code>/<key>"), a filtered query one per request with the
// keys it returned, an export one when it ends with the count. Reads of a resource keyed by
// id_number or uscc also name the subjects of every record they returned (every exported row
// too), so each person or enterprise finds them (subject_field, audit/subject_index.h).
//
// Filters: on key and indexed fields only — field=value, field__gt/__gte/__lt/__lte=value,
// field__prefix=text — each value checked against the field's type; other fields: 400
// "field_not_filterable". Pages go in key order, by cursor.
//
// Thread-safety: all methods may be called from many threads at once. Resources are cached by
// code for kResourceCacheMs.
#pragma once

#include "audit/writer.h"
#include "catalog/service.h"
#include "core/crypto.h"
#include "core/principal.h"
#include "core/time.h"
#include "db/database.h"
#include "exchange/records/access.h"
#include "exchange/records/model.h"
#include "exchange/records/store.h"
#include "exchange/sharing/service.h"

#include <functional>
#include <map>
#include <memory>
#include <mutex>

namespace zt::exchange {

inline constexpr std::int64_t kResourceCacheMs = 1000;
inline constexpr int kMaxQueryPage = 1000;

// The typed key values of a record key as readers give it (composite keys: the values in
// key-field order, comma-separated), each checked against its field's type. Used by every path
// that names a record (reads, 纠错 reports). Failure: 400 "invalid_key".
Result<std::vector<TypedValue>> parse_record_key(const catalog::Resource& resource,
                                                 std::string_view key,
                                                 std::chrono::year_month_day today);

// Whose records `resource` holds, for 谁用了我的数据: the index of its first key field of type
// id_number (a person's) or uscc (an enterprise's); nullopt for other resources. Every read that
// returns records of such a resource names their subject values in its audit entry
// (audit::ReadSubjects, indexed per subject).
std::optional<std::size_t> subject_field(const catalog::Resource& resource);

// The empty subject list of a read of `resource` (no resource code when it has no subject
// field: then nothing is indexed).
audit::ReadSubjects read_subjects(const catalog::Resource& resource);

class QueryService {
 public:
  // `crypto` and `data_key` (the platform's 32-byte SM4 key) seal the paging cursors: a cursor
  // holds the last record's key, which the reader's grant may mask, so it is sealed (SM4-GCM,
  // bound to the resource) and reveals nothing.
  QueryService(db::Database& db, catalog::CatalogService& catalog, SharingService& sharing,
               audit::AuditWriter& audit, const core::CryptoProvider& crypto, std::string data_key,
               const core::Clock& clock);

  // One record by its key (composite keys: values in key-field order, comma-separated).
  // Failure: 400 "invalid_key"; 404 "record_not_found"; the access errors.
  Result<std::string> record(const core::Principal& actor, std::string_view code,
                             std::string_view key, const std::vector<std::string>& fields,
                             const ReadContext& context);
  Result<QueryPage> query(const core::Principal& actor, std::string_view code,
                          const QueryInput& input, const ReadContext& context);
  Result<ExportPlan> export_records(const core::Principal& actor, std::string_view code,
                                    ExportFormat format, const QueryInput& filters,
                                    const ReadContext& context);

  // The resource by code through the cache.
  Result<catalog::Resource> resource(std::string_view code);

 private:
  // A resource as the cache keeps it, shared by the requests that read it (never copied per
  // request), with what key lookups need made once per resource version.
  struct CachedResource {
    catalog::Resource resource;
    std::string lookup_sql;  // records::key_lookup_sql for db_'s backend
  };
  struct Prepared {
    std::shared_ptr<const CachedResource> cached;
    Access access;  // narrowed to the fields asked for
    std::string purpose;
    Access granted;  // before narrowing: what filters may touch
    const catalog::Resource& resource() const { return cached->resource; }
  };
  Result<std::shared_ptr<const CachedResource>> cached_resource(std::string_view code);
  Result<Prepared> prepare(const core::Principal& actor, std::string_view code,
                           const std::vector<std::string>& fields, const ReadContext& context);
  // The filters of `input` as conditions. Filters only on fields `granted` reads, and on a field
  // it masks only exact matches (a prefix or a range would recover the hidden value digit by
  // digit): 403 filter_not_allowed otherwise.
  Result<std::vector<records::Condition>> conditions(const catalog::Resource& resource,
                                                     const Access& granted,
                                                     const QueryInput& input);
  void audit(const core::Principal& actor, const Prepared& p, const ReadContext& context,
             std::string action, std::string object_id, std::string detail,
             audit::ReadSubjects subjects = {});
  // The next_cursor after `row` in the page order `by` (records::scan_order): its position —
  // the order field's value, then the key values — sealed. Failure: crypto_error.
  Result<std::string> seal_cursor(const catalog::Resource& r, std::optional<std::size_t> by,
                                  const TypedRow& row) const;
  // The position a cursor of this resource and order holds (records::scan_records' `after`).
  // Failure: 400 invalid_cursor (also for a cursor of another order).
  Result<std::vector<TypedValue>> open_cursor(const catalog::Resource& r,
                                              std::optional<std::size_t> by,
                                              std::string_view cursor) const;

  db::Database& db_;
  catalog::CatalogService& catalog_;
  SharingService& sharing_;
  audit::AuditWriter& audit_;
  const core::CryptoProvider& crypto_;
  const std::string data_key_;
  const core::Clock& clock_;
  std::mutex mutex_;  // guards resources_
  // code → (resource, when it was read from the catalog)
  std::map<std::string, std::pair<std::shared_ptr<const CachedResource>, std::int64_t>, std::less<>>
      resources_;
};

}  // namespace zt::exchange
