#include "audit/store.h"

#include <fmt/format.h>

#include <algorithm>
#include <chrono>
#include <limits>

#include "audit/daily_counts.h"
#include "audit/object_index.h"
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
static_assert(kObjectSpanShift == 12, "kObjectSpanShift is migration 102's shift");

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

// 104: the filters that had no index (a page of them scanned the log) get one each, in id
// order so that a page is a walk of it. outcome has three values and actor_name a few thousand:
// inserts land at the end of few regions of each index (measured: bench/audit/README.md).
constexpr std::string_view kFilterIndexes = R"sql(
CREATE INDEX audit_records_outcome ON audit_records (outcome, id);
CREATE INDEX audit_records_actor_name ON audit_records (actor_name, id);
)sql";

// 105: the late records (store.h, kLateAfter), and the head's latest time. The backfill judges
// the records already there as appends do from now on: late when more than 10 seconds before the
// latest time of the records before them.
static_assert(kLateAfter == std::chrono::seconds(10), "migration 105's text says 10 seconds");
constexpr std::string_view kLateRecords = R"sql(
ALTER TABLE audit_chain_head ADD COLUMN max_time {{timestamptz}};
UPDATE audit_chain_head SET max_time = (SELECT MAX(time) FROM audit_records);
CREATE TABLE audit_late_records (
  time {{timestamptz}} NOT NULL,
  id BIGINT NOT NULL,
  PRIMARY KEY (time, id)
){{without_rowid}};
INSERT INTO audit_late_records (time, id)
SELECT time, id FROM (
  SELECT id, time,
         MAX(time) OVER (ORDER BY id ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING) AS latest
  FROM audit_records) AS a
WHERE {{late}};
)sql";
constexpr std::string_view kLateGuards = R"sql(
CREATE TRIGGER audit_late_records_no_update BEFORE UPDATE ON audit_late_records
  FOR EACH ROW EXECUTE FUNCTION audit_refuse_change();
CREATE TRIGGER audit_late_records_no_delete BEFORE DELETE ON audit_late_records
  FOR EACH ROW EXECUTE FUNCTION audit_refuse_change();
CREATE TRIGGER audit_late_records_no_truncate BEFORE TRUNCATE ON audit_late_records
  FOR EACH STATEMENT EXECUTE FUNCTION audit_refuse_change();
)sql";

std::string late_records_sql(db::Backend backend) {
  std::string sql(kLateRecords);
  auto put = [&sql](std::string_view token, std::string_view text) {
    sql.replace(sql.find(token), token.size(), text);
  };
  if (backend == db::Backend::kSqlite) {
    put("{{without_rowid}}", " WITHOUT ROWID");
    put("{{late}}", "time < strftime('%Y-%m-%dT%H:%M:%fZ', latest, '-10 seconds')");
    return sql;
  }
  put("{{without_rowid}}", "");
  put("{{late}}", "time < latest - interval '10 seconds'");
  return sql + std::string(kLateGuards);
}

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
          {.version = 104,
           .name = "audit_outcome_and_actor_name_indexes",
           .sql = std::string(kFilterIndexes)},
          {.version = 105,
           .name = "audit_late_records",
           .sqlite_sql = late_records_sql(db::Backend::kSqlite),
           .postgres_sql = late_records_sql(db::Backend::kPostgres)},
          object_index_migration(),
          subject_index_migration(),
          daily_counts_migration()};
}

std::vector<db::Param> Statement::params() const {
  std::vector<db::Param> out;
  out.reserve(args.size());
  for (const auto& arg : args) {
    if (const auto* i = std::get_if<std::int64_t>(&arg)) {
      out.emplace_back(*i);
    } else {
      out.emplace_back(std::string_view(std::get<std::string>(arg)));
    }
  }
  return out;
}

namespace store {

Result<ChainHead> read_head(db::Connection& conn, bool lock) {
  const bool for_update = lock && conn.backend() == db::Backend::kPostgres;
  constexpr std::string_view kSelect =
      "SELECT last_id, last_hash, keyed_from, max_time FROM audit_chain_head WHERE id = 1";
  auto rows = conn.query(for_update ? std::string(kSelect) + " FOR UPDATE" : std::string(kSelect));
  if (!rows.ok()) return std::move(rows).error();
  if (rows->empty()) {
    return Error::internal("audit_chain_head_missing",
                           "the audit chain head row (audit_chain_head id 1) is missing");
  }
  const db::Row row = (*rows)[0];
  ChainHead head{row.get<std::int64_t>(0), row.get<std::string>(1), row.get<std::int64_t>(2), {}};
  if (auto text = row.get<std::optional<std::string>>(3)) {
    auto time = parse_time(*text);
    if (!time.ok()) {
      return Error::internal("database_error", "the audit chain head's max_time is unreadable: " +
                                                   time.error().detail);
    }
    head.max_time = *time;
  }
  return head;
}

Status write_head(db::Connection& conn, const ChainHead& head) {
  std::optional<std::string> max_time;
  if (head.max_time) max_time = format_utc(*head.max_time);
  auto n =
      conn.exec("UPDATE audit_chain_head SET last_id = ?, last_hash = ?, max_time = ? WHERE id = 1",
                head.last_id, head.last_hash, max_time);
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

Status insert_late(db::Connection& conn, std::span<const AuditRecord* const> records) {
  constexpr std::size_t kRowsPerInsert = 400;  // 2 parameters each: within SQLite's 999
  for (std::size_t start = 0; start < records.size(); start += kRowsPerInsert) {
    const std::size_t n = std::min(kRowsPerInsert, records.size() - start);
    std::string sql = "INSERT INTO audit_late_records (time, id) VALUES ";
    std::vector<std::string> times;
    times.reserve(n);
    for (std::size_t i = 0; i < n; ++i) {
      sql += i ? ", (?, ?)" : "(?, ?)";
      times.push_back(format_utc(records[start + i]->time));
    }
    std::vector<db::Param> params;
    params.reserve(2 * n);
    for (std::size_t i = 0; i < n; ++i) {
      params.emplace_back(times[i]);
      params.emplace_back(records[start + i]->id);
    }
    auto done = conn.exec(sql, params);
    if (!done.ok()) return std::move(done).error();
  }
  return {};
}

namespace {

// Times a probe may format (format_utc writes four-digit years; PostgreSQL has no year 0).
bool probeable(core::TimePoint t) {
  using namespace std::chrono;
  const sys_days day = floor<days>(t);  // compared in days: 9998 is beyond nanoseconds' range
  return day >= sys_days(year(1971) / 1 / 1) && day < sys_days(year(9998) / 1 / 1);
}

// The id of the record, by time, that is not late and is the latest before `t` (before: true)
// or the earliest at or after it (before: false): one walk of the time index that stops at the
// first record not in audit_late_records.
Result<std::optional<std::int64_t>> not_late_near(db::Connection& conn, core::TimePoint t,
                                                  bool before, std::vector<Statement>* probes) {
  Statement st{
      before ? "SELECT id FROM audit_records a WHERE time < ? AND NOT EXISTS (SELECT 1 FROM "
               "audit_late_records l WHERE l.time = a.time AND l.id = a.id) ORDER BY time DESC "
               "LIMIT 1"
             : "SELECT id FROM audit_records a WHERE time >= ? AND NOT EXISTS (SELECT 1 FROM "
               "audit_late_records l WHERE l.time = a.time AND l.id = a.id) ORDER BY time LIMIT 1",
      {format_utc(t)}};
  auto rows = conn.query(st.sql, st.params());
  if (probes != nullptr) probes->push_back(std::move(st));
  if (!rows.ok()) return std::move(rows).error();
  if (rows->empty()) return std::optional<std::int64_t>();
  return std::optional<std::int64_t>((*rows)[0].get<std::int64_t>(0));
}

// The columns of audit_records as `alias`.column, in kColumns' order (decode reads them so).
std::string columns_of(std::string_view alias) {
  std::string out;
  std::string_view rest = kColumns;
  while (!rest.empty()) {
    const std::size_t comma = rest.find(',');
    if (!out.empty()) out += ", ";
    out += alias;
    out += '.';
    out += rest.substr(0, comma);
    rest = comma == std::string_view::npos ? std::string_view() : rest.substr(comma + 2);
  }
  return out;
}

// Builds a statement's WHERE clause: conditions joined by AND, each with its arguments.
class Where {
 public:
  explicit Where(Statement& st) : st_(st) {}
  template <typename... A>
  void add(std::string_view condition, A&&... args) {
    st_.sql += first_ ? " WHERE " : " AND ";
    first_ = false;
    st_.sql += condition;
    (st_.args.emplace_back(std::forward<A>(args)), ...);
  }
  // `column` IN (values…).
  void in(std::string_view column, const std::vector<std::string>& values) {
    std::string condition = fmt::format("{} IN (", column);
    for (std::size_t i = 0; i < values.size(); ++i)
      condition += i ? ", ?" : "?";
    condition += ')';
    add(condition);
    for (const std::string& v : values)
      st_.args.emplace_back(v);
  }

 private:
  Statement& st_;
  bool first_ = true;
};

// The filter's conditions on the records of alias `r` but the time window's; the object's too
// when `object`.
void add_filters(Where& where, std::string_view r, const RecordFilter& f, bool object) {
  auto column = [r](std::string_view name) { return fmt::format("{}.{} = ?", r, name); };
  if (f.actor_id) where.add(column("actor_id"), *f.actor_id);
  if (f.actor_name) where.add(column("actor_name"), *f.actor_name);
  if (f.department_id) where.add(column("department_id"), *f.department_id);
  if (f.action) where.add(column("action"), *f.action);
  if (f.outcome) where.add(column("outcome"), *f.outcome);
  if (!object) return;
  if (f.object_type) where.add(column("object_type"), *f.object_type);
  if (f.object_id) where.add(column("object_id"), *f.object_id);
  if (!f.object_ids.empty()) where.in(fmt::format("{}.object_id", r), f.object_ids);
}

// The window's conditions on r.time, written so that no planner walks the time index for them
// (a page walks ids; the time index only finds the id range, time_bounds): SQLite's unary + and
// PostgreSQL's IS TRUE keep a comparison out of index use.
void add_window(Where& where, db::Backend backend, std::string_view r, const RecordFilter& f) {
  const bool pg = backend == db::Backend::kPostgres;
  if (f.from) {
    where.add(pg ? fmt::format("({}.time >= ?) IS TRUE", r) : fmt::format("+{}.time >= ?", r),
              format_utc(*f.from));
  }
  if (f.to) {
    where.add(pg ? fmt::format("({}.time < ?) IS TRUE", r) : fmt::format("+{}.time < ?", r),
              format_utc(*f.to));
  }
}

constexpr std::int64_t kNoLow = std::numeric_limits<std::int64_t>::min();
constexpr std::int64_t kNoHigh = std::numeric_limits<std::int64_t>::max();

// lo <= `id` <= hi, the sides that are bounded.
void add_range(Where& where, std::string_view id, std::int64_t lo, std::int64_t hi) {
  if (lo != kNoLow) where.add(fmt::format("{} >= ?", id), lo);
  if (hi != kNoHigh) where.add(fmt::format("{} <= ?", id), hi);
}

void order_and_limit(Statement& st, std::string_view id, bool newest_first, std::size_t limit) {
  st.sql += fmt::format(" ORDER BY {}{} LIMIT ?", id, newest_first ? " DESC" : "");
  st.args.emplace_back(static_cast<std::int64_t>(limit));
}

bool by_object(const RecordFilter& f) {
  return f.object_id || !f.object_ids.empty();
}

// The records in [lo, hi] without the object index: a walk of the primary key, or of the index
// of one of the filters (each is (column, id)) — whichever the planner finds narrower.
Statement range_statement(db::Backend backend, const RecordFilter& f, std::int64_t lo,
                          std::int64_t hi, bool newest_first, std::size_t limit) {
  Statement st{fmt::format("SELECT {} FROM audit_records r", columns_of("r")), {}};
  Where where(st);
  add_filters(where, "r", f, /*object=*/true);
  add_window(where, backend, "r", f);
  add_range(where, "r.id", lo, hi);
  order_and_limit(st, "r.id", newest_first, limit);
  return st;
}

// The records in [lo, hi] of one segment of the object index: a span of the span index, or a
// run joined to its records (for the other filters).
Statement segment_statement(db::Backend backend, const RecordFilter& f,
                            const object_store::Segment& seg, std::int64_t lo, std::int64_t hi,
                            bool newest_first, std::size_t limit) {
  lo = std::max(lo, seg.start);
  hi = std::min(hi, seg.end - 1);
  Statement st;
  Where where(st);
  if (seg.level == 0) {
    st.sql = fmt::format("SELECT {} FROM audit_records r", columns_of("r"));
    where.add(fmt::format("(r.id >> {}) = ?", kObjectSpanShift), seg.start >> kObjectSpanShift);
    add_filters(where, "r", f, /*object=*/true);
    add_window(where, backend, "r", f);
    add_range(where, "r.id", lo, hi);
    order_and_limit(st, "r.id", newest_first, limit);
    return st;
  }
  st.sql =
      fmt::format("SELECT {} FROM audit_object_runs o CROSS JOIN audit_records r", columns_of("r"));
  where.add("o.level = ?", std::int64_t{seg.level});
  where.add("o.start = ?", seg.start);
  if (f.object_id) where.add("o.object_id = ?", *f.object_id);
  if (!f.object_ids.empty()) where.in("o.object_id", f.object_ids);
  if (f.object_type) where.add("o.object_type = ?", *f.object_type);
  add_range(where, "o.id", lo, hi);
  where.add("r.id = o.id");
  add_filters(where, "r", f, /*object=*/false);
  add_window(where, backend, "r", f);
  order_and_limit(st, "o.id", newest_first, limit);
  return st;
}

// The window's late records with after < id < before (audit_late_records: store.h).
Statement late_statement(const RecordFilter& f, std::int64_t after, std::int64_t before,
                         bool newest_first, std::size_t limit) {
  Statement st{fmt::format("SELECT {} FROM audit_late_records l CROSS JOIN audit_records r",
                           columns_of("r")),
               {}};
  Where where(st);
  if (f.from) where.add("l.time >= ?", format_utc(*f.from));
  if (f.to) where.add("l.time < ?", format_utc(*f.to));
  where.add("l.id > ?", after);
  if (before != kNoHigh) where.add("l.id < ?", before);
  where.add("r.id = l.id");
  add_filters(where, "r", f, /*object=*/true);
  order_and_limit(st, "l.id", newest_first, limit);
  return st;
}

}  // namespace

Result<IdBounds> time_bounds(db::Connection& conn, const RecordFilter& filter,
                             std::vector<Statement>* probes) {
  IdBounds b;
  if (filter.from && filter.to && *filter.from >= *filter.to) {
    b.empty = true;
    return b;
  }
  if (filter.from && probeable(*filter.from - kLateAfter)) {
    ZT_ASSIGN_OR_RETURN(auto id,
                        not_late_near(conn, *filter.from - kLateAfter, /*before=*/true, probes));
    if (id) b.lo = *id + 1;
  }
  if (filter.to && probeable(*filter.to + kLateAfter)) {
    ZT_ASSIGN_OR_RETURN(auto id,
                        not_late_near(conn, *filter.to + kLateAfter, /*before=*/false, probes));
    if (id) b.hi = b.late_above = *id - 1;
  }
  return b;
}

Result<PagePlan> plan_page(db::Connection& conn, const RecordFilter& filter,
                           std::optional<std::int64_t> cursor, std::size_t limit, Order order) {
  const bool newest_first = order == Order::kNewestFirst;
  const db::Backend backend = conn.backend();
  PagePlan plan;
  ZT_ASSIGN_OR_RETURN(const IdBounds bounds, time_bounds(conn, filter));
  if (bounds.empty) return plan;
  std::int64_t lo = bounds.lo.value_or(kNoLow);
  std::int64_t hi = bounds.hi.value_or(kNoHigh);
  if (cursor && newest_first) hi = std::min(hi, *cursor - 1);
  if (cursor && !newest_first) lo = std::max(lo, *cursor + 1);
  // The late records above the range: newest first they come before it, oldest first after.
  std::optional<Statement> late;
  if (bounds.late_above) {
    const std::int64_t after =
        cursor && !newest_first ? std::max(*bounds.late_above, *cursor) : *bounds.late_above;
    const std::int64_t before = cursor && newest_first ? *cursor : kNoHigh;
    if (after < before - 1) late = late_statement(filter, after, before, newest_first, limit);
  }
  if (late && newest_first) plan.statements.push_back(std::move(*late));
  if (lo <= hi) {
    if (!by_object(filter)) {
      plan.statements.push_back(range_statement(backend, filter, lo, hi, newest_first, limit));
    } else {
      ZT_ASSIGN_OR_RETURN(plan.coverage, object_store::coverage(conn));
      ZT_ASSIGN_OR_RETURN(const ChainHead head, read_head(conn, /*lock=*/false));
      for (const auto& seg :
           object_store::segments(*plan.coverage, head.last_id, lo, hi, newest_first)) {
        plan.statements.push_back(
            segment_statement(backend, filter, seg, lo, hi, newest_first, limit));
      }
    }
  }
  if (late && !newest_first) plan.statements.push_back(std::move(*late));
  return plan;
}

Result<std::vector<AuditRecord>> list(db::Connection& conn, const RecordFilter& filter,
                                      std::optional<std::int64_t> cursor, std::size_t limit,
                                      Order order) {
  constexpr int kAttempts = 8;
  for (int attempt = 0; attempt < kAttempts; ++attempt) {
    ZT_ASSIGN_OR_RETURN(PagePlan plan, plan_page(conn, filter, cursor, limit, order));
    std::vector<AuditRecord> out;
    for (Statement& st : plan.statements) {
      if (out.size() >= limit) break;
      st.args.back() = static_cast<std::int64_t>(limit - out.size());
      ZT_ASSIGN_OR_RETURN(auto rows, conn.query(st.sql, st.params()));
      ZT_ASSIGN_OR_RETURN(auto found, decode_all(rows));
      for (AuditRecord& r : found)
        out.push_back(std::move(r));
    }
    if (!plan.coverage) return out;
    // A merge that finished since the coverage was read may have deleted runs it named.
    ZT_ASSIGN_OR_RETURN(auto now, object_store::coverage(conn));
    if (now == *plan.coverage) return out;
  }
  return Error::unavailable("audit_index_busy",
                            "the audit object index changed under every lookup; try again");
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
