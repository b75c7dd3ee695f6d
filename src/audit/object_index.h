// The object index (issue 16.4): the records of one object (object_type, object_id) in a bounded
// number of index probes whatever the log's length, while appends stay as cheap as before.
//
// Appends keep only the span index of migration 102 (audit_records_object_span: (id >> 12),
// object_type, object_id, id), whose inserts land in the last span's pages. ObjectIndexer, a
// background worker, folds finished spans into sorted runs (audit_object_runs, migration 106), in
// levels of 16: a level-1 run holds the records of an aligned block of 65 536 ids (16 spans), a
// level-k run the 16 level-(k-1) runs of its block of 4 096·16^k ids. Runs are written in key
// order at the end of their level (no random page writes), a merge 65 536 rows per transaction
// so SQLite's one writer is never held long, and the runs a merge replaced are deleted after it.
//
// audit_object_levels holds per level k its coverage W_k (covered_to): the level's runs cover
// ids [W_{k+1}, W_k), with W_1 ≥ W_2 ≥ … ≥ W_6 (each a multiple of its block); the spans cover
// [W_1, head]. A lookup probes the segments from the head down (object_store::segments): at most
// 16 spans (and the one being filled) and 15 runs a level when the indexer keeps up — about 40
// probes at 10 M records, 80 at 1 G, against one per 4 096 records before.
//
// Several nodes on one PostgreSQL: the worker runs under the lease "audit-object-index", and each
// step locks the levels' rows first (SELECT … FOR UPDATE), so two steps never build the same run
// even when a lease expired under a slow pass. A lookup reads the coverage, probes, and reads the
// coverage again: when a merge finished in between (it may have deleted runs the lookup was
// given), the lookup starts over (store::list).
//
// Thread-safety: free functions use only the Connection or Database given; ObjectIndexer's
// methods may be called from any thread (its worker runs them on its own).
#pragma once

#include <array>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "core/background_worker.h"
#include "core/result.h"
#include "core/time.h"
#include "db/connection.h"
#include "db/database.h"
#include "db/migration.h"
#include "db/worker_lease.h"

namespace zt::audit {

// Spans of 4 096 ids (migration 102's index); runs of 16 of the level below; six levels (a top
// run covers 4 096·16^6 ≈ 6.9·10^10 ids).
inline constexpr int kObjectSpanShift = 12;  // must equal the shift of migration 102's index
inline constexpr int kObjectFanOutShift = 4;
inline constexpr int kObjectLevels = 6;
// Rows a merge or a clean-up writes in one transaction.
inline constexpr std::size_t kObjectChunkRows = 65'536;

// The ids a segment of `level` covers (level 0: a span).
constexpr std::int64_t object_block(int level) {
  return std::int64_t{1} << (kObjectSpanShift + kObjectFanOutShift * level);
}

// The migration of the runs and levels tables (version 106).
db::Migration object_index_migration();

namespace object_store {

// W_1 … W_6 (index 0 is level 1).
using Coverage = std::array<std::int64_t, kObjectLevels>;

// One place to probe: a span of the span index (level 0) or a run, covering ids [start, end).
struct Segment {
  int level = 0;
  std::int64_t start = 0;
  std::int64_t end = 0;
};

// The levels' coverage now. Failure: the database's error.
Result<Coverage> coverage(db::Connection& conn);

// The segments that hold the records with lo <= id <= hi of a log whose last id is `last_id`,
// newest first (or oldest first), each once: the spans from the head's down to W_1, then the
// runs of level 1, 2, …
std::vector<Segment> segments(const Coverage& coverage, std::int64_t last_id, std::int64_t lo,
                              std::int64_t hi, bool newest_first);

// What one step did.
enum class Step { kNone, kBuilt, kMerged, kCleaned };

// One unit of the indexer's work in a write transaction of its own, the first that is due of:
// the level-1 run of the next finished block of 65 536 ids; a chunk (up to `chunk_rows` rows) of
// the next merge whose 16 runs are complete, lowest level first; a chunk of the runs a finished
// merge replaced. Success: what it did (kNone: nothing is due). Failure: the database's error;
// nothing of the step is kept.
Result<Step> step(db::Database& db, std::size_t chunk_rows = kObjectChunkRows);

}  // namespace object_store

struct ObjectIndexOptions {
  std::string node_id;  // the lease's holder: app::Platform's node id (empty: "audit")
  std::chrono::milliseconds period{5000};  // between passes while nothing is due
};

// The background worker "audit-object-index" that runs object_store::step until nothing is due.
class ObjectIndexer {
 public:
  // The database and clock must outlive the indexer. The worker is not started here
  // (app::Platform starts it with the others).
  ObjectIndexer(db::Database& db, const core::Clock& clock, ObjectIndexOptions options);

  // Runs steps until nothing is due or `max_steps` ran. Success: the steps that did something.
  // Failure: the first step's error.
  Result<std::size_t> run(std::size_t max_steps);

  // The error of the most recent failed pass, if any.
  std::optional<Error> last_error() const;

  core::BackgroundWorker& worker() { return worker_; }

 private:
  db::Database& db_;
  const db::WorkerLease lease_;
  mutable std::mutex mutex_;  // guards last_error_
  std::optional<Error> last_error_;
  core::BackgroundWorker worker_;  // last: its pass uses the members above
};

}  // namespace zt::audit
