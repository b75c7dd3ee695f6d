// Ingest benchmark: N population rows (户籍人口基本信息: id_number key, 10 fields) uploaded to the
// real `zhengtong serve` as ONE NDJSON POST with full validation, against the ceiling of each
// database measured in the same run on the same rows:
//   SQLite      one prepared INSERT, all rows in random key order, one transaction (sqlite3 C API,
//               the product's pragmas and record-table shape);
//   PostgreSQL  COPY ... FROM STDIN (text format) into a table of the same shape (libpq).
// Prints every run, then the medians, the ratios zhengtong/ceiling against the goal (>= 0.5), the
// server's peak RSS (VmHWM), its CPU time and busiest thread during the upload, and MB/s. With
// --rss-upload-gb G it also streams G GB of generated rows to a fresh SQLite server and reports its
// peak RSS against the goal (< 300 MB).
//
//   build/bench/bench/ingest_bench [--rows N] [--db sqlite|postgresql|both] [--repeat R]
//       [--rss-upload-gb G] [--pg-url URL] [--io-threads T] [--workers W]
// bench/ingest/run.sh builds it and starts a throwaway PostgreSQL. It is a benchmark, not a test:
// the exit status is 0 whatever the ratios, non-zero when a measurement could not be made (a server
// that does not start, a report with rejected rows, a database error).
#include "common/population_rows.h"
#include "integration/city.h"
#include "integration/http_client.h"
#include "integration/server_process.h"

#include <fmt/format.h>
#include <libpq-fe.h>
#include <sqlite3.h>
#include <CLI/CLI.hpp>
#include <boost/json.hpp>

#include <dirent.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <charconv>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <functional>
#include <map>
#include <optional>
#include <sstream>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

#ifndef ZT_SOURCE_DIR
#error "ZT_SOURCE_DIR must name the source tree (set by bench/CMakeLists.txt)"
#endif

namespace zt::bench {
namespace {

namespace fs = std::filesystem;
namespace json = boost::json;
using Clock = std::chrono::steady_clock;
using test::City;
using test::HttpClient;
using test::ServerOptions;
using test::ServerProcess;

constexpr std::size_t kPiece = 256 * 1024;                   // bytes per send() of the upload
constexpr auto kResponseTimeout = std::chrono::minutes(30);  // from the last byte sent
constexpr double kGoalRatio = 0.5;
constexpr double kGoalRssMb = 300;
const std::string kCode = "330300-GA-0001";

double seconds_since(Clock::time_point start) {
  return std::chrono::duration<double>(Clock::now() - start).count();
}

std::int64_t now_millis() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

// ------------------------------------------------------------------------------------ the rows --

// The pragmas src/db/sqlite/sqlite_database.cpp gives its writer connection: keep them the same,
// or the ceiling measures another configuration than the product's.
constexpr std::string_view kSqlitePragmas =
    "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA cache_size=-65536; "
    "PRAGMA foreign_keys=ON;";

// The N rows, generated once: the NDJSON body and where each value is in it.
struct Dataset {
  std::string ndjson;
  std::vector<RowRef> rows;

  std::string_view value(std::size_t row, std::size_t column) const {
    const RowRef& r = rows[row];
    return std::string_view(ndjson).substr(r.line + r.start[column], r.size[column]);
  }
  static Dataset generate(const RowGenerator& generator, std::size_t count) {
    Dataset d;
    d.rows.resize(count);
    d.ndjson.reserve(count * 300);
    for (std::size_t i = 0; i < count; ++i)
      generator.append(d.ndjson, i, &d.rows[i]);
    return d;
  }
};

// ------------------------------------------------------------------------------ the ceilings --

std::string table_definition(bool pg) {
  std::string defs;
  for (const Column& c : kColumns)
    defs += fmt::format("f_{} {},\n  ", c.name, pg ? c.pg_type : c.sqlite_type);
  // As src/exchange/records/store.cpp makes a record table: on PostgreSQL clustered on nothing
  // with a primary key; on SQLite a rowid table with a unique index on the key.
  if (pg) {
    return fmt::format(
        "CREATE TABLE rec (\n  {}_version BIGINT NOT NULL DEFAULT 1,\n  _batch BIGINT NOT "
        "NULL,\n  _updated_at BIGINT NOT NULL,\n  PRIMARY KEY (f_id_number)\n)",
        defs);
  }
  return fmt::format(
      "CREATE TABLE rec (\n  {}_version BIGINT NOT NULL DEFAULT 1,\n  _batch BIGINT NOT NULL,\n  "
      "_updated_at BIGINT NOT NULL\n);\nCREATE UNIQUE INDEX rec_key ON rec (f_id_number)",
      defs);
}

std::string column_list() {
  std::string out;
  for (const Column& c : kColumns)
    out += fmt::format("f_{}, ", c.name);
  return out + "_batch, _updated_at";
}

// A directory under the temporary directory, removed with everything in it by the destructor.
class TempDir {
 public:
  TempDir() {
    std::string pattern = (fs::temp_directory_path() / "zt-ingest-bench-XXXXXX").string();
    if (::mkdtemp(pattern.data()) != nullptr) path_ = pattern;
  }
  ~TempDir() {
    std::error_code ec;
    if (!path_.empty()) fs::remove_all(path_, ec);
  }
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
  const fs::path& path() const { return path_; }

 private:
  fs::path path_;
};

struct PgFinisher {
  void operator()(PGconn* c) const { PQfinish(c); }
};
struct PgClearer {
  void operator()(PGresult* r) const { PQclear(r); }
};
using PgResult = std::unique_ptr<PGresult, PgClearer>;

struct SqliteCloser {
  void operator()(sqlite3* db) const { sqlite3_close_v2(db); }
};
struct StatementFinalizer {
  void operator()(sqlite3_stmt* s) const { sqlite3_finalize(s); }
};

// A table's columns as "name type[ not null][ pk], …" (and " without rowid"), to compare the
// ceiling's table with the product's. Empty when the table cannot be read.
std::string sqlite_table_shape(sqlite3* db, const std::string& table) {
  sqlite3_stmt* raw = nullptr;
  const char* sql =
      "SELECT (SELECT group_concat(name || ' ' || lower(type) || CASE WHEN \"notnull\" THEN ' not "
      "null' ELSE '' END || CASE WHEN pk THEN ' pk' ELSE '' END, ', ') FROM pragma_table_info(?1)) "
      "|| (SELECT CASE WHEN sql LIKE '%WITHOUT ROWID%' THEN ' without rowid' ELSE '' END FROM "
      "sqlite_master WHERE name = ?1)";
  if (sqlite3_prepare_v2(db, sql, -1, &raw, nullptr) != SQLITE_OK) return "";
  std::unique_ptr<sqlite3_stmt, StatementFinalizer> stmt(raw);
  sqlite3_bind_text(stmt.get(), 1, table.data(), static_cast<int>(table.size()), SQLITE_STATIC);
  if (sqlite3_step(stmt.get()) != SQLITE_ROW) return "";
  const auto* text = sqlite3_column_text(stmt.get(), 0);
  return text ? reinterpret_cast<const char*>(text) : "";
}

// The same for PostgreSQL; `table` is "schema.name".
std::string pg_table_shape(PGconn* conn, const std::string& table) {
  const char* sql =
      "SELECT string_agg(a.attname || ' ' || format_type(a.atttypid, a.atttypmod) || CASE WHEN "
      "a.attnotnull THEN ' not null' ELSE '' END || CASE WHEN a.attnum = ANY(i.indkey) THEN ' pk' "
      "ELSE '' END, ', ' ORDER BY a.attnum) FROM pg_attribute a LEFT JOIN pg_index i ON "
      "i.indrelid = a.attrelid AND i.indisprimary WHERE a.attrelid = $1::regclass AND a.attnum > 0 "
      "AND NOT a.attisdropped";
  const char* params[] = {table.c_str()};
  PgResult r(PQexecParams(conn, sql, 1, nullptr, params, nullptr, nullptr, 0));
  if (PQresultStatus(r.get()) != PGRES_TUPLES_OK || PQntuples(r.get()) != 1) return "";
  return PQgetvalue(r.get(), 0, 0);
}

// Seconds to insert all rows into a fresh SQLite file in `dir`; nullopt with `error` set.
// `shape` gets the table's shape (sqlite_table_shape).
std::optional<double> sqlite_ceiling(const Dataset& data, const fs::path& dir, int run,
                                     std::string& shape, std::string& error) {
  const fs::path file = dir / fmt::format("ceiling-{}.db", run);
  sqlite3* raw = nullptr;
  const int opened =
      sqlite3_open_v2(file.c_str(), &raw,
                      SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX, nullptr);
  std::unique_ptr<sqlite3, SqliteCloser> db(raw);
  auto failed = [&](std::string_view what) {
    error = fmt::format("SQLite ceiling: {}: {}", what,
                        db ? sqlite3_errmsg(db.get()) : sqlite3_errstr(opened));
    return std::nullopt;
  };
  if (opened != SQLITE_OK) return failed("open " + file.string());
  auto exec = [&](const std::string& sql) {
    return sqlite3_exec(db.get(), sql.c_str(), nullptr, nullptr, nullptr) == SQLITE_OK;
  };
  if (!exec(std::string(kSqlitePragmas))) {
    return failed("pragmas");
  }
  if (!exec(table_definition(false))) return failed("create table");
  const std::string insert = fmt::format("INSERT INTO rec ({}) VALUES ({}?, ?)", column_list(), [] {
    std::string marks;
    for (std::size_t k = 0; k < kColumns.size(); ++k)
      marks += "?, ";
    return marks;
  }());
  const std::int64_t now = now_millis();

  const auto start = Clock::now();
  if (!exec("BEGIN")) return failed("begin");
  sqlite3_stmt* prepared = nullptr;
  if (sqlite3_prepare_v3(db.get(), insert.c_str(), -1, SQLITE_PREPARE_PERSISTENT, &prepared,
                         nullptr) != SQLITE_OK) {
    return failed("prepare");
  }
  std::unique_ptr<sqlite3_stmt, StatementFinalizer> stmt(prepared);
  for (std::size_t row = 0; row < data.rows.size(); ++row) {
    for (std::size_t k = 0; k < kColumns.size(); ++k) {
      const std::string_view v = data.value(row, k);
      const int index = static_cast<int>(k) + 1;
      if (k == kHouseholdSize) {  // bound as an integer, as the product binds integer fields
        std::int64_t n = 0;
        std::from_chars(v.data(), v.data() + v.size(), n);
        sqlite3_bind_int64(stmt.get(), index, n);
      } else {
        sqlite3_bind_text(stmt.get(), index, v.data(), static_cast<int>(v.size()), SQLITE_STATIC);
      }
    }
    sqlite3_bind_int64(stmt.get(), static_cast<int>(kColumns.size()) + 1, 1);
    sqlite3_bind_int64(stmt.get(), static_cast<int>(kColumns.size()) + 2, now);
    if (sqlite3_step(stmt.get()) != SQLITE_DONE) return failed(fmt::format("insert row {}", row));
    sqlite3_reset(stmt.get());
  }
  stmt.reset();
  if (!exec("COMMIT")) return failed("commit");
  const double seconds = seconds_since(start);

  sqlite3_stmt* counting = nullptr;
  sqlite3_prepare_v2(db.get(), "SELECT count(*) FROM rec", -1, &counting, nullptr);
  std::unique_ptr<sqlite3_stmt, StatementFinalizer> count(counting);
  if (!count || sqlite3_step(count.get()) != SQLITE_ROW) return failed("count");
  if (const auto n = sqlite3_column_int64(count.get(), 0);
      n != static_cast<std::int64_t>(data.rows.size())) {
    error = fmt::format("SQLite ceiling: {} rows in the table, expected {}", n, data.rows.size());
    return std::nullopt;
  }
  count.reset();
  shape = sqlite_table_shape(db.get(), "rec");
  db.reset();
  std::error_code ec;
  for (const char* suffix : {"", "-wal", "-shm"})
    fs::remove(file.string() + suffix, ec);
  return seconds;
}

constexpr std::string_view kPgSchema = "zt_ingest_bench_ceiling";

// Seconds to COPY all rows into a fresh table of the PostgreSQL database at `url` (in a schema of
// its own); nullopt with `error` set.
std::optional<double> pg_ceiling(const Dataset& data, const std::string& url, std::string& shape,
                                 std::string& error) {
  std::unique_ptr<PGconn, PgFinisher> conn(PQconnectdb(url.c_str()));
  auto failed = [&](std::string_view what) {
    error = fmt::format("PostgreSQL ceiling: {}: {}", what, PQerrorMessage(conn.get()));
    return std::nullopt;
  };
  if (PQstatus(conn.get()) != CONNECTION_OK) return failed("connect");
  auto exec = [&](const std::string& sql, ExecStatusType expected = PGRES_COMMAND_OK) {
    PgResult r(PQexec(conn.get(), sql.c_str()));
    return PQresultStatus(r.get()) == expected;
  };
  if (!exec(fmt::format("SET client_min_messages = warning; DROP SCHEMA IF EXISTS {0} CASCADE; "
                        "CREATE SCHEMA {0}; SET search_path = {0}",
                        kPgSchema)) ||
      !exec(table_definition(true))) {
    return failed("create table");
  }
  const std::string now = std::to_string(now_millis());

  const auto start = Clock::now();
  if (!exec("BEGIN")) return failed("begin");
  if (!exec(fmt::format("COPY rec ({}) FROM STDIN", column_list()), PGRES_COPY_IN)) {
    return failed("COPY");
  }
  std::string buffer;
  buffer.reserve(kPiece + 4096);
  for (std::size_t row = 0; row < data.rows.size(); ++row) {
    for (std::size_t k = 0; k < kColumns.size(); ++k) {
      buffer += data.value(row, k);  // no tab, newline or backslash to escape
      buffer += '\t';
    }
    buffer += "1\t";
    buffer += now;
    buffer += '\n';
    if (buffer.size() >= kPiece) {
      if (PQputCopyData(conn.get(), buffer.data(), static_cast<int>(buffer.size())) != 1) {
        return failed("PQputCopyData");
      }
      buffer.clear();
    }
  }
  if (!buffer.empty() &&
      PQputCopyData(conn.get(), buffer.data(), static_cast<int>(buffer.size())) != 1) {
    return failed("PQputCopyData");
  }
  if (PQputCopyEnd(conn.get(), nullptr) != 1) return failed("PQputCopyEnd");
  bool copied = true;
  while (PGresult* r = PQgetResult(conn.get())) {
    PgResult result(r);
    if (PQresultStatus(r) != PGRES_COMMAND_OK) {
      copied = false;
      error = fmt::format("PostgreSQL ceiling: COPY: {}", PQresultErrorMessage(r));
    }
  }
  if (!copied) return std::nullopt;
  if (!exec("COMMIT")) return failed("commit");
  const double seconds = seconds_since(start);

  PgResult count(PQexec(conn.get(), "SELECT count(*) FROM rec"));
  if (PQresultStatus(count.get()) != PGRES_TUPLES_OK) return failed("count");
  if (const std::string n = PQgetvalue(count.get(), 0, 0); n != std::to_string(data.rows.size())) {
    error =
        fmt::format("PostgreSQL ceiling: {} rows in the table, expected {}", n, data.rows.size());
    return std::nullopt;
  }
  shape = pg_table_shape(conn.get(), std::string(kPgSchema) + ".rec");
  exec(fmt::format("DROP SCHEMA {} CASCADE", kPgSchema));
  return seconds;
}

// ----------------------------------------------------------------------------------- zhengtong --

// The pid of the running server: the child of this process named zhengtong; 0 if none.
pid_t server_pid() {
  const pid_t self = ::getpid();
  DIR* proc = ::opendir("/proc");
  if (proc == nullptr) return 0;
  pid_t found = 0;
  while (dirent* entry = ::readdir(proc)) {
    const pid_t pid = std::atoi(entry->d_name);
    if (pid <= 0) continue;
    std::ifstream stat(fmt::format("/proc/{}/stat", pid));
    std::string line;
    std::getline(stat, line);
    const auto open = line.find('('), close = line.rfind(')');
    if (open == std::string::npos || close == std::string::npos || close + 2 > line.size()) {
      continue;
    }
    std::istringstream rest(line.substr(close + 2));
    char state = 0;
    pid_t parent = 0;
    rest >> state >> parent;
    if (parent == self && line.substr(open + 1, close - open - 1) == "zhengtong") found = pid;
  }
  ::closedir(proc);
  return found;
}

// A "VmHWM:"-style line of /proc/<pid>/status in KiB, or 0.
long status_kib(pid_t pid, std::string_view key) {
  std::ifstream status(fmt::format("/proc/{}/status", pid));
  for (std::string line; std::getline(status, line);) {
    if (line.starts_with(key)) return std::atol(line.c_str() + key.size());
  }
  return 0;
}

// CPU time (user + system, in seconds) of each thread of process `pid`, by "name/tid".
std::map<std::string, double> thread_cpu_seconds(pid_t pid) {
  std::map<std::string, double> out;
  const double tick = static_cast<double>(::sysconf(_SC_CLK_TCK));
  std::error_code ec;
  for (const auto& task : fs::directory_iterator(fmt::format("/proc/{}/task", pid), ec)) {
    std::ifstream stat(task.path() / "stat");
    std::string line;
    std::getline(stat, line);
    const auto open = line.find('('), close = line.rfind(')');
    if (open == std::string::npos || close == std::string::npos || close + 2 > line.size()) {
      continue;
    }
    // After the name: state, then fields 4-13, then utime (14) and stime (15).
    std::istringstream rest(line.substr(close + 2));
    std::string field;
    double utime = 0, stime = 0;
    for (int i = 3; i <= 15 && rest >> field; ++i) {
      if (i == 14) utime = std::atof(field.c_str());
      if (i == 15) stime = std::atof(field.c_str());
    }
    out[fmt::format("{}/{}", line.substr(open + 1, close - open - 1),
                    task.path().filename().string())] = (utime + stime) / tick;
  }
  return out;
}

// CPU time (user + system, in seconds) of the whole process `pid`, exited threads included.
double process_cpu_seconds(pid_t pid) {
  std::ifstream stat(fmt::format("/proc/{}/stat", pid));
  std::string line;
  std::getline(stat, line);
  const auto close = line.rfind(')');
  if (close == std::string::npos || close + 2 > line.size()) return 0;
  std::istringstream rest(line.substr(close + 2));
  std::string field;
  double ticks = 0;
  for (int i = 3; i <= 15 && rest >> field; ++i) {
    if (i == 14 || i == 15) ticks += std::atof(field.c_str());
  }
  return ticks / static_cast<double>(::sysconf(_SC_CLK_TCK));
}

// Samples the CPU time of each thread of a process every 100 ms while it lives, keeping the last
// value seen per thread, so a thread that exits before the end (the ingest's writer thread) still
// counts. Thread-safety: construct and call busiest() on one thread; the sampler runs on its own.
class ThreadCpuSampler {
 public:
  explicit ThreadCpuSampler(pid_t pid)
      : pid_(pid), before_(thread_cpu_seconds(pid)), last_(before_) {
    thread_ = std::jthread([this](std::stop_token stop) {
      while (!stop.stop_requested()) {
        std::this_thread::sleep_for(std::chrono::milliseconds(100));
        sample();
      }
    });
  }
  // Stops sampling and names the thread that used the most CPU since construction:
  // "name/tid 12.3 s".
  std::string busiest() {
    thread_.request_stop();
    thread_.join();
    sample();
    std::string out = "?";
    double most = -1;
    for (const auto& [thread, cpu] : last_) {
      const auto before = before_.find(thread);
      const double used = cpu - (before == before_.end() ? 0 : before->second);
      if (used > most) {
        most = used;
        out = fmt::format("{} {:.1f} s", thread, used);
      }
    }
    return out;
  }

 private:
  void sample() {
    for (auto& [thread, cpu] : thread_cpu_seconds(pid_))
      last_[thread] = cpu;
  }
  pid_t pid_;
  std::map<std::string, double> before_;
  std::map<std::string, double> last_;  // written by the sampler until busiest() joins it
  std::jthread thread_;                 // last: starts after the fields it uses exist
};

// 户籍人口基本信息 as tests/integration/hub_test.h defines it: ten fields keyed by id_number.
json::object population(const std::string& code) {
  auto field = [](const char* name, const char* label, const char* type) {
    return json::object{{"name", name}, {"label", label}, {"type", type}};
  };
  json::object id = field("id_number", "公民身份号码", "id_number");
  id["key"] = true;
  id["personal"] = true;
  json::object name = field("name", "姓名", "string");
  name["required"] = true;
  name["max_length"] = 20;
  name["personal"] = true;
  name["mask"] = "name";
  json::object gender = field("gender", "性别", "enum");
  gender["enum_values"] = json::array{"男", "女"};
  json::object division = field("division_code", "户籍地行政区划", "division_code");
  division["indexed"] = true;
  json::object phone = field("phone", "联系电话", "phone");
  phone["personal"] = true;
  return json::object{
      {"code", code},
      {"name", "户籍人口基本信息"},
      {"category", "base"},
      {"summary", "全市户籍人口的身份、户籍地址与联系方式"},
      {"share_type", "conditional"},
      {"share_condition", "用于政务服务办理与人口统计"},
      {"share_mode", "api"},
      {"open_type", "closed"},
      {"update_cycle", "daily"},
      {"keywords", json::array{"户籍", "人口"}},
      {"fields", json::array{id, name, gender, field("birth_date", "出生日期", "date"),
                             field("address", "户籍地址", "string"), division, phone,
                             field("registered_at", "登记时间", "datetime"),
                             field("household_size", "户内人数", "integer"),
                             field("income", "年收入", "decimal")}}};
}

struct UploadRun {
  double seconds = 0;        // first byte sent → response read
  long rss_before_kib = 0;   // the server's VmHWM before the upload (start-up and set-up)
  long peak_rss_kib = 0;     // and after it
  std::string server_times;  // the batch's started_at → finished_at, as the report says
  double server_cpu = 0;     // CPU seconds of all the server's threads during the upload
  std::string busiest;       // the thread that used the most of it: "name/tid 12.3 s"
  std::string table_shape;   // of the product's record table (sqlite_table_shape, pg_table_shape)
};

// The upload's body, piece by piece: the next piece into `piece`, false at the end.
using BodySource = std::function<bool(std::string& piece)>;

std::string tail(std::string text, std::size_t keep) {
  if (text.size() > keep) text = "…" + text.substr(text.size() - keep);
  return text;
}

struct ServerConfig {
  bool postgresql = false;
  std::string pg_url;
  int io_threads = 1;
  int workers = 2;
  std::optional<std::string> pgoptions;  // PGOPTIONS as this process found it
};

// Starts a fresh server and database, makes 公安局 with a dept_admin and a dept_officer, publishes
// the population resource, then POSTs `rows` rows of `bytes` bytes from `body` as one NDJSON upload
// and checks the report: status completed, inserted == rows, rejected == 0.
std::optional<UploadRun> zhengtong_upload(const ServerConfig& config, std::uint64_t rows,
                                          std::uint64_t bytes, const BodySource& body,
                                          std::string& error) {
  ::setenv("ZT_TEST_DATABASE_URL", config.postgresql ? "postgresql" : "sqlite", 1);
  if (config.postgresql) ::setenv("ZT_TEST_PG_URL", config.pg_url.c_str(), 1);
  const ServerOptions options{.io_threads = config.io_threads,
                              .idle_timeout_ms = 600'000,
                              .body_timeout_ms = 600'000,
                              .write_timeout_ms = 600'000,
                              .worker_threads = config.workers,
                              .sleep_route = false,
                              .fresh_database = true};
  // libpq of this process prints the server's NOTICEs on stderr, and ServerProcess's destructor
  // drops the fresh schema with CASCADE (a NOTICE per table). Quiet them for this process only:
  // the child server was forked before, with the environment as it was.
  if (config.pgoptions) {
    ::setenv("PGOPTIONS", config.pgoptions->c_str(), 1);
  } else {
    ::unsetenv("PGOPTIONS");
  }
  auto server = ServerProcess::start(options, error);
  if (!server) return std::nullopt;
  ::setenv("PGOPTIONS", (config.pgoptions.value_or("") + " -c client_min_messages=warning").c_str(),
           1);
  auto fail = [&](std::string what) {
    error = fmt::format("{}\n--- zhengtong stderr ---\n{}\n--- zhengtong stdout (end) ---\n{}",
                        what, tail(server->stderr_text(), 4000), tail(server->stdout_text(), 8000));
    return std::nullopt;
  };

  City city(server->port());
  if (!city.open(server->stderr_text())) return fail("set-up: " + city.error());
  const auto ga = city.department("330300-GA", "温州市公安局");
  if (!ga) return fail("set-up: " + city.error());
  const std::string admin = city.staff("ga_admin", *ga, {"dept_admin"});
  const std::string officer = city.staff("ga_officer", *ga, {"dept_officer"});
  if (admin.empty() || officer.empty()) return fail("set-up: " + city.error());
  auto created = city.call("POST", "/api/v1/catalog/resources", admin, population(kCode));
  if (!created || created->status != 201) {
    return fail("create resource: " + (created ? created->body : city.error()));
  }
  auto published = city.call("POST", "/api/v1/catalog/resources/" + kCode + "/publish", admin);
  if (!published || published->status != 200) {
    return fail("publish: " + (published ? published->body : city.error()));
  }

  const json::value resource = created->json();
  const std::string table =
      resource.is_object() && resource.as_object().contains("id") && resource.at("id").is_int64()
          ? fmt::format("rec_{}", resource.at("id").as_int64())
          : "rec_1";

  const pid_t pid = server_pid();
  if (pid == 0) return fail("cannot find the server's pid");
  UploadRun run;
  run.rss_before_kib = status_kib(pid, "VmHWM:");

  std::string connect_error;
  auto client = HttpClient::connect(server->port(), connect_error);
  if (!client) return fail(connect_error);
  const std::string head = fmt::format(
      "POST /api/v1/resources/{}/records HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer "
      "{}\r\nContent-Type: application/x-ndjson\r\nContent-Length: {}\r\n\r\n",
      kCode, officer, bytes);
  const double cpu_before = process_cpu_seconds(pid);
  ThreadCpuSampler sampler(pid);
  const auto start = Clock::now();
  bool sent = client->send(head);
  std::string piece;
  while (sent && body(piece))
    sent = client->send(piece);
  // Read the answer even when a send failed: the server may have answered early and closed.
  auto response = client->read_response(
      false, sent ? std::chrono::milliseconds(kResponseTimeout) : std::chrono::seconds(10));
  run.seconds = seconds_since(start);
  run.peak_rss_kib = status_kib(pid, "VmHWM:");
  run.server_cpu = process_cpu_seconds(pid) - cpu_before;
  run.busiest = sampler.busiest();

  if (!response) {
    return fail(fmt::format("no response to the upload after {:.1f} s ({}{})", run.seconds,
                            sent ? "" : "sending failed, ", client->last_error()));
  }
  const json::value report = response->json();
  const json::object* object = report.if_object();
  const json::object* counts =
      object && object->contains("counts") ? object->at("counts").if_object() : nullptr;
  auto count = [&](std::string_view key) -> std::int64_t {
    const json::value* v = counts ? counts->if_contains(key) : nullptr;
    return v && v->is_int64() ? v->get_int64() : -1;
  };
  if (response->status != 200 || !sent || !counts || object->at("status") != "completed" ||
      count("inserted") != static_cast<std::int64_t>(rows) || count("rejected") != 0) {
    return fail(fmt::format("upload of {} rows{} answered {} after {:.1f} s: {}", rows,
                            sent ? "" : " (sending failed: " + client->last_error() + ")",
                            response->status, run.seconds, tail(response->body, 4000)));
  }
  auto text_of = [&](std::string_view key) {
    const json::value* v = object->if_contains(key);
    return v && v->is_string() ? std::string(v->get_string()) : std::string("?");
  };
  run.server_times = text_of("started_at") + " → " + text_of("finished_at");
  if (config.postgresql) {
    std::unique_ptr<PGconn, PgFinisher> conn(PQconnectdb(config.pg_url.c_str()));
    PgResult schema(PQexecParams(
        conn.get(),
        "SELECT n.nspname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace WHERE "
        "c.relname = $1 AND n.nspname LIKE 'zt\\_it\\_%' ORDER BY c.oid DESC LIMIT 1",
        1, nullptr, std::array{table.c_str()}.data(), nullptr, nullptr, 0));
    if (PQresultStatus(schema.get()) == PGRES_TUPLES_OK && PQntuples(schema.get()) == 1) {
      run.table_shape =
          pg_table_shape(conn.get(), std::string(PQgetvalue(schema.get(), 0, 0)) + "." + table);
    }
  } else {
    sqlite3* raw = nullptr;
    sqlite3_open_v2((server->dir() / "zt.db").c_str(), &raw, SQLITE_OPEN_READONLY, nullptr);
    std::unique_ptr<sqlite3, SqliteCloser> db(raw);
    if (db) run.table_shape = sqlite_table_shape(db.get(), table);
  }
  return run;
}

// ----------------------------------------------------------------------------------- reporting --

double median(std::vector<double> values) {
  if (values.empty()) return 0;
  std::sort(values.begin(), values.end());
  const std::size_t n = values.size();
  return n % 2 ? values[n / 2] : (values[n / 2 - 1] + values[n / 2]) / 2;
}

std::string command_output(const std::string& command) {
  std::string out;
  if (FILE* pipe = ::popen(command.c_str(), "r")) {
    char buffer[256];
    while (std::fgets(buffer, sizeof buffer, pipe) != nullptr)
      out += buffer;
    ::pclose(pipe);
  }
  while (!out.empty() && (out.back() == '\n' || out.back() == ' '))
    out.pop_back();
  return out;
}

std::string cpu_model() {
  std::ifstream cpuinfo("/proc/cpuinfo");
  for (std::string line; std::getline(cpuinfo, line);) {
    if (line.starts_with("model name")) {
      const auto colon = line.find(':');
      return colon == std::string::npos ? line : line.substr(colon + 2);
    }
  }
  return "unknown";
}

std::string load_average() {
  std::ifstream file("/proc/loadavg");
  std::string one, five, fifteen;
  file >> one >> five >> fifteen;
  return fmt::format("{} {} {}", one, five, fifteen);
}

std::string rows_per_second(double v) {
  return fmt::format("{:.0f}", v);
}

// KiB (as /proc reports them) → MB (10^6 bytes, as the goal "under 300 MB for a 1 GB upload").
double mb(long kib) {
  return static_cast<double>(kib) * 1024.0 / 1e6;
}

struct Series {
  std::vector<double> ceiling;    // rows/s
  std::vector<double> zhengtong;  // rows/s
  std::vector<double> mb_per_s;
  long peak_rss_kib = 0;
  std::string ceiling_shape;  // of the ceiling's table, to compare with the product's
};

int run(int argc, char** argv) {
  std::uint64_t rows = 1'000'000;
  std::string databases = "both";
  int repeat = 3;
  double rss_upload_gb = 0;
  ServerConfig config;
  if (const char* url = std::getenv("ZT_BENCH_PG_URL")) config.pg_url = url;
  if (const char* pgoptions = std::getenv("PGOPTIONS")) config.pgoptions = pgoptions;

  CLI::App app{"Zhengtong ingest benchmark: HTTP NDJSON ingest against the database's ceiling"};
  app.add_option("--rows", rows, "rows to ingest per run")->check(CLI::Range(1, 50'000'000));
  app.add_option("--db", databases, "which databases")
      ->check(CLI::IsMember({"sqlite", "postgresql", "both"}));
  app.add_option("--repeat", repeat, "runs of each measurement (the median is reported)")
      ->check(CLI::Range(1, 100));
  app.add_option("--rss-upload-gb", rss_upload_gb,
                 "also upload this many GB (10^9 bytes) to a fresh SQLite server and report its "
                 "peak RSS (0: skip)")
      ->check(CLI::Range(0.0, 64.0));
  app.add_option("--pg-url", config.pg_url,
                 "PostgreSQL database for the ceiling and the server (default $ZT_BENCH_PG_URL)");
  app.add_option("--io-threads", config.io_threads, "the server's [server] threads")
      ->check(CLI::Range(1, 64));
  app.add_option("--workers", config.workers, "the server's [workers] threads")
      ->check(CLI::Range(1, 64));
  CLI11_PARSE(app, argc, argv);

  const bool with_sqlite = databases != "postgresql";
  const bool with_pg = databases != "sqlite";
  if (with_pg && config.pg_url.empty()) {
    fmt::print(stderr,
               "ingest_bench: PostgreSQL needs --pg-url or ZT_BENCH_PG_URL (bench/ingest/run.sh "
               "starts one), or use --db sqlite\n");
    return 2;
  }
  TempDir temp;
  if (temp.path().empty()) {
    fmt::print(stderr, "ingest_bench: cannot make a temporary directory\n");
    return 1;
  }

  fmt::print("Zhengtong ingest benchmark\n");
  fmt::print("machine: {} CPUs, {}; load average at start {}\n", ::sysconf(_SC_NPROCESSORS_ONLN),
             cpu_model(), load_average());
  fmt::print("commit: {}\n",
             command_output("git -C '" ZT_SOURCE_DIR "' describe --always --dirty --tags 2>&1"));
  fmt::print("server: {} I/O thread(s), {} worker(s); binary {}\n", config.io_threads,
             config.workers, ZT_BINARY);
  fmt::print("SQLite ceiling: {}\n", kSqlitePragmas);

  const RowGenerator generator(kRowSeed);
  const auto generating = Clock::now();
  const Dataset data = Dataset::generate(generator, rows);
  const double mbytes = static_cast<double>(data.ndjson.size()) / 1e6;
  fmt::print(
      "data: {} rows, NDJSON {} bytes ({:.1f} MB, {:.0f} bytes/row), generated in {:.1f} s\n", rows,
      data.ndjson.size(), mbytes,
      static_cast<double>(data.ndjson.size()) / static_cast<double>(rows),
      seconds_since(generating));
  fmt::print("first row: {}", data.ndjson.substr(0, data.ndjson.find('\n') + 1));
  fmt::print("\nruns ({} of each, interleaved):\n", repeat);
  std::fflush(stdout);

  const double n = static_cast<double>(rows);
  Series sqlite, pg;
  std::string error;
  auto upload = [&](bool postgresql, Series& series, std::string_view label) {
    ServerConfig c = config;
    c.postgresql = postgresql;
    std::size_t at = 0;
    const BodySource body = [&](std::string& piece) {
      if (at >= data.ndjson.size()) return false;
      piece.assign(data.ndjson, at, kPiece);
      at += piece.size();
      return true;
    };
    auto r = zhengtong_upload(c, rows, data.ndjson.size(), body, error);
    if (!r) return false;
    series.zhengtong.push_back(n / r->seconds);
    series.mb_per_s.push_back(mbytes / r->seconds);
    series.peak_rss_kib = std::max(series.peak_rss_kib, r->peak_rss_kib);
    if (r->table_shape.empty() || r->table_shape != series.ceiling_shape) {
      fmt::print(
          "  WARNING: the ceiling's table differs from the product's record table; make "
          "kColumns follow src/exchange/records/store.cpp\n    ceiling: {}\n    product: {}\n",
          series.ceiling_shape.empty() ? "(not readable)" : series.ceiling_shape,
          r->table_shape.empty() ? "(not readable)" : r->table_shape);
    }
    fmt::print(
        "  {:<10} zhengtong  {:>9} rows/s  {:7.2f} s  {:6.1f} MB/s  server VmHWM {:.0f} MB "
        "(before the upload {:.0f} MB); server CPU {:.1f} s, busiest thread {}; batch {}\n",
        label, rows_per_second(n / r->seconds), r->seconds, mbytes / r->seconds,
        mb(r->peak_rss_kib), mb(r->rss_before_kib), r->server_cpu, r->busiest, r->server_times);
    std::fflush(stdout);
    return true;
  };
  auto ceiling = [&](std::optional<double> seconds, Series& series, std::string_view label,
                     std::string_view what) {
    if (!seconds) return false;
    series.ceiling.push_back(n / *seconds);
    fmt::print("  {:<10} {:<10} {:>9} rows/s  {:7.2f} s\n", label, what,
               rows_per_second(n / *seconds), *seconds);
    std::fflush(stdout);
    return true;
  };
  for (int r = 1; r <= repeat; ++r) {
    fmt::print(" run {}/{}\n", r, repeat);
    if (with_sqlite) {
      if (!ceiling(sqlite_ceiling(data, temp.path(), r, sqlite.ceiling_shape, error), sqlite,
                   "sqlite", "ceiling") ||
          !upload(false, sqlite, "sqlite")) {
        fmt::print(stderr, "ingest_bench: sqlite run {}: {}\n", r, error);
        return 1;
      }
    }
    if (with_pg) {
      if (!ceiling(pg_ceiling(data, config.pg_url, pg.ceiling_shape, error), pg, "postgresql",
                   "COPY") ||
          !upload(true, pg, "postgresql")) {
        fmt::print(stderr, "ingest_bench: postgresql run {}: {}\n", r, error);
        return 1;
      }
    }
  }

  fmt::print("\nresults: {} rows, {:.1f} MB of NDJSON in one POST, median of {} run(s)\n", rows,
             mbytes, repeat);
  fmt::print("{:<11} {:>16} {:>16} {:>7} {:>6} {:>7} {:>9} {:>16}\n", "database",
             "zhengtong rows/s", "ceiling rows/s", "ratio", "goal", "result", "MB/s",
             "server VmHWM MB");
  for (const auto& [label, series, what] : {std::tuple{"sqlite", &sqlite, "prepared INSERT, 1 tx"},
                                            std::tuple{"postgresql", &pg, "COPY"}}) {
    if (series->zhengtong.empty()) continue;
    const double zt = median(series->zhengtong), top = median(series->ceiling);
    const double ratio = zt / top;
    fmt::print("{:<11} {:>16} {:>16} {:>7.3f} {:>6} {:>7} {:>9.1f} {:>16.0f}   (ceiling: {})\n",
               label, rows_per_second(zt), rows_per_second(top), ratio,
               fmt::format(">={}", kGoalRatio), ratio >= kGoalRatio ? "PASS" : "FAIL",
               median(series->mb_per_s), mb(series->peak_rss_kib), what);
  }
  fmt::print(
      "reference (the issue, other machines): ceilings there ≈175 k rows/s SQLite, ≈150 k rows/s "
      "PostgreSQL COPY; CKAN's loader publishes ≈49 k rows/s with COPY, its older loader ≈440 "
      "rows/s.\n");
  std::fflush(stdout);

  if (rss_upload_gb > 0) {
    // Count the rows that make G GB, then generate them again while sending: nothing is held.
    const auto target = static_cast<std::uint64_t>(rss_upload_gb * 1e9);
    std::uint64_t big_rows = 0, big_bytes = 0;
    {
      std::string line;
      while (big_bytes < target) {
        line.clear();
        generator.append(line, big_rows++, nullptr);
        big_bytes += line.size();
      }
    }
    fmt::print("\nRSS: {} rows, {} bytes ({:.2f} GB) streamed to a fresh SQLite server\n", big_rows,
               big_bytes, static_cast<double>(big_bytes) / 1e9);
    std::fflush(stdout);
    std::uint64_t next = 0;
    std::string pending;
    const BodySource body = [&](std::string& piece) {
      while (pending.size() < kPiece && next < big_rows)
        generator.append(pending, next++, nullptr);
      if (pending.empty()) return false;
      const std::size_t size = std::min(pending.size(), kPiece);
      piece.assign(pending, 0, size);
      pending.erase(0, size);
      return true;
    };
    ServerConfig c = config;
    c.postgresql = false;
    auto r = zhengtong_upload(c, big_rows, big_bytes, body, error);
    if (!r) {
      fmt::print(stderr, "ingest_bench: RSS upload: {}\n", error);
      return 1;
    }
    const double peak = mb(r->peak_rss_kib);
    fmt::print(
        "RSS: {:.1f} s, {} rows/s, {:.1f} MB/s (rows generated while sending); server CPU {:.1f} "
        "s, busiest thread {}\n"
        "RSS: server VmHWM {:.0f} MB (before the upload {:.0f} MB); goal < {:.0f} MB: {}\n",
        r->seconds, rows_per_second(static_cast<double>(big_rows) / r->seconds),
        static_cast<double>(big_bytes) / 1e6 / r->seconds, r->server_cpu, r->busiest, peak,
        mb(r->rss_before_kib), kGoalRssMb, peak < kGoalRssMb ? "PASS" : "FAIL");
  }
  fmt::print("load average at end: {}\n", load_average());
  return 0;
}

}  // namespace
}  // namespace zt::bench

int main(int argc, char** argv) {
  return zt::bench::run(argc, argv);
}
