// Audit log throughput: writes N records (default 1 000 000) through the group-commit
// AuditWriter into a fresh SQLite file (and PostgreSQL when ZT_BENCH_PG_URL is set), printing
// records/s, with the object indexer running beside it as on a serving node (its steps share
// SQLite's one writer with the audit writer's batches), then times verify_chain over them.
//
//   build/bench/bench/audit_bench [records]
#include <fmt/format.h>
#include <charconv>
#include <cstdio>

#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <limits>
#include <string>
#include <thread>
#include <vector>

#include "audit/object_index.h"
#include "audit/service.h"
#include "audit/store.h"
#include "audit/verify.h"
#include "audit/writer.h"
#include "core/crypto_openssl.h"
#include "core/time.h"
#include "db/database.h"
#include "db/migration.h"

namespace {

using Clock = std::chrono::steady_clock;

double seconds_since(Clock::time_point start) {
  return std::chrono::duration<double>(Clock::now() - start).count();
}

int run(const std::string& label, const std::string& url, std::int64_t records) {
  using namespace zt;
  auto db = db::Database::open(url, {.pool_size = 4});
  if (!db.ok()) {
    fmt::print(stderr, "{}: {}\n", label, db.error().detail);
    return 1;
  }
  auto migrations = db::foundation_migrations();
  for (auto& m : audit::migrations())
    migrations.push_back(std::move(m));
  if (auto m = db::migrate(**db, migrations); !m.ok()) {
    fmt::print(stderr, "{}: {}\n", label, m.error().detail);
    return 1;
  }
  core::OpenSslCryptoProvider crypto;
  core::SystemClock clock;
  audit::AuditKeys keys;
  keys.chain_key = *crypto.random_bytes(audit::kChainKeySize);
  auto pair = crypto.generate_sm2_key();
  keys.signing_key_pem = pair->private_pem;
  keys.public_key_pem = pair->public_pem;
  audit::AuditLog log(**db, crypto, clock, keys);

  // Two submitting threads, as read handlers on the worker pool would be.
  constexpr int kThreads = 2;
  const auto start = Clock::now();
  {
    audit::ObjectIndexer indexer(**db, clock, {.period = std::chrono::milliseconds(500)});
    indexer.worker().start();
    audit::AuditWriter writer(log);
    std::vector<std::thread> threads;
    for (int t = 0; t < kThreads; ++t) {
      threads.emplace_back([&, t] {
        for (std::int64_t i = t; i < records; i += kThreads) {
          audit::AuditEntry e;
          e.actor_kind = "user";
          e.actor_id = 1000 + i % 500;
          e.actor_name = fmt::format("officer{}", i % 500);
          e.department_id = i % 40;
          e.source_address = "10.12.0.7";
          e.action = "person.read";
          e.object_type = "person";
          e.object_id = fmt::format("3303021990{:08}", i);
          e.request_id = fmt::format("req-{}", i);
          e.purpose = "办件审核";
          e.case_id = fmt::format("C{:010}", i / 3);
          writer.submit(std::move(e));
        }
      });
    }
    for (auto& thread : threads)
      thread.join();
    if (auto s = writer.flush(std::chrono::minutes(10)); !s.ok()) {
      fmt::print(stderr, "{}: flush: {}\n", label, s.error().detail);
      return 1;
    }
    const double write_s = seconds_since(start);
    const auto stats = writer.stats();
    fmt::print(
        "{}: wrote {} records through AuditWriter in {:.2f} s: {:.0f} records/s ({} batches)\n",
        label, stats.written, write_s, static_cast<double>(stats.written) / write_s, stats.batches);
    indexer.worker().stop();
    const auto rest = Clock::now();
    auto steps = indexer.run(std::numeric_limits<std::size_t>::max());
    if (!steps.ok()) {
      fmt::print(stderr, "{}: object index: {}\n", label, steps.error().detail);
      return 1;
    }
    fmt::print("{}: object indexer ran beside it ({} passes); what was left took {:.2f} s\n", label,
               indexer.worker().passes(), seconds_since(rest));
  }

  const auto verify_start = Clock::now();
  auto report = audit::verify_chain(**db, crypto, keys);
  const double verify_s = seconds_since(verify_start);
  if (!report.ok()) {
    fmt::print(stderr, "{}: verify: {}\n", label, report.error().detail);
    return 1;
  }
  fmt::print(
      "{}: verify_chain checked {} records in {:.2f} s: {:.0f} records/s, ok={} "
      "(10 M records: ~{:.0f} s)\n",
      label, report->records_checked, verify_s,
      static_cast<double>(report->records_checked) / verify_s, report->ok,
      verify_s * 1e7 / static_cast<double>(std::max<std::int64_t>(report->records_checked, 1)));
  return report->ok ? 0 : 1;
}

}  // namespace

int main(int argc, char** argv) {
  std::int64_t records = 1'000'000;
  if (argc > 1) {
    const std::string_view arg = argv[1];
    auto [end, ec] = std::from_chars(arg.data(), arg.data() + arg.size(), records);
    if (ec != std::errc() || end != arg.data() + arg.size() || records <= 0) {
      std::fprintf(stderr, "usage: audit_bench [records]   (a positive number, default 1000000)\n");
      return 2;
    }
  }
  const auto dir =
      std::filesystem::temp_directory_path() /
      fmt::format("zt-audit-bench-{}", std::chrono::system_clock::now().time_since_epoch().count());
  std::filesystem::create_directories(dir);
  int rc = run("sqlite", "sqlite:" + (dir / "audit.db").string(), records);
  std::error_code ec;
  fmt::print("sqlite: file size {:.0f} MB\n",
             static_cast<double>(std::filesystem::file_size(dir / "audit.db", ec)) / 1e6);
  std::filesystem::remove_all(dir, ec);
  if (const char* pg = std::getenv("ZT_BENCH_PG_URL"); pg != nullptr && *pg != '\0') {
    rc |= run("postgresql", pg, records);
  }
  return rc;
}
