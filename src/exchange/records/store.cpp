#include "exchange/records/store.h"

#include "db/bulk_load.h"
#include "db/rows.h"

#include <fmt/format.h>

#include <algorithm>
#include <functional>
#include <unordered_map>
#include <unordered_set>

namespace zt::exchange {

using catalog::Field;
using catalog::FieldType;
using catalog::Resource;

std::vector<db::Migration> migrations() {
  return {
      {.version = 400, .name = "create_exchange_tables", .sql = R"sql(
CREATE TABLE exchange_resource_state (
  resource_id BIGINT PRIMARY KEY,
  last_seq BIGINT NOT NULL,
  record_count BIGINT NOT NULL,
  last_change_at BIGINT
);
CREATE TABLE exchange_batch (
  id {{id}},
  resource_id BIGINT NOT NULL,
  department_id BIGINT NOT NULL,
  actor_kind TEXT NOT NULL,
  actor_id BIGINT NOT NULL,
  actor_name TEXT NOT NULL,
  format TEXT NOT NULL,
  charset TEXT NOT NULL,
  mode TEXT NOT NULL,
  idempotency_key TEXT,
  status TEXT NOT NULL,
  rows_read BIGINT NOT NULL,
  inserted BIGINT NOT NULL,
  updated BIGINT NOT NULL,
  unchanged BIGINT NOT NULL,
  deleted BIGINT NOT NULL,
  rejected BIGINT NOT NULL,
  bytes BIGINT NOT NULL,
  first_seq BIGINT,
  last_seq BIGINT,
  field_errors TEXT NOT NULL,
  error_code TEXT NOT NULL,
  error_detail TEXT NOT NULL,
  started_at BIGINT NOT NULL,
  heartbeat_at BIGINT NOT NULL,
  finished_at BIGINT
);
CREATE UNIQUE INDEX exchange_batch_idempotency
  ON exchange_batch (resource_id, actor_kind, actor_id, idempotency_key);
CREATE INDEX exchange_batch_resource ON exchange_batch (resource_id, id);
CREATE INDEX exchange_batch_department ON exchange_batch (department_id, started_at);
CREATE TABLE exchange_rejection (
  batch_id BIGINT NOT NULL,
  line BIGINT NOT NULL,
  errors TEXT NOT NULL,
  PRIMARY KEY (batch_id, line)
);
)sql"},
      // What a retry with the same Idempotency-Key is compared with (IngestService::ingest).
      {.version = 401, .name = "add_exchange_batch_body_digest", .sql = R"sql(
ALTER TABLE exchange_batch ADD COLUMN body_digest TEXT NOT NULL DEFAULT '';
)sql"},
      // The node running a batch and its run: a restarted node interrupts the batches its dead
      // process left running, and a retry stamps its records apart from the dead run's
      // (IngestService::interrupt_own_batches, Batch::stamp).
      {.version = 402, .name = "add_exchange_batch_node_and_attempt", .sql = R"sql(
ALTER TABLE exchange_batch ADD COLUMN node_id TEXT NOT NULL DEFAULT '';
ALTER TABLE exchange_batch ADD COLUMN attempt BIGINT NOT NULL DEFAULT 0;
CREATE INDEX exchange_batch_node ON exchange_batch (node_id, status);
)sql"},
      // How many records of each resource have a value in each field, kept by apply_chunk (the
      // quality figures' completeness), filled from the tables already there by counting them.
      {.version = 470,
       .name = "exchange_field_counts",
       .sql = R"sql(
CREATE TABLE exchange_field_counts (
  resource_id BIGINT NOT NULL,
  field TEXT NOT NULL,
  filled BIGINT NOT NULL,
  PRIMARY KEY (resource_id, field)
);
)sql",
       .run = records::count_existing_fields},
  };
}

namespace records {

namespace {

bool is_pg(const db::Connection& conn) {
  return conn.backend() == db::Backend::kPostgres;
}

std::string table(std::int64_t id) {
  return fmt::format("rec_{}", id);
}
std::string changes(std::int64_t id) {
  return fmt::format("rec_{}_changes", id);
}
std::string column(const Field& f) {
  return "f_" + f.name;
}

std::string_view sql_type(const Field& f, bool pg) {
  switch (f.type) {
    case FieldType::kInteger: return "BIGINT";
    // SQLite's NUMERIC affinity would keep a decimal as a double (15-17 digits): text keeps
    // every digit, and "changed" compares exactly.
    case FieldType::kDecimal: return pg ? "NUMERIC" : "TEXT";
    case FieldType::kBoolean: return pg ? "BOOLEAN" : "INTEGER";
    case FieldType::kDate: return pg ? "DATE" : "TEXT";
    case FieldType::kDatetime: return pg ? "TIMESTAMPTZ" : "TEXT";
    default: return "TEXT";
  }
}

std::string column_definition(const Field& f, bool pg) {
  return fmt::format("{} {}{}", column(f), sql_type(f, pg), f.key ? " NOT NULL" : "");
}

// The key columns in key order, comma-separated.
std::string key_columns(const Resource& r) {
  std::string out;
  for (const Field& f : r.fields) {
    if (f.key) out += (out.empty() ? "" : ", ") + column(f);
  }
  return out;
}

// An indexed field's index: the field, then the key (rec_<id>_by_<field>), so that the records
// with one value — or a range of values — come out of the index in the order a page is read
// (scan_order) and a page is a walk of the index, never a sort of every matching row. (Names:
// "by_" can be no field's column, which all start "f_"; at most 4 + 7 + 4 + 48 bytes, within
// PostgreSQL's 63.)
std::string index_name(const Resource& r, const Field& f) {
  return fmt::format("{}_by_{}", table(r.id), f.name);
}
std::string index_statement(const Resource& r, const Field& f) {
  return fmt::format("CREATE INDEX IF NOT EXISTS {} ON {} ({}, {})", index_name(r, f), table(r.id),
                     column(f), key_columns(r));
}
// The index of an indexed field before issue 16: the field alone (rec_<id>_f_<field>), which made
// a filtered page sort every matching row. upgrade_indexes replaces it.
std::string old_index_name(const Resource& r, const Field& f) {
  return fmt::format("{}_{}", table(r.id), column(f));
}

db::Param param_of(const TypedValue& v) {
  switch (v.kind) {
    case TypedValue::Kind::kNull: return {};
    case TypedValue::Kind::kInt: return db::Param(v.i);
    case TypedValue::Kind::kBool: return db::Param(v.i != 0);
    case TypedValue::Kind::kText: return db::Param(std::string_view(v.text));
  }
  return {};
}

// The change's data: every field of an upsert, the key fields of a delete.
// The change log's data for a row: the JSON the reading thread made, or made here.
std::string change_data(const Resource& r, const TypedRow& row) {
  if (!row.json.empty()) return row.json;
  std::string out;
  append_row_json(out, r.fields, row);
  return out;
}

// A PostgreSQL expression reading stage column `c` (text) as the field's type.
std::string cast(const Field& f, std::string_view c) {
  return fmt::format("CAST({} AS {})", c, sql_type(f, true));
}

Result<StorageState> lock_state(db::Connection& conn, std::int64_t resource_id) {
  ZT_ASSIGN_OR_RETURN(
      auto rows, conn.query(is_pg(conn) ? "SELECT last_seq, record_count, last_change_at FROM "
                                          "exchange_resource_state WHERE resource_id = ? FOR UPDATE"
                                        : "SELECT last_seq, record_count, last_change_at FROM "
                                          "exchange_resource_state WHERE resource_id = ?",
                            resource_id));
  if (rows.empty()) {
    return Error::internal("storage_missing",
                           fmt::format("Resource {} has no record storage.", resource_id));
  }
  return StorageState{rows[0].get<std::int64_t>(0), rows[0].get<std::int64_t>(1),
                      rows[0].get<std::optional<std::int64_t>>(2)};
}

// Per field (in field order), how many records gained (+) or lost (−) a value in a chunk.
using FilledDelta = std::vector<std::int64_t>;

// Adds `sign` for each field of `row` that has a value (what the row stores).
void add_row(FilledDelta& delta, const TypedRow& row, int sign) {
  for (std::size_t i = 0; i < delta.size() && i < row.values.size(); ++i) {
    if (row.values[i].kind != TypedValue::Kind::kNull) delta[i] += sign;
  }
}

// Adds `sign` for each '1' of `flags` (filled_flags' text for a stored record).
void add_flags(FilledDelta& delta, std::string_view flags, int sign) {
  for (std::size_t i = 0; i < delta.size() && i < flags.size(); ++i) {
    if (flags[i] == '1') delta[i] += sign;
  }
}

// An expression giving a stored record's filled fields as text, a '1' or '0' per field in field
// order (the same on both backends). `t`: the table's alias with its dot, or "".
std::string filled_flags(const Resource& r, std::string_view t) {
  std::string out;
  for (const Field& f : r.fields) {
    if (!out.empty()) out += " || ";
    out += fmt::format("CASE WHEN {}{} IS NULL THEN '0' ELSE '1' END", t, column(f));
  }
  return out;
}

// The key (append_key of the key fields) of a result row whose first `keys` columns are the key
// fields, in key order.
void key_of_result(std::string& key, const db::Row& row, std::size_t keys) {
  key.clear();
  for (std::size_t k = 0; k < keys; ++k) {
    TypedValue v;
    if (row.type(k) == db::ValueType::kInt) {
      v.kind = TypedValue::Kind::kInt;
      v.i = row.get<std::int64_t>(k);
    } else {
      v.kind = TypedValue::Kind::kText;
      v.text = row.get<std::string>(k);
    }
    append_key(key, v);
  }
}

// Adds a chunk's `delta` to the resource's field counts (one UPSERT that adds, for the fields
// that changed), in the chunk's transaction under the state row's lock.
Status write_filled(db::Connection& conn, const Resource& r, const FilledDelta& delta) {
  constexpr std::size_t kChunk = 300;  // 3 parameters a row: within SQLite's 999
  std::size_t i = 0;
  while (i < delta.size()) {
    std::string sql = "INSERT INTO exchange_field_counts (resource_id, field, filled) VALUES ";
    std::vector<db::Param> params;
    std::size_t n = 0;
    for (; i < delta.size() && n < kChunk; ++i) {
      if (delta[i] == 0) continue;
      sql += n++ ? ", (?, ?, ?)" : "(?, ?, ?)";
      params.emplace_back(r.id);
      params.emplace_back(std::string_view(r.fields[i].name));
      params.emplace_back(delta[i]);
    }
    if (n == 0) break;
    sql +=
        " ON CONFLICT (resource_id, field) DO UPDATE SET filled = exchange_field_counts.filled + "
        "excluded.filled";
    ZT_TRY(db::done(conn.exec(sql, params)));
  }
  return {};
}

struct ChangeToWrite {
  std::uint64_t line;
  const char* op;
  const TypedRow* row;
};

// Appends the chunk's changes to the change log, numbered from first_seq in line order (keys are
// unique within a chunk, so this is an order the changes could have been applied in).
Status write_changes(db::Transaction& tx, const Resource& r, std::vector<ChangeToWrite>& list,
                     std::int64_t first_seq, std::int64_t batch_id, std::int64_t now) {
  std::sort(list.begin(), list.end(),
            [](const ChangeToWrite& a, const ChangeToWrite& b) { return a.line < b.line; });
  const std::array<std::string_view, 5> cols = {"seq", "op", "data", "batch_id", "changed_at"};
  ZT_ASSIGN_OR_RETURN(auto bulk, db::BulkLoader::start(tx, changes(r.id), cols));
  std::int64_t seq = first_seq;
  std::string made;
  for (const ChangeToWrite& c : list) {
    if (c.row->json.empty()) made = change_data(r, *c.row);
    const std::string& data = c.row->json.empty() ? made : c.row->json;
    ZT_TRY(bulk.add_row(seq++, std::string_view(c.op), data, batch_id, now));
  }
  ZT_TRY(bulk.finish());
  return {};
}

Status finish_state(db::Connection& conn, std::int64_t resource_id, const StorageState& before,
                    const ChunkOutcome& out, std::int64_t now) {
  if (!out.last_seq) return {};
  return db::done(conn.exec(
      "UPDATE exchange_resource_state SET last_seq = ?, record_count = ?, last_change_at = ? "
      "WHERE resource_id = ?",
      *out.last_seq, before.record_count + out.inserted - out.deleted, now, resource_id));
}

// The end of a chunk on either backend: the change log in line order, the state row and the
// field counts.
// The field counts take the chunk's `delta`.
Result<ChunkOutcome> finish_chunk(db::Connection& conn, db::Transaction& tx, const Resource& r,
                                  const StorageState& state, std::int64_t batch_id,
                                  std::int64_t now, ChunkOutcome& out,
                                  std::vector<ChangeToWrite>& list, const FilledDelta& delta) {
  std::sort(out.duplicates.begin(), out.duplicates.end());
  if (!list.empty()) {
    out.first_seq = state.last_seq + 1;
    out.last_seq = state.last_seq + static_cast<std::int64_t>(list.size());
    ZT_TRY(write_changes(tx, r, list, *out.first_seq, batch_id, now));
  }
  ZT_TRY(finish_state(conn, r.id, state, out, now));
  ZT_TRY(write_filled(conn, r, delta));
  return std::move(out);
}

// The chunk's time: strictly after the resource's last change, so that a row whose _updated_at
// equals it was changed by this chunk (how the merge tells changed rows from unchanged ones).
std::int64_t chunk_time(const StorageState& state, std::int64_t now) {
  return state.last_change_at ? std::max(now, *state.last_change_at + 1) : now;
}

// The parts of the upsert both backends share. `t` is the table's alias ("" on SQLite, where
// the SET expressions name the old row's columns directly).
struct UpsertSql {
  std::string cols;     // "f_a, f_b, "
  std::string keys;     // "f_k"
  std::string sets;     // "f_a = excluded.f_a, "
  std::string changed;  // "(t.f_a IS DISTINCT FROM excluded.f_a OR …)" or "FALSE"
};

UpsertSql upsert_sql(const Resource& r, bool pg) {
  UpsertSql u;
  const std::string t = pg ? "t." : "";
  const char* distinct = pg ? "IS DISTINCT FROM" : "IS NOT";
  for (const Field& f : r.fields) {
    const std::string c = column(f);
    u.cols += c + ", ";
    if (f.key) {
      u.keys += (u.keys.empty() ? "" : ", ") + c;
    } else {
      u.sets += fmt::format("{0} = excluded.{0}, ", c);
      u.changed +=
          fmt::format("{}{}{} {} excluded.{}", u.changed.empty() ? "" : " OR ", t, c, distinct, c);
    }
  }
  u.changed = u.changed.empty() ? "FALSE" : "(" + u.changed + ")";
  return u;
}

// Every row of a run stamps _batch, changed or not; a row whose key already carries this
// run's stamp repeats a key of the run, and the upsert's WHERE leaves it alone (no row
// returned: a duplicate). Changed rows get the chunk's time and a new _version.
std::string conflict_clause(const Resource& r, const UpsertSql& u, bool pg) {
  (void)r;
  const std::string t = pg ? "t." : "";
  return fmt::format(
      "ON CONFLICT ({0}) DO UPDATE SET {1}_version = CASE WHEN {2} THEN {3}_version + 1 ELSE "
      "{3}_version END, _updated_at = CASE WHEN {2} THEN excluded._updated_at ELSE "
      "{3}_updated_at END, _batch = excluded._batch WHERE {3}_batch <> excluded._batch",
      u.keys, u.sets, u.changed, t);
}

// Orders rows by their key values as the database compares them (integers numerically, text
// by bytes — SQLite's BINARY collation).
bool key_less(const Resource& r, const TypedRow& a, const TypedRow& b) {
  for (std::size_t i = 0; i < r.fields.size(); ++i) {
    if (!r.fields[i].key) continue;
    const TypedValue& x = a.values[i];
    const TypedValue& y = b.values[i];
    if (x.kind == TypedValue::Kind::kText) {
      if (int c = x.text.compare(y.text); c != 0) return c < 0;
    } else if (x.i != y.i) {
      return x.i < y.i;
    }
  }
  return false;
}

// SQLite: row by row with cached prepared statements.
// SQLite: upserts go kUpsertGroup rows per statement (a multi-row INSERT … ON CONFLICT …
// RETURNING the key), so the statement overhead is paid once per group; deletes row by row.
Result<ChunkOutcome> apply_sqlite(db::Connection& conn, const Resource& r,
                                  std::span<const TypedRow> rows, std::int64_t batch_id,
                                  std::int64_t stamp, std::int64_t now, db::Transaction& tx) {
  constexpr std::size_t kUpsertGroup = 64;
  ZT_ASSIGN_OR_RETURN(StorageState state, lock_state(conn, r.id));
  now = chunk_time(state, now);
  const UpsertSql u = upsert_sql(r, false);
  std::string marks = "(";
  for (std::size_t i = 0; i < r.fields.size(); ++i)
    marks += "?, ";
  marks += "?, ?)";
  std::string key_cols;
  std::vector<std::size_t> key_index;
  for (std::size_t i = 0; i < r.fields.size(); ++i) {
    if (r.fields[i].key) {
      key_cols += column(r.fields[i]) + ", ";
      key_index.push_back(i);
    }
  }
  auto upsert_sql_for = [&](std::size_t n) {
    std::string values;
    for (std::size_t i = 0; i < n; ++i)
      values += (i ? ", " : "") + marks;
    return fmt::format(
        "INSERT INTO {} ({}_batch, _updated_at) VALUES {} {} RETURNING {}_version, _updated_at",
        table(r.id), u.cols, values, conflict_clause(r, u, false), key_cols);
  };
  const std::string group_sql = upsert_sql_for(kUpsertGroup);
  const std::string single_sql = upsert_sql_for(1);
  std::string where;
  for (const Field& f : r.fields) {
    if (f.key) where += fmt::format("{}{} = ?", where.empty() ? "" : " AND ", column(f));
  }
  const std::string find =
      fmt::format("SELECT _batch, {} FROM {} WHERE {}", filled_flags(r, ""), table(r.id), where);
  // The filled fields of the records a group of upserts will change, looked up before it: the
  // key columns and filled_flags of those that exist.
  auto before_sql_for = [&](std::size_t n) {
    std::string list;
    if (key_index.size() == 1) {
      for (std::size_t i = 0; i < n; ++i)
        list += i ? ", ?" : "?";
      return fmt::format("SELECT {}{} FROM {} WHERE {} IN ({})", key_cols, filled_flags(r, ""),
                         table(r.id), column(r.fields[key_index[0]]), list);
    }
    std::string tuple = "(";
    for (std::size_t k = 0; k < key_index.size(); ++k)
      tuple += k ? ", ?" : "?";
    tuple += ")";
    for (std::size_t i = 0; i < n; ++i)
      list += (i ? ", " : "") + tuple;
    return fmt::format("SELECT {}{} FROM {} WHERE ({}) IN (VALUES {})", key_cols,
                       filled_flags(r, ""), table(r.id), key_cols.substr(0, key_cols.size() - 2),
                       list);
  };
  const std::string group_before = before_sql_for(kUpsertGroup);
  const std::string single_before = before_sql_for(1);
  const std::string remove = fmt::format("DELETE FROM {} WHERE {}", table(r.id), where);

  ChunkOutcome out;
  FilledDelta delta(r.fields.size(), 0);
  std::vector<ChangeToWrite> list;
  list.reserve(rows.size());
  // Rows go in key order: consecutive inserts then land on neighbouring B-tree pages, which are
  // in cache, instead of a random page each (keys are unique within a chunk, so the order
  // between rows does not change the outcome).
  std::vector<const TypedRow*> upserts;
  upserts.reserve(rows.size());
  std::vector<db::Param> params;
  for (const TypedRow& row : rows) {
    if (!row.is_delete) {
      upserts.push_back(&row);
      continue;
    }
    params.clear();
    for (std::size_t i : key_index)
      params.push_back(param_of(row.values[i]));
    ZT_ASSIGN_OR_RETURN(auto found, conn.query(find, params));
    if (found.empty()) {
      ++out.unchanged;
    } else if (found[0].get<std::int64_t>(0) == stamp) {
      out.duplicates.push_back(row.line);
    } else {
      ZT_TRY(conn.exec(remove, params));
      ++out.deleted;
      add_flags(delta, found[0].get<std::string>(1), -1);
      list.push_back({row.line, "delete", &row});
    }
  }
  // The reading thread of an ingest sends rows sorted by their key bytes already.
  const bool presorted =
      std::is_sorted(upserts.begin(), upserts.end(),
                     [](const TypedRow* a, const TypedRow* b) {
                       return a->key.empty() || b->key.empty() || a->key < b->key;
                     }) &&
      (upserts.empty() || !upserts.front()->key.empty());
  if (!presorted) {
    std::sort(upserts.begin(), upserts.end(),
              [&r](const TypedRow* a, const TypedRow* b) { return key_less(r, *a, *b); });
  }

  std::unordered_map<std::string, const TypedRow*> group_rows;
  std::unordered_map<std::string, std::string> before;  // key → filled_flags of the record
  std::string key;
  const std::size_t keys = key_index.size();
  for (std::size_t start = 0; start < upserts.size();) {
    const std::size_t n = upserts.size() - start >= kUpsertGroup ? kUpsertGroup : 1;
    before.clear();
    if (state.record_count > 0) {  // else every upsert inserts (keys are unique in a chunk)
      params.clear();
      for (std::size_t g = start; g < start + n; ++g) {
        for (std::size_t i : key_index)
          params.push_back(param_of(upserts[g]->values[i]));
      }
      ZT_ASSIGN_OR_RETURN(auto found, conn.query(n == 1 ? single_before : group_before, params));
      for (std::size_t i = 0; i < found.size(); ++i) {
        key_of_result(key, found[i], keys);
        before.emplace(key, found[i].get<std::string>(keys));
      }
    }
    params.clear();
    group_rows.clear();
    for (std::size_t g = start; g < start + n; ++g) {
      const TypedRow& row = *upserts[g];
      for (const TypedValue& v : row.values)
        params.push_back(param_of(v));
      params.emplace_back(stamp);
      params.emplace_back(now);
      if (row.key.empty()) {
        key.clear();
        for (std::size_t i : key_index)
          append_key(key, row.values[i]);
        group_rows.emplace(key, &row);
      } else {
        group_rows.emplace(row.key, &row);
      }
    }
    ZT_ASSIGN_OR_RETURN(auto result, conn.query(n == 1 ? single_sql : group_sql, params));
    for (std::size_t i = 0; i < result.size(); ++i) {
      key_of_result(key, result[i], keys);
      auto it = group_rows.find(key);
      if (it == group_rows.end()) {
        return Error::internal("database_error", "An upsert returned a key it was not given.");
      }
      const TypedRow& row = *it->second;
      group_rows.erase(it);
      if (result[i].get<std::int64_t>(keys + 1) != now) {
        ++out.unchanged;
      } else if (result[i].get<std::int64_t>(keys) == 1) {
        ++out.inserted;
        add_row(delta, row, 1);
        list.push_back({row.line, "insert", &row});
      } else {
        auto old = before.find(key);
        if (old == before.end()) {
          return Error::internal("database_error",
                                 "An upsert updated a record that was not there before.");
        }
        ++out.updated;
        add_row(delta, row, 1);
        add_flags(delta, old->second, -1);
        list.push_back({row.line, "update", &row});
      }
    }
    // Rows the upsert left alone carry this run's stamp already: repeated keys.
    for (const auto& [k, row] : group_rows)
      out.duplicates.push_back(row->line);
    start += n;
  }
  return finish_chunk(conn, tx, r, state, batch_id, now, out, list, delta);
}

// COPYs `rows` into `table`: (line, op) first when `staged`, then every field, then _batch and
// _updated_at when not staged. Values go as COPY text.
Status copy_rows(db::Transaction& tx, const Resource& r, std::string_view table,
                 std::span<const TypedRow* const> rows, bool staged, std::int64_t stamp,
                 std::int64_t now) {
  std::vector<std::string> names;
  if (staged) names = {"line", "op"};
  for (const Field& f : r.fields)
    names.push_back(column(f));
  if (!staged) {
    names.emplace_back("_batch");
    names.emplace_back("_updated_at");
  }
  std::vector<std::string_view> views(names.begin(), names.end());
  ZT_ASSIGN_OR_RETURN(auto bulk, db::BulkLoader::start(tx, table, views));
  std::vector<db::Param> params;
  std::vector<std::string> numbers(r.fields.size());
  for (const TypedRow* row : rows) {
    params.clear();
    if (staged) {
      params.emplace_back(static_cast<std::int64_t>(row->line));
      params.emplace_back(std::string_view(row->is_delete ? "d" : "u"));
    }
    for (std::size_t i = 0; i < r.fields.size(); ++i) {
      const TypedValue& v = row->values[i];
      if (v.kind == TypedValue::Kind::kInt) {
        numbers[i] = std::to_string(v.i);
        params.emplace_back(std::string_view(numbers[i]));
      } else if (v.kind == TypedValue::Kind::kBool) {
        params.emplace_back(std::string_view(v.i ? "true" : "false"));
      } else {
        params.push_back(param_of(v));
      }
    }
    if (!staged) {
      params.emplace_back(stamp);
      params.emplace_back(now);
    }
    ZT_TRY(bulk.add_row(params));
  }
  ZT_TRY(bulk.finish());
  return {};
}

// The key texts of `rows` already in the table (single-field keys of a type whose text form is
// canonical: every type but datetime). nullopt when the key does not qualify.
Result<std::optional<std::unordered_set<std::string>>> existing_keys(
    db::Connection& conn, const Resource& r, std::span<const TypedRow> rows) {
  const auto keys = r.key_fields();
  if (keys.size() != 1 || keys[0]->type == FieldType::kDatetime) {
    return std::optional<std::unordered_set<std::string>>();
  }
  std::size_t index = 0;
  while (&r.fields[index] != keys[0])
    ++index;
  // An array literal of the keys: {"k1","k2",…} with " and \ escaped.
  std::string array = "{";
  for (const TypedRow& row : rows) {
    const TypedValue& v = row.values[index];
    if (array.size() > 1) array += ',';
    array += '"';
    const std::string text = v.kind == TypedValue::Kind::kText ? v.text : std::to_string(v.i);
    for (char c : text) {
      if (c == '"' || c == '\\') array += '\\';
      array += c;
    }
    array += '"';
  }
  array += '}';
  const std::string c = column(*keys[0]);
  ZT_ASSIGN_OR_RETURN(
      auto found,
      conn.query(fmt::format("SELECT CAST({0} AS TEXT) FROM {1} WHERE {0} = ANY(CAST(? AS {2}[]))",
                             c, table(r.id), sql_type(*keys[0], true)),
                 array));
  std::unordered_set<std::string> out;
  out.reserve(found.size());
  for (std::size_t i = 0; i < found.size(); ++i)
    out.insert(found[i].get<std::string>(0));
  return std::optional<std::unordered_set<std::string>>(std::move(out));
}

// The merge part of apply_postgres for `rows` (keys unique): adds to `out` and `list`.
Status merge_postgres(db::Connection& conn, db::Transaction& tx, const Resource& r,
                      std::span<const TypedRow> rows, std::int64_t stamp, std::int64_t now,
                      ChunkOutcome& out, std::vector<ChangeToWrite>& list, FilledDelta& delta) {
  // One stage table per resource version and connection; emptied at each commit.
  const std::string stage = fmt::format("zt_stage_{}_v{}", r.id, r.version);
  {
    std::string defs = "line BIGINT, op TEXT";
    for (const Field& f : r.fields)
      defs += ", " + column(f) + " TEXT";
    ZT_TRY(conn.execute(
        fmt::format("SET LOCAL client_min_messages = warning; CREATE TEMP TABLE IF NOT EXISTS {} "
                    "({}) ON COMMIT DELETE ROWS",
                    stage, defs)));
  }
  {
    std::vector<const TypedRow*> pointers;
    pointers.reserve(rows.size());
    for (const TypedRow& row : rows)
      pointers.push_back(&row);
    ZT_TRY(copy_rows(tx, r, stage, pointers, true, 0, 0));
  }
  const UpsertSql u = upsert_sql(r, true);
  std::string casts, join, returning, match;
  for (const Field& f : r.fields) {
    const std::string c = column(f);
    casts += cast(f, "s." + c) + ", ";
    if (f.key) {
      join += fmt::format(" AND up.{} = {}", c, cast(f, "s." + c));
      returning += "t." + c + ", ";
      match += fmt::format(" AND t.{} = {}", c, cast(f, "s." + c));
    }
  }
  const std::string merge = fmt::format(
      "WITH up AS (INSERT INTO {0} AS t ({1}_batch, _updated_at) SELECT {2}?, ? FROM {3} s WHERE "
      "s.op = 'u' {4} RETURNING {5}t._version, t._updated_at) SELECT s.line, up._version, "
      "up._updated_at FROM up JOIN {3} s ON s.op = 'u'{6}",
      table(r.id), u.cols, casts, stage, conflict_clause(r, u, true), returning, join);
  // The filled fields of the records the merge will change or delete, by line (the state row's
  // lock keeps them as they are until the merge). One probe of the key index per stage row: left
  // to guess the fresh stage table's size, the planner hash-joins it with a scan of the whole
  // record table, every chunk.
  std::unordered_map<std::uint64_t, std::string> before;
  {
    ZT_TRY(conn.execute("SET LOCAL enable_hashjoin = off; SET LOCAL enable_mergejoin = off"));
    ZT_ASSIGN_OR_RETURN(auto found,
                        conn.query(fmt::format("SELECT s.line, {} FROM {} s JOIN {} t ON 1 = 1{}",
                                               filled_flags(r, "t."), stage, table(r.id), match)));
    ZT_TRY(conn.execute("SET LOCAL enable_hashjoin = on; SET LOCAL enable_mergejoin = on"));
    before.reserve(found.size());
    for (std::size_t i = 0; i < found.size(); ++i) {
      before.emplace(static_cast<std::uint64_t>(found[i].get<std::int64_t>(0)),
                     found[i].get<std::string>(1));
    }
  }
  // The planner knows nothing of the freshly loaded stage table and, guessing it tiny, would
  // join it by nested loop (seconds for a few thousand rows): hash joins for this statement.
  ZT_TRY(conn.execute("SET LOCAL enable_nestloop = off"));
  ZT_ASSIGN_OR_RETURN(auto merged, conn.query(merge, stamp, now));
  ZT_TRY(conn.execute("SET LOCAL enable_nestloop = on"));
  std::size_t upserts = 0;
  for (const TypedRow& row : rows)
    upserts += row.is_delete ? 0 : 1;
  db::Rows removed, stamped;
  if (upserts < rows.size()) {
    ZT_ASSIGN_OR_RETURN(
        removed,
        conn.query(fmt::format("DELETE FROM {} t USING {} s WHERE s.op = 'd'{} AND t._batch <> ? "
                               "RETURNING s.line",
                               table(r.id), stage, match),
                   stamp));
    // Deletes that removed nothing: absent keys (unchanged) or keys this run wrote
    // (duplicates).
    ZT_ASSIGN_OR_RETURN(
        stamped, conn.query(fmt::format("SELECT s.line FROM {} s JOIN {} t ON s.op = 'd'{} WHERE "
                                        "t._batch = ?",
                                        stage, table(r.id), match),
                            stamp));
  }
  std::unordered_map<std::uint64_t, const TypedRow*> by_line;
  by_line.reserve(rows.size());
  for (const TypedRow& row : rows)
    by_line.emplace(row.line, &row);
  std::unordered_map<std::uint64_t, bool> returned;
  returned.reserve(merged.size());
  for (std::size_t i = 0; i < merged.size(); ++i) {
    const auto line = static_cast<std::uint64_t>(merged[i].get<std::int64_t>(0));
    returned.emplace(line, true);
    if (merged[i].get<std::int64_t>(2) != now) {
      ++out.unchanged;
      continue;
    }
    const bool inserted = merged[i].get<std::int64_t>(1) == 1;
    (inserted ? out.inserted : out.updated) += 1;
    const TypedRow* row = by_line.at(line);
    add_row(delta, *row, 1);
    if (!inserted) {
      auto old = before.find(line);
      if (old == before.end()) {
        return Error::internal("database_error",
                               "A merge updated a record that was not there before.");
      }
      add_flags(delta, old->second, -1);
    }
    list.push_back({line, inserted ? "insert" : "update", row});
  }
  if (returned.size() < upserts) {
    for (const TypedRow& row : rows) {
      if (!row.is_delete && !returned.count(row.line)) out.duplicates.push_back(row.line);
    }
  }
  for (std::size_t i = 0; i < removed.size(); ++i) {
    const auto line = static_cast<std::uint64_t>(removed[i].get<std::int64_t>(0));
    ++out.deleted;
    auto old = before.find(line);
    if (old == before.end()) {
      return Error::internal("database_error",
                             "A merge deleted a record that was not there before.");
    }
    add_flags(delta, old->second, -1);
    list.push_back({line, "delete", by_line.at(line)});
  }
  for (std::size_t i = 0; i < stamped.size(); ++i) {
    out.duplicates.push_back(static_cast<std::uint64_t>(stamped[i].get<std::int64_t>(0)));
  }
  const std::size_t deletes = rows.size() - upserts;
  out.unchanged += static_cast<std::int64_t>(deletes - removed.size() - stamped.size());
  return {};
}

// PostgreSQL: rows whose key is new go straight into the table by COPY (a first load is all
// such rows); the others are COPYed into a temporary stage table and merged with one INSERT …
// ON CONFLICT and, when there are deletes, one DELETE.
Result<ChunkOutcome> apply_postgres(db::Connection& conn, const Resource& r,
                                    std::span<const TypedRow> all_rows, std::int64_t batch_id,
                                    std::int64_t stamp, std::int64_t now, db::Transaction& tx,
                                    ChunkHint* hint) {
  ZT_ASSIGN_OR_RETURN(StorageState state, lock_state(conn, r.id));
  now = chunk_time(state, now);
  ChunkOutcome out;
  FilledDelta delta(r.fields.size(), 0);
  std::vector<ChangeToWrite> list;
  list.reserve(all_rows.size());
  std::vector<const TypedRow*> fresh;
  std::vector<TypedRow> merged_rows;  // copies of the rows that need the merge
  // A first load: every upsert straight in by COPY, undone alone if a key exists after all
  // (then this batch probes for existing keys from here on).
  if (hint && hint->try_direct) {
    for (const TypedRow& row : all_rows) {
      if (!row.is_delete) fresh.push_back(&row);
    }
    Status direct = fresh.empty() ? Status{} : tx.try_step([&] {
      return copy_rows(tx, r, table(r.id), fresh, false, stamp, now);
    });
    if (direct.ok()) {
      out.inserted += static_cast<std::int64_t>(fresh.size());
      for (const TypedRow* row : fresh) {
        add_row(delta, *row, 1);
        list.push_back({row->line, "insert", row});
      }
      for (const TypedRow& row : all_rows) {
        if (row.is_delete) merged_rows.push_back(row);
      }
      if (!merged_rows.empty()) {
        ZT_TRY(merge_postgres(conn, tx, r, merged_rows, stamp, now, out, list, delta));
      }
      return finish_chunk(conn, tx, r, state, batch_id, now, out, list, delta);
    }
    if (direct.error().code != "duplicate") return std::move(direct).error();
    hint->try_direct = false;
    fresh.clear();
  }
  ZT_ASSIGN_OR_RETURN(auto existing, existing_keys(conn, r, all_rows));
  if (existing) {
    std::size_t key_index = 0;
    while (!r.fields[key_index].key)
      ++key_index;
    for (const TypedRow& row : all_rows) {
      const TypedValue& v = row.values[key_index];
      const std::string text = v.kind == TypedValue::Kind::kText ? v.text : std::to_string(v.i);
      if (!row.is_delete && !existing->count(text)) {
        fresh.push_back(&row);
      } else {
        merged_rows.push_back(row);
      }
    }
    if (!fresh.empty()) {
      ZT_TRY(copy_rows(tx, r, table(r.id), fresh, false, stamp, now));
      out.inserted += static_cast<std::int64_t>(fresh.size());
      for (const TypedRow* row : fresh) {
        add_row(delta, *row, 1);
        list.push_back({row->line, "insert", row});
      }
    }
  }
  const std::span<const TypedRow> rows =
      existing ? std::span<const TypedRow>(merged_rows) : all_rows;
  if (!rows.empty()) ZT_TRY(merge_postgres(conn, tx, r, rows, stamp, now, out, list, delta));
  return finish_chunk(conn, tx, r, state, batch_id, now, out, list, delta);
}

// Reads a field as text in its canonical form (see validate.h).
std::string select_column(const Field& f, bool pg) {
  const std::string c = column(f);
  if (pg && f.type == FieldType::kDate) return fmt::format("to_char({}, 'YYYY-MM-DD')", c);
  if (pg && f.type == FieldType::kDatetime) {
    return fmt::format(
        "to_char(({} AT TIME ZONE 'UTC') + INTERVAL '8 hours', "
        "'YYYY-MM-DD\"T\"HH24:MI:SS\"+08:00\"')",
        c);
  }
  if (pg && f.type == FieldType::kDecimal) return fmt::format("CAST({} AS TEXT)", c);
  return c;
}

// Reads every field, in field order.
std::string select_list(const Resource& r, bool pg) {
  std::string out;
  for (const Field& f : r.fields) {
    if (!out.empty()) out += ", ";
    out += select_column(f, pg);
  }
  return out;
}

}  // namespace

Status apply_schema(db::Connection& conn, const Resource* before, const Resource& after) {
  const bool pg = is_pg(conn);
  if (!before) {
    std::string defs, keys;
    for (const Field& f : after.fields) {
      defs += column_definition(f, pg) + ",\n  ";
      if (f.key) keys += (keys.empty() ? "" : ", ") + column(f);
    }
    // SQLite: a rowid table with a unique index on the key, not a table clustered on the key.
    // Records are a few hundred bytes: new rows then append to the table, and keys arriving in
    // random order only disturb the small index, which stays in the page cache.
    std::string script =
        pg ? fmt::format(
                 "CREATE TABLE {} (\n  {}_version BIGINT NOT NULL DEFAULT 1,\n  _batch "
                 "BIGINT NOT NULL,\n  _updated_at BIGINT NOT NULL,\n  PRIMARY KEY "
                 "({})\n);\n",
                 table(after.id), defs, keys)
           : fmt::format(
                 "CREATE TABLE {0} (\n  {1}_version BIGINT NOT NULL DEFAULT 1,\n  _batch "
                 "BIGINT NOT NULL,\n  _updated_at BIGINT NOT NULL\n);\nCREATE UNIQUE INDEX "
                 "{0}_key ON {0} ({2});\n",
                 table(after.id), defs, keys);
    for (const Field& f : after.fields) {
      if (f.indexed && !f.key) script += index_statement(after, f) + ";\n";
    }
    script += fmt::format(
        "CREATE TABLE {} (seq {} PRIMARY KEY, op TEXT NOT NULL, data TEXT NOT NULL, batch_id "
        "BIGINT NOT NULL, changed_at BIGINT NOT NULL);\n",
        changes(after.id), pg ? "BIGINT" : "INTEGER");
    ZT_TRY(conn.execute(script));
    ZT_TRY(
        conn.exec("INSERT INTO exchange_resource_state (resource_id, last_seq, record_count) "
                  "VALUES (?, 0, 0)",
                  after.id));
    return {};
  }
  std::string script;
  for (const Field& f : after.fields) {
    const Field* old = before->field(f.name);
    if (!old) {
      script +=
          fmt::format("ALTER TABLE {} ADD COLUMN {};\n", table(after.id), column_definition(f, pg));
    }
    if (f.indexed && !f.key && (!old || !old->indexed)) {
      script += index_statement(after, f) + ";\n";
    }
  }
  if (!script.empty()) ZT_TRY(conn.execute(script));
  return {};
}

Result<int> upgrade_indexes(db::Connection& conn, const Resource& r) {
  // The state row's lock makes nodes starting together take turns: the second finds the work
  // done (SQLite has one writer anyway).
  ZT_TRY(lock_state(conn, r.id));
  ZT_ASSIGN_OR_RETURN(
      auto rows,
      conn.query(is_pg(conn)
                     ? "SELECT indexname FROM pg_indexes WHERE schemaname = "
                       "current_schema() AND tablename = ?"
                     : "SELECT name FROM sqlite_master WHERE type = 'index' AND tbl_name = ?",
                 table(r.id)));
  std::unordered_set<std::string> present;
  for (std::size_t i = 0; i < rows.size(); ++i)
    present.insert(rows[i].get<std::string>(0));
  std::string script;
  int made = 0;
  for (const Field& f : r.fields) {
    if (!f.indexed || f.key) continue;
    if (!present.contains(index_name(r, f))) {
      script += index_statement(r, f) + ";\n";
      ++made;
    }
    if (present.contains(old_index_name(r, f))) {
      script += fmt::format("DROP INDEX {};\n", old_index_name(r, f));
    }
  }
  if (!script.empty()) ZT_TRY(conn.execute(script));
  return made;
}

Result<ChunkOutcome> apply_chunk(db::Connection& conn, db::Transaction& tx,
                                 const Resource& resource, std::span<const TypedRow> rows,
                                 std::int64_t batch_id, std::int64_t stamp, std::int64_t now_ms,
                                 ChunkHint* hint) {
  if (is_pg(conn)) return apply_postgres(conn, resource, rows, batch_id, stamp, now_ms, tx, hint);
  return apply_sqlite(conn, resource, rows, batch_id, stamp, now_ms, tx);
}

Result<std::vector<Change>> read_changes(db::Connection& conn, std::int64_t resource_id,
                                         std::int64_t after, int limit) {
  ZT_ASSIGN_OR_RETURN(
      auto rows,
      conn.query(fmt::format("SELECT seq, op, data, batch_id, changed_at FROM {} WHERE seq > ? "
                             "ORDER BY seq LIMIT {}",
                             changes(resource_id), limit),
                 after));
  std::vector<Change> out;
  out.reserve(rows.size());
  for (std::size_t i = 0; i < rows.size(); ++i) {
    out.push_back({rows[i].get<std::int64_t>(0), rows[i].get<std::string>(1),
                   rows[i].get<std::string>(2), rows[i].get<std::int64_t>(3),
                   rows[i].get<std::int64_t>(4)});
  }
  return out;
}

Result<StorageState> state(db::Connection& conn, std::int64_t resource_id) {
  ZT_ASSIGN_OR_RETURN(auto rows, conn.query("SELECT last_seq, record_count, last_change_at FROM "
                                            "exchange_resource_state WHERE resource_id = ?",
                                            resource_id));
  if (rows.empty()) return StorageState{};
  return StorageState{rows[0].get<std::int64_t>(0), rows[0].get<std::int64_t>(1),
                      rows[0].get<std::optional<std::int64_t>>(2)};
}

Result<std::vector<std::int64_t>> filled_counts(db::Connection& conn, const Resource& r) {
  ZT_ASSIGN_OR_RETURN(StorageState s, state(conn, r.id));
  ZT_ASSIGN_OR_RETURN(
      auto rows,
      conn.query("SELECT field, filled FROM exchange_field_counts WHERE resource_id = ?", r.id));
  std::vector<std::int64_t> out(r.fields.size() + 1, 0);
  out[0] = s.record_count;
  for (std::size_t i = 0; i < rows.size(); ++i) {
    const std::string name = rows[i].get<std::string>(0);
    for (std::size_t f = 0; f < r.fields.size(); ++f) {
      if (r.fields[f].name == name) out[f + 1] = rows[i].get<std::int64_t>(1);
    }
  }
  return out;
}

Status count_existing_fields(db::Connection& conn) {
  const bool pg = is_pg(conn);
  ZT_ASSIGN_OR_RETURN(auto resources,
                      conn.query("SELECT resource_id FROM exchange_resource_state ORDER BY "
                                 "resource_id"));
  for (std::size_t i = 0; i < resources.size(); ++i) {
    const std::int64_t id = resources[i].get<std::int64_t>(0);
    ZT_ASSIGN_OR_RETURN(
        auto columns,
        conn.query(pg ? "SELECT column_name FROM information_schema.columns WHERE table_schema = "
                        "current_schema() AND table_name = ? ORDER BY ordinal_position"
                      : "SELECT name FROM pragma_table_info(?) ORDER BY cid",
                   table(id)));
    std::vector<std::string> fields;
    std::string counts;
    for (std::size_t c = 0; c < columns.size(); ++c) {
      std::string name = columns[c].get<std::string>(0);
      if (!name.starts_with("f_")) continue;  // _version, _batch, _updated_at
      counts += fmt::format("{}count({})", counts.empty() ? "" : ", ", name);
      fields.push_back(name.substr(2));
    }
    if (fields.empty()) continue;
    ZT_ASSIGN_OR_RETURN(auto n, conn.query(fmt::format("SELECT {} FROM {}", counts, table(id))));
    for (std::size_t f = 0; f < fields.size(); ++f) {
      ZT_TRY(db::done(
          conn.exec("INSERT INTO exchange_field_counts (resource_id, field, filled) VALUES (?, ?, "
                    "?)",
                    id, fields[f], n[0].get<std::int64_t>(f))));
    }
  }
  return {};
}

namespace {

// Reads a cell of a typed record table into `v` (a TypedValue or a ValueView) as the field's
// type gives it: NULL, integer and boolean cells are filled here and give true; a text-typed
// field gives false with v.kind set to kText, and the caller reads the text (owned or viewed).
template <typename Value>
bool read_non_text(const db::Row& row, std::size_t column, db::ValueType cell, FieldType type,
                   Value& v) {
  if (cell == db::ValueType::kNull) {
    v.kind = TypedValue::Kind::kNull;
  } else if (type == FieldType::kInteger) {
    v.kind = TypedValue::Kind::kInt;
    v.i = row.get<std::int64_t>(column);
  } else if (type == FieldType::kBoolean) {
    v.kind = TypedValue::Kind::kBool;
    v.i = row.get<bool>(column) ? 1 : 0;
  } else {
    v.kind = TypedValue::Kind::kText;
    return false;
  }
  return true;
}

// One selected row (select_list's columns) as typed values.
TypedRow typed_row_of(const Resource& r, const db::Row& row) {
  TypedRow typed;
  typed.values.reserve(r.fields.size());
  for (std::size_t i = 0; i < r.fields.size(); ++i) {
    TypedValue& v = typed.values.emplace_back();
    if (!read_non_text(row, i, row.type(i), r.fields[i].type, v)) v.text = row.get<std::string>(i);
  }
  return typed;
}

std::string record_json(const Resource& r, const db::Row& row) {
  return change_data(r, typed_row_of(r, row));
}

// A parameter placeholder for a value of field `f`: PostgreSQL needs the column's type.
std::string placeholder(const Field& f, bool pg) {
  return pg ? cast(f, "?") : std::string("?");
}

}  // namespace

Result<std::optional<std::string>> find_record(db::Connection& conn, const Resource& r,
                                               std::span<const TypedValue> key) {
  const bool pg = is_pg(conn);
  std::string where;
  std::vector<db::Param> params;
  std::size_t k = 0;
  for (const Field& f : r.fields) {
    if (!f.key) continue;
    if (k >= key.size()) return Error::invalid("invalid_key", "Give a value for every key field.");
    where += fmt::format("{}{} = {}", where.empty() ? "" : " AND ", column(f), placeholder(f, pg));
    params.push_back(param_of(key[k++]));
  }
  ZT_ASSIGN_OR_RETURN(auto rows, conn.query(fmt::format("SELECT {} FROM {} WHERE {}",
                                                        select_list(r, pg), table(r.id), where),
                                            params));
  if (rows.empty()) return std::optional<std::string>();
  return std::optional<std::string>(record_json(r, rows[0]));
}

std::string key_lookup_sql(db::Backend backend, const Resource& r) {
  const bool pg = backend == db::Backend::kPostgres;
  std::string where;
  for (const Field& f : r.fields) {
    if (!f.key) continue;
    where += fmt::format("{}{} = {}", where.empty() ? "" : " AND ", column(f), placeholder(f, pg));
  }
  return fmt::format("SELECT {} FROM {} WHERE {}", select_list(r, pg), table(r.id), where);
}

Result<std::optional<TypedRow>> lookup_record(db::Connection& conn, const Resource& r,
                                              std::string_view sql,
                                              std::span<const TypedValue> key) {
  std::vector<db::Param> params;
  params.reserve(key.size());
  for (const TypedValue& v : key)
    params.push_back(param_of(v));
  ZT_ASSIGN_OR_RETURN(auto rows, conn.query(sql, params));
  if (rows.empty()) return std::optional<TypedRow>();
  return std::optional<TypedRow>(typed_row_of(r, rows[0]));
}

std::optional<std::size_t> scan_order(const Resource& r, std::span<const Condition> conditions) {
  // An exact match, or any condition on a key field, is read in key order (rec_<id>_by_<field>
  // holds one value's records in key order; the key index holds the key's ranges).
  for (const Condition& c : conditions) {
    if (c.op == Condition::Op::kEq || r.fields.at(c.field).key) return std::nullopt;
  }
  if (conditions.empty()) return std::nullopt;
  return conditions.front().field;
}

namespace {

// The SELECT of a scan and what its columns are.
struct ScanQuery {
  std::string sql;
  std::vector<db::Param> params;    // views into the conditions and `after`
  std::vector<std::size_t> fields;  // the field index of each selected column
};

ScanQuery scan_query(const Resource& r, std::span<const Condition> conditions,
                     std::span<const TypedValue> after, int limit,
                     const std::vector<bool>& selected, bool pg) {
  ScanQuery q;
  std::vector<std::string> clauses;
  const std::optional<std::size_t> by = scan_order(r, conditions);
  for (const Condition& c : conditions) {
    const Field& f = r.fields.at(c.field);
    const std::string col = column(f);
    // After a cursor the page starts at the position (the row value below), which implies the
    // order field's lower bounds; SQLite, given both, starts at the lower bound and steps over
    // every record of the cursor's value before it — unary + keeps a term out of its index
    // choice, so the walk starts at the position. (PostgreSQL starts at the tighter of the two.)
    const std::string low = !after.empty() && by == c.field && !pg ? "+" + col : col;
    const std::string p = placeholder(f, pg);
    switch (c.op) {
      case Condition::Op::kEq: clauses.push_back(col + " = " + p); break;
      case Condition::Op::kGt: clauses.push_back(low + " > " + p); break;
      case Condition::Op::kGte: clauses.push_back(low + " >= " + p); break;
      case Condition::Op::kLt: clauses.push_back(col + " < " + p); break;
      case Condition::Op::kLte: clauses.push_back(col + " <= " + p); break;
      case Condition::Op::kPrefix:
        // A range on the index: [prefix, prefix + U+FFFF) covers every text starting with it.
        clauses.push_back(fmt::format("{} >= ? AND {} < ?", low, col));
        q.params.push_back(param_of(c.value));
        q.params.emplace_back(std::string_view(c.upper));
        continue;
    }
    q.params.push_back(param_of(c.value));
  }
  // Keyset paging: rows after the last position of the previous page, in the page order (the
  // order field, then the key), which an index gives without a sort: the key's own index, or
  // the order field's rec_<id>_by_<field> — also for an exact match on an indexed field, whose
  // rows that index holds in key order.
  std::string lhs, rhs;
  if (by) {
    lhs = column(r.fields[*by]);
    rhs = placeholder(r.fields[*by], pg);
  }
  for (const Field& f : r.fields) {
    if (!f.key) continue;
    if (!lhs.empty()) {
      lhs += ", ";
      rhs += ", ";
    }
    lhs += column(f);
    rhs += placeholder(f, pg);
  }
  if (!after.empty()) {
    for (const TypedValue& v : after)
      q.params.push_back(param_of(v));
    clauses.push_back(fmt::format("({}) > ({})", lhs, rhs));
  }
  std::string list;
  for (std::size_t i = 0; i < r.fields.size(); ++i) {
    const Field& f = r.fields[i];
    if (!f.key && (!by || *by != i) && !selected.empty() && !(i < selected.size() && selected[i])) {
      continue;
    }
    if (!list.empty()) list += ", ";
    list += select_column(f, pg);
    q.fields.push_back(i);
  }
  q.sql = fmt::format("SELECT {} FROM {}", list, table(r.id));
  for (std::size_t i = 0; i < clauses.size(); ++i)
    q.sql += (i ? " AND " : " WHERE ") + clauses[i];
  q.sql += fmt::format(" ORDER BY {} LIMIT {}", lhs, limit);
  return q;
}

std::size_t key_count(const Resource& r) {
  return static_cast<std::size_t>(
      std::count_if(r.fields.begin(), r.fields.end(), [](const Field& f) { return f.key; }));
}

}  // namespace

ScanStatement scan_statement(db::Backend backend, const Resource& r,
                             std::span<const Condition> conditions,
                             std::span<const TypedValue> after, int limit) {
  ScanQuery q = scan_query(r, conditions, after, limit, {}, backend == db::Backend::kPostgres);
  return {std::move(q.sql), std::move(q.params)};
}

Status scan_record_views(db::Connection& conn, const Resource& r,
                         std::span<const Condition> conditions, std::span<const TypedValue> after,
                         int limit, const std::vector<bool>& selected,
                         const std::function<void(std::span<const ValueView>)>& visit) {
  if (!after.empty() && after.size() != key_count(r) + (scan_order(r, conditions) ? 1 : 0)) {
    return Error::invalid("invalid_cursor", "The cursor does not belong to this resource.");
  }
  const ScanQuery q = scan_query(r, conditions, after, limit, selected, is_pg(conn));
  ZT_ASSIGN_OR_RETURN(auto rows, conn.query(q.sql, q.params));
  // One view per field, reused for every row; `numbers` holds the text of values the database
  // gives as numbers (SQLite's NUMERIC columns) for text-typed fields.
  std::vector<ValueView> views(r.fields.size());
  std::vector<std::string> numbers(r.fields.size());
  for (std::size_t n = 0; n < rows.size(); ++n) {
    const db::Row row = rows[n];
    for (std::size_t c = 0; c < q.fields.size(); ++c) {
      const std::size_t i = q.fields[c];
      ValueView& v = views[i];
      const db::ValueType type = row.type(c);
      if (!read_non_text(row, c, type, r.fields[i].type, v)) {
        if (type == db::ValueType::kText || type == db::ValueType::kBlob) {
          v.text = row.get<std::string_view>(c);
        } else {
          numbers[i] = row.get<std::string>(c);
          v.text = numbers[i];
        }
      }
    }
    visit(views);
  }
  return {};
}

Status scan_records(db::Connection& conn, const Resource& r, std::span<const Condition> conditions,
                    std::span<const TypedValue> after, int limit,
                    const std::function<void(const TypedRow&)>& visit) {
  return scan_record_views(conn, r, conditions, after, limit, {},
                           [&](std::span<const ValueView> views) {
                             TypedRow typed;
                             typed.values.reserve(views.size());
                             for (const ValueView& v : views)
                               typed.values.push_back({v.kind, v.i, std::string(v.text)});
                             visit(typed);
                           });
}

Result<std::vector<std::string>> find_records(db::Connection& conn, const Resource& r,
                                              std::span<const Condition> conditions,
                                              std::span<const TypedValue> after, int limit) {
  std::vector<std::string> out;
  ZT_TRY(scan_records(conn, r, conditions, after, limit,
                      [&](const TypedRow& row) { out.push_back(change_data(r, row)); }));
  return out;
}

}  // namespace records

}  // namespace zt::exchange
