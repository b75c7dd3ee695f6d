// The per-subject read index (谁用了我的数据, issue 15.6 / 16.2): what it costs a big export and
// what it saves a citizen. On a fresh SQLite file (and PostgreSQL when ZT_BENCH_PG_URL is set):
//
//  1. Builds an audit log of N key reads (default 10 000 000) of 1 000 000 people, each record
//     with its subject, in batches of 8 192 as the group-commit writer writes them. Among them,
//     one citizen is read 8 times, spread over the log.
//  2. 谁用了我的数据 at that log: AuditLog::reads_of (the route's database work: one range of
//     audit_subjects and the records by id), 50 a page, for 500 random people and for the
//     rarely-read citizen; median and p99. Against it, the object-index path the route used
//     before (AuditLog::list by object id, one probe per 4 096-record span), a few times.
//  3. The writer's flush of an export's entry of M subjects (default 1 000 000): append_batch of
//     the one entry with its subjects (hashing and the bulk load of M index rows) against the
//     same entry without them; medians of 3 and the ratio. And what the export itself adds: M
//     ReadSubjects::add calls.
//
//   build/bench/bench/subject_bench [log_records] [export_subjects]
#include <fmt/format.h>

#include <algorithm>
#include <charconv>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <random>
#include <string>
#include <vector>

#include "audit/service.h"
#include "audit/store.h"
#include "audit/subject_index.h"
#include "core/crypto_openssl.h"
#include "core/time.h"
#include "db/database.h"
#include "db/migration.h"

namespace {

using Clock = std::chrono::steady_clock;
using namespace zt;

constexpr std::string_view kCode = "330300-GA-0001";
constexpr std::int64_t kPeople = 1'000'000;
constexpr std::size_t kBatch = 8192;
constexpr int kRareReads = 8;

double seconds_since(Clock::time_point start) {
  return std::chrono::duration<double>(Clock::now() - start).count();
}

double median(std::vector<double> v) {
  std::sort(v.begin(), v.end());
  return v.empty() ? 0 : v[v.size() / 2];
}

double p99(std::vector<double> v) {
  std::sort(v.begin(), v.end());
  return v.empty() ? 0 : v[std::min(v.size() - 1, v.size() * 99 / 100)];
}

// Person i's ID number (the check character is not checked here).
std::string person(std::int64_t i) {
  return fmt::format("3303021980{:07}X", i);
}

audit::AuditEntry key_read(const std::string& key, std::int64_t i) {
  audit::AuditEntry e;
  e.actor_kind = "user";
  e.actor_id = 1000 + i % 500;
  e.actor_name = fmt::format("officer{}", i % 500);
  e.department_id = i % 40;
  e.source_address = "10.12.0.7";
  e.action = "exchange.record.read";
  e.object_type = "record";
  e.object_id = fmt::format("{}/{}", kCode, key);
  e.request_id = fmt::format("req-{}", i);
  e.purpose = "办件审核";
  e.case_id = fmt::format("C{:010}", i / 3);
  e.subjects = audit::ReadSubjects(std::string(kCode), "id_number");
  e.subjects.add(key);
  return e;
}

int fail(const std::string& label, const std::string& what, const Error& e) {
  fmt::print(stderr, "{}: {}: {} ({})\n", label, what, e.detail, e.code);
  return 1;
}

int run(const std::string& label, const std::string& url, std::int64_t records,
        std::int64_t export_subjects) {
  auto db = db::Database::open(url, {.pool_size = 4});
  if (!db.ok()) return fail(label, "open", db.error());
  auto migrations = db::foundation_migrations();
  for (auto& m : audit::migrations())
    migrations.push_back(std::move(m));
  if (auto m = db::migrate(**db, migrations); !m.ok()) return fail(label, "migrate", m.error());
  core::OpenSslCryptoProvider crypto;
  core::SystemClock clock;
  audit::AuditKeys keys;
  keys.chain_key = *crypto.random_bytes(audit::kChainKeySize);
  keys.subject_key = std::string(32, 'k');
  audit::AuditLog log(**db, crypto, clock, keys);

  // 1. The log.
  const std::string rare = person(kPeople + 1);  // outside the random ones
  std::mt19937_64 random(42);
  std::uniform_int_distribution<std::int64_t> anyone(0, kPeople - 1);
  const auto build = Clock::now();
  std::vector<audit::AuditEntry> batch;
  for (std::int64_t i = 0; i < records;) {
    batch.clear();
    for (; batch.size() < kBatch && i < records; ++i) {
      const bool rare_one = (i + 1) % std::max<std::int64_t>(records / kRareReads, 1) == 0;
      batch.push_back(key_read(rare_one ? rare : person(anyone(random)), i));
    }
    if (auto r = log.append_batch(batch); !r.ok()) return fail(label, "append_batch", r.error());
    if ((i / kBatch) % 128 == 0) {
      fmt::print("{}: {} records …\n", label, i);
      std::fflush(stdout);
    }
  }
  const double build_s = seconds_since(build);
  fmt::print("{}: built a log of {} key reads (each indexed) in {:.1f} s: {:.0f} records/s\n",
             label, records, build_s, static_cast<double>(records) / build_s);

  // 2. 谁用了我的数据.
  std::vector<double> random_ms, rare_ms;
  std::size_t found = 0;
  for (int q = 0; q < 500; ++q) {
    const auto t = Clock::now();
    auto page = log.reads_of("id_number", person(anyone(random)), std::nullopt, 50);
    random_ms.push_back(seconds_since(t) * 1e3);
    if (!page.ok()) return fail(label, "reads_of", page.error());
    found += page->items.size();
  }
  std::size_t rare_found = 0;
  for (int q = 0; q < 200; ++q) {
    const auto t = Clock::now();
    auto page = log.reads_of("id_number", rare, std::nullopt, 50);
    rare_ms.push_back(seconds_since(t) * 1e3);
    if (!page.ok()) return fail(label, "reads_of", page.error());
    rare_found = page->items.size();
  }
  fmt::print(
      "{}: data-access by the subject index at {} records: random people median {:.3f} ms, "
      "p99 {:.3f} ms ({:.1f} reads each); the rarely-read citizen ({} reads) median {:.3f} ms, "
      "p99 {:.3f} ms\n",
      label, records, median(random_ms), p99(random_ms), static_cast<double>(found) / 500.0,
      rare_found, median(rare_ms), p99(rare_ms));
  std::vector<double> old_ms;
  audit::RecordFilter filter;
  filter.action = "exchange.record.read";
  filter.object_type = "record";
  filter.outcome = "success";
  filter.object_ids = {fmt::format("{}/{}", kCode, rare)};
  for (int q = 0; q < 3; ++q) {
    const auto t = Clock::now();
    auto page = log.list(filter, std::nullopt, 50);
    old_ms.push_back(seconds_since(t) * 1e3);
    if (!page.ok()) return fail(label, "list", page.error());
  }
  fmt::print(
      "{}: data-access by the object index (before) for the rarely-read citizen: median "
      "{:.1f} ms; ratio before/after {:.0f}x\n",
      label, median(old_ms), median(old_ms) / std::max(median(rare_ms), 1e-6));

  // 3. An export's entry.
  const auto add_start = Clock::now();
  audit::AuditEntry with = key_read(person(0), records);
  with.action = "exchange.records.export";
  with.object_id = std::string(kCode);
  with.subjects = audit::ReadSubjects(std::string(kCode), "id_number");
  for (std::int64_t i = 0; i < export_subjects; ++i)
    with.subjects.add(person(i));
  const double add_s = seconds_since(add_start);
  audit::AuditEntry without = with;
  without.subjects = {};
  std::vector<double> hash_s, with_s, without_s;
  for (int attempt = 0; attempt < 3; ++attempt) {
    auto t = Clock::now();
    auto tags = log.subject_index().tags(with.subjects);
    hash_s.push_back(seconds_since(t));
    if (!tags.ok()) return fail(label, "tags", tags.error());
    t = Clock::now();
    if (auto r = log.append_batch(std::span(&with, 1)); !r.ok()) {
      return fail(label, "append_batch (with)", r.error());
    }
    with_s.push_back(seconds_since(t));
    t = Clock::now();
    if (auto r = log.append_batch(std::span(&without, 1)); !r.ok()) {
      return fail(label, "append_batch (without)", r.error());
    }
    without_s.push_back(seconds_since(t));
  }
  fmt::print(
      "{}: flush of an export's entry of {} subjects: with the index median {:.2f} s (of which "
      "HMAC-SM3 tags {:.2f} s), without {:.4f} s: +{:.2f} s, {:.2f} µs a row; the export's own "
      "ReadSubjects::add of them {:.3f} s\n",
      label, export_subjects, median(with_s), median(hash_s), median(without_s),
      median(with_s) - median(without_s),
      (median(with_s) - median(without_s)) * 1e6 / static_cast<double>(export_subjects), add_s);
  return 0;
}

bool parse(const char* text, std::int64_t& out) {
  const std::string_view arg = text;
  auto [end, ec] = std::from_chars(arg.data(), arg.data() + arg.size(), out);
  return ec == std::errc() && end == arg.data() + arg.size() && out > 0;
}

}  // namespace

int main(int argc, char** argv) {
  std::int64_t records = 10'000'000, export_subjects = 1'000'000;
  if ((argc > 1 && !parse(argv[1], records)) || (argc > 2 && !parse(argv[2], export_subjects))) {
    std::fprintf(stderr, "usage: subject_bench [log_records] [export_subjects]\n");
    return 2;
  }
  const auto dir = std::filesystem::temp_directory_path() /
                   fmt::format("zt-subject-bench-{}",
                               std::chrono::system_clock::now().time_since_epoch().count());
  std::filesystem::create_directories(dir);
  int rc = run("sqlite", "sqlite:" + (dir / "audit.db").string(), records, export_subjects);
  std::error_code ec;
  fmt::print("sqlite: file size {:.0f} MB\n",
             static_cast<double>(std::filesystem::file_size(dir / "audit.db", ec)) / 1e6);
  std::filesystem::remove_all(dir, ec);
  if (const char* pg = std::getenv("ZT_BENCH_PG_URL"); pg != nullptr && *pg != '\0') {
    rc |= run("postgresql", pg, records, export_subjects);
  }
  return rc;
}
