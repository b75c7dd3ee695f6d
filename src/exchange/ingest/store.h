// Ingest batches (归集批次) and their rejected rows: the kept report of every upload, the
// Idempotency-Key that makes a retried upload apply once, and the per-day figures. The only file
// of the module with SQL on exchange_batch and exchange_rejection.
//
// Thread-safety: free functions on a caller's connection.
#pragma once

#include "core/result.h"
#include "db/connection.h"
#include "exchange/ingest/model.h"

#include <cstdint>
#include <map>
#include <optional>
#include <span>
#include <string>
#include <vector>

namespace zt::exchange {

namespace batches {

// Inserts a running batch; returns its id. A batch with the same resource, actor and
// idempotency key exists already: Error conflict "duplicate".
Result<std::int64_t> insert(db::Connection& conn, const Batch& batch);
// Writes the counts, status, sequence range, errors, heartbeat and finish time.
Status update(db::Connection& conn, const Batch& batch);
// Restarts a batch for a retried upload as its run `batch.attempt` on `batch.node_id`: counts
// as in `batch`, status running, rejections dropped. Only when the stored run is the one before
// (attempt − 1): false when another retry restarted it first.
Result<bool> restart(db::Connection& conn, const Batch& batch);
// Marks every batch of node `node_id` still running as interrupted (its process died); returns
// how many.
Result<std::int64_t> interrupt_node(db::Connection& conn, std::string_view node_id);
Status insert_rejections(db::Connection& conn, std::int64_t batch_id,
                         std::span<const Rejection> rejections);

Result<std::optional<Batch>> find(db::Connection& conn, std::int64_t id);
Result<std::optional<Batch>> find_by_key(db::Connection& conn, std::int64_t resource_id,
                                         std::string_view actor_kind, std::int64_t actor_id,
                                         std::string_view key);
// Newest first, id < before (0: from the newest).
Result<std::vector<Batch>> list(db::Connection& conn, std::int64_t resource_id, std::int64_t before,
                                int limit);
// Rejections with line > after, in line order.
Result<std::vector<Rejection>> rejections(db::Connection& conn, std::int64_t batch_id,
                                          std::uint64_t after, int limit);
// Per day since `since_ms`, for one resource.
Result<std::vector<DailyCount>> daily(db::Connection& conn, std::int64_t resource_id,
                                      std::int64_t since_ms);
// Every batch's field_errors and rows since `since_ms`, summed: ("field:code" → rows), rows.
Result<std::pair<std::map<std::string, std::int64_t>, std::int64_t>> error_totals(
    db::Connection& conn, std::int64_t resource_id, std::int64_t since_ms);

}  // namespace batches

}  // namespace zt::exchange
