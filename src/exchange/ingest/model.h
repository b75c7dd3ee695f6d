// The value types of ingest (数据归集): an upload's options, a batch and its report, rejected
// rows, and the per-day counts of the quality figures.
//
// Plain values, safe to copy between threads.
#pragma once

#include "core/result.h"
#include "exchange/format/row_reader.h"
#include "exchange/records/model.h"

#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace zt::exchange {

namespace permission {
inline constexpr std::string_view kIngest = "exchange.ingest";
}  // namespace permission

// A batch "running" whose heartbeat is older than this is taken as interrupted (its server
// stopped mid-upload and has not come back; a node that restarts marks its own at once, see
// IngestService::interrupt_own_batches); the heartbeat moves with every chunk applied.
inline constexpr std::int64_t kStaleBatchMs = 120'000;
// Runs of one batch (its first and its retries under the same Idempotency-Key), at most.
inline constexpr std::int64_t kMaxBatchAttempts = (std::int64_t{1} << 20) - 1;

struct Batch {
  std::int64_t id = 0;
  std::int64_t resource_id = 0;
  std::string resource_code;  // filled by the service
  std::int64_t department_id = 0;
  std::string actor_kind;  // "user", "api_client"
  std::int64_t actor_id = 0;
  std::string actor_name;
  std::string format;   // "ndjson", "csv"
  std::string charset;  // "utf-8", "gbk"
  std::string mode;     // "partial" (good rows applied, bad ones rejected), "all_or_nothing"
  std::optional<std::string> idempotency_key;
  // Hex SM3 of the whole body of a finished batch (completed or rejected), "" otherwise: a retry
  // with the same Idempotency-Key must send the same bytes.
  std::string body_digest;
  // "running", "completed", "failed" (stopped by a fatal error: counts say what was applied),
  // "rejected" (all_or_nothing with bad rows: nothing applied), "interrupted".
  std::string status = "running";
  // The server node that runs (or last ran) it, and which run it is: 0 the first, n the n-th
  // retry of a failed or interrupted batch.
  std::string node_id;
  std::int64_t attempt = 0;
  std::int64_t rows_read = 0;
  std::int64_t inserted = 0;
  std::int64_t updated = 0;
  std::int64_t unchanged = 0;
  std::int64_t deleted = 0;
  std::int64_t rejected = 0;
  std::int64_t bytes = 0;
  std::optional<std::int64_t> first_seq;
  std::optional<std::int64_t> last_seq;
  std::map<std::string, std::int64_t> field_errors;  // "field:code" → rows
  std::string error_code;                            // failed: why
  std::string error_detail;
  std::int64_t started_at = 0;
  std::int64_t heartbeat_at = 0;
  std::optional<std::int64_t> finished_at;

  // What this run stamps on the records it writes (records::apply_chunk): the batch id on the
  // first run, −(id·2^20 + attempt) on a retry — a value no other run of any batch uses, so
  // that a retry tells a key it repeats itself (a duplicate) from a record the interrupted run
  // already stored (compared like any other: unchanged when identical).
  std::int64_t stamp() const {
    return attempt == 0 ? id : -(id * (kMaxBatchAttempts + 1) + attempt);
  }
};

struct Rejection {
  std::uint64_t line = 0;
  std::vector<FieldError> errors;
};

// Rows per day, for the quality figures.
struct DailyCount {
  std::string day;            // YYYY-MM-DD, Beijing time, by the batch's finish
  std::int64_t ingested = 0;  // inserted + updated + unchanged + deleted
  std::int64_t rejected = 0;
};

// Gives the next piece of the body: true with bytes, false at its end, or an error.
using PieceSource = std::function<Result<bool>(std::string& piece)>;

struct IngestOptions {
  IngestFormat format = IngestFormat::kNdjson;
  Charset charset = Charset::kUtf8;
  bool all_or_nothing = false;
  std::optional<std::string> idempotency_key;
};

struct IngestReport {
  Batch batch;
  std::vector<Rejection> rejections;  // the first kReportRejections
  bool replayed = false;              // answered again for an Idempotency-Key
};

}  // namespace zt::exchange
