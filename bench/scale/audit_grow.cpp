// audit_grow: grows the audit log of a seeded demo city to a target size for the scale sweep
// (bench/scale/run.sh), through the audit module's own AuditLog::append_batch — the path of the
// group-commit writer — so the keyed chain, the per-subject index and the daily counts stay
// what the server would have written (`zhengtong audit verify` passes afterwards).
//
// Realism: the records are copies of real ones. run.sh first makes real requests through the
// server (key reads of every resource by every department officer with a grant, filtered
// queries, sign-ins, a failed sign-in, a denied read); this tool reads those records back from
// the log as templates and appends copies of them with another real key of the same resource
// (its subject indexed as the server indexes it), another request id, a purpose and, for some,
// a case id, at times spread evenly over the `--days` days after now, oldest first (appends
// are in time order; the real records are from now). Mix: 1.2 %
// successful sign-ins, 0.3 % failed, 0.1 % refused, 0.2 % denied reads, 4 % filtered queries,
// the rest key reads. A few subjects of the plan (the demo citizens and an enterprise) are read
// as often as the plan says, spread over the log, so 谁用了我的数据 is timed for a citizen with
// many reads and one with few.
//
//   audit_grow --config FILE --plan PLAN.json --records N [--days 60] [--seed 1]
//
// PLAN.json (written by run.sh): {"subject_types": {code: "id_number"|"uscc"}, "keys": {code:
// [key, …]}, "subjects": [{"key", "resources": [code, …], "reads"}]}. Prints progress and the
// rate on stdout, then folds the object index (as the server's worker would have while the log
// grew) and prints how long that took; exit 1 with the error on stderr. Not a test.
#include <fmt/format.h>
#include <CLI/CLI.hpp>
#include <boost/json.hpp>

#include <algorithm>
#include <chrono>
#include <cstdint>
#include <cstdlib>
#include <fstream>
#include <functional>
#include <iostream>
#include <limits>
#include <map>
#include <random>
#include <sstream>
#include <string>
#include <vector>

#include "app/config.h"
#include "app/platform.h"
#include "audit/model.h"
#include "audit/object_index.h"
#include "audit/service.h"
#include "core/time.h"

namespace {

using namespace zt;
namespace json = boost::json;
using Clock = std::chrono::steady_clock;

constexpr std::size_t kBatch = 8192;  // the group-commit writer's batch

// Why departments read (X-Purpose), as the demo's officers would type it.
constexpr std::string_view kPurposes[] = {
    "办件审核", "户籍核验",     "社保资格认定", "婚姻状况核实",   "企业登记核查",
    "税务稽查", "低保资格复核", "不动产登记",   "公积金提取审核", "12345诉求办理"};

struct Plan {
  std::map<std::string, std::string> subject_types;  // resource code → id_number / uscc
  std::map<std::string, std::vector<std::string>> keys;
  struct Subject {
    std::string key;
    std::vector<std::string> resources;
    std::int64_t reads = 0;
  };
  std::vector<Subject> subjects;
};

// The real records the copies are made from, by kind.
struct Templates {
  std::vector<audit::AuditEntry> reads;   // exchange.record.read, success
  std::vector<audit::AuditEntry> denied;  // exchange.record.read, denied
  struct Query {
    audit::AuditEntry entry;
    std::vector<std::string> keys;  // the subjects its detail names
  };
  std::vector<Query> queries;              // exchange.records.query, success
  std::vector<audit::AuditEntry> logins;   // auth.login, success
  std::vector<audit::AuditEntry> failed;   // auth.login, failure
  std::vector<audit::AuditEntry> refused;  // auth.login, denied
};

int fail(std::string_view what, const Error& e) {
  std::cerr << fmt::format("audit_grow: {}: {} ({})\n", what, e.detail, e.code);
  return 1;
}

Result<Plan> read_plan(const std::string& path) {
  std::ifstream in(path);
  std::stringstream text;
  text << in.rdbuf();
  boost::system::error_code ec;
  json::value v = json::parse(text.str(), ec);
  if (ec || !v.is_object()) {
    return Error::invalid("invalid_plan", fmt::format("{}: not a JSON object", path));
  }
  Plan plan;
  const json::object& o = v.as_object();
  if (const auto* types = o.if_contains("subject_types"); types && types->is_object()) {
    for (const auto& [code, type] : types->as_object()) {
      if (type.is_string()) plan.subject_types[std::string(code)] = std::string(type.as_string());
    }
  }
  if (const auto* keys = o.if_contains("keys"); keys && keys->is_object()) {
    for (const auto& [code, list] : keys->as_object()) {
      if (!list.is_array()) continue;
      auto& out = plan.keys[std::string(code)];
      for (const auto& k : list.as_array())
        if (k.is_string()) out.emplace_back(k.as_string());
    }
  }
  if (const auto* subjects = o.if_contains("subjects"); subjects && subjects->is_array()) {
    for (const auto& s : subjects->as_array()) {
      if (!s.is_object() || !s.as_object().contains("key")) continue;
      Plan::Subject subject;
      subject.key = std::string(s.at("key").as_string());
      for (const auto& r : s.at("resources").as_array())
        subject.resources.emplace_back(r.as_string());
      subject.reads = s.at("reads").to_number<std::int64_t>();
      if (!subject.resources.empty() && subject.reads > 0) {
        plan.subjects.push_back(std::move(subject));
      }
    }
  }
  return plan;
}

std::string code_of(const audit::AuditEntry& e) {
  return e.object_id.substr(0, e.object_id.find('/'));
}

Result<Templates> read_templates(const audit::AuditLog& log, const Plan& plan) {
  Templates t;
  auto collect = [&](std::string action, std::string outcome,
                     const std::function<void(const audit::AuditRecord&)>& keep) -> Status {
    audit::RecordFilter filter;
    filter.action = std::move(action);
    filter.outcome = std::move(outcome);
    auto scanned = log.scan(filter, 0, 5000, [&](const audit::AuditRecord& r) {
      keep(r);
      return true;
    });
    if (!scanned.ok()) return std::move(scanned).error();
    return {};
  };
  ZT_TRY(collect("exchange.record.read", "success", [&](const audit::AuditRecord& r) {
    if (plan.keys.contains(code_of(r.entry)) && r.entry.actor_kind == "user") {
      t.reads.push_back(r.entry);
    }
  }));
  ZT_TRY(collect("exchange.record.read", "denied",
                 [&](const audit::AuditRecord& r) { t.denied.push_back(r.entry); }));
  ZT_TRY(collect("exchange.records.query", "success", [&](const audit::AuditRecord& r) {
    if (r.entry.actor_kind != "user") return;
    Templates::Query q{r.entry, {}};
    boost::system::error_code ec;
    json::value detail = json::parse(r.entry.detail, ec);
    if (!ec && detail.is_object()) {
      if (const auto* keys = detail.as_object().if_contains("keys"); keys && keys->is_array()) {
        for (const auto& k : keys->as_array())
          if (k.is_string()) q.keys.emplace_back(k.as_string());
      }
    }
    t.queries.push_back(std::move(q));
  }));
  ZT_TRY(collect("auth.login", "success",
                 [&](const audit::AuditRecord& r) { t.logins.push_back(r.entry); }));
  ZT_TRY(collect("auth.login", "failure",
                 [&](const audit::AuditRecord& r) { t.failed.push_back(r.entry); }));
  ZT_TRY(collect("auth.login", "denied",
                 [&](const audit::AuditRecord& r) { t.refused.push_back(r.entry); }));
  if (t.refused.empty() && !t.failed.empty()) {
    // No sign-in was refused for too many failures from one address (the real requests avoid
    // it: it would lock run.sh out for an hour): such records as AuthService writes them.
    audit::AuditEntry e = t.failed.front();
    e.actor_id.reset();
    e.department_id.reset();
    e.actor_kind = "anonymous";
    e.object_id = "";
    e.outcome = "denied";
    e.detail = R"({"reason":"address_limit"})";
    t.refused.push_back(std::move(e));
  }
  if (t.reads.empty()) {
    return Error::invalid("no_templates",
                          "no key read of a planned resource in the log: make real reads first");
  }
  return t;
}

// Copies of real records, one at a time.
class Generator {
 public:
  Generator(const Plan& plan, const Templates& templates, std::int64_t records,
            core::TimePoint first, core::TimePoint last, std::uint64_t seed)
      : plan_(plan),
        t_(templates),
        records_(records),
        first_(first),
        step_((last - first) / std::max<std::int64_t>(records, 1)),
        random_(seed) {
    for (std::size_t i = 0; i < t_.reads.size(); ++i)
      reads_by_code_[code_of(t_.reads[i])].push_back(i);
    for (const auto& s : plan_.subjects) {
      std::vector<std::size_t> readers;
      for (const auto& code : s.resources) {
        if (auto it = reads_by_code_.find(code); it != reads_by_code_.end()) {
          readers.insert(readers.end(), it->second.begin(), it->second.end());
        }
      }
      if (!readers.empty()) {
        subjects_.push_back(
            {&s, std::move(readers), std::max<std::int64_t>(records_ / s.reads, 1), 0});
      }
    }
  }

  audit::AuditEntry make(std::int64_t i) {
    audit::AuditEntry e = pick(i);
    e.time = first_ + step_ * i;
    e.request_id = fmt::format("{:016x}", mix(static_cast<std::uint64_t>(i)));
    return e;
  }

  // Reads of each planned subject appended so far.
  std::vector<std::pair<std::string, std::int64_t>> subject_reads() const {
    std::vector<std::pair<std::string, std::int64_t>> out;
    for (const auto& s : subjects_)
      out.emplace_back(s.subject->key, s.done);
    return out;
  }

 private:
  struct PlannedSubject {
    const Plan::Subject* subject;
    std::vector<std::size_t> readers;  // indexes into t_.reads of its resources
    std::int64_t every;                // one read of it every `every` records
    std::int64_t done;
  };

  static std::uint64_t mix(std::uint64_t x) {  // splitmix64: request ids that look random
    x += 0x9e3779b97f4a7c15ULL;
    x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ULL;
    x = (x ^ (x >> 27)) * 0x94d049bb133111ebULL;
    return x ^ (x >> 31);
  }

  std::size_t below(std::size_t n) {
    return std::uniform_int_distribution<std::size_t>(0, n - 1)(random_);
  }

  audit::AuditEntry pick(std::int64_t i) {
    for (auto& s : subjects_) {
      // Offset per subject so two are not read by the same record.
      if ((i + static_cast<std::int64_t>(&s - subjects_.data()) * 7) % s.every == 0 &&
          s.done < s.subject->reads) {
        ++s.done;
        return read(t_.reads[s.readers[below(s.readers.size())]], s.subject->key, i);
      }
    }
    const std::size_t u = below(1000);
    if (u < 12 && !t_.logins.empty()) return t_.logins[below(t_.logins.size())];
    if (u < 15 && !t_.failed.empty()) return t_.failed[below(t_.failed.size())];
    if (u < 16 && !t_.refused.empty()) return t_.refused[below(t_.refused.size())];
    if (u < 18 && !t_.denied.empty()) return t_.denied[below(t_.denied.size())];
    if (u < 58 && !t_.queries.empty()) {
      const Templates::Query& q = t_.queries[below(t_.queries.size())];
      audit::AuditEntry e = q.entry;
      const auto type = plan_.subject_types.find(e.object_id);
      if (type != plan_.subject_types.end()) {
        e.subjects = audit::ReadSubjects(e.object_id, type->second);
        for (const auto& k : q.keys)
          e.subjects.add(k);
      }
      purpose_and_case(e, i);
      return e;
    }
    const audit::AuditEntry& t = t_.reads[below(t_.reads.size())];
    const auto& keys = plan_.keys.at(code_of(t));
    return read(t, keys[below(keys.size())], i);
  }

  audit::AuditEntry read(const audit::AuditEntry& t, const std::string& key, std::int64_t i) {
    audit::AuditEntry e = t;
    const std::string code = code_of(t);
    e.object_id = code + "/" + key;
    if (const auto type = plan_.subject_types.find(code); type != plan_.subject_types.end()) {
      e.subjects = audit::ReadSubjects(code, type->second);
      e.subjects.add(key);
    }
    purpose_and_case(e, i);
    return e;
  }

  void purpose_and_case(audit::AuditEntry& e, std::int64_t i) {
    e.purpose = std::string(kPurposes[below(std::size(kPurposes))]);
    // Four reads in ten serve a case (办件编号), a few reads each.
    e.case_id = below(10) < 4 ? fmt::format("ZW330300{:010}", i / 3) : "";
  }

  const Plan& plan_;
  const Templates& t_;
  std::int64_t records_;
  core::TimePoint first_;
  core::TimePoint::duration step_;
  std::mt19937_64 random_;
  std::map<std::string, std::vector<std::size_t>> reads_by_code_;
  std::vector<PlannedSubject> subjects_;
};

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"Grows a seeded city's audit log with copies of its real records (bench/scale)"};
  std::string config_file, plan_file;
  std::int64_t records = 10'000'000;
  int days = 60;
  std::uint64_t seed = 1;
  app.add_option("-c,--config", config_file, "The server's TOML config")->required();
  app.add_option("--plan", plan_file, "The plan JSON run.sh wrote")->required();
  app.add_option("--records", records, "Records to append")->check(CLI::PositiveNumber);
  app.add_option("--days", days, "Spread over the last N days")->check(CLI::Range(1, 3650));
  app.add_option("--seed", seed, "Random seed");
  CLI11_PARSE(app, argc, argv);

  auto config = app::load_config(config_file, [](const char* name) { return std::getenv(name); });
  if (!config.ok()) return fail("config", config.error());
  core::SystemClock clock;
  auto platform = app::Platform::create(*config, clock);
  if (!platform.ok()) return fail("cannot start", platform.error());
  audit::AuditLog& log = (*platform)->audit().log();

  auto plan = read_plan(plan_file);
  if (!plan.ok()) return fail("plan", plan.error());
  auto templates = read_templates(log, *plan);
  if (!templates.ok()) return fail("templates", templates.error());
  fmt::print(
      "audit_grow: templates: {} key reads, {} denied reads, {} queries, {} sign-ins, {} failed, "
      "{} refused; {} resources with keys; {} planned subjects\n",
      templates->reads.size(), templates->denied.size(), templates->queries.size(),
      templates->logins.size(), templates->failed.size(), templates->refused.size(),
      plan->keys.size(), plan->subjects.size());

  // The log is appended in time order (a record older than those before it is a late record,
  // kept aside by the store), and the real records of run.sh are from now: the copies follow
  // them, spread over the `days` days from now on.
  const core::TimePoint now = clock.now();
  Generator generator(*plan, *templates, records, now + std::chrono::minutes(1),
                      now + std::chrono::hours(24) * days, seed);
  const auto start = Clock::now();
  auto last_report = start;
  std::vector<audit::AuditEntry> batch;
  batch.reserve(kBatch);
  for (std::int64_t i = 0; i < records;) {
    batch.clear();
    for (; batch.size() < kBatch && i < records; ++i)
      batch.push_back(generator.make(i));
    if (auto r = log.append_batch(batch); !r.ok()) return fail("append_batch", r.error());
    const auto t = Clock::now();
    if (t - last_report >= std::chrono::seconds(5) || i == records) {
      last_report = t;
      const double s = std::chrono::duration<double>(t - start).count();
      const double rate = static_cast<double>(i) / std::max(s, 1e-3);
      fmt::print(
          "audit_grow: {} / {} records ({:.0f} %), {:.0f} records/s, {:.0f} s, ETA {:.0f} s\n", i,
          records, 100.0 * static_cast<double>(i) / static_cast<double>(records), rate, s,
          static_cast<double>(records - i) / std::max(rate, 1.0));
      std::fflush(stdout);
    }
  }
  const double s = std::chrono::duration<double>(Clock::now() - start).count();
  for (const auto& [key, n] : generator.subject_reads())
    fmt::print("audit_grow: subject {}: {} reads appended\n", key, n);
  fmt::print("audit_grow: appended {} records in {:.1f} s: {:.0f} records/s\n", records, s,
             static_cast<double>(records) / std::max(s, 1e-3));
  // The server's worker audit-object-index folds the appended spans into runs as the log grows;
  // a bulk append of millions leaves it minutes of work, during which every write waits for its
  // steps and lookups by object probe the unfolded spans. Fold them here, as the worker would
  // have while the log grew, so the timing sees the steady state (and say how long it took).
  const auto fold_start = Clock::now();
  audit::ObjectIndexer indexer((*platform)->database(), clock, {});
  auto steps = indexer.run(std::numeric_limits<std::size_t>::max());
  if (!steps.ok()) return fail("object index", steps.error());
  fmt::print("audit_grow: object index folded in {} steps, {:.1f} s\n", *steps,
             std::chrono::duration<double>(Clock::now() - fold_start).count());
  return 0;
}
