#include "db/sqlite/sqlite_database.h"

#include "db/sqlite/checkpointer.h"

#include <sqlite3.h>

#include <algorithm>
#include <filesystem>
#include <string>
#include <unordered_map>
#include <vector>

namespace zt::db {

namespace {

// Statements cached per connection before the cache is flushed (guards against SQL built with
// varying text, e.g. IN lists).
constexpr std::size_t kStatementCacheLimit = 256;
// Rows per multi-row INSERT of a bulk load.
constexpr std::size_t kBulkBatchRows = 256;

Error sqlite_error(sqlite3* db, int rc) {
  const char* msg = db != nullptr ? sqlite3_errmsg(db) : sqlite3_errstr(rc);
  if (rc == SQLITE_CONSTRAINT_UNIQUE || rc == SQLITE_CONSTRAINT_PRIMARYKEY) {
    return Error::conflict("duplicate", msg);
  }
  switch (rc & 0xff) {
    case SQLITE_BUSY:
    case SQLITE_LOCKED: return Error::unavailable("database_busy", msg);
    case SQLITE_CANTOPEN:
    case SQLITE_IOERR:
    case SQLITE_FULL:
    case SQLITE_NOTADB: return Error::unavailable("database_unavailable", msg);
    default: return Error::internal("database_error", msg);
  }
}

// unordered_map<std::string, ...> looked up by string_view without a copy.
struct StringHash {
  using is_transparent = void;
  std::size_t operator()(std::string_view s) const { return std::hash<std::string_view>()(s); }
};

int bind_param(sqlite3_stmt* stmt, int index, const Param& p) {
  switch (p.type()) {
    case ValueType::kNull: return sqlite3_bind_null(stmt, index);
    case ValueType::kBool:
    case ValueType::kInt: return sqlite3_bind_int64(stmt, index, p.as_int());
    case ValueType::kDouble: return sqlite3_bind_double(stmt, index, p.as_double());
    case ValueType::kText: {
      auto t = p.as_text();
      // The parameters outlive the statement's use (reset right after), so no copy.
      return sqlite3_bind_text64(stmt, index, t.empty() ? "" : t.data(), t.size(), SQLITE_STATIC,
                                 SQLITE_UTF8);
    }
    case ValueType::kBlob: {
      auto b = p.as_blob();
      if (b.empty()) return sqlite3_bind_zeroblob(stmt, index, 0);  // a NULL pointer binds NULL
      return sqlite3_bind_blob64(stmt, index, b.data(), b.size(), SQLITE_STATIC);
    }
  }
  return SQLITE_MISUSE;
}

// Resets a statement when a query ends, however it ends.
class StatementUse {
 public:
  explicit StatementUse(sqlite3_stmt* stmt) : stmt_(stmt) {}
  ~StatementUse() {
    sqlite3_reset(stmt_);
    sqlite3_clear_bindings(stmt_);
  }
  StatementUse(const StatementUse&) = delete;
  StatementUse& operator=(const StatementUse&) = delete;

 private:
  sqlite3_stmt* stmt_;
};

class SqliteConnection;

class SqliteBulkSink final : public detail::BulkSink {
 public:
  SqliteBulkSink(SqliteConnection& conn, std::string table, std::span<const std::string> columns);
  ~SqliteBulkSink() override;
  Status add_row(std::span<const Param> values) override;
  Result<std::int64_t> finish() override;

 private:
  struct Cell {
    ValueType type;
    std::int64_t i;
    double d;
    std::size_t offset;
    std::size_t size;
  };
  Status flush();
  std::string insert_sql(std::size_t rows) const;

  SqliteConnection& conn_;
  std::string table_;
  std::vector<std::string> columns_;
  std::size_t batch_rows_;
  sqlite3_stmt* full_batch_ = nullptr;  // owned; for batch_rows_ rows
  std::vector<Cell> pending_;           // row-major, whole rows
  std::string bytes_;                   // text/blob payloads of pending_
  std::int64_t loaded_ = 0;
};

class SqliteConnection final : public detail::ConnectionImpl {
 public:
  SqliteConnection(sqlite3* db, bool writer) : db_(db), writer_(writer) {}
  ~SqliteConnection() override {
    clear_cache();
    sqlite3_close_v2(db_);
  }

  // `checkpointer`: for the writer of a file database, what checkpoints its WAL.
  static Result<std::unique_ptr<detail::ConnectionImpl>> open(const std::string& path, bool writer,
                                                              const Options& options,
                                                              Checkpointer* checkpointer) {
    sqlite3* db = nullptr;
    int flags = SQLITE_OPEN_NOMUTEX | SQLITE_OPEN_EXRESCODE |
                (writer ? SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE : SQLITE_OPEN_READONLY);
    int rc = sqlite3_open_v2(path.c_str(), &db, flags, nullptr);
    if (rc != SQLITE_OK) {
      std::string msg = db != nullptr ? sqlite3_errmsg(db) : sqlite3_errstr(rc);
      sqlite3_close_v2(db);
      return Error::unavailable("database_unavailable",
                                "cannot open SQLite database '" + path + "': " + msg);
    }
    auto conn = std::make_unique<SqliteConnection>(db, writer);
    sqlite3_extended_result_codes(db, 1);
    sqlite3_busy_timeout(db, static_cast<int>(options.busy_timeout.count()));
    // The writer gets a 64 MiB page cache (SQLite's default is 2 MiB): bulk ingest touches a page
    // per row in random key order, and a small cache re-reads and re-writes them many times.
    const char* setup = writer ? "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; "
                                 "PRAGMA cache_size=-65536; PRAGMA foreign_keys=ON;"
                               : "PRAGMA foreign_keys=ON;";
    if (Status s = conn->execute(setup); !s.ok()) {
      return Error::unavailable("database_unavailable", "cannot set up SQLite database '" + path +
                                                            "': " + s.error().detail);
    }
    // Its commits hand the WAL's copy into the database file to the checkpointer's thread.
    if (checkpointer != nullptr) checkpointer->attach(db);
    return std::unique_ptr<detail::ConnectionImpl>(std::move(conn));
  }

  Backend backend() const override { return Backend::kSqlite; }

  Status execute(std::string_view script) override {
    std::string sql(script);  // sqlite3_exec needs a terminated string
    char* err = nullptr;
    int rc = sqlite3_exec(db_, sql.c_str(), nullptr, nullptr, &err);
    if (rc != SQLITE_OK) {
      Error e = sqlite_error(db_, rc);
      if (err != nullptr) e.detail = err;
      sqlite3_free(err);
      return failed(std::move(e));
    }
    return {};
  }

  Result<Rows> query(std::string_view sql, std::span<const Param> params) override {
    auto stmt = prepare_and_bind(sql, params);
    if (!stmt.ok()) return failed(std::move(stmt).error());
    sqlite3_stmt* s = *stmt;
    StatementUse use(s);
    // Columns are read after the first step: a statement re-prepared after a schema change
    // only then reports its new columns.
    int rc = sqlite3_step(s);
    const int ncols = sqlite3_column_count(s);
    std::vector<std::string> names;
    names.reserve(ncols);
    for (int c = 0; c < ncols; ++c)
      names.emplace_back(sqlite3_column_name(s, c));
    Rows rows(std::move(names));
    for (;; rc = sqlite3_step(s)) {
      if (rc == SQLITE_DONE) break;
      if (rc != SQLITE_ROW) return failed(sqlite_error(db_, rc));
      for (int c = 0; c < ncols; ++c) {
        switch (sqlite3_column_type(s, c)) {
          case SQLITE_INTEGER: rows.add_int(sqlite3_column_int64(s, c)); break;
          case SQLITE_FLOAT: rows.add_double(sqlite3_column_double(s, c)); break;
          case SQLITE_TEXT: {
            auto* p = reinterpret_cast<const char*>(sqlite3_column_text(s, c));
            rows.add_text(std::string_view(p, sqlite3_column_bytes(s, c)));
            break;
          }
          case SQLITE_BLOB: {
            auto* p = static_cast<const std::uint8_t*>(sqlite3_column_blob(s, c));
            std::size_t n = sqlite3_column_bytes(s, c);
            rows.add_blob(std::span<const std::uint8_t>(p, n));
            break;
          }
          default: rows.add_null();
        }
      }
      rows.end_row();
    }
    return rows;
  }

  Result<std::int64_t> exec(std::string_view sql, std::span<const Param> params) override {
    auto stmt = prepare_and_bind(sql, params);
    if (!stmt.ok()) return failed(std::move(stmt).error());
    StatementUse use(*stmt);
    const sqlite3_int64 before = sqlite3_total_changes64(db_);
    int rc;
    while ((rc = sqlite3_step(*stmt)) == SQLITE_ROW) {
    }
    if (rc != SQLITE_DONE) return failed(sqlite_error(db_, rc));
    // changes64() keeps the count of the last INSERT/UPDATE/DELETE; a DDL statement changed none.
    return sqlite3_total_changes64(db_) == before ? 0 : sqlite3_changes64(db_);
  }

  Status begin() override {
    auto r = exec(writer_ ? "BEGIN IMMEDIATE" : "BEGIN", {});
    if (!r.ok()) return std::move(r).error();
    tx_failed_ = false;
    return {};
  }
  Status commit() override {
    // Like PostgreSQL, a statement that failed inside the transaction dooms all of it: SQLite
    // would otherwise commit the statements around it.
    if (tx_failed_) {
      (void)rollback();
      return Error::internal("transaction_aborted",
                             "a statement in the transaction failed; it was rolled back");
    }
    auto r = exec("COMMIT", {});
    if (!r.ok()) return std::move(r).error();
    return {};
  }
  void clear_failure() override { tx_failed_ = false; }

  Status rollback() override {
    if (sqlite3_get_autocommit(db_)) return {};  // SQLite already rolled back (or never began)
    auto r = exec("ROLLBACK", {});
    if (!r.ok()) return std::move(r).error();
    return {};
  }

  Result<std::unique_ptr<detail::BulkSink>> start_bulk(
      std::string_view table, std::span<const std::string> columns) override {
    if (!writer_) {
      return Error::internal("database_error", "bulk load needs a kWrite connection");
    }
    return std::unique_ptr<detail::BulkSink>(
        std::make_unique<SqliteBulkSink>(*this, std::string(table), columns));
  }

  bool reset() override {
    if (!sqlite3_get_autocommit(db_)) return rollback().ok();
    return true;
  }

  sqlite3* db() { return db_; }

  // Prepares `sql` without caching; the caller finalizes.
  Result<sqlite3_stmt*> prepare_uncached(std::string_view sql) {
    sqlite3_stmt* stmt = nullptr;
    const char* tail = nullptr;
    int rc = sqlite3_prepare_v3(db_, sql.data(), static_cast<int>(sql.size()),
                                SQLITE_PREPARE_PERSISTENT, &stmt, &tail);
    if (rc != SQLITE_OK) return sqlite_error(db_, rc);
    if (stmt == nullptr) return Error::internal("database_error", "empty SQL statement");
    std::string_view rest(tail, sql.data() + sql.size() - tail);
    if (rest.find_first_not_of(" \t\r\n;") != std::string_view::npos) {
      sqlite3_finalize(stmt);
      return Error::internal("database_error",
                             "query() and exec() take one statement; use execute() for scripts");
    }
    return stmt;
  }

 private:
  Result<sqlite3_stmt*> prepare_and_bind(std::string_view sql, std::span<const Param> params) {
    sqlite3_stmt* stmt;
    if (auto it = cache_.find(sql); it != cache_.end()) {
      stmt = it->second;
    } else {
      auto prepared = prepare_uncached(sql);
      if (!prepared.ok()) return prepared;
      if (cache_.size() >= kStatementCacheLimit) clear_cache();
      stmt = *prepared;
      cache_.emplace(std::string(sql), stmt);
    }
    const int expected = sqlite3_bind_parameter_count(stmt);
    if (static_cast<std::size_t>(expected) != params.size()) {
      return Error::internal("database_error", "statement takes " + std::to_string(expected) +
                                                   " parameters, " + std::to_string(params.size()) +
                                                   " given");
    }
    for (std::size_t i = 0; i < params.size(); ++i) {
      int rc = bind_param(stmt, static_cast<int>(i) + 1, params[i]);
      if (rc != SQLITE_OK) {
        sqlite3_clear_bindings(stmt);
        return sqlite_error(db_, rc);
      }
    }
    return stmt;
  }

  // Notes a failure inside an open transaction (see commit()).
  Error failed(Error e) {
    if (!sqlite3_get_autocommit(db_)) tx_failed_ = true;
    return e;
  }

  void clear_cache() {
    for (auto& [sql, stmt] : cache_)
      sqlite3_finalize(stmt);
    cache_.clear();
  }

  sqlite3* db_;
  const bool writer_;
  bool tx_failed_ = false;
  std::unordered_map<std::string, sqlite3_stmt*, StringHash, std::equal_to<>> cache_;
};

SqliteBulkSink::SqliteBulkSink(SqliteConnection& conn, std::string table,
                               std::span<const std::string> columns)
    : conn_(conn), table_(std::move(table)), columns_(columns.begin(), columns.end()) {
  const int max_vars = sqlite3_limit(conn_.db(), SQLITE_LIMIT_VARIABLE_NUMBER, -1);
  batch_rows_ = std::clamp<std::size_t>(static_cast<std::size_t>(max_vars) / columns_.size(), 1,
                                        kBulkBatchRows);
  pending_.reserve(batch_rows_ * columns_.size());
}

SqliteBulkSink::~SqliteBulkSink() {
  sqlite3_finalize(full_batch_);
}

std::string SqliteBulkSink::insert_sql(std::size_t rows) const {
  std::string sql = "INSERT INTO " + table_ + " (";
  std::string tuple = "(";
  for (std::size_t c = 0; c < columns_.size(); ++c) {
    if (c > 0) {
      sql += ", ";
      tuple += ", ";
    }
    sql += columns_[c];
    tuple += '?';
  }
  sql += ") VALUES ";
  tuple += ')';
  sql.reserve(sql.size() + rows * (tuple.size() + 1));
  for (std::size_t r = 0; r < rows; ++r) {
    if (r > 0) sql += ',';
    sql += tuple;
  }
  return sql;
}

Status SqliteBulkSink::add_row(std::span<const Param> values) {
  for (const Param& p : values) {
    Cell cell{p.type(), 0, 0, 0, 0};
    switch (p.type()) {
      case ValueType::kBool:
      case ValueType::kInt: cell.i = p.as_int(); break;
      case ValueType::kDouble: cell.d = p.as_double(); break;
      case ValueType::kText:
      case ValueType::kBlob: {
        auto t = p.as_text();
        cell.offset = bytes_.size();
        cell.size = t.size();
        bytes_.append(t);
        break;
      }
      case ValueType::kNull: break;
    }
    pending_.push_back(cell);
  }
  if (pending_.size() >= batch_rows_ * columns_.size()) return flush();
  return {};
}

Status SqliteBulkSink::flush() {
  const std::size_t rows = pending_.size() / columns_.size();
  if (rows == 0) return {};
  sqlite3_stmt* stmt = nullptr;
  sqlite3_stmt* owned_partial = nullptr;
  if (rows == batch_rows_) {
    if (full_batch_ == nullptr) {
      auto p = conn_.prepare_uncached(insert_sql(batch_rows_));
      if (!p.ok()) return std::move(p).error();
      full_batch_ = *p;
    }
    stmt = full_batch_;
  } else {
    auto p = conn_.prepare_uncached(insert_sql(rows));
    if (!p.ok()) return std::move(p).error();
    stmt = owned_partial = *p;
  }
  int rc = SQLITE_OK;
  for (std::size_t i = 0; i < pending_.size() && rc == SQLITE_OK; ++i) {
    const Cell& c = pending_[i];
    const int index = static_cast<int>(i) + 1;
    std::string_view bytes(bytes_.data() + c.offset, c.size);
    switch (c.type) {
      case ValueType::kNull: rc = sqlite3_bind_null(stmt, index); break;
      case ValueType::kBool:
      case ValueType::kInt: rc = sqlite3_bind_int64(stmt, index, c.i); break;
      case ValueType::kDouble: rc = sqlite3_bind_double(stmt, index, c.d); break;
      case ValueType::kText: rc = bind_param(stmt, index, Param(bytes)); break;
      case ValueType::kBlob:
        rc = bind_param(stmt, index,
                        Param(std::span<const std::uint8_t>(
                            reinterpret_cast<const std::uint8_t*>(bytes.data()), bytes.size())));
        break;
    }
  }
  if (rc == SQLITE_OK) {
    rc = sqlite3_step(stmt);
    if (rc == SQLITE_DONE) rc = SQLITE_OK;
  }
  Status result;
  if (rc != SQLITE_OK) result = sqlite_error(conn_.db(), rc);
  sqlite3_reset(stmt);
  sqlite3_clear_bindings(stmt);
  sqlite3_finalize(owned_partial);
  if (result.ok()) loaded_ += static_cast<std::int64_t>(rows);
  pending_.clear();
  bytes_.clear();
  return result;
}

Result<std::int64_t> SqliteBulkSink::finish() {
  ZT_TRY(flush());
  return loaded_;
}

}  // namespace

SqliteDatabase::SqliteDatabase(const DatabaseUrl& url, const Options& options)
    : Database(options), path_(url.sqlite_path) {
  const Options opts = options;
  const std::string path = path_;
  if (!url.sqlite_memory()) checkpointer_ = std::make_unique<Checkpointer>(path);
  Checkpointer* checkpointer = checkpointer_.get();
  writer_ = std::make_unique<detail::Pool>(1, [path, opts, checkpointer] {
    return SqliteConnection::open(path, /*writer=*/true, opts, checkpointer);
  });
  if (!url.sqlite_memory()) {
    readers_ = std::make_unique<detail::Pool>(options.pool_size, [path, opts] {
      return SqliteConnection::open(path, /*writer=*/false, opts, nullptr);
    });
  }
}

Result<std::unique_ptr<Database>> SqliteDatabase::open(const DatabaseUrl& url,
                                                       const Options& options) {
  if (!url.sqlite_memory()) {
    std::filesystem::path parent = std::filesystem::path(url.sqlite_path).parent_path();
    std::error_code ec;
    if (!parent.empty()) std::filesystem::create_directories(parent, ec);
    if (ec) {
      return Error::unavailable("database_unavailable", "cannot create directory '" +
                                                            parent.string() + "': " + ec.message());
    }
  }
  std::unique_ptr<SqliteDatabase> db(new SqliteDatabase(url, options));
  // Open the writer now: it creates the file and switches it to WAL before any reader opens.
  auto writer = db->writer_->take(options.acquire_timeout);
  if (!writer.ok()) return std::move(writer).error();
  db->writer_->give_back(std::move(writer).value());
  return std::unique_ptr<Database>(std::move(db));
}

detail::Pool& SqliteDatabase::pool(Access access) {
  if (access == Access::kWrite || !readers_) return *writer_;
  return *readers_;
}

PoolStats SqliteDatabase::stats() const {
  PoolStats s = writer_->stats();
  if (readers_) {
    PoolStats r = readers_->stats();
    s.open += r.open;
    s.in_use += r.in_use;
    s.waiting += r.waiting;
  }
  return s;
}

}  // namespace zt::db
