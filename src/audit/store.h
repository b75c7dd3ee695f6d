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
//                     hash is the keyed MAC (model.h), last_id + 1 at the upgrade.
//   audit_checkpoints one row per signed checkpoint (checkpoint.h), keyed by record_id; never
//                     updated or deleted (PostgreSQL triggers refuse it, as for the records)
// Times are stored as UTC (TIMESTAMPTZ on PostgreSQL, "2026-11-23T00:00:00.123Z" text on SQLite),
// truncated to milliseconds.
//
// Thread-safety: stateless functions; each uses only the Connection it is given, which belongs to
// the calling thread. Errors: the db layer's (see db/connection.h), plus Error internal
// "audit_chain_head_missing" when the head row is gone.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "audit/model.h"
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
  std::int64_t keyed_from = 1;  // read only: write_head never changes it
};

enum class Order { kNewestFirst, kOldestFirst };

namespace store {

// Reads the chain head. lock: take the row lock until the transaction ends (PostgreSQL
// FOR UPDATE; on SQLite the write transaction already excludes other writers).
Result<ChainHead> read_head(db::Connection& conn, bool lock);

// Sets the chain head's last_id and last_hash (inside the transaction that appended the records).
Status write_head(db::Connection& conn, const ChainHead& head);

// Inserts one record. Failure: "duplicate" if its id exists.
Status insert(db::Connection& conn, const AuditRecord& record);

// Inserts records in one bulk load inside `tx` (multi-row INSERT on SQLite, COPY on
// PostgreSQL). Failure: the load's error; the transaction is then marked failed.
Status insert_many(db::Transaction& tx, std::span<const AuditRecord> records);

// Up to `limit` records matching `filter`, in `order`, strictly after `cursor` in that order
// (newest first: id < cursor; oldest first: id > cursor). Filtered by object, it asks span by
// span of 4 096 ids (the object index is kept per span so that appends stay local), so its cost
// grows with the log's length / 4 096 when the object has few records.
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
