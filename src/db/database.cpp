#include "db/database.h"

#include "db/driver.h"
#include "db/pg/pg_database.h"
#include "db/read_snapshot.h"
#include "db/sqlite/sqlite_database.h"
#include "db/url.h"

#include <utility>

namespace zt::db {

Result<std::unique_ptr<Database>> Database::open(std::string_view url, const Options& options) {
  auto parsed = parse_database_url(url);
  if (!parsed.ok()) return std::move(parsed).error();
  if (parsed->backend == Backend::kSqlite) return SqliteDatabase::open(*parsed, options);
  return PgDatabase::open(*parsed, options);
}

Result<Connection> Database::acquire(Access access, std::chrono::milliseconds timeout) {
  if (access == Access::kRead) {
    if (ReadSnapshot* snapshot = ReadSnapshot::current(*this)) return snapshot->lease(timeout);
  }
  detail::Pool& p = pool(access);
  auto impl = p.take(timeout);
  if (!impl.ok()) return std::move(impl).error();
  return Connection(std::move(impl).value(), &p, access);
}

Status Database::ping() {
  auto conn = acquire(Access::kRead);
  if (!conn.ok()) return std::move(conn).error();
  auto rows = conn->query("SELECT 1");
  if (!rows.ok()) return std::move(rows).error();
  return {};
}

Connection::Connection(std::unique_ptr<detail::ConnectionImpl> impl, detail::Pool* pool,
                       Access access)
    : owned_(std::move(impl)), impl_(owned_.get()), pool_(pool), access_(access) {}

Connection::Connection(detail::ConnectionImpl* shared, Access access)
    : impl_(shared), access_(access) {}

Connection::Connection(Connection&& other) noexcept
    : owned_(std::move(other.owned_)),
      impl_(std::exchange(other.impl_, nullptr)),
      pool_(other.pool_),
      access_(other.access_) {}

Connection& Connection::operator=(Connection&& other) noexcept {
  if (this != &other) {
    release();
    owned_ = std::move(other.owned_);
    impl_ = std::exchange(other.impl_, nullptr);
    pool_ = other.pool_;
    access_ = other.access_;
  }
  return *this;
}

Connection::~Connection() {
  release();
}

void Connection::release() {
  impl_ = nullptr;
  if (!owned_) return;  // none, or a snapshot's connection
  pool_->give_back(std::move(owned_));
  // Reads after a write see it: a snapshot open on this thread starts a new transaction.
  if (access_ == Access::kWrite) ReadSnapshot::after_write(pool_);
}

Backend Connection::backend() const {
  return impl_->backend();
}

Status Connection::execute(std::string_view script) {
  return impl_->execute(script);
}

Result<Rows> Connection::query(std::string_view sql, std::span<const Param> params) {
  return impl_->query(sql, params);
}

Result<std::int64_t> Connection::exec(std::string_view sql, std::span<const Param> params) {
  return impl_->exec(sql, params);
}

}  // namespace zt::db
