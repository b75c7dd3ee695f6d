// IngestService: the data hub's ingest (数据归集) and its kept batch reports.
//
// Ingest (pipeline.h): the body is read piece by piece, parsed, validated and applied in chunks,
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
// one is run again under the same batch id. A batch is interrupted once its heartbeat is stale
// (kStaleBatchMs), or at once when the node that ran it starts again
// (interrupt_own_batches). The retry's report counts the rows as an upload of the whole body
// would: what the interrupted run stored identically is "unchanged", not a repeated key (each
// run stamps its records apart, Batch::stamp); keys repeated within the body are still
// "duplicate_key"; the sequence range starts with the interrupted run's first change.
//
// Reading batches: the providing department's principals with exchange.ingest (the route checks
// the permission); others get 404 for resources they cannot see in the catalog and 403
// "not_granted" otherwise, city-wide scope included (readable_by_provider, records/access.h).
//
// Errors: 400 "invalid_idempotency_key", the reader's fatal codes ("unknown_field",
// "csv_header_missing", …); 403 "forbidden", "not_granted"; 404 "resource_not_found",
// "batch_not_found"; 409 "resource_not_published", "resource_retired", "idempotency_key_in_use",
// "too_many_attempts" (a batch retried kMaxBatchAttempts times);
// 413 "batch_too_large"; 503 "too_many_uploads", "client_gone" and database errors.
//
// Thread-safety: all methods may be called from many threads at once.
#pragma once

#include "audit/service.h"
#include "catalog/service.h"
#include "core/crypto.h"
#include "core/principal.h"
#include "core/time.h"
#include "db/database.h"
#include "exchange/ingest/model.h"
#include "exchange/ingest/pipeline.h"
#include "identity/model.h"

#include <atomic>

namespace zt::exchange {

class IngestService {
 public:
  // At most `max_uploads` ingests run at once (each holds a worker thread while its body
  // arrives); more are refused with 503 "too_many_uploads" so they cannot starve other routes.
  // `crypto` digests each body (SM3), so that a retry with the same Idempotency-Key but other
  // bytes is told apart (422 idempotency_key_reused) instead of replayed. `node_id` names this
  // server node on the batches it runs: unique per node, and the same across its restarts.
  IngestService(db::Database& db, catalog::CatalogService& catalog, audit::AuditLog& audit,
                const core::CryptoProvider& crypto, const core::Clock& clock,
                std::size_t max_uploads, std::string node_id);

  // Marks the batches this node left running as interrupted, so that their retries proceed at
  // once instead of after kStaleBatchMs. Only for a node starting, before it takes uploads: a
  // batch of this node still running would be taken over. Other nodes' batches are left
  // alone. Success: how many were marked. Failure: database errors.
  Result<std::int64_t> interrupt_own_batches();

  // Reads `body` into the resource `code` as one batch. Success: the batch report (replayed for
  // a repeated Idempotency-Key; status "rejected" for an all_or_nothing batch with bad rows).
  // Failure: the errors above; the chunks committed before a fatal error stay. Side effects:
  // records, the batch row, an audit record "exchange.ingest".
  Result<IngestReport> ingest(const core::Principal& actor, std::string_view code,
                              const IngestOptions& options, const PieceSource& body,
                              const core::RequestContext& context);

  // Batches of the resource, newest first, id < before (0: from the newest), at most `limit`.
  Result<std::vector<Batch>> batches(const core::Principal& actor, std::string_view code,
                                     std::int64_t before, int limit);
  // One batch with its first kReportRejections rejected rows. Failure: 404 "batch_not_found".
  Result<IngestReport> batch(const core::Principal& actor, std::string_view code,
                             std::int64_t batch_id);
  // A batch's rejected rows with line > after_line, in line order, at most `limit`.
  Result<std::vector<Rejection>> rejections(const core::Principal& actor, std::string_view code,
                                            std::int64_t batch_id, std::uint64_t after_line,
                                            int limit);

 private:
  db::Database& db_;
  catalog::CatalogService& catalog_;
  audit::AuditLog& audit_;
  const core::CryptoProvider& crypto_;
  const core::Clock& clock_;
  const std::size_t max_uploads_;
  const std::string node_id_;
  std::atomic<std::size_t> uploads_{0};
};

}  // namespace zt::exchange
