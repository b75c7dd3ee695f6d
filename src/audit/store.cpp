#include "audit/store.h"

#include <fmt/format.h>

#include <algorithm>
#include <chrono>
#include <deque>

#include "audit/daily_counts.h"
#include "audit/subject_index.h"
#include "db/bulk_load.h"

namespace zt::audit {

namespace {

// Shared by both backends; {{id_type}} is the one spelling that differs: on SQLite only
// "INTEGER PRIMARY KEY" makes the id the table's rowid (no second B-tree), on PostgreSQL BIGINT.
// Both are 64-bit integers assigned by the service, never by the database.
constexpr std::string_view kSchema = R"sql(
CREATE TABLE audit_records (
  id {{id_type}} PRIMARY KEY,
  time {{timestamptz}} NOT NULL,
  actor_kind TEXT NOT NULL,
  actor_id BIGINT,
  actor_name TEXT NOT NULL,
  department_id BIGINT,
  source_address TEXT NOT NULL,
  action TEXT NOT NULL,
  object_type TEXT NOT NULL,
  object_id TEXT NOT NULL,
  outcome TEXT NOT NULL,
  request_id TEXT NOT NULL,
  purpose TEXT NOT NULL,
  case_id TEXT NOT NULL,
  detail TEXT NOT NULL,
  prev_hash TEXT NOT NULL,
  hash TEXT NOT NULL
);
CREATE INDEX audit_records_time ON audit_records (time);
CREATE INDEX audit_records_actor ON audit_records (actor_id, id);
CREATE INDEX audit_records_department ON audit_records (department_id, id);
CREATE INDEX audit_records_action ON audit_records (action, id);
CREATE INDEX audit_records_object ON audit_records (object_type, object_id, id);
CREATE TABLE audit_chain_head (
  id INTEGER PRIMARY KEY CHECK (id = 1),
  last_id BIGINT NOT NULL,
  last_hash TEXT NOT NULL
);
INSERT INTO audit_chain_head (id, last_id, last_hash)
  VALUES (1, 0, '0000000000000000000000000000000000000000000000000000000000000000');
)sql";

// PostgreSQL only: no statement may change or remove an audit record, and the head row may be
// updated (by appends) but not removed.
constexpr std::string_view kPostgresGuards = R"sql(
CREATE FUNCTION audit_refuse_change() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION 'audit log is append-only: % on % refused', TG_OP, TG_TABLE_NAME
    USING ERRCODE = 'insufficient_privilege';
END
$$;
CREATE TRIGGER audit_records_no_update BEFORE UPDATE ON audit_records
  FOR EACH ROW EXECUTE FUNCTION audit_refuse_change();
CREATE TRIGGER audit_records_no_delete BEFORE DELETE ON audit_records
  FOR EACH ROW EXECUTE FUNCTION audit_refuse_change();
CREATE TRIGGER audit_records_no_truncate BEFORE TRUNCATE ON audit_records
  FOR EACH STATEMENT EXECUTE FUNCTION audit_refuse_change();
CREATE TRIGGER audit_chain_head_no_delete BEFORE DELETE ON audit_chain_head
  FOR EACH ROW EXECUTE FUNCTION audit_refuse_change();
CREATE TRIGGER audit_chain_head_no_truncate BEFORE TRUNCATE ON audit_chain_head
  FOR EACH STATEMENT EXECUTE FUNCTION audit_refuse_change();
)sql";

std::string schema_with_id(std::string_view id_type) {
  std::string sql(kSchema);
  constexpr std::string_view kToken = "{{id_type}}";
  sql.replace(sql.find(kToken), kToken.size(), id_type);
  return sql;
}

constexpr std::string_view kColumns =
    "id, time, actor_kind, actor_id, actor_name, department_id, source_address, action, "
    "object_type, object_id, outcome, request_id, purpose, case_id, detail, prev_hash, hash";

// "2026-11-23T00:00:00.123Z": SQLite's stored form (sorts as text), accepted by PostgreSQL.
std::string format_utc(core::TimePoint t) {
  using namespace std::chrono;
  const auto day = floor<days>(t);
  const year_month_day ymd{day};
  const hh_mm_ss hms{floor<milliseconds>(t - day)};
  return fmt::format("{:04}-{:02}-{:02}T{:02}:{:02}:{:02}.{:03}Z", int(ymd.year()),
                     unsigned(ymd.month()), unsigned(ymd.day()), hms.hours().count(),
                     hms.minutes().count(), hms.seconds().count(), hms.subseconds().count());
}

Result<AuditRecord> decode(const db::Row& row) {
  AuditRecord r;
  r.id = row.get<std::int64_t>(0);
  auto time = parse_time(row.get<std::string_view>(1));
  if (!time.ok()) {
    return Error::internal(
        "database_error",
        fmt::format("audit record {} has an unreadable time: {}", r.id, time.error().detail));
  }
  r.time = *time;
  r.entry.time = r.time;
  r.entry.actor_kind = row.get<std::string>(2);
  r.entry.actor_id = row.get<std::optional<std::int64_t>>(3);
  r.entry.actor_name = row.get<std::string>(4);
  r.entry.department_id = row.get<std::optional<std::int64_t>>(5);
  r.entry.source_address = row.get<std::string>(6);
  r.entry.action = row.get<std::string>(7);
  r.entry.object_type = row.get<std::string>(8);
  r.entry.object_id = row.get<std::string>(9);
  r.entry.outcome = row.get<std::string>(10);
  r.entry.request_id = row.get<std::string>(11);
  r.entry.purpose = row.get<std::string>(12);
  r.entry.case_id = row.get<std::string>(13);
  r.entry.detail = row.get<std::string>(14);
  r.prev_hash = row.get<std::string>(15);
  r.hash = row.get<std::string>(16);
  return r;
}

Result<std::vector<AuditRecord>> decode_all(const db::Rows& rows) {
  std::vector<AuditRecord> out;
  out.reserve(rows.size());
  for (const db::Row row : rows) {
    auto record = decode(row);
    if (!record.ok()) return std::move(record).error();
    out.push_back(std::move(record).value());
  }
  return out;
}

}  // namespace

// The object index leads with the record's id span (id >> kObjectSpanShift): records are
// appended in id order, so a batch's inserts land in the last span's pages instead of one random
// page each across the whole index (a read's object is a random key). Asking for an object then
// costs one index probe per span (list() below). Migration 101 made spans of 65 536 ids; their
// region of the index (about 800 pages) was still dirtied a page per record by each batch, so
// 102 narrows them to 4 096 ids (about 50 pages): a third less audit writer CPU a read.
constexpr std::string_view kObjectIndexBySpan = R"sql(
DROP INDEX audit_records_object;
CREATE INDEX audit_records_object_span ON audit_records ((id >> 16), object_type, object_id, id);
)sql";
constexpr std::string_view kObjectIndexByNarrowSpan = R"sql(
DROP INDEX audit_records_object_span;
CREATE INDEX audit_records_object_span ON audit_records ((id >> 12), object_type, object_id, id);
)sql";
constexpr int kObjectSpanShift = 12;  // must equal the shift of the newest migration's index

// 103: the keyed chain starts after the records already there, and the checkpoints' table.
constexpr std::string_view kKeyedChain = R"sql(
ALTER TABLE audit_chain_head ADD COLUMN keyed_from BIGINT NOT NULL DEFAULT 1;
UPDATE audit_chain_head SET keyed_from = last_id + 1;
CREATE TABLE audit_checkpoints (
  record_id BIGINT PRIMARY KEY,
  record_hash TEXT NOT NULL,
  keyed_from BIGINT NOT NULL,
  time {{timestamptz}} NOT NULL,
  signature TEXT NOT NULL
);
)sql";
constexpr std::string_view kCheckpointGuards = R"sql(
CREATE TRIGGER audit_checkpoints_no_update BEFORE UPDATE ON audit_checkpoints
  FOR EACH ROW EXECUTE FUNCTION audit_refuse_change();
CREATE TRIGGER audit_checkpoints_no_delete BEFORE DELETE ON audit_checkpoints
  FOR EACH ROW EXECUTE FUNCTION audit_refuse_change();
CREATE TRIGGER audit_checkpoints_no_truncate BEFORE TRUNCATE ON audit_checkpoints
  FOR EACH STATEMENT EXECUTE FUNCTION audit_refuse_change();
)sql";

std::vector<db::Migration> migrations() {
  return {{.version = 100,
           .name = "create_audit_log",
           .sqlite_sql = schema_with_id("INTEGER"),
           .postgres_sql = schema_with_id("BIGINT") + std::string(kPostgresGuards)},
          {.version = 101,
           .name = "audit_object_index_by_id_span",
           .sqlite_sql = std::string(kObjectIndexBySpan),
           .postgres_sql = std::string(kObjectIndexBySpan)},
          {.version = 102,
           .name = "audit_object_index_by_narrow_id_span",
           .sqlite_sql = std::string(kObjectIndexByNarrowSpan),
           .postgres_sql = std::string(kObjectIndexByNarrowSpan)},
          {.version = 103,
           .name = "audit_keyed_chain_and_checkpoints",
           .sqlite_sql = std::string(kKeyedChain),
           .postgres_sql = std::string(kKeyedChain) + std::string(kCheckpointGuards)},
          subject_index_migration(),
          daily_counts_migration()};
}

namespace store {

Result<ChainHead> read_head(db::Connection& conn, bool lock) {
  const bool for_update = lock && conn.backend() == db::Backend::kPostgres;
  auto rows = conn.query(for_update ? "SELECT last_id, last_hash, keyed_from FROM "
                                      "audit_chain_head WHERE id = 1 FOR UPDATE"
                                    : "SELECT last_id, last_hash, keyed_from FROM "
                                      "audit_chain_head WHERE id = 1");
  if (!rows.ok()) return std::move(rows).error();
  if (rows->empty()) {
    return Error::internal("audit_chain_head_missing",
                           "the audit chain head row (audit_chain_head id 1) is missing");
  }
  return ChainHead{(*rows)[0].get<std::int64_t>(0), (*rows)[0].get<std::string>(1),
                   (*rows)[0].get<std::int64_t>(2)};
}

Status write_head(db::Connection& conn, const ChainHead& head) {
  auto n = conn.exec("UPDATE audit_chain_head SET last_id = ?, last_hash = ? WHERE id = 1",
                     head.last_id, head.last_hash);
  if (!n.ok()) return std::move(n).error();
  if (*n != 1) {
    return Error::internal("audit_chain_head_missing",
                           "the audit chain head row (audit_chain_head id 1) is missing");
  }
  return {};
}

Status insert(db::Connection& conn, const AuditRecord& r) {
  const AuditEntry& e = r.entry;
  const std::string time = format_utc(r.time);
  auto n = conn.exec(
      "INSERT INTO audit_records (id, time, actor_kind, actor_id, actor_name, department_id, "
      "source_address, action, object_type, object_id, outcome, request_id, purpose, case_id, "
      "detail, prev_hash, hash) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
      r.id, time, e.actor_kind, e.actor_id, e.actor_name, e.department_id, e.source_address,
      e.action, e.object_type, e.object_id, e.outcome, e.request_id, e.purpose, e.case_id, e.detail,
      r.prev_hash, r.hash);
  if (!n.ok()) return std::move(n).error();
  return {};
}

Status insert_many(db::Transaction& tx, std::span<const AuditRecord> records) {
  auto bulk =
      db::BulkLoader::start(tx, "audit_records",
                            {"id", "time", "actor_kind", "actor_id", "actor_name", "department_id",
                             "source_address", "action", "object_type", "object_id", "outcome",
                             "request_id", "purpose", "case_id", "detail", "prev_hash", "hash"});
  if (!bulk.ok()) return std::move(bulk).error();
  for (const AuditRecord& r : records) {
    const AuditEntry& e = r.entry;
    const std::string time = format_utc(r.time);
    ZT_TRY(bulk->add_row(r.id, time, e.actor_kind, e.actor_id, e.actor_name, e.department_id,
                         e.source_address, e.action, e.object_type, e.object_id, e.outcome,
                         e.request_id, e.purpose, e.case_id, e.detail, r.prev_hash, r.hash));
  }
  auto n = bulk->finish();
  if (!n.ok()) return std::move(n).error();
  return {};
}

namespace {

// `filter`'s records in one id span (or all records when `span` is empty), as list() says.
Result<std::vector<AuditRecord>> list_in(db::Connection& conn, const RecordFilter& filter,
                                         std::optional<std::int64_t> span,
                                         std::optional<std::int64_t> cursor, std::size_t limit,
                                         Order order) {
  const bool newest_first = order == Order::kNewestFirst;
  std::string sql = fmt::format("SELECT {} FROM audit_records WHERE 1 = 1", kColumns);
  std::vector<db::Param> params;
  std::deque<std::string> texts;  // owns formatted values; a deque never moves its elements
  auto add = [&](std::string_view condition, db::Param param) {
    sql += " AND ";
    sql += condition;
    params.push_back(param);
  };
  if (filter.from) add("time >= ?", texts.emplace_back(format_utc(*filter.from)));
  if (filter.to) add("time < ?", texts.emplace_back(format_utc(*filter.to)));
  if (filter.actor_id) add("actor_id = ?", *filter.actor_id);
  if (filter.actor_name) add("actor_name = ?", *filter.actor_name);
  if (filter.department_id) add("department_id = ?", *filter.department_id);
  if (filter.action) add("action = ?", *filter.action);
  if (filter.object_type) add("object_type = ?", *filter.object_type);
  if (filter.object_id) add("object_id = ?", *filter.object_id);
  if (!filter.object_ids.empty()) {
    sql += " AND object_id IN (";
    for (std::size_t i = 0; i < filter.object_ids.size(); ++i) {
      sql += i ? ", ?" : "?";
      params.emplace_back(std::string_view(filter.object_ids[i]));
    }
    sql += ")";
  }
  if (filter.outcome) add("outcome = ?", *filter.outcome);
  if (span) add(fmt::format("(id >> {}) = ?", kObjectSpanShift), *span);
  if (cursor) add(newest_first ? "id < ?" : "id > ?", *cursor);
  sql += newest_first ? " ORDER BY id DESC LIMIT ?" : " ORDER BY id LIMIT ?";
  params.emplace_back(static_cast<std::int64_t>(limit));
  auto rows = conn.query(sql, params);
  if (!rows.ok()) return std::move(rows).error();
  return decode_all(*rows);
}

}  // namespace

Result<std::vector<AuditRecord>> list(db::Connection& conn, const RecordFilter& filter,
                                      std::optional<std::int64_t> cursor, std::size_t limit,
                                      Order order) {
  if (!filter.object_id && filter.object_ids.empty()) {
    return list_in(conn, filter, std::nullopt, cursor, limit, order);
  }
  // By object: span by span (the object index leads with the span), in the order asked, from
  // the cursor's span, until `limit` records are found or the spans run out.
  ZT_ASSIGN_OR_RETURN(ChainHead head, read_head(conn, /*lock=*/false));
  const bool newest_first = order == Order::kNewestFirst;
  const std::int64_t last_span = head.last_id >> kObjectSpanShift;
  std::int64_t span = newest_first ? last_span : 0;
  if (cursor) span = std::clamp<std::int64_t>(*cursor >> kObjectSpanShift, 0, last_span);
  std::vector<AuditRecord> out;
  for (; span >= 0 && span <= last_span && out.size() < limit; span += newest_first ? -1 : 1) {
    ZT_ASSIGN_OR_RETURN(auto found, list_in(conn, filter, span, cursor, limit - out.size(), order));
    for (AuditRecord& r : found)
      out.push_back(std::move(r));
  }
  return out;
}

Result<std::vector<AuditRecord>> page(db::Connection& conn, std::int64_t after_id,
                                      std::int64_t up_to_id, std::size_t limit) {
  auto rows = conn.query(fmt::format("SELECT {} FROM audit_records WHERE id > ? AND id <= ? "
                                     "ORDER BY id LIMIT ?",
                                     kColumns),
                         after_id, up_to_id, static_cast<std::int64_t>(limit));
  if (!rows.ok()) return std::move(rows).error();
  return decode_all(*rows);
}

Result<std::vector<AuditRecord>> by_ids(db::Connection& conn, std::span<const std::int64_t> ids) {
  if (ids.empty()) return std::vector<AuditRecord>{};
  std::string in;
  std::vector<db::Param> params;
  for (std::int64_t id : ids) {
    in += in.empty() ? "?" : ", ?";
    params.emplace_back(id);
  }
  auto rows = conn.query(
      fmt::format("SELECT {} FROM audit_records WHERE id IN ({}) ORDER BY id DESC", kColumns, in),
      params);
  if (!rows.ok()) return std::move(rows).error();
  return decode_all(*rows);
}

namespace {

Result<std::vector<Checkpoint>> decode_checkpoints(const db::Rows& rows) {
  std::vector<Checkpoint> out;
  out.reserve(rows.size());
  for (const db::Row row : rows) {
    Checkpoint c;
    c.record_id = row.get<std::int64_t>(0);
    c.record_hash = row.get<std::string>(1);
    c.keyed_from = row.get<std::int64_t>(2);
    auto time = parse_time(row.get<std::string_view>(3));
    if (!time.ok()) {
      return Error::internal("database_error",
                             fmt::format("audit checkpoint {} has an unreadable time: {}",
                                         c.record_id, time.error().detail));
    }
    c.time = *time;
    c.signature = row.get<std::string>(4);
    out.push_back(std::move(c));
  }
  return out;
}

constexpr std::string_view kCheckpointColumns =
    "record_id, record_hash, keyed_from, time, signature";

}  // namespace

Result<bool> insert_checkpoint(db::Connection& conn, const Checkpoint& c) {
  const std::string time = format_utc(c.time);
  auto n = conn.exec(
      "INSERT INTO audit_checkpoints (record_id, record_hash, keyed_from, time, signature) "
      "VALUES (?, ?, ?, ?, ?) ON CONFLICT (record_id) DO NOTHING",
      c.record_id, c.record_hash, c.keyed_from, time, c.signature);
  if (!n.ok()) return std::move(n).error();
  return *n == 1;
}

Result<std::vector<Checkpoint>> checkpoints(db::Connection& conn, std::int64_t after_record_id,
                                            std::size_t limit) {
  auto rows = conn.query(fmt::format("SELECT {} FROM audit_checkpoints WHERE record_id > ? "
                                     "ORDER BY record_id LIMIT ?",
                                     kCheckpointColumns),
                         after_record_id, static_cast<std::int64_t>(limit));
  if (!rows.ok()) return std::move(rows).error();
  return decode_checkpoints(*rows);
}

Result<std::optional<Checkpoint>> newest_checkpoint(db::Connection& conn) {
  auto rows =
      conn.query(fmt::format("SELECT {} FROM audit_checkpoints ORDER BY record_id DESC "
                             "LIMIT 1",
                             kCheckpointColumns));
  if (!rows.ok()) return std::move(rows).error();
  ZT_ASSIGN_OR_RETURN(auto found, decode_checkpoints(*rows));
  if (found.empty()) return std::optional<Checkpoint>();
  return std::optional<Checkpoint>(std::move(found.front()));
}

}  // namespace store
}  // namespace zt::audit
