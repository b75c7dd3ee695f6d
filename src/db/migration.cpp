#include "db/migration.h"

#include "db/worker_lease.h"

#include <algorithm>
#include <cstdio>
#include <optional>

#include "db/transaction.h"

namespace zt::db {

namespace {

// pg_advisory_lock key for migrations: "ztmigrat" in ASCII.
constexpr std::int64_t kMigrationLockKey = 0x7a746d6967726174;

// FNV-1a, 64 bits, as 16 hex digits: detects an edited migration, nothing more.
std::string checksum(std::string_view text) {
  std::uint64_t h = 0xcbf29ce484222325ULL;
  for (unsigned char c : text) {
    h ^= c;
    h *= 0x100000001b3ULL;
  }
  char buf[17];
  std::snprintf(buf, sizeof buf, "%016llx", static_cast<unsigned long long>(h));
  return buf;
}

Status ensure_table(Connection& conn, const Dialect& d) {
  return conn.execute(
      "CREATE TABLE IF NOT EXISTS schema_migrations (version BIGINT PRIMARY KEY, name TEXT NOT "
      "NULL, applied_at " +
      std::string(d.timestamptz) + " NOT NULL, checksum TEXT NOT NULL)");
}

Result<bool> table_exists(Connection& conn, const Dialect& d, std::string_view table) {
  auto rows = conn.query(d.table_exists_sql(), table);
  if (!rows.ok()) return std::move(rows).error();
  return !rows->empty();
}

Result<std::int64_t> max_version(Connection& conn) {
  auto rows = conn.query("SELECT COALESCE(MAX(version), 0) FROM schema_migrations");
  if (!rows.ok()) return std::move(rows).error();
  return (*rows)[0].get<std::int64_t>(0);
}

// Holds PostgreSQL's migration advisory lock on one session for as long as it lives.
class AdvisoryLock {
 public:
  explicit AdvisoryLock(Connection& conn) : conn_(conn) {}
  Status lock() {
    auto r = conn_.query("SELECT pg_advisory_lock(?)", kMigrationLockKey);
    if (!r.ok()) return std::move(r).error();
    held_ = true;
    return {};
  }
  ~AdvisoryLock() {
    if (held_) (void)conn_.query("SELECT pg_advisory_unlock(?)", kMigrationLockKey);
  }
  AdvisoryLock(const AdvisoryLock&) = delete;
  AdvisoryLock& operator=(const AdvisoryLock&) = delete;

 private:
  Connection& conn_;
  bool held_ = false;
};

Error migration_failed(const Migration& m, const Error& e) {
  Error out = e;
  if (out.code != "database_busy" && out.code != "database_unavailable") {
    out = Error::internal("migration_failed", "");
  }
  out.detail = "migration " + std::to_string(m.version) + " (" + m.name + "): " + e.detail;
  return out;
}

// Applies `m` unless another process did meanwhile. Returns whether it was applied here.
Result<bool> apply_one(Connection& conn, const Dialect& d, const Migration& m,
                       const std::string& sum) {
  auto tx = Transaction::begin(conn);
  if (!tx.ok()) return migration_failed(m, tx.error());
  auto seen = conn.query("SELECT checksum FROM schema_migrations WHERE version = ?", m.version);
  if (!seen.ok()) return migration_failed(m, seen.error());
  if (!seen->empty()) {
    if ((*seen)[0].get<std::string>(0) != sum) {
      return Error::internal("migration_checksum_mismatch",
                             "migration " + std::to_string(m.version) + " (" + m.name +
                                 ") was changed after it was applied");
    }
    return false;
  }
  if (Status s = conn.execute(d.render(migration_sql(m, d.backend))); !s.ok()) {
    return migration_failed(m, s.error());
  }
  if (m.run) {
    if (Status s = m.run(conn); !s.ok()) return migration_failed(m, s.error());
  }
  auto ins = conn.exec(
      "INSERT INTO schema_migrations (version, name, applied_at, checksum) "
      "VALUES (?, ?, " +
          std::string(d.now) + ", ?)",
      m.version, m.name, sum);
  if (!ins.ok()) return migration_failed(m, ins.error());
  if (Status s = tx->commit(); !s.ok()) return migration_failed(m, s.error());
  return true;
}

}  // namespace

const std::string& migration_sql(const Migration& m, Backend backend) {
  const std::string& specific = backend == Backend::kSqlite ? m.sqlite_sql : m.postgres_sql;
  return specific.empty() ? m.sql : specific;
}

Result<MigrationReport> migrate(Database& db, std::span<const Migration> migrations) {
  const Dialect& d = db.dialect();
  std::vector<const Migration*> ordered;
  ordered.reserve(migrations.size());
  for (const Migration& m : migrations) {
    if (m.version <= 0 || migration_sql(m, d.backend).empty()) {
      return Error::invalid("invalid_migration", "migration " + std::to_string(m.version) + " (" +
                                                     m.name +
                                                     "): version must be > 0 and SQL non-empty");
    }
    ordered.push_back(&m);
  }
  std::sort(ordered.begin(), ordered.end(),
            [](const Migration* a, const Migration* b) { return a->version < b->version; });
  for (std::size_t i = 1; i < ordered.size(); ++i) {
    if (ordered[i]->version == ordered[i - 1]->version) {
      return Error::invalid("invalid_migration",
                            "duplicate migration version " + std::to_string(ordered[i]->version));
    }
  }

  auto conn = db.acquire(Access::kWrite);
  if (!conn.ok()) return std::move(conn).error();
  std::optional<AdvisoryLock> lock;
  if (d.backend == Backend::kPostgres) {
    lock.emplace(*conn);
    ZT_TRY(lock->lock());
  }
  ZT_TRY(ensure_table(*conn, d));

  auto applied_rows = conn->query("SELECT version, checksum FROM schema_migrations");
  if (!applied_rows.ok()) return std::move(applied_rows).error();
  std::vector<std::pair<std::int64_t, std::string>> applied;
  for (Row row : *applied_rows) {
    applied.emplace_back(row.get<std::int64_t>(0), row.get<std::string>(1));
  }
  std::sort(applied.begin(), applied.end());

  MigrationReport report;
  auto from = max_version(*conn);
  if (!from.ok()) return std::move(from).error();
  report.from_version = *from;
  for (const Migration* m : ordered) {
    const std::string sum = checksum(migration_sql(*m, d.backend));
    auto it = std::lower_bound(applied.begin(), applied.end(),
                               std::pair<std::int64_t, std::string>(m->version, ""));
    if (it != applied.end() && it->first == m->version) {
      if (it->second != sum) {
        return Error::internal("migration_checksum_mismatch",
                               "migration " + std::to_string(m->version) + " (" + m->name +
                                   ") was changed after it was applied");
      }
      continue;
    }
    auto done = apply_one(*conn, d, *m, sum);
    if (!done.ok()) return std::move(done).error();
    if (*done) report.applied.push_back(m->version);
  }
  auto to = max_version(*conn);
  if (!to.ok()) return std::move(to).error();
  report.to_version = *to;
  return report;
}

Result<std::int64_t> schema_version(Database& db) {
  auto conn = db.acquire(Access::kRead);
  if (!conn.ok()) return std::move(conn).error();
  auto exists = table_exists(*conn, db.dialect(), "schema_migrations");
  if (!exists.ok()) return std::move(exists).error();
  if (!*exists) return std::int64_t{0};
  return max_version(*conn);
}

std::vector<Migration> foundation_migrations() {
  std::vector<Migration> out;
  out.push_back(Migration{
      .version = 1,
      .name = "create_system_info",
      .sql = "",
      .sqlite_sql = "CREATE TABLE system_info (key TEXT PRIMARY KEY, value TEXT NOT NULL);\n"
                    "INSERT INTO system_info (key, value) VALUES\n"
                    "  ('instance_id', lower(hex(randomblob(16)))),\n"
                    "  ('created_at', {{now}});\n",
      .postgres_sql = "CREATE TABLE system_info (key TEXT PRIMARY KEY, value TEXT NOT NULL);\n"
                      "INSERT INTO system_info (key, value) VALUES\n"
                      "  ('instance_id', replace(gen_random_uuid()::text, '-', '')),\n"
                      "  ('created_at', to_char({{now}} AT TIME ZONE 'UTC',\n"
                      "                         'YYYY-MM-DD\"T\"HH24:MI:SS.MS\"Z\"'));\n",
  });
  out.push_back(worker_lease_migration());
  return out;
}

}  // namespace zt::db
