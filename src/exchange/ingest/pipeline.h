// IngestRun: one upload being applied — the body read piece by piece, parsed, validated and
// applied in chunks. The service (service.h) makes and finishes the batch around it.
//
// Two threads share the work: the caller's thread reads, parses and validates rows into a
// chunk; a writer thread of the run applies the previous chunk in its own transaction (rows,
// rejections, batch counters) meanwhile. At most two chunks exist, so memory stays bounded
// whatever the upload's size; chunks commit in order, one at a time.
//
// Thread-safety: a run is driven by one thread; its writer thread is internal and joined before
// run() returns.
#pragma once

#include "catalog/model.h"
#include "core/result.h"
#include "core/time.h"
#include "db/database.h"
#include "exchange/format/row_reader.h"
#include "exchange/ingest/model.h"

#include <functional>
#include <string>
#include <vector>

namespace zt::exchange {

// A chunk commits at kChunkRows rows or kChunkSeconds after the previous one. Large chunks
// matter on SQLite: each commit writes every page the chunk touched to the WAL.
inline constexpr std::size_t kChunkRows = 32768;
inline constexpr int kChunkSeconds = 2;
inline constexpr std::size_t kMaxAllOrNothingRows = 200'000;
inline constexpr int kReportRejections = 100;

// Reads `body` to its end and applies it to `resource` under `batch` (whose id is set; its
// counters, sequence range and status are updated as chunks commit, and "rejected" for an
// all_or_nothing batch with bad rows). `first_rejections` gets the kReportRejections
// rejections with the lowest lines. Failure: a fatal error (reader, body, database); the chunks
// committed before it stay, the batch's counters say what they did.
Status run_ingest(db::Database& db, const catalog::Resource& resource, Batch& batch,
                  const IngestOptions& options, const core::Clock& clock, const PieceSource& body,
                  std::vector<Rejection>& first_rejections);

}  // namespace zt::exchange
