// Migrations: versioned schema changes, applied in order and recorded in schema_migrations.
//
// Each module owns a list of Migration; the app concatenates them (foundation_migrations()
// first) and calls migrate() at start-up and in `zhengtong migrate`. A migration's SQL is a
// script run by Connection::execute() (then its `run` step, if any); `sql` serves both backends
// unless `sqlite_sql` or `postgres_sql` is given, and may use the Dialect tokens ({{id}},
// {{blob}}, {{timestamptz}}, {{now}}). Versions are unique across all modules; use the module's
// range (db 1-99, audit 100s, identity 200s, catalog 300s, exchange 400s, registry 500s:
// docs/contributing.md).
//
// Thread-safety: migrate() may run from several processes or threads against one database at
// once: on PostgreSQL an advisory lock serialises them, on SQLite the writer's BEGIN IMMEDIATE
// does; either way each pending migration is applied exactly once.
#pragma once

#include <cstdint>
#include <functional>
#include <span>
#include <string>
#include <vector>

#include "core/result.h"
#include "db/database.h"

namespace zt::db {

struct Migration {
  std::int64_t version = 0;  // > 0, unique
  std::string name{};        // snake_case, e.g. "create_system_info"
  std::string sql{};         // used for a backend whose specific text below is empty
  std::string sqlite_sql{};
  std::string postgres_sql{};
  // Optional: a step in code run after the SQL, on the same connection and in the same
  // transaction, for what a script cannot say — e.g. backfilling from tables made at run time,
  // whose columns only the database knows. A failure rolls the migration back like a failing
  // script. Not part of the checksum: the SQL must say what the migration is.
  std::function<Status(Connection&)> run{};
};

struct MigrationReport {
  std::int64_t from_version = 0;      // highest version applied before the call (0: none)
  std::int64_t to_version = 0;        // highest version applied after it
  std::vector<std::int64_t> applied;  // versions applied by this call, ascending
};

// Applies every migration not yet recorded, in version order, each in its own transaction
// together with its schema_migrations row (version, name, applied_at, checksum).
// Success: the report (nothing applied when up to date). Failure: Error invalid
// "invalid_migration" for a bad list (duplicate or non-positive versions, empty SQL); Error
// internal "migration_checksum_mismatch" when an applied migration's text has changed since;
// "migration_failed" with the version, name and database message when one fails (it is rolled
// back; those before it stay applied).
Result<MigrationReport> migrate(Database& db, std::span<const Migration> migrations);

// Highest applied version; 0 for a database never migrated. Failure: a database error.
Result<std::int64_t> schema_version(Database& db);

// The foundation's own migrations: version 1 creates system_info(key, value) and records the
// instance id (random, 32 hex digits) and the creation time; version 2 the worker_lease table
// (db/worker_lease.h).
std::vector<Migration> foundation_migrations();

// The SQL text `m` runs on `backend` (before Dialect::render).
const std::string& migration_sql(const Migration& m, Backend backend);

}  // namespace zt::db
