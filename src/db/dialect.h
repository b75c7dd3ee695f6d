// Dialect: every difference between the SQL of SQLite 3.40 and PostgreSQL 15 that Zhengtong
// relies on, in one place.
//
// What is the same on both (checked by tests/unit/db/storage_test.cpp) and needs no help:
//   `?` placeholders (rewritten for PostgreSQL by the driver), INSERT ... RETURNING,
//   INSERT ... ON CONFLICT (cols) DO UPDATE SET c = excluded.c / DO NOTHING,
//   TEXT, BIGINT, DOUBLE PRECISION, BOOLEAN (SQLite stores 0/1; read it with get<bool>),
//   CREATE TABLE/INDEX IF NOT EXISTS, LIMIT/OFFSET, COALESCE, string concatenation with ||.
// What differs is below, and migrations reach it through tokens in their SQL text (render()):
//   {{id}}           BIGSERIAL PRIMARY KEY        | INTEGER PRIMARY KEY AUTOINCREMENT
//   {{blob}}         BYTEA                        | BLOB
//   {{timestamptz}}  TIMESTAMPTZ                  | TEXT (ISO-8601, UTC, e.g.
//   2024-05-01T08:00:00.000Z)
//   {{now}}          now()                        | strftime('%Y-%m-%dT%H:%M:%fZ','now')
// PostgreSQL sessions run with TimeZone=UTC, so TIMESTAMPTZ reads back as
// "2024-05-01 08:00:00+00" there and "2024-05-01T08:00:00.000Z" on SQLite: parse both.
//
// Thread-safety: immutable values; the functions are pure.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

namespace zt::db {

enum class Backend { kSqlite, kPostgres };

struct Dialect {
  Backend backend;
  std::string_view name;         // "sqlite" / "postgresql"
  std::string_view id;           // auto-increment BIGINT primary key column type
  std::string_view blob;         // binary column type
  std::string_view timestamptz;  // point-in-time column type
  std::string_view now;          // SQL expression for the current time as stored in timestamptz

  static const Dialect& of(Backend backend);

  // Replaces the {{tokens}} listed above in `sql`; any other text is kept as is.
  std::string render(std::string_view sql) const;

  // SQL returning one row when the table `name` (given as parameter 1) exists in the current
  // schema, none otherwise.
  std::string_view table_exists_sql() const;
};

// Rewrites `?` placeholders to $1..$n for PostgreSQL, leaving any `?` inside '...' / E'...'
// literals, "..." identifiers, $tag$...$tag$ bodies, -- and /* */ comments alone. Sets
// *count to n when count is not null.
std::string to_dollar_placeholders(std::string_view sql, std::size_t* count = nullptr);

}  // namespace zt::db
