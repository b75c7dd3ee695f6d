#include "db/worker_lease.h"

#include "db/database.h"

namespace zt::db {

WorkerLease::WorkerLease(Database& database, const core::Clock& clock, std::string name,
                         std::string holder, std::chrono::milliseconds ttl)
    : database_(database),
      clock_(clock),
      name_(std::move(name)),
      holder_(std::move(holder)),
      ttl_(ttl) {}

Result<bool> WorkerLease::claim() const {
  const std::int64_t now = core::to_millis(clock_.now());
  ZT_ASSIGN_OR_RETURN(auto conn, database_.acquire(Access::kWrite));
  // One statement: PostgreSQL's ON CONFLICT … WHERE re-checks the row a concurrent claim just
  // wrote, so of two nodes at most one sees a row count of 1.
  ZT_ASSIGN_OR_RETURN(
      auto n,
      conn.exec("INSERT INTO worker_lease (name, holder, expires_at) VALUES (?, ?, ?) "
                "ON CONFLICT (name) DO UPDATE SET holder = excluded.holder, "
                "expires_at = excluded.expires_at "
                "WHERE worker_lease.holder = excluded.holder OR worker_lease.expires_at < ?",
                name_, holder_, now + ttl_.count(), now));
  return n > 0;
}

Status WorkerLease::release() const {
  ZT_ASSIGN_OR_RETURN(auto conn, database_.acquire(Access::kWrite));
  ZT_ASSIGN_OR_RETURN(
      auto n, conn.exec("DELETE FROM worker_lease WHERE name = ? AND holder = ?", name_, holder_));
  (void)n;
  return {};
}

Migration worker_lease_migration() {
  return Migration{.version = 2,
                   .name = "create_worker_lease",
                   .sql =
                       "CREATE TABLE worker_lease (name TEXT PRIMARY KEY, holder TEXT NOT NULL, "
                       "expires_at BIGINT NOT NULL);\n"};
}

}  // namespace zt::db
