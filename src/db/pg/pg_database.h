// PgDatabase: the PostgreSQL backend of Database over libpq (see db/database.h for the contract).
//
// A pool of up to Options::pool_size connections, any of which serves either access. The text
// protocol is used with server-side prepared statements cached per connection; results are
// converted by column type (bool, int2/4/8, float4/8, bytea; NUMERIC and the rest stay text).
//
// Thread-safety: as Database.
#pragma once

#include <memory>
#include <string>

#include "db/database.h"
#include "db/driver.h"
#include "db/url.h"

namespace zt::db {

class PgDatabase final : public Database {
 public:
  // Checks the URL with libpq and opens one connection to check the server answers. Failure:
  // Error invalid "invalid_database_url", Error unavailable "database_unavailable".
  static Result<std::unique_ptr<Database>> open(const DatabaseUrl& url, const Options& options);

  Backend backend() const override { return Backend::kPostgres; }
  PoolStats stats() const override { return pool_->stats(); }

 protected:
  detail::Pool& pool(Access) override { return *pool_; }

 private:
  PgDatabase(std::string conninfo, const Options& options);

  std::string conninfo_;
  std::unique_ptr<detail::Pool> pool_;
};

}  // namespace zt::db
