// DatabaseUrl: a parsed database URL, the one way Zhengtong names a database.
//
//   sqlite:./data/zhengtong.db     a file (parent directories are created on open)
//   sqlite:///var/lib/zt/zt.db     the same with an absolute path
//   sqlite::memory:                a private in-memory database (tests, tools)
//   postgresql://user:pw@host:5432/db?sslmode=require   (also postgres://); query parameters
//                                  are libpq connection parameters and are passed through
//
// Thread-safety: plain values; no shared state.
#pragma once

#include <string>
#include <string_view>

#include "core/result.h"
#include "db/dialect.h"

namespace zt::db {

struct DatabaseUrl {
  Backend backend = Backend::kSqlite;
  std::string sqlite_path;  // SQLite: the file path, or ":memory:"
  std::string pg_conninfo;  // PostgreSQL: the URL as libpq takes it

  bool sqlite_memory() const { return sqlite_path == ":memory:"; }
};

// Parses `url`. Failure: Error invalid "invalid_database_url" naming what is wrong (never
// echoing a password).
Result<DatabaseUrl> parse_database_url(std::string_view url);

// `url` with any password replaced by "***", for logs and error messages.
std::string redact_database_url(std::string_view url);

}  // namespace zt::db
