// Record storage of published resources: one typed table per resource (rec_<id>: a column per
// field of the field's type, the key as primary key, an index per indexed field on the field
// then the key, rec_<id>_by_<field>, so that a filtered page walks an index), its change log
// (rec_<id>_changes: seq, op, data) and its state row (last sequence number, record count). The
// only file of the module with SQL on these tables.
//
// Column types: integer BIGINT, decimal NUMERIC, boolean INTEGER 0/1 (SQLite) / BOOLEAN, date
// TEXT (SQLite) / DATE, datetime TEXT in Beijing time (SQLite) / TIMESTAMPTZ, other types TEXT.
// SQLite tables are rowid tables with a unique index on the key (rec_<id>_key). Columns are
// f_<field name>; system
// columns start with '_' (field names cannot).
//
// Writing a chunk of validated rows happens in the caller's transaction: every row is inserted,
// updated, left unchanged (identical values), or deleted, and each applied change is appended to
// the change log with the resource's next sequence number. The state row is locked first
// (PostgreSQL: SELECT … FOR UPDATE; SQLite has one writer), so sequence numbers commit in order
// and a reader that stores its cursor never misses a change. SQLite writes row by row with
// prepared statements; PostgreSQL loads the chunk with COPY into a temporary table and merges it
// with one INSERT … ON CONFLICT and one DELETE.
//
// Thread-safety: free functions on a caller's connection.
#pragma once

#include "catalog/model.h"
#include "core/result.h"
#include "db/connection.h"
#include "db/migration.h"
#include "db/transaction.h"
#include "exchange/records/model.h"
#include "exchange/records/validate.h"

#include <cstdint>
#include <functional>
#include <optional>
#include <span>
#include <string>
#include <vector>

namespace zt::exchange {

// Migrations 400-499 (this module's shared tables; the per-resource tables are made at
// publication).
std::vector<db::Migration> migrations();

namespace records {

// Creates the storage of a newly published resource (before == null), or alters it for a
// compatible field change (new columns, new indexes). Runs in the caller's transaction.
Status apply_schema(db::Connection& conn, const catalog::Resource* before,
                    const catalog::Resource& after);

// Brings a resource's indexes made before issue 16 to today's layout: each indexed field's
// rec_<id>_by_<field> (the field, then the key) made where missing, and the field-only index it
// replaces (rec_<id>_f_<field>) dropped. Run in the caller's write transaction, once per
// resource at start (ExchangeService::upgrade_record_indexes); the resource's state row is
// locked first, so nodes starting together do it once. Success: the number of indexes made (0
// when up to date). Failure: a database error (the transaction should roll back).
Result<int> upgrade_indexes(db::Connection& conn, const catalog::Resource& resource);

// Applies `rows` (keys unique among them; validated against resource.fields) in the caller's
// write transaction `tx` on `conn`; `batch_id` and `now_ms` are recorded with each change. Every
// row stamps its record with `stamp` (a value unique to one run of one batch: the batch id, or
// another number for a retried run, see exchange::Batch::stamp), so a key repeated in a later
// chunk of the same run is found (ChunkOutcome::duplicates) without keeping the run's keys in
// memory, while a record an earlier, interrupted run of the batch wrote is compared like any
// other (unchanged when identical).
// What one batch's chunks learn for the next: on PostgreSQL, whether to try COPYing the new
// rows straight into the table (a first load) before probing for existing keys.
struct ChunkHint {
  bool try_direct = true;
};

Result<ChunkOutcome> apply_chunk(db::Connection& conn, db::Transaction& tx,
                                 const catalog::Resource& resource, std::span<const TypedRow> rows,
                                 std::int64_t batch_id, std::int64_t stamp, std::int64_t now_ms,
                                 ChunkHint* hint = nullptr);

// Changes with seq > after, oldest first, at most `limit`.
Result<std::vector<Change>> read_changes(db::Connection& conn, std::int64_t resource_id,
                                         std::int64_t after, int limit);

Result<StorageState> state(db::Connection& conn, std::int64_t resource_id);

// The record count, then for each field (in field order) how many records have a value (not
// null). Read from the counts apply_chunk keeps (exchange_field_counts: one row per resource and
// field, added to in each chunk's transaction under the state row's lock, from the filled fields
// of the rows it inserts, updates and deletes — the changed and deleted records' read just before
// the change), so two rows whatever the table's size.
Result<std::vector<std::int64_t>> filled_counts(db::Connection& conn,
                                                const catalog::Resource& resource);

// Migration 470's step: the field counts of every resource's records already stored, counted
// from its table (the fields are the table's f_ columns).
Status count_existing_fields(db::Connection& conn);

// The record with the given key values (one per key field, in key order), as a JSON object of
// every field; nullopt when absent.
Result<std::optional<std::string>> find_record(db::Connection& conn,
                                               const catalog::Resource& resource,
                                               std::span<const TypedValue> key);

// The SELECT of one record by its key: a parameter per key field, in key order, reading every
// field as scan_records does. Built once per resource version by callers that look records up
// often (key lookups), rather than per call.
std::string key_lookup_sql(db::Backend backend, const catalog::Resource& resource);

// The record with the given key values (one per key field, in key order) read with `sql` from
// key_lookup_sql(conn.backend(), resource), as typed values in field order; nullopt when absent.
Result<std::optional<TypedRow>> lookup_record(db::Connection& conn,
                                              const catalog::Resource& resource,
                                              std::string_view sql,
                                              std::span<const TypedValue> key);

// One filter of a query on a key or indexed field. kPrefix matches text starting with `value`
// (`upper` is the exclusive end of its range, made by the caller: value + U+FFFF).
struct Condition {
  enum class Op { kEq, kGt, kGte, kLt, kLte, kPrefix };
  std::size_t field = 0;  // index in resource.fields
  Op op = Op::kEq;
  TypedValue value;
  std::string upper;
};

// The order a scan of these conditions returns records in: nullopt for key order — no
// conditions, an exact match on any field, or any condition on a key field — else the field of
// the first condition (a range or prefix on an indexed field), then the key. Either is a walk of
// one index with no sort: the key's, or rec_<id>_by_<field>, which holds each value's records in
// key order.
std::optional<std::size_t> scan_order(const catalog::Resource& resource,
                                      std::span<const Condition> conditions);

// Records matching every condition, in scan_order, after the position `after` (empty: from the
// start; else the order field's value when scan_order names one, then the key values — what the
// last record of the previous page holds), at most `limit`, each given to `visit` as typed
// values in field order. Failure: 400 invalid_cursor when `after` has the wrong length.
Status scan_records(db::Connection& conn, const catalog::Resource& resource,
                    std::span<const Condition> conditions, std::span<const TypedValue> after,
                    int limit, const std::function<void(const TypedRow&)>& visit);

// The same as views borrowed from the rows read (valid only during the call to `visit`), one per
// field in field order, with only the `selected` fields (and the key and order fields) read: the
// others are kNull. An empty `selected` reads every field. For exports, which read many rows and
// copy each value once, into their output.
Status scan_record_views(db::Connection& conn, const catalog::Resource& resource,
                         std::span<const Condition> conditions, std::span<const TypedValue> after,
                         int limit, const std::vector<bool>& selected,
                         const std::function<void(std::span<const ValueView>)>& visit);

// The statement scan_records runs for these arguments, with its parameters (views into
// `conditions` and `after`, valid while they are): for plan checks in tests and benchmarks.
struct ScanStatement {
  std::string sql;
  std::vector<db::Param> params;
};
ScanStatement scan_statement(db::Backend backend, const catalog::Resource& resource,
                             std::span<const Condition> conditions,
                             std::span<const TypedValue> after, int limit);

// The same, each as the JSON object find_record gives.
Result<std::vector<std::string>> find_records(db::Connection& conn,
                                              const catalog::Resource& resource,
                                              std::span<const Condition> conditions,
                                              std::span<const TypedValue> after, int limit);

}  // namespace records

}  // namespace zt::exchange
