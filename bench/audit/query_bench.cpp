// The audit log's queries as the log grows (issue 16.4): the list with each filter, time windows,
// object lookups and the export, timed on a log of N records.
//
//   build/bench/bench/query_bench build URL N   grows the log at URL (sqlite:PATH or
//                                               postgresql://…) to N records, as the writer
//                                               appends them (append_batch, 8 192 a batch)
//   build/bench/bench/query_bench query URL     migrates URL with this binary's migrations, runs
//                                               the object indexer until nothing is due (timed),
//                                               then times each query: median and max of up to
//                                               25 runs (fewer when a run is slow, at least 3)
//
// The log: 200 000 records a working day (08:00–18:00 Beijing time, Monday to Friday, from Monday
// 2026-11-02), stamped up to 0.8 s before they are appended and one in 2 000 15–120 s before
// (a writer catching up: late records); 2 000 officers, 80 % key reads of 1 M people, sign-ins,
// 1 % failed sign-ins with names tried once (one every 997 records), 0.5 % denied; one person read
// five times across the log. Built with main's binary and queried with main's and then this one,
// the same database gives the before and after figures (bench/audit/README.md). The file builds
// against the tree before issue 16.4 too: without audit/object_index.h there is no indexer to run.
#include <fmt/format.h>

#include <algorithm>
#include <charconv>
#include <chrono>
#include <cstdio>
#include <functional>
#include <limits>
#include <random>
#include <string>
#include <vector>

#include "audit/service.h"
#include "audit/store.h"
#include "core/crypto_openssl.h"
#include "core/time.h"
#include "db/database.h"
#include "db/migration.h"

#if __has_include("audit/object_index.h")
#include "audit/object_index.h"
#define ZT_BENCH_OBJECT_INDEX 1
#endif

namespace {

using Clock = std::chrono::steady_clock;
using namespace zt;
using namespace std::chrono_literals;

constexpr std::int64_t kPerDay = 200'000;
constexpr std::int64_t kPeople = 1'000'000;
constexpr std::size_t kBatch = 8192;
constexpr std::string_view kRare = "330302198000RARE1";
constexpr std::string_view kCode = "330300-GA-0001";

double seconds_since(Clock::time_point start) {
  return std::chrono::duration<double>(Clock::now() - start).count();
}

// Working day d's 08:00 Beijing time (00:00 UTC): Monday 2 November 2026 and on, weekends left
// out.
core::TimePoint day_start(std::int64_t d) {
  using namespace std::chrono;
  const sys_days monday = sys_days(year(2026) / November / 2);
  return core::TimePoint(monday + days((d / 5) * 7 + d % 5));
}

core::TimePoint stamp(std::int64_t i) {
  return day_start(i / kPerDay) + std::chrono::milliseconds((i % kPerDay) * 36'000'000 / kPerDay);
}

std::string person(std::int64_t n) {
  return fmt::format("3303021980{:07}", n);
}

audit::AuditEntry entry(std::int64_t i, std::mt19937_64& random, std::int64_t records) {
  audit::AuditEntry e;
  e.time = stamp(i) - std::chrono::milliseconds(random() % 800);
  if (random() % 2000 == 0) e.time = stamp(i) - std::chrono::seconds(15 + random() % 105);
  const std::int64_t officer = static_cast<std::int64_t>(random() % 2000);
  e.actor_kind = "user";
  e.actor_id = 1000 + officer;
  e.actor_name = fmt::format("officer{}", officer);
  e.department_id = officer % 40;
  e.source_address = "10.12.0.7";
  e.request_id = fmt::format("req-{}", i);
  const std::uint64_t kind = i % 997 == 0 ? 999 : random() % 1000;
  if (records >= 5 && i % (records / 5) == records / 10) {
    e.action = "exchange.record.read";
    e.object_type = "record";
    e.object_id = fmt::format("{}/{}", kCode, kRare);
  } else if (kind < 800) {
    e.action = "exchange.record.read";
    e.object_type = "record";
    e.object_id =
        fmt::format("{}/{}", kCode, person(static_cast<std::int64_t>(random() % kPeople)));
    e.purpose = "办件审核";
  } else if (kind < 880) {
    e.action = "auth.login";
    e.object_type = "user";
    e.object_id = std::to_string(*e.actor_id);
  } else if (kind < 930) {
    e.action = "person.read";
    e.object_type = "person";
    e.object_id = person(static_cast<std::int64_t>(random() % kPeople));
  } else if (kind < 960) {
    e.action = "exchange.records.query";
    e.object_type = "resource";
    e.object_id = std::string(kCode);
  } else if (kind < 980) {
    e.action = "user.update";
    e.object_type = "user";
    e.object_id = std::to_string(1000 + random() % 2000);
  } else if (kind < 990) {
    e.action = "department.update";
    e.object_type = "department";
    e.object_id = std::to_string(random() % 40);
  } else {  // a failed sign-in with a name tried once (guest<i>; every 997th is one)
    e.actor_kind = "anonymous";
    e.actor_id.reset();
    e.department_id.reset();
    e.actor_name = fmt::format("guest{}", i);
    e.action = "auth.login";
    e.object_type = "user";
    e.outcome = "failure";
  }
  if (e.outcome == "success" && random() % 200 == 0) e.outcome = "denied";
  return e;
}

int fail(const std::string& what, const Error& e) {
  fmt::print(stderr, "{}: {} ({})\n", what, e.detail, e.code);
  return 1;
}

Result<std::unique_ptr<db::Database>> open(const std::string& url) {
  ZT_ASSIGN_OR_RETURN(auto db, db::Database::open(url, {.pool_size = 4}));
  auto migrations = db::foundation_migrations();
  for (auto& m : audit::migrations())
    migrations.push_back(std::move(m));
  ZT_TRY(db::migrate(*db, migrations));
  return db;
}

audit::AuditKeys keys(const core::CryptoProvider& crypto) {
  audit::AuditKeys k;
  k.chain_key = *crypto.random_bytes(audit::kChainKeySize);
  return k;
}

int build(const std::string& url, std::int64_t records) {
  auto db = open(url);
  if (!db.ok()) return fail("open", db.error());
  core::OpenSslCryptoProvider crypto;
  core::SystemClock clock;
  audit::AuditLog log(**db, crypto, clock, keys(crypto));
  std::int64_t first = 0;
  {
    auto conn = (*db)->acquire(db::Access::kRead);
    if (!conn.ok()) return fail("acquire", conn.error());
    auto head = audit::store::read_head(*conn, false);
    if (!head.ok()) return fail("head", head.error());
    first = head->last_id;
  }
  std::mt19937_64 random(42 + static_cast<std::uint64_t>(first));
  const auto start = Clock::now();
  std::vector<audit::AuditEntry> batch;
  for (std::int64_t i = first; i < records;) {
    batch.clear();
    for (; batch.size() < kBatch && i < records; ++i)
      batch.push_back(entry(i, random, records));
    if (auto r = log.append_batch(batch); !r.ok()) return fail("append_batch", r.error());
    if ((i / static_cast<std::int64_t>(kBatch)) % 64 == 0) {
      fmt::print("{} records …\n", i);
      std::fflush(stdout);
    }
  }
  const double s = seconds_since(start);
  fmt::print("built {} records in {:.0f} s: {:.0f} records/s\n", records - first, s,
             static_cast<double>(records - first) / std::max(s, 1e-9));
  return 0;
}

struct Timing {
  double median_ms = 0;
  double max_ms = 0;
  std::size_t rows = 0;
  int runs = 0;
};

Timing time_it(const std::function<Result<std::size_t>()>& run) {
  std::vector<double> ms;
  Timing t;
  const auto start = Clock::now();
  while (ms.size() < 25 && (ms.size() < 3 || seconds_since(start) < 20)) {
    const auto one = Clock::now();
    auto rows = run();
    ms.push_back(seconds_since(one) * 1e3);
    if (!rows.ok()) {
      fmt::print(stderr, "query failed: {}\n", rows.error().detail);
      break;
    }
    t.rows = *rows;
  }
  std::sort(ms.begin(), ms.end());
  t.median_ms = ms[ms.size() / 2];
  t.max_ms = ms.back();
  t.runs = static_cast<int>(ms.size());
  return t;
}

int query(const std::string& url) {
  const auto migrate_start = Clock::now();
  auto db = open(url);
  if (!db.ok()) return fail("open", db.error());
  fmt::print("migrations: {:.1f} s\n", seconds_since(migrate_start));
  core::OpenSslCryptoProvider crypto;
  core::SystemClock clock;
  audit::AuditLog log(**db, crypto, clock, keys(crypto));
  std::int64_t records = 0;
  {
    auto conn = (*db)->acquire(db::Access::kRead);
    if (!conn.ok()) return fail("acquire", conn.error());
    auto head = audit::store::read_head(*conn, false);
    if (!head.ok()) return fail("head", head.error());
    records = head->last_id;
  }
#ifdef ZT_BENCH_OBJECT_INDEX
  {
    const auto start = Clock::now();
    audit::ObjectIndexer indexer(**db, clock, {});
    auto steps = indexer.run(std::numeric_limits<std::size_t>::max());
    if (!steps.ok()) return fail("object index", steps.error());
    fmt::print("object indexer: {} steps in {:.1f} s ({:.1f} µs a record)\n", *steps,
               seconds_since(start), seconds_since(start) * 1e6 / static_cast<double>(records));
  }
#endif
  const std::int64_t days = (records + kPerDay - 1) / kPerDay;
  const std::int64_t mid = days / 2;
  const core::TimePoint day = day_start(mid) - 8h;  // Beijing midnight
  const core::TimePoint hour = day_start(mid) + 4h;
  // A Saturday inside the log (after working day 4 of the first full week), when there is one.
  const core::TimePoint saturday = day_start(std::min<std::int64_t>(4, days - 1)) + 24h - 8h;
  const std::string guest = fmt::format("guest{}", records / 3 / 997 * 997);  // tried once
  std::vector<std::pair<std::string, audit::RecordFilter>> lists = {
      {"list, no filter", {}},
      {"list, a window holding the whole log", {.from = day_start(0) - 24h, .to = day_start(days)}},
      {"list, one day", {.from = day, .to = day + 24h}},
      {"list, one hour", {.from = hour, .to = hour + 1h}},
      {"list, outcome=denied", {.outcome = "denied"}},
      {"list, outcome=failure", {.outcome = "failure"}},
      {"list, actor_name=officer777", {.actor_name = "officer777"}},
      {"list, actor_name of a failed sign-in", {.actor_name = guest}},
      {"list, one day, outcome=denied", {.from = day, .to = day + 24h, .outcome = "denied"}},
      {"list, one day, actor_name=officer777",
       {.from = day, .to = day + 24h, .actor_name = "officer777"}},
      {"list, action=department.update", {.action = "department.update"}},
      {"list, object: the person read 5 times",
       {.object_type = "record", .object_id = fmt::format("{}/{}", kCode, kRare)}},
      {"list, object: user 1777 (its sign-ins)", {.object_type = "user", .object_id = "1777"}},
  };
  fmt::print("{} records, {} working days\n", records, days);
  fmt::print("| query | median ms | max ms | runs | rows |\n|---|---|---|---|---|\n");
  for (const auto& [name, filter] : lists) {
    const auto t = time_it([&, f = filter]() -> Result<std::size_t> {
      ZT_ASSIGN_OR_RETURN(auto page, log.list(f, std::nullopt, 50));
      return page.items.size();
    });
    fmt::print("| {} | {:.2f} | {:.2f} | {} | {} |\n", name, t.median_ms, t.max_ms, t.runs, t.rows);
    std::fflush(stdout);
  }
  // The next page deep in the log: a window holding the whole log, after the middle record.
  {
    const audit::RecordFilter whole{.from = day_start(0) - 24h, .to = day_start(days)};
    const auto t = time_it([&]() -> Result<std::size_t> {
      ZT_ASSIGN_OR_RETURN(auto page, log.list(whole, records / 2, 50));
      return page.items.size();
    });
    fmt::print(
        "| list, the whole log's window, a page from the middle | {:.2f} | {:.2f} | {} | {} "
        "|\n",
        t.median_ms, t.max_ms, t.runs, t.rows);
  }
  std::vector<std::pair<std::string, audit::RecordFilter>> exports = {
      {"export, an empty day (a Saturday)", {.from = saturday, .to = saturday + 24h}},
      {"export, one hour", {.from = hour, .to = hour + 1h}},
  };
  for (const auto& [name, filter] : exports) {
    const auto t = time_it([&, f = filter]() -> Result<std::size_t> {
      std::size_t n = 0;
      ZT_TRY(log.scan(
          f, 0, std::numeric_limits<std::size_t>::max(),
          [&n](const audit::AuditRecord&) {
            ++n;
            return true;
          },
          1000));
      return n;
    });
    fmt::print("| {} | {:.2f} | {:.2f} | {} | {} |\n", name, t.median_ms, t.max_ms, t.runs, t.rows);
    std::fflush(stdout);
  }
  return 0;
}

bool parse(std::string_view arg, std::int64_t& out) {
  auto [end, ec] = std::from_chars(arg.data(), arg.data() + arg.size(), out);
  return ec == std::errc() && end == arg.data() + arg.size() && out > 0;
}

}  // namespace

int main(int argc, char** argv) {
  const std::string_view command = argc > 1 ? argv[1] : "";
  std::int64_t records = 0;
  if (command == "build" && argc == 4 && parse(argv[3], records)) return build(argv[2], records);
  if (command == "query" && argc == 3) return query(argv[2]);
  std::fprintf(stderr, "usage: query_bench build URL RECORDS | query_bench query URL\n");
  return 2;
}
