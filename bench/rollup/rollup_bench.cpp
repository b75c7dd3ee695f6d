// The rollups of issue 16.3 and 16.6, before and after in one run: the figures each route read by
// aggregating per request, against the counts kept as data arrives. On a fresh SQLite file (and
// PostgreSQL when ZT_BENCH_PG_URL names a fresh database):
//
//  1. Exchange figures (GET /api/v1/exchange/stats): an audit log of N records (default
//     1 000 000; reads of 20 resources by 40 departments over the last 30 Beijing days, with
//     deliveries and other actions) built through append_batch in the writer's batches of 8 192;
//     then the window's counts for days = 7 and 30 as the route read them before (the GROUP BY
//     over audit_records) and now (AuditLog::daily_counts); and what the counts add to a batch's
//     flush (daily_store::add of one batch, in a transaction rolled back).
//  2. Quality figures (GET /api/v1/resources/{code}/quality): M records (default 200 000) of a
//     10-field resource loaded through apply_chunk in chunks of 5 000, then loaded again with half
//     of them changed and a tenth deleted (rows/s of both); then the per-field counts as before
//     (a scan of the table) and now (filled_counts).
//  3. Registry figures (GET /api/v1/registry/figures/person): M golden records written through
//     put_record in transactions of 20 000 (as the fresh build does), then all written again with
//     a tenth moved to another county (rows/s), against the previous version's single upsert of
//     the same rows (under another registry name); then the figures and the record count as before
//     (GROUP BY / COUNT over registry_record) and now (store::figures, store::count_records).
// Each read is timed 7 times; the medians are printed, and each pair is checked to agree.
//
//   build/bench/bench/rollup_bench [audit_records] [records]   (ZT_BENCH_KEEP=1 keeps the SQLite
//   file, for EXPLAIN QUERY PLAN)
#include <fmt/format.h>

#include <algorithm>
#include <boost/json.hpp>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <functional>
#include <map>
#include <optional>
#include <random>
#include <string>
#include <vector>

#include "audit/daily_counts.h"
#include "audit/service.h"
#include "audit/store.h"
#include "catalog/model.h"
#include "core/crypto_openssl.h"
#include "core/time.h"
#include "db/database.h"
#include "db/migration.h"
#include "db/transaction.h"
#include "exchange/records/store.h"
#include "registry/registry_store.h"

namespace {

using Clock = std::chrono::steady_clock;
using namespace zt;

double seconds_since(Clock::time_point start) {
  return std::chrono::duration<double>(Clock::now() - start).count();
}

double median(std::vector<double> v) {
  std::sort(v.begin(), v.end());
  return v.empty() ? 0 : v[v.size() / 2];
}

int fail(const std::string& label, const std::string& what, const Error& e) {
  fmt::print(stderr, "{}: {}: {} ({})\n", label, what, e.detail, e.code);
  return 1;
}

// Median milliseconds of 7 calls of `f`, which returns a text of its answer; `answer` gets it.
template <typename F>
Result<double> time_ms(F f, std::string& answer) {
  std::vector<double> ms;
  for (int i = 0; i < 7; ++i) {
    const auto t = Clock::now();
    ZT_ASSIGN_OR_RETURN(answer, f());
    ms.push_back(seconds_since(t) * 1e3);
  }
  return median(ms);
}

void row(const std::string& label, const std::string& what, double before, double after) {
  fmt::print("{}: {:<44} before {:>9.2f} ms   after {:>7.3f} ms   ×{:.0f}\n", label, what, before,
             after, after > 0 ? before / after : 0);
  std::fflush(stdout);
}

const std::vector<std::string> kActions(audit::kDailyCountedActions.begin(),
                                        audit::kDailyCountedActions.end());

// The exchange figures' window, as AuditLog::daily_counts computed it before migration 120.
Result<std::string> daily_counts_before(db::Connection& conn, core::TimePoint from) {
  const bool pg = conn.backend() == db::Backend::kPostgres;
  const std::string_view day =
      pg ? "to_char((r.time AT TIME ZONE 'UTC') + interval '8 hours', 'YYYY-MM-DD')"
         : "date(r.time, '+8 hours')";
  const std::string_view key =
      pg ? "split_part(r.object_id, '/', 1)"
         : "CASE WHEN instr(r.object_id, '/') > 0 THEN substr(r.object_id, 1, "
           "instr(r.object_id, '/') - 1) ELSE r.object_id END";
  const std::string sql = fmt::format(
      "SELECT {0}, r.action, {1}, r.outcome, count(*) FROM audit_records r WHERE r.time >= ? AND "
      "r.action IN (?, ?, ?, ?, ?) GROUP BY 1, 2, 3, 4 ORDER BY 1, 2, 3, 4",
      day, key);
  // "2026-11-23T00:00:00.000Z", as the stored times are on SQLite (PostgreSQL reads it too).
  const auto ms = std::chrono::floor<std::chrono::milliseconds>(from);
  const auto d = std::chrono::floor<std::chrono::days>(ms);
  const std::chrono::year_month_day ymd{d};
  const std::chrono::hh_mm_ss hms{ms - d};
  const std::string utc = fmt::format(
      "{:04}-{:02}-{:02}T{:02}:{:02}:{:02}.000Z", int(ymd.year()), unsigned(ymd.month()),
      unsigned(ymd.day()), hms.hours().count(), hms.minutes().count(), hms.seconds().count());
  ZT_ASSIGN_OR_RETURN(auto rows, conn.query(sql, utc, kActions[0], kActions[1], kActions[2],
                                            kActions[3], kActions[4]));
  std::string out;
  for (const db::Row r : rows) {
    out += fmt::format("{} {} {} {} {}\n", r.get<std::string>(0), r.get<std::string>(1),
                       r.get<std::string>(2), r.get<std::string>(3), r.get<std::int64_t>(4));
  }
  return out;
}

int exchange_figures(const std::string& label, db::Database& db, std::int64_t records) {
  core::OpenSslCryptoProvider crypto;
  core::SystemClock clock;
  audit::AuditKeys keys;
  keys.chain_key = *crypto.random_bytes(audit::kChainKeySize);
  keys.subject_key = std::string(32, 'k');
  audit::AuditLog log(db, crypto, clock, keys);
  const core::TimePoint now = clock.now();
  std::mt19937_64 random(42);
  const std::array<std::string_view, 8> actions = {
      "exchange.record.read",    "exchange.record.read",
      "exchange.record.read",    "exchange.records.query",
      "exchange.changes.read",   "exchange.webhook.deliver",
      "exchange.records.export", "auth.login"};
  auto make = [&](std::int64_t i) {
    audit::AuditEntry e;
    e.actor_kind = "user";
    e.actor_id = 1000 + i % 500;
    e.actor_name = fmt::format("officer{}", i % 500);
    e.department_id = static_cast<std::int64_t>(random() % 40) + 1;
    e.source_address = "10.12.0.7";
    e.action = std::string(actions[random() % actions.size()]);
    e.object_type = "record";
    const std::string code = fmt::format("330300-D{:02}-{:04}", random() % 20, 1);
    e.object_id = e.action == "exchange.record.read"
                      ? fmt::format("{}/3303021980{:07}X", code, random() % 1'000'000)
                      : code;
    e.outcome = random() % 50 == 0 ? "failure" : "success";
    e.request_id = fmt::format("req-{}", i);
    e.purpose = "办件审核";
    e.time = now - std::chrono::milliseconds(random() % (30LL * 24 * 3600 * 1000));
    return e;
  };
  constexpr std::size_t kBatch = 8192;
  std::vector<audit::AuditEntry> batch;
  const auto build = Clock::now();
  for (std::int64_t i = 0; i < records;) {
    batch.clear();
    for (; batch.size() < kBatch && i < records; ++i)
      batch.push_back(make(i));
    if (auto r = log.append_batch(batch); !r.ok()) return fail(label, "append_batch", r.error());
  }
  const double build_s = seconds_since(build);
  fmt::print("{}: audit log of {} records through append_batch: {:.1f} s, {:.0f} records/s\n",
             label, records, build_s, static_cast<double>(records) / build_s);
  // What the counts add to one flush of kBatch records.
  std::vector<double> add_ms;
  for (int i = 0; i < 7; ++i) {
    std::vector<audit::AuditRecord> made;
    for (std::size_t j = 0; j < kBatch; ++j) {
      audit::AuditRecord r;
      r.entry = make(static_cast<std::int64_t>(j));
      r.time = now;  // a flush holds the reads of the last moments: one day
      r.entry.time = now;
      made.push_back(std::move(r));
    }
    auto conn = db.acquire(db::Access::kWrite);
    if (!conn.ok()) return fail(label, "acquire", conn.error());
    auto tx = db::Transaction::begin(*conn);
    if (!tx.ok()) return fail(label, "begin", tx.error());
    const auto t = Clock::now();
    if (auto s = audit::daily_store::add(*conn, made); !s.ok())
      return fail(label, "add", s.error());
    add_ms.push_back(seconds_since(t) * 1e3);
  }  // rolled back
  fmt::print(
      "{}: the daily counts' share of a {}-record flush (one day's reads): {:.2f} ms of "
      "{:.1f} ms\n",
      label, kBatch, median(add_ms),
      build_s * 1e3 / std::max<double>(1.0, static_cast<double>(records) / kBatch));

  for (const int days : {7, 30}) {
    const auto first = std::chrono::year_month_day(std::chrono::sys_days(core::china_date(now)) -
                                                   std::chrono::days(days - 1));
    const core::TimePoint from =
        core::TimePoint(std::chrono::sys_days(first)) - std::chrono::hours(8);
    std::string old_answer, new_answer;
    auto before = time_ms(
        [&]() -> Result<std::string> {
          ZT_ASSIGN_OR_RETURN(auto conn, db.acquire(db::Access::kRead));
          return daily_counts_before(conn, from);
        },
        old_answer);
    if (!before.ok()) return fail(label, "before", before.error());
    auto after = time_ms(
        [&]() -> Result<std::string> {
          ZT_ASSIGN_OR_RETURN(auto counts, log.daily_counts(kActions, first));
          std::string out;
          for (const audit::DailyActionCount& c : counts)
            out +=
                fmt::format("{} {} {} {} {}\n", c.day, c.action, c.object_key, c.outcome, c.count);
          return out;
        },
        new_answer);
    if (!after.ok()) return fail(label, "after", after.error());
    if (old_answer != new_answer) {
      fmt::print(stderr, "{}: days={}: the counts differ from the log's\n", label, days);
      return 1;
    }
    row(label, fmt::format("exchange stats counts, days={}", days), *before, *after);
  }
  return 0;
}

catalog::Resource quality_resource() {
  using catalog::FieldType;
  auto field = [](std::string name, FieldType type) {
    catalog::Field f;
    f.name = std::move(name);
    f.label = "信息项";
    f.type = type;
    return f;
  };
  catalog::Resource r;
  r.id = 1;
  r.code = "330300-GA-0001";
  r.status = catalog::ResourceStatus::kPublished;
  catalog::Field key = field("id_number", FieldType::kIdNumber);
  key.key = true;
  r.fields = {key,
              field("name", FieldType::kString),
              field("gender", FieldType::kString),
              field("birth_date", FieldType::kDate),
              field("address", FieldType::kString),
              field("division_code", FieldType::kDivisionCode),
              field("phone", FieldType::kString),
              field("household_size", FieldType::kInteger),
              field("employer", FieldType::kString),
              field("note", FieldType::kString)};
  (void)catalog::normalise_fields(r.fields);
  return r;
}

int quality_figures(const std::string& label, db::Database& db, std::int64_t records) {
  const catalog::Resource r = quality_resource();
  {
    auto conn = db.acquire(db::Access::kWrite);
    if (!conn.ok()) return fail(label, "acquire", conn.error());
    auto tx = db::Transaction::begin(*conn);
    if (auto s = exchange::records::apply_schema(*conn, nullptr, r); !s.ok())
      return fail(label, "apply_schema", s.error());
    if (auto s = tx->commit(); !s.ok()) return fail(label, "commit", s.error());
  }
  std::mt19937_64 random(7);
  auto text = [](std::string s) {
    return exchange::TypedValue{exchange::TypedValue::Kind::kText, 0, std::move(s)};
  };
  auto make = [&](std::int64_t i, int pass) {
    exchange::TypedRow row;
    row.line = static_cast<std::uint64_t>(i + 1);
    const bool changed = pass > 0 && random() % 2 == 0;
    row.values = {text(fmt::format("3303021980{:07}X", i)),
                  text(fmt::format("居民{}", i)),
                  text(i % 2 ? "男" : "女"),
                  text("1980-01-01"),
                  text(fmt::format("鹿城区五马街道{}号", i % 1000)),
                  text("330302001"),
                  random() % 3 == 0 ? exchange::TypedValue{} : text("13812345678"),
                  exchange::TypedValue{exchange::TypedValue::Kind::kInt, 1 + i % 8, ""},
                  changed ? exchange::TypedValue{} : text("温州市某单位"),
                  random() % 5 == 0 ? text("备注") : exchange::TypedValue{}};
    if (pass > 0 && random() % 10 == 0) {  // a delete names its key; the other fields are null
      for (std::size_t f = 1; f < row.values.size(); ++f)
        row.values[f] = exchange::TypedValue{};
      row.is_delete = true;
    }
    return row;
  };
  constexpr std::int64_t kChunk = 5000;
  for (int pass = 0; pass < 2; ++pass) {
    const auto t = Clock::now();
    exchange::records::ChunkHint hint;
    for (std::int64_t start = 0; start < records; start += kChunk) {
      std::vector<exchange::TypedRow> rows;
      for (std::int64_t i = start; i < std::min(records, start + kChunk); ++i)
        rows.push_back(make(i, pass));
      auto conn = db.acquire(db::Access::kWrite);
      if (!conn.ok()) return fail(label, "acquire", conn.error());
      auto tx = db::Transaction::begin(*conn);
      auto out = exchange::records::apply_chunk(*conn, *tx, r, rows, 10 + pass, 10 + pass,
                                                1'800'000'000'000 + pass * 1000 + start, &hint);
      if (!out.ok()) return fail(label, "apply_chunk", out.error());
      if (auto s = tx->commit(); !s.ok()) return fail(label, "commit", s.error());
    }
    const double s = seconds_since(t);
    fmt::print("{}: records {} through apply_chunk: {:.1f} s, {:.0f} rows/s\n", label,
               pass == 0 ? "loaded" : "loaded again (half changed, a tenth deleted)", s,
               static_cast<double>(records) / s);
  }
  std::string old_answer, new_answer;
  auto before = time_ms(
      [&]() -> Result<std::string> {
        ZT_ASSIGN_OR_RETURN(auto conn, db.acquire(db::Access::kRead));
        std::string sql = "SELECT count(*)";
        for (const catalog::Field& f : r.fields)
          sql += ", count(f_" + f.name + ")";
        ZT_ASSIGN_OR_RETURN(auto rows, conn.query(sql + " FROM rec_1"));
        std::string out;
        for (std::size_t i = 0; i <= r.fields.size(); ++i)
          out += std::to_string(rows[0].get<std::int64_t>(i)) + " ";
        return out;
      },
      old_answer);
  if (!before.ok()) return fail(label, "before", before.error());
  auto after = time_ms(
      [&]() -> Result<std::string> {
        ZT_ASSIGN_OR_RETURN(auto conn, db.acquire(db::Access::kRead));
        ZT_ASSIGN_OR_RETURN(auto counts, exchange::records::filled_counts(conn, r));
        std::string out;
        for (std::int64_t n : counts)
          out += std::to_string(n) + " ";
        return out;
      },
      new_answer);
  if (!after.ok()) return fail(label, "after", after.error());
  if (old_answer != new_answer) {
    fmt::print(stderr, "{}: field counts {} differ from the table's {}\n", label, new_answer,
               old_answer);
    return 1;
  }
  row(label, fmt::format("quality field counts, {} records", records), *before, *after);
  return 0;
}

// The previous version's write of a golden record (one upsert, no counts), for the same rows
// under registry "baseline": what put_record's counts cost a write.
int registry_baseline(const std::string& label, db::Database& db, std::int64_t records) {
  std::mt19937_64 random(11);
  constexpr std::int64_t kTx = 20000;
  for (int pass = 0; pass < 2; ++pass) {
    const auto t = Clock::now();
    for (std::int64_t start = 0; start < records; start += kTx) {
      auto conn = db.acquire(db::Access::kWrite);
      if (!conn.ok()) return fail(label, "acquire", conn.error());
      auto tx = db::Transaction::begin(*conn);
      for (std::int64_t i = start; i < std::min(records, start + kTx); ++i) {
        const int county = static_cast<int>(i % 11) + (pass > 0 && random() % 10 == 0 ? 1 : 0);
        auto n = conn->exec(
            "INSERT INTO registry_record (registry, rkey, name, county_code, birth_year, gender, "
            "alive, category, status, vals, updated_at, deleted, pending) VALUES (?, ?, ?, ?, ?, "
            "?, ?, ?, ?, ?, ?, 0, 1) ON CONFLICT (registry, rkey) DO UPDATE SET deleted = 0, "
            "pending = 1,  name = excluded.name, county_code = excluded.county_code, birth_year = "
            "excluded.birth_year, gender = excluded.gender, alive = excluded.alive, category = "
            "excluded.category, status = excluded.status, vals = excluded.vals, updated_at = CASE "
            "WHEN excluded.updated_at > registry_record.updated_at THEN excluded.updated_at ELSE "
            "registry_record.updated_at + 1 END",
            "baseline", fmt::format("3303021980{:07}X", i), fmt::format("居民{}", i),
            fmt::format("3303{:02}", 2 + county), fmt::format("{}", 1930 + i % 90),
            std::string_view(i % 2 ? "男" : "女"), std::int64_t{i % 50 != 0},
            std::optional<std::string>(), std::optional<std::string>(),
            std::string_view(R"({"name":"…"})"), std::int64_t{1'800'000'000'000 + pass});
        if (!n.ok()) return fail(label, "baseline upsert", n.error());
      }
      if (auto s = tx->commit(); !s.ok()) return fail(label, "commit", s.error());
    }
    const double s = seconds_since(t);
    fmt::print("{}: golden records {} by the previous version's upsert: {:.1f} s, {:.0f} rows/s\n",
               label, pass == 0 ? "written" : "written again (a tenth moved)", s,
               static_cast<double>(records) / s);
  }
  return 0;
}

int registry_figures(const std::string& label, db::Database& db, std::int64_t records) {
  namespace json = boost::json;
  std::mt19937_64 random(11);
  constexpr std::int64_t kTx = 20000;
  for (int pass = 0; pass < 2; ++pass) {
    const auto t = Clock::now();
    for (std::int64_t start = 0; start < records; start += kTx) {
      auto conn = db.acquire(db::Access::kWrite);
      if (!conn.ok()) return fail(label, "acquire", conn.error());
      auto tx = db::Transaction::begin(*conn);
      registry::store::FigureDeltas figures;
      for (std::int64_t i = start; i < std::min(records, start + kTx); ++i) {
        registry::Merged m;
        const int county = static_cast<int>(i % 11) + (pass > 0 && random() % 10 == 0 ? 1 : 0);
        m.values["name"] = json::value(fmt::format("居民{}", i));
        m.values["division_code"] = json::value(fmt::format("3303{:02}001", 2 + county));
        m.values["birth_date"] = json::value(fmt::format("{}-01-01", 1930 + i % 90));
        m.values["gender"] = json::value(i % 2 ? "男" : "女");
        m.values["alive"] = json::value(i % 50 != 0);
        if (auto s = registry::store::put_record(*conn, registry::RegistryKind::kPerson,
                                                 fmt::format("3303021980{:07}X", i), m,
                                                 1'800'000'000'000 + pass, figures);
            !s.ok()) {
          return fail(label, "put_record", s.error());
        }
      }
      if (auto s = registry::store::write_figures(*conn, registry::RegistryKind::kPerson, figures);
          !s.ok()) {
        return fail(label, "write_figures", s.error());
      }
      if (auto s = tx->commit(); !s.ok()) return fail(label, "commit", s.error());
    }
    const double s = seconds_since(t);
    fmt::print("{}: golden records {} through put_record: {:.1f} s, {:.0f} rows/s\n", label,
               pass == 0 ? "written" : "written again (a tenth moved)", s,
               static_cast<double>(records) / s);
  }
  std::string old_answer, new_answer;
  auto before = time_ms(
      [&]() -> Result<std::string> {
        ZT_ASSIGN_OR_RETURN(auto conn, db.acquire(db::Access::kRead));
        ZT_ASSIGN_OR_RETURN(auto total,
                            conn.query("SELECT COUNT(*) FROM registry_record WHERE registry = "
                                       "'person' AND deleted = 0"));
        ZT_ASSIGN_OR_RETURN(
            auto rows,
            conn.query("SELECT county_code, COALESCE(birth_year, '') || '|' || COALESCE(gender, "
                       "''), COUNT(*) FROM registry_record WHERE registry = 'person' AND alive = "
                       "1 AND deleted = 0 GROUP BY county_code, birth_year, gender ORDER BY 1, 2"));
        std::string out = std::to_string(total[0].get<std::int64_t>(0)) + "\n";
        for (const db::Row r : rows) {
          out += fmt::format("{} {} {}\n", r.get<std::string>(0), r.get<std::string>(1),
                             r.get<std::int64_t>(2));
        }
        return out;
      },
      old_answer);
  if (!before.ok()) return fail(label, "before", before.error());
  auto after = time_ms(
      [&]() -> Result<std::string> {
        ZT_ASSIGN_OR_RETURN(auto conn, db.acquire(db::Access::kRead));
        ZT_ASSIGN_OR_RETURN(auto total,
                            registry::store::count_records(conn, registry::RegistryKind::kPerson));
        ZT_ASSIGN_OR_RETURN(auto rows,
                            registry::store::figures(conn, registry::RegistryKind::kPerson, ""));
        std::string out = std::to_string(total) + "\n";
        for (const registry::store::FigureRow& r : rows)
          out += fmt::format("{} {} {}\n", r.county_code, r.group, r.count);
        return out;
      },
      new_answer);
  if (!after.ok()) return fail(label, "after", after.error());
  if (old_answer != new_answer) {
    fmt::print(stderr, "{}: the registry figures differ from the records'\n", label);
    return 1;
  }
  row(label, fmt::format("registry figures, {} records", records), *before, *after);
  return 0;
}

int run(const std::string& label, const std::string& url, std::int64_t audit_records,
        std::int64_t records) {
  auto db = db::Database::open(url, {.pool_size = 4});
  if (!db.ok()) return fail(label, "open", db.error());
  auto migrations = db::foundation_migrations();
  for (auto list : {audit::migrations(), exchange::migrations(), registry::registry_migrations()}) {
    for (auto& m : list)
      migrations.push_back(std::move(m));
  }
  if (auto m = db::migrate(**db, migrations); !m.ok()) return fail(label, "migrate", m.error());
  if (int rc = exchange_figures(label, **db, audit_records); rc != 0) return rc;
  if (int rc = quality_figures(label, **db, records); rc != 0) return rc;
  if (int rc = registry_baseline(label, **db, records); rc != 0) return rc;
  return registry_figures(label, **db, records);
}

}  // namespace

int main(int argc, char** argv) {
  const std::int64_t audit_records = argc > 1 ? std::atoll(argv[1]) : 1'000'000;
  const std::int64_t records = argc > 2 ? std::atoll(argv[2]) : 200'000;
  const auto dir = std::filesystem::temp_directory_path() / "zt-rollup-bench";
  std::filesystem::remove_all(dir);
  std::filesystem::create_directories(dir);
  int rc = run("sqlite", "sqlite:" + (dir / "bench.db").string(), audit_records, records);
  if (rc == 0) {
    if (const char* pg = std::getenv("ZT_BENCH_PG_URL"); pg != nullptr && *pg != '\0') {
      rc = run("postgresql", pg, audit_records, records);
    }
  }
  if (std::getenv("ZT_BENCH_KEEP") == nullptr) {
    std::filesystem::remove_all(dir);
  } else {
    fmt::print("kept {}\n", (dir / "bench.db").string());
  }
  return rc;
}
