// SqliteDatabase: the embedded SQLite backend of Database (see db/database.h for the contract).
//
// One writer connection serves kWrite leases, so writes from this process serialise; up to
// Options::pool_size read-only reader connections serve kRead leases and, thanks to WAL, read
// while the writer writes. `sqlite::memory:` has no readers: every lease gets the one connection.
// A file database's WAL is copied back into the file by a Checkpointer thread (checkpointer.h).
//
// Thread-safety: as Database; each connection is used by one lease holder at a time (SQLite is
// opened in multi-thread mode, without per-connection mutexes).
#pragma once

#include <memory>

#include "db/database.h"
#include "db/driver.h"
#include "db/url.h"

namespace zt::db {

class Checkpointer;

class SqliteDatabase final : public Database {
 public:
  // Opens (creating if needed) the file and its parent directories, sets WAL mode, and opens
  // the writer. Failure: Error unavailable "database_unavailable".
  static Result<std::unique_ptr<Database>> open(const DatabaseUrl& url, const Options& options);

  Backend backend() const override { return Backend::kSqlite; }
  PoolStats stats() const override;

 protected:
  detail::Pool& pool(Access access) override;

 private:
  SqliteDatabase(const DatabaseUrl& url, const Options& options);

  std::string path_;
  std::unique_ptr<Checkpointer> checkpointer_;  // null for :memory:; outlives the writer
  std::unique_ptr<detail::Pool> writer_;
  std::unique_ptr<detail::Pool> readers_;  // null for :memory:
};

}  // namespace zt::db
