#include "audit/object_index.h"

#include <fmt/format.h>

#include <algorithm>
#include <tuple>

#include "db/bulk_load.h"
#include "db/transaction.h"

namespace zt::audit {

namespace {

// The runs' key sorts object_id first, so a lookup by object_id alone (no object_type) is still
// one seek per run. On PostgreSQL the text columns use the "C" collation: byte order, the order
// SQLite's BINARY gives and the one a merge sorts by in memory (std::string's).
constexpr std::string_view kSqliteSchema = R"sql(
CREATE TABLE audit_object_runs (
  level INTEGER NOT NULL,
  start INTEGER NOT NULL,
  object_id TEXT NOT NULL,
  object_type TEXT NOT NULL,
  id INTEGER NOT NULL,
  PRIMARY KEY (level, start, object_id, object_type, id)
) WITHOUT ROWID;
)sql";
constexpr std::string_view kPostgresSchema = R"sql(
CREATE TABLE audit_object_runs (
  level SMALLINT NOT NULL,
  start BIGINT NOT NULL,
  object_id TEXT COLLATE "C" NOT NULL,
  object_type TEXT COLLATE "C" NOT NULL,
  id BIGINT NOT NULL,
  PRIMARY KEY (level, start, object_id, object_type, id)
);
)sql";
// covered_to: W_k (object_index.h). next_*: the key after which the merge into the run that
// starts at covered_to goes on (null: from the beginning).
constexpr std::string_view kLevels = R"sql(
CREATE TABLE audit_object_levels (
  level INTEGER PRIMARY KEY,
  covered_to BIGINT NOT NULL,
  next_object_id TEXT,
  next_object_type TEXT,
  next_id BIGINT
);
INSERT INTO audit_object_levels (level, covered_to) VALUES (1, 0), (2, 0), (3, 0), (4, 0), (5, 0), (6, 0);
)sql";
static_assert(kObjectLevels == 6, "migration 106 makes six levels");

struct Key {
  std::string object_id;
  std::string object_type;
  std::int64_t id = 0;
  auto tie() const { return std::tie(object_id, object_type, id); }
  bool operator<(const Key& other) const { return tie() < other.tie(); }
  bool operator<=(const Key& other) const { return tie() <= other.tie(); }
};

struct Level {
  std::int64_t covered_to = 0;
  std::optional<Key> next;  // the merge into the run at covered_to goes on after this key
};

Result<std::vector<Key>> keys_of(Result<db::Rows> rows) {
  if (!rows.ok()) return std::move(rows).error();
  std::vector<Key> out;
  out.reserve(rows->size());
  for (const db::Row row : *rows) {
    out.push_back({row.get<std::string>(0), row.get<std::string>(1), row.get<std::int64_t>(2)});
  }
  return out;
}

// All levels, locked until the transaction ends (PostgreSQL; SQLite's writer excludes others).
Result<std::array<Level, kObjectLevels>> read_levels(db::Connection& conn) {
  const bool pg = conn.backend() == db::Backend::kPostgres;
  auto rows = conn.query(std::string("SELECT level, covered_to, next_object_id, next_object_type, "
                                     "next_id FROM audit_object_levels ORDER BY level") +
                         (pg ? " FOR UPDATE" : ""));
  if (!rows.ok()) return std::move(rows).error();
  std::array<Level, kObjectLevels> out{};
  if (rows->size() != kObjectLevels) {
    return Error::internal("audit_object_levels_missing",
                           "audit_object_levels does not hold one row per level");
  }
  for (std::size_t i = 0; i < rows->size(); ++i) {
    const db::Row row = (*rows)[i];
    out[i].covered_to = row.get<std::int64_t>(1);
    if (auto id = row.get<std::optional<std::int64_t>>(4)) {
      out[i].next = Key{row.get<std::string>(2), row.get<std::string>(3), *id};
    }
  }
  return out;
}

Status write_level(db::Connection& conn, int level, const Level& l) {
  auto n = l.next ? conn.exec(
                        "UPDATE audit_object_levels SET covered_to = ?, next_object_id = ?, "
                        "next_object_type = ?, next_id = ? WHERE level = ?",
                        l.covered_to, l.next->object_id, l.next->object_type, l.next->id, level)
                  : conn.exec(
                        "UPDATE audit_object_levels SET covered_to = ?, next_object_id = "
                        "NULL, next_object_type = NULL, next_id = NULL WHERE level = ?",
                        l.covered_to, level);
  if (!n.ok()) return std::move(n).error();
  return {};
}

Status load_run(db::Transaction& tx, int level, std::int64_t start, std::span<const Key> keys) {
  if (keys.empty()) return {};
  ZT_ASSIGN_OR_RETURN(auto bulk,
                      db::BulkLoader::start(tx, "audit_object_runs",
                                            {"level", "start", "object_id", "object_type", "id"}));
  for (const Key& k : keys)
    ZT_TRY(bulk.add_row(level, start, k.object_id, k.object_type, k.id));
  auto n = bulk.finish();
  if (!n.ok()) return std::move(n).error();
  return {};
}

// The level-1 run of the block at `start`: its records' keys, read through the span index.
Status build_level_one(db::Transaction& tx, std::int64_t start) {
  db::Connection& conn = tx.connection();
  const std::int64_t first_span = start >> kObjectSpanShift;
  ZT_ASSIGN_OR_RETURN(
      auto keys,
      keys_of(conn.query(fmt::format("SELECT object_id, object_type, id FROM audit_records WHERE "
                                     "(id >> {0}) >= ? AND (id >> {0}) < ?",
                                     kObjectSpanShift),
                         first_span, first_span + (std::int64_t{1} << kObjectFanOutShift))));
  std::sort(keys.begin(), keys.end());
  return load_run(tx, 1, start, keys);
}

// Up to `limit` keys of the run (level, start) after `after`, in key order.
Result<std::vector<Key>> run_keys(db::Connection& conn, int level, std::int64_t start,
                                  const std::optional<Key>& after, std::size_t limit) {
  const auto n = static_cast<std::int64_t>(limit);
  constexpr std::string_view kSelect =
      "SELECT object_id, object_type, id FROM audit_object_runs WHERE level = ? AND start = ? ";
  constexpr std::string_view kOrder = " ORDER BY object_id, object_type, id LIMIT ?";
  if (!after)
    return keys_of(conn.query(std::string(kSelect) + std::string(kOrder), level, start, n));
  return keys_of(conn.query(
      std::string(kSelect) + "AND (object_id, object_type, id) > (?, ?, ?)" + std::string(kOrder),
      level, start, after->object_id, after->object_type, after->id, n));
}

// One chunk of the merge into the run (level, start) of its 16 runs one level below, after
// `after`. Success: the last key written, or nullopt when the run is complete.
Result<std::optional<Key>> merge_chunk(db::Transaction& tx, int level, std::int64_t start,
                                       const std::optional<Key>& after, std::size_t chunk_rows) {
  constexpr int kParts = 1 << kObjectFanOutShift;
  const std::size_t per_part = std::max<std::size_t>(1, chunk_rows / kParts);
  std::vector<std::vector<Key>> parts(kParts);
  std::optional<Key> bound;  // the chunk ends here: no part has unread keys at or below it
  for (int p = 0; p < kParts; ++p) {
    ZT_ASSIGN_OR_RETURN(parts[p], run_keys(tx.connection(), level - 1,
                                           start + p * object_block(level - 1), after, per_part));
    if (parts[p].size() == per_part && (!bound || parts[p].back() < *bound)) {
      bound = parts[p].back();
    }
  }
  std::vector<Key> keys;
  for (auto& part : parts) {
    for (Key& k : part) {
      if (!bound || k <= *bound) keys.push_back(std::move(k));
    }
  }
  std::sort(keys.begin(), keys.end());
  ZT_TRY(load_run(tx, level, start, keys));
  return bound;
}

// Deletes up to `chunk_rows` rows of the first run of `level` below `below` (replaced by a merge
// one level up). Success: whether there was one.
Result<bool> clean_chunk(db::Connection& conn, int level, std::int64_t below,
                         std::size_t chunk_rows) {
  ZT_ASSIGN_OR_RETURN(auto rows, conn.query("SELECT start FROM audit_object_runs WHERE level = ? "
                                            "AND start < ? ORDER BY start LIMIT 1",
                                            level, below));
  if (rows.empty()) return false;
  const auto start = rows[0].get<std::int64_t>(0);
  ZT_ASSIGN_OR_RETURN(
      auto last,
      keys_of(conn.query("SELECT object_id, object_type, id FROM audit_object_runs WHERE level = ? "
                         "AND start = ? ORDER BY object_id, object_type, id LIMIT 1 OFFSET ?",
                         level, start, static_cast<std::int64_t>(chunk_rows) - 1)));
  auto n = last.empty() ? conn.exec("DELETE FROM audit_object_runs WHERE level = ? AND start = ?",
                                    level, start)
                        : conn.exec(
                              "DELETE FROM audit_object_runs WHERE level = ? AND start = ? AND "
                              "(object_id, object_type, id) <= (?, ?, ?)",
                              level, start, last[0].object_id, last[0].object_type, last[0].id);
  if (!n.ok()) return std::move(n).error();
  return true;
}

}  // namespace

db::Migration object_index_migration() {
  return {.version = 106,
          .name = "audit_object_runs",
          .sqlite_sql = std::string(kSqliteSchema) + std::string(kLevels),
          .postgres_sql = std::string(kPostgresSchema) + std::string(kLevels)};
}

namespace object_store {

Result<Coverage> coverage(db::Connection& conn) {
  ZT_ASSIGN_OR_RETURN(auto rows,
                      conn.query("SELECT covered_to FROM audit_object_levels ORDER BY level"));
  if (rows.size() != kObjectLevels) {
    return Error::internal("audit_object_levels_missing",
                           "audit_object_levels does not hold one row per level");
  }
  Coverage out{};
  for (std::size_t i = 0; i < out.size(); ++i)
    out[i] = rows[i].get<std::int64_t>(0);
  return out;
}

std::vector<Segment> segments(const Coverage& coverage, std::int64_t last_id, std::int64_t lo,
                              std::int64_t hi, bool newest_first) {
  std::vector<Segment> out;
  hi = std::min(hi, last_id);
  if (lo > hi) return out;
  auto add = [&](int level, std::int64_t start) {
    const std::int64_t end = start + object_block(level);
    if (end > lo && start <= hi) out.push_back({level, start, end});
  };
  // Newest first: the spans from the head's down to W_1, then each level's runs downwards.
  const std::int64_t span = object_block(0);
  for (std::int64_t s = (last_id / span) * span; s >= coverage[0]; s -= span)
    add(0, s);
  for (int level = 1; level <= kObjectLevels; ++level) {
    const std::int64_t floor = level < kObjectLevels ? coverage[level] : 0;
    const std::int64_t block = object_block(level);
    for (std::int64_t s = coverage[level - 1] - block; s >= floor; s -= block)
      add(level, s);
  }
  if (!newest_first) std::reverse(out.begin(), out.end());
  return out;
}

Result<Step> step(db::Database& db, std::size_t chunk_rows) {
  chunk_rows = std::max<std::size_t>(chunk_rows, 1);
  ZT_ASSIGN_OR_RETURN(auto conn, db.acquire(db::Access::kWrite));
  ZT_ASSIGN_OR_RETURN(auto tx, db::Transaction::begin(conn));
  ZT_ASSIGN_OR_RETURN(auto levels, read_levels(conn));
  ZT_ASSIGN_OR_RETURN(auto head, conn.query("SELECT last_id FROM audit_chain_head WHERE id = 1"));
  const std::int64_t last_id = head.empty() ? 0 : head[0].get<std::int64_t>(0);
  Step did = Step::kNone;
  // 1. The next finished block's level-1 run: keeps the spans a lookup probes at most 16.
  if (Level& one = levels[0]; one.covered_to + object_block(1) - 1 <= last_id) {
    ZT_TRY(build_level_one(tx, one.covered_to));
    one.covered_to += object_block(1);
    ZT_TRY(write_level(conn, 1, one));
    did = Step::kBuilt;
  }
  // 2. A chunk of the lowest merge whose 16 runs are there.
  for (int level = 2; did == Step::kNone && level <= kObjectLevels; ++level) {
    Level& l = levels[level - 1];
    if (l.covered_to + object_block(level) > levels[level - 2].covered_to) continue;
    ZT_ASSIGN_OR_RETURN(l.next, merge_chunk(tx, level, l.covered_to, l.next, chunk_rows));
    if (!l.next) l.covered_to += object_block(level);
    ZT_TRY(write_level(conn, level, l));
    did = Step::kMerged;
  }
  // 3. A chunk of runs a merge replaced (below the coverage of the level above).
  for (int level = 1; did == Step::kNone && level < kObjectLevels; ++level) {
    ZT_ASSIGN_OR_RETURN(bool cleaned,
                        clean_chunk(conn, level, levels[level].covered_to, chunk_rows));
    if (cleaned) did = Step::kCleaned;
  }
  if (did == Step::kNone) return did;
  ZT_TRY(tx.commit());
  return did;
}

}  // namespace object_store

ObjectIndexer::ObjectIndexer(db::Database& db, const core::Clock& clock, ObjectIndexOptions options)
    : db_(db),
      // The lease outlasts a few passes, so a node that dies hands the work on within it.
      lease_(db, clock, "audit-object-index",
             options.node_id.empty() ? std::string("audit") : options.node_id,
             std::max<std::chrono::milliseconds>(options.period * 6, std::chrono::seconds(30))),
      worker_({.name = "audit-object-index",
               .period = options.period,
               .claim =
                   [this] {
                     auto held = lease_.claim();
                     if (held.ok()) return *held;
                     std::lock_guard lock(mutex_);
                     last_error_ = std::move(held).error();
                     return false;
                   }},
              [this] {
                // About a second of steps a pass, then the lease is claimed again.
                const auto until = std::chrono::steady_clock::now() + std::chrono::seconds(1);
                while (!worker_.stopping()) {
                  auto did = object_store::step(db_);
                  if (!did.ok()) {
                    std::lock_guard lock(mutex_);
                    last_error_ = std::move(did).error();
                    return core::BackgroundWorker::Next::idle();
                  }
                  if (*did == object_store::Step::kNone) {
                    return core::BackgroundWorker::Next::idle();
                  }
                  if (std::chrono::steady_clock::now() >= until) {
                    return core::BackgroundWorker::Next::again();
                  }
                }
                return core::BackgroundWorker::Next::idle();
              }) {}

Result<std::size_t> ObjectIndexer::run(std::size_t max_steps) {
  std::size_t done = 0;
  while (done < max_steps) {
    ZT_ASSIGN_OR_RETURN(auto did, object_store::step(db_));
    if (did == object_store::Step::kNone) break;
    ++done;
  }
  return done;
}

std::optional<Error> ObjectIndexer::last_error() const {
  std::lock_guard lock(mutex_);
  return last_error_;
}

}  // namespace zt::audit
