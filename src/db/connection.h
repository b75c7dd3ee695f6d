// Connection: a database connection leased from a Database's pool (RAII: the destructor gives it
// back, rolling back any transaction left open).
//
// SQL is written with `?` placeholders on both backends (PostgreSQL gets them rewritten to $1..$n
// outside literals, identifiers and comments; PostgreSQL's jsonb `?` operators are therefore not
// usable: call jsonb_exists() instead). Statements are prepared once per connection and cached.
// For generated ids use `INSERT ... RETURNING id` (both backends).
//
// Errors: a unique or primary-key violation is Error conflict "duplicate"; a lost connection or a
// lock wait that timed out is Error unavailable "database_unavailable" / "database_busy"; any other
// failure is Error internal "database_error" with the database's message.
//
// Thread-safety: a Connection is used by one thread at a time; move it, do not share it. The
// Database it came from must outlive it.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <span>
#include <string_view>

#include "core/result.h"
#include "db/dialect.h"
#include "db/rows.h"
#include "db/value.h"

namespace zt::db {

// What a lease will be used for. On SQLite writes go to the single writer connection and reads
// to the reader pool; on PostgreSQL both come from one pool.
enum class Access { kRead, kWrite };

// Pool figures for /metrics.
struct PoolStats {
  std::size_t open = 0;     // connections currently open (idle + in use)
  std::size_t in_use = 0;   // leased out
  std::size_t waiting = 0;  // threads blocked in acquire()
};

namespace detail {
class ConnectionImpl;
class Pool;
}  // namespace detail

class Connection {
 public:
  Connection(Connection&& other) noexcept;
  Connection& operator=(Connection&& other) noexcept;
  ~Connection();

  Backend backend() const;
  Access access() const { return access_; }

  // Runs a script of zero or more `;`-separated statements without parameters (DDL, migrations).
  // Success: all ran. Failure: the first failing statement's error; earlier ones stay applied
  // unless a transaction is rolled back.
  Status execute(std::string_view script);

  // Runs one statement and returns all its rows (empty for statements without results).
  template <Bindable... A>
  Result<Rows> query(std::string_view sql, const A&... args) {
    const std::array<Param, sizeof...(A)> params{Param(args)...};
    return query(sql, std::span<const Param>(params));
  }
  Result<Rows> query(std::string_view sql, std::span<const Param> params);

  // Runs one statement and returns the number of rows it inserted, updated or deleted.
  template <Bindable... A>
  Result<std::int64_t> exec(std::string_view sql, const A&... args) {
    const std::array<Param, sizeof...(A)> params{Param(args)...};
    return exec(sql, std::span<const Param>(params));
  }
  Result<std::int64_t> exec(std::string_view sql, std::span<const Param> params);

 private:
  friend class Database;
  friend class Transaction;
  friend class BulkLoader;
  detail::ConnectionImpl& impl() { return *impl_; }
  Connection(std::unique_ptr<detail::ConnectionImpl> impl, detail::Pool* pool, Access access);
  friend class ReadSnapshot;
  // A lease of the connection a ReadSnapshot holds: not given back when it ends.
  Connection(detail::ConnectionImpl* shared, Access access);
  void release();

  std::unique_ptr<detail::ConnectionImpl> owned_;
  detail::ConnectionImpl* impl_ = nullptr;  // owned_, or the snapshot's connection
  detail::Pool* pool_ = nullptr;
  Access access_ = Access::kRead;
};

}  // namespace zt::db
