// Database: an open database (SQLite file or PostgreSQL server) and its connection pool; the
// entry point of the db layer. Domain stores take a Database& and lease connections from it.
//
//   auto db = zt::db::Database::open("sqlite:./data/zhengtong.db", {});
//   auto conn = (*db)->acquire(zt::db::Access::kRead);
//   auto rows = conn->query("SELECT name FROM t WHERE id = ?", id);
//
// SQLite (SqliteDatabase): WAL, synchronous=NORMAL, foreign_keys=ON, busy_timeout; one writer
// connection (kWrite leases, so writes serialise in the process) and up to pool_size read-only
// reader connections (kRead). A transaction that writes must run on a kWrite lease.
// PostgreSQL (PgDatabase): up to pool_size connections for either access, opened lazily; a
// connection found broken is closed when given back and a new one is opened on demand. Sessions
// use TimeZone=UTC, DateStyle=ISO, bytea_output=hex.
//
// Thread-safety: all methods are safe to call from many threads at once. The Database must
// outlive every Connection leased from it.
#pragma once

#include <chrono>
#include <cstddef>
#include <memory>
#include <string>
#include <string_view>

#include "core/result.h"
#include "db/connection.h"
#include "db/dialect.h"

namespace zt::db {

struct Options {
  // PostgreSQL: maximum connections. SQLite: maximum reader connections (plus one writer).
  std::size_t pool_size = 8;
  // How long acquire() waits for a free connection before failing with "database_busy".
  std::chrono::milliseconds acquire_timeout{5000};
  // SQLite: how long a statement waits on another process's lock (busy_timeout).
  std::chrono::milliseconds busy_timeout{5000};
  // PostgreSQL: connect timeout, unless the URL sets connect_timeout.
  std::chrono::seconds connect_timeout{5};
  // PostgreSQL: application_name shown in pg_stat_activity, unless the URL sets it.
  std::string application_name = "zhengtong";
};

class Database {
 public:
  // Opens the database named by `url` (see db/url.h). SQLite creates the file and its parent
  // directories; PostgreSQL connects once to check the server is reachable (that connection
  // joins the pool). Failure: Error invalid "invalid_database_url" for a malformed URL, Error
  // unavailable "database_unavailable" when the database cannot be opened or reached.
  static Result<std::unique_ptr<Database>> open(std::string_view url, const Options& options);

  virtual ~Database() = default;
  Database(const Database&) = delete;
  Database& operator=(const Database&) = delete;

  virtual Backend backend() const = 0;
  const Dialect& dialect() const { return Dialect::of(backend()); }
  const Options& options() const { return options_; }

  // Leases a connection for `access`, waiting up to `timeout` (default: Options::acquire_timeout)
  // for one to be free. Failure: Error unavailable "database_busy" on timeout,
  // "database_unavailable" when a new connection cannot be opened.
  Result<Connection> acquire(Access access, std::chrono::milliseconds timeout);
  Result<Connection> acquire(Access access) { return acquire(access, options_.acquire_timeout); }

  // Checks the database answers (`SELECT 1` on a reader), for /readyz. Failure: as acquire(), or
  // the query's error.
  Status ping();

  // Current pool figures (SQLite: writer and readers together), for /metrics.
  virtual PoolStats stats() const = 0;

 protected:
  friend class ReadSnapshot;
  explicit Database(Options options) : options_(std::move(options)) {}
  // The backend's pool for `access`.
  virtual detail::Pool& pool(Access access) = 0;

 private:
  Options options_;
};

}  // namespace zt::db
