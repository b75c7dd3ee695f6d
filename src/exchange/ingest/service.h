// ExchangeService: the data hub's ingest (数据归集), its kept batch reports, the change feed
// (数据交换) and the quality figures of published resources.
//
// Ingest (ingest.h): the body is read piece by piece, parsed, validated and applied in chunks,
// each chunk with its rejected rows in one transaction, so a server killed mid-upload keeps whole
// rows of the chunks it committed and nothing partial; the batch's answer comes only after its
// last chunk committed. Keys repeated in one batch are rejected ("duplicate_key"; the first
// occurrence wins). Mode all_or_nothing applies the batch (at most kMaxAllOrNothingRows valid
// rows) in one transaction only when no row was rejected.
//
// Only the providing department ingests: a principal with exchange.ingest whose department is
// the resource's (its staff or its API client). An Idempotency-Key makes a retried upload apply
// once: a completed batch with the same key (same resource and caller) is answered again without
// reading the body; one still running is 409 "idempotency_key_in_use"; a failed or interrupted
// one is run again under the same batch id.
//
// Reading batches and quality figures: the providing department and city-scope principals
// (data_admin); others get 404 for resources they cannot see in the catalog and 403
// "not_granted" otherwise. The change feed follows the sharing rules (sharing.h, access.h).
//
// Errors: 400 "invalid_idempotency_key", the reader's fatal codes ("unknown_field",
// "csv_header_missing", …); 403 "forbidden", "not_granted"; 404 "resource_not_found",
// "batch_not_found"; 409 "resource_not_published", "resource_retired", "idempotency_key_in_use";
// 413 "batch_too_large"; 503 "too_many_uploads", "client_gone" and database errors.
//
// Thread-safety: all methods may be called from many threads at once.
#pragma once

#include "audit/service.h"
#include "catalog/service.h"
#include "core/principal.h"
#include "core/time.h"
#include "db/database.h"
#include "exchange/ingest/store.h"
#include "exchange/ingest/pipeline.h"
#include "exchange/records/store.h"
#include "exchange/format/row_reader.h"
#include "exchange/sharing/service.h"
#include "identity/model.h"

#include <atomic>
#include <functional>

namespace zt::exchange {

namespace permission {
inline constexpr std::string_view kIngest = "exchange.ingest";
}  // namespace permission

struct IngestReport {
  Batch batch;
  std::vector<Rejection> rejections;  // the first kReportRejections
  bool replayed = false;              // answered again for an Idempotency-Key
};

struct ChangePage {
  std::vector<Change> items;
  std::int64_t next_cursor = 0;  // pass as ?after= for the next page
  std::int64_t last_seq = 0;     // the resource's newest sequence number
};

struct FieldQuality {
  std::string field;
  double completeness = 1.0;  // records with a value / records
  double validity = 1.0;      // 1 - rejected values / rows read (last 30 days)
  std::int64_t invalid = 0;
};

struct QualityReport {
  std::string resource_code;
  std::string resource_name;
  std::int64_t department_id = 0;
  std::string department_name;
  std::int64_t record_count = 0;
  std::int64_t last_seq = 0;
  std::optional<std::int64_t> last_update_at;
  std::string update_cycle;
  bool stale = false;
  std::int64_t rows_read_30d = 0;
  std::int64_t rejected_30d = 0;
  std::int64_t duplicate_keys_30d = 0;
  std::int64_t open_corrections = 0;  // 纠错 reports not yet answered (correction.h)
  std::vector<FieldQuality> fields;   // filled by quality(); empty in the overview
  std::vector<DailyCount> daily;      // the last 30 days with any batch
};

class ExchangeService {
 public:
  // At most `max_uploads` ingests run at once (each holds a worker thread while its body
  // arrives); more are refused with 503 "too_many_uploads" so they cannot starve other routes.
  ExchangeService(db::Database& db, catalog::CatalogService& catalog, SharingService& sharing,
                  audit::AuditLog& audit, const core::Clock& clock, std::size_t max_uploads);

  // The catalog's SchemaHook: creates or alters a resource's record storage.
  static Status apply_schema(db::Connection& conn, const catalog::Resource* before,
                             const catalog::Resource& after);

  Result<IngestReport> ingest(const core::Principal& actor, std::string_view code,
                              const IngestOptions& options, const PieceSource& body,
                              const identity::RequestContext& context);

  Result<std::vector<Batch>> batches(const core::Principal& actor, std::string_view code,
                                     std::int64_t before, int limit);
  Result<IngestReport> batch(const core::Principal& actor, std::string_view code,
                             std::int64_t batch_id);
  Result<std::vector<Rejection>> rejections(const core::Principal& actor, std::string_view code,
                                            std::int64_t batch_id, std::uint64_t after_line,
                                            int limit);

  // The change feed as the reader may see it (access.h: the providing department whole, other
  // departments under their access, projected and masked), with an audit record per page
  // (purpose: `purpose`, else the grant's, else "数据交换").
  Result<ChangePage> changes(const core::Principal& actor, std::string_view code,
                             std::int64_t after, int limit, std::optional<std::string> purpose,
                             const identity::RequestContext& context);

  Result<QualityReport> quality(const core::Principal& actor, std::string_view code);
  // Every published resource the principal may read figures of (own department, or all with
  // city scope), without the per-field part.
  Result<std::vector<QualityReport>> quality_overview(const core::Principal& actor);

 private:
  Result<catalog::Resource> readable(const core::Principal& actor, std::string_view code);
  Result<QualityReport> figures(db::Connection& conn, const catalog::Resource& r, bool with_fields);

  db::Database& db_;
  catalog::CatalogService& catalog_;
  SharingService& sharing_;
  audit::AuditLog& audit_;
  const core::Clock& clock_;
  const std::size_t max_uploads_;
  std::atomic<std::size_t> uploads_{0};
};

}  // namespace zt::exchange
