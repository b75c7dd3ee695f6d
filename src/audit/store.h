// AuditStore: the audit module's SQL — its schema (migrations 100–199) and every statement on
// audit_records and audit_chain_head. Nothing else in the module writes SQL.
//
// Tables:
//   audit_records     one row per record (see model.h), id assigned by the service; never
//                     updated or deleted (on PostgreSQL triggers refuse UPDATE, DELETE, TRUNCATE)
//   audit_chain_head  one row (id = 1): last_id and last_hash of the chain. Every append locks
//                     it (SELECT … FOR UPDATE on PostgreSQL; SQLite's single writer with BEGIN
//                     IMMEDIATE serialises anyway), so appends are numbered without gaps and
//                     chained in commit order. keyed_from (migration 103): the first id whose
//                     hash is the keyed MAC (model.h), last_id + 1 at the upgrade. max_time
//                     (migration 105): the latest time of any record appended.
//   audit_late_records (time, id) of each late record: one whose time is more than kLateAfter
//                     before the latest time of the records appended before it (migration 105
//                     found those already there). With them a time window maps to a range of
//                     ids (time_bounds below). An index, not part of the chain; append-only.
//   audit_checkpoints one row per signed checkpoint (checkpoint.h), keyed by record_id; never
//                     updated or deleted (PostgreSQL triggers refuse it, as for the records)
// Times are stored as UTC (TIMESTAMPTZ on PostgreSQL, "2026-11-23T00:00:00.123Z" text on SQLite),
// truncated to milliseconds.
//
// Thread-safety: stateless functions; each uses only the Connection it is given, which belongs to
// the calling thread. Errors: the db layer's (see db/connection.h), plus Error internal
// "audit_chain_head_missing" when the head row is gone.
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <variant>
#include <vector>

#include "audit/model.h"
#include "audit/object_index.h"
#include "core/result.h"
#include "db/connection.h"
#include "db/migration.h"
#include "db/transaction.h"

namespace zt::audit {

// The module's migrations (versions 100–199).
std::vector<db::Migration> migrations();

struct ChainHead {
  std::int64_t last_id = 0;  // 0: no record yet
  std::string last_hash{kGenesisHash};
  std::int64_t keyed_from = 1;              // read only: write_head never changes it
  std::optional<core::TimePoint> max_time;  // the latest record time (none: no record yet)
};

enum class Order { kNewestFirst, kOldestFirst };

// How far a record's time may lag the latest time appended before it without the record being
// late (audit_late_records). Records are stamped when the event happens and appended in id
// order a little later (the group-commit writer holds them up to its flush interval, at most
// 1 s, more while it catches up; several nodes' clocks differ by milliseconds), so times are
// nearly, not strictly, in id order. A larger value costs time windows that many seconds of
// records walked at each end; a smaller one makes ordinary records late. Never lower it: the
// records already appended were judged with it (migration 105's text holds it too).
inline constexpr std::chrono::seconds kLateAfter{10};

// The ids a time window [from, to) can hold (every record in it has lo <= id <= hi, unset: no
// bound) apart from the late records with id > hi, which the window must also ask
// audit_late_records for (late_above: hi, set when some may be there). Found with two probes
// of the time index, whatever the log's size: lo is one past the last record, by time, that is
// not late and is more than kLateAfter before `from` (every earlier record is before `from`);
// hi one before the first such record at or more than kLateAfter after `to` (every later record
// that is not late is at or after `to`). empty: from >= to.
struct IdBounds {
  std::optional<std::int64_t> lo;
  std::optional<std::int64_t> hi;
  std::optional<std::int64_t> late_above;
  bool empty = false;
};

// One statement of a page of list(), with its arguments; its last argument is the LIMIT.
struct Statement {
  std::string sql;
  std::vector<std::variant<std::int64_t, std::string>> args;
  // Views of args (valid while this statement is unchanged).
  std::vector<db::Param> params() const;
};

// The statements of one page of list(), in the order it runs them until `limit` records are
// found. coverage: set when they probe the object index (list() reads it again afterwards and
// starts over when a merge finished in between).
struct PagePlan {
  std::vector<Statement> statements;
  std::optional<object_store::Coverage> coverage;
};

namespace store {

// Reads the chain head. lock: take the row lock until the transaction ends (PostgreSQL
// FOR UPDATE; on SQLite the write transaction already excludes other writers).
Result<ChainHead> read_head(db::Connection& conn, bool lock);

// Sets the chain head's last_id, last_hash and max_time (inside the transaction that appended the
// records).
Status write_head(db::Connection& conn, const ChainHead& head);

// Inserts one record. Failure: "duplicate" if its id exists.
Status insert(db::Connection& conn, const AuditRecord& record);

// Inserts records in one bulk load inside `tx` (multi-row INSERT on SQLite, COPY on
// PostgreSQL). Failure: the load's error; the transaction is then marked failed.
Status insert_many(db::Transaction& tx, std::span<const AuditRecord> records);

// Inserts the (time, id) of late records (kLateAfter) inside the caller's transaction.
Status insert_late(db::Connection& conn, std::span<const AuditRecord* const> records);

// The id range of filter's time window (IdBounds); `probes`, when given, gets the statements it
// ran (for EXPLAIN in tests). Failure: the database's error.
Result<IdBounds> time_bounds(db::Connection& conn, const RecordFilter& filter,
                             std::vector<Statement>* probes = nullptr);

// The statements of a page of list() (PagePlan), for the state of the log now: a time window
// walks its id range (time_bounds) by the primary key or the index of one filter (actor_id,
// actor_name, department_id, action, outcome: each (column, id)), never sorting; its late
// records come from audit_late_records. An object (object_id or object_ids) is asked segment by
// segment of the object index (object_index.h). Failure: the database's error.
Result<PagePlan> plan_page(db::Connection& conn, const RecordFilter& filter,
                           std::optional<std::int64_t> cursor, std::size_t limit, Order order);

// Up to `limit` records matching `filter`, in `order`, strictly after `cursor` in that order
// (newest first: id < cursor; oldest first: id > cursor): plan_page's statements, run in
// order until `limit` are found. Failure: the database's error; Error unavailable
// "audit_index_busy" when the object index changed under eight lookups in a row.
Result<std::vector<AuditRecord>> list(db::Connection& conn, const RecordFilter& filter,
                                      std::optional<std::int64_t> cursor, std::size_t limit,
                                      Order order);

// The records with these ids, in descending id order (ids not in the log are absent).
Result<std::vector<AuditRecord>> by_ids(db::Connection& conn, std::span<const std::int64_t> ids);

// Up to `limit` records with after_id < id <= up_to_id, oldest first (verification).
Result<std::vector<AuditRecord>> page(db::Connection& conn, std::int64_t after_id,
                                      std::int64_t up_to_id, std::size_t limit);

// Stores a checkpoint unless one for its record_id exists. Success: whether it was stored.
Result<bool> insert_checkpoint(db::Connection& conn, const Checkpoint& checkpoint);

// Up to `limit` checkpoints with record_id > after_record_id, in record_id order.
Result<std::vector<Checkpoint>> checkpoints(db::Connection& conn, std::int64_t after_record_id,
                                            std::size_t limit);

// The checkpoint with the highest record_id, if any.
Result<std::optional<Checkpoint>> newest_checkpoint(db::Connection& conn);

}  // namespace store
}  // namespace zt::audit
