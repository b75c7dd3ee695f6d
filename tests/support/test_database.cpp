#include "support/test_database.h"

#include "db/database.h"
#include "db/url.h"

#include <cctype>
#include <cstdlib>
#include <filesystem>
#include <random>

namespace zt::test {

namespace {

const char* env(const char* name) {
  const char* v = std::getenv(name);
  return v != nullptr && *v != '\0' ? v : nullptr;
}

// "Suite_Test" reduced to what a schema or file name may hold, lower case.
std::string test_name() {
  const auto* info = ::testing::UnitTest::GetInstance()->current_test_info();
  std::string name = info ? std::string(info->test_suite_name()) + "_" + info->name() : "test";
  for (char& c : name) {
    c = std::isalnum(static_cast<unsigned char>(c))
            ? static_cast<char>(std::tolower(static_cast<unsigned char>(c)))
            : '_';
  }
  return name.substr(0, 40);
}

std::string random_hex(std::size_t n) {
  std::random_device rd;
  std::string out;
  for (std::size_t i = 0; i < n; ++i)
    out += "0123456789abcdef"[rd() % 16];
  return out;
}

}  // namespace

Result<std::unique_ptr<TestDatabase>> TestDatabase::create(std::string_view tag) {
  std::string base;
  const char* backend = env("ZT_TEST_BACKEND");
  if (backend != nullptr && std::string_view(backend) == "postgresql") {
    const char* pg = env("ZT_TEST_PG_URL");
    if (pg == nullptr) {
      return Error::invalid("no_test_database",
                            "ZT_TEST_PG_URL is not set: the PostgreSQL run needs a server, e.g. "
                            "export ZT_TEST_PG_URL=$(scripts/pg_temp.sh start /tmp/zt-pg)");
    }
    base = pg;
  } else if (const char* url = env("ZT_TEST_DATABASE_URL")) {
    base = url;
  } else {
    base = "sqlite:" + (std::filesystem::path(::testing::TempDir()) / "zt_test.db").string();
  }
  auto parsed = db::parse_database_url(base);
  if (!parsed.ok()) return std::move(parsed).error();

  std::unique_ptr<TestDatabase> t(new TestDatabase());
  t->backend_ = parsed->backend;
  const std::string name = std::string(tag) + "_" + random_hex(8) + "_" + test_name();
  if (t->backend_ == db::Backend::kSqlite) {
    t->sqlite_path_ = parsed->sqlite_path + "." + name;
    t->remove_sqlite_files();
    t->url_ = "sqlite:" + t->sqlite_path_;
    return t;
  }
  auto admin = db::Database::open(base, {.pool_size = 1});
  if (!admin.ok()) return std::move(admin).error();
  t->admin_ = std::move(admin).value();
  t->schema_ = "zt_" + name;
  auto conn = t->admin_->acquire(db::Access::kWrite);
  if (!conn.ok()) return std::move(conn).error();
  // pg_trgm (the catalog's search) installs into the first schema of the search_path: were that
  // a test's schema, dropping it would drop the extension under every other test running at
  // once ("cache lookup failed for function"). So it lives in public, made before any test
  // schema; a concurrent CREATE may fail as a duplicate, and then it exists.
  (void)conn->execute("CREATE EXTENSION IF NOT EXISTS pg_trgm SCHEMA public");
  if (auto created = conn->execute("CREATE SCHEMA " + t->schema_); !created.ok()) {
    return std::move(created).error();
  }
  t->url_ = base + (base.find('?') == std::string::npos ? "?" : "&") + "options=-csearch_path%3D" +
            t->schema_;
  return t;
}

TestDatabase::~TestDatabase() {
  if (admin_) {
    auto conn = admin_->acquire(db::Access::kWrite);
    if (conn.ok()) (void)conn->execute("DROP SCHEMA IF EXISTS " + schema_ + " CASCADE");
  }
  if (!sqlite_path_.empty()) remove_sqlite_files();
}

void TestDatabase::remove_sqlite_files() const {
  std::error_code ec;
  for (const char* suffix : {"", "-wal", "-shm"})
    std::filesystem::remove(sqlite_path_ + suffix, ec);
}

Result<std::unique_ptr<db::Database>> TestDatabase::open_migrated(
    std::initializer_list<std::vector<db::Migration>> modules, std::size_t pool_size) const {
  ZT_ASSIGN_OR_RETURN(auto db, db::Database::open(url_, {.pool_size = pool_size}));
  std::vector<db::Migration> all = db::foundation_migrations();
  for (const auto& list : modules)
    all.insert(all.end(), list.begin(), list.end());
  ZT_TRY(db::migrate(*db, all));
  return db;
}

}  // namespace zt::test
