#include "exchange/stats/service.h"

#include "exchange/corrections/store.h"
#include "exchange/records/store.h"
#include "exchange/sharing/store.h"
#include "identity/scope.h"
#include "identity/service.h"

#include <fmt/format.h>

#include <algorithm>
#include <array>
#include <map>

namespace zt::exchange {

using catalog::Resource;

namespace {

constexpr std::int64_t kDayMs = 24LL * 3600 * 1000;

const std::array<std::string, 5> kActions = {"exchange.record.read", "exchange.records.query",
                                             "exchange.records.export", "exchange.changes.read",
                                             "exchange.webhook.deliver"};

bool is_delivery(std::string_view action) {
  return action == "exchange.changes.read" || action == "exchange.webhook.deliver";
}

// The Beijing day `days - 1` days before the day of `now`.
std::chrono::year_month_day first_day(core::TimePoint now, int days) {
  return std::chrono::year_month_day(std::chrono::sys_days(core::china_date(now)) -
                                     std::chrono::days(days - 1));
}

}  // namespace

StatsService::StatsService(db::Database& db, catalog::CatalogService& catalog,
                           identity::IdentityService& identity, audit::AuditLog& audit,
                           const core::Clock& clock)
    : db_(db), catalog_(catalog), identity_(identity), audit_(audit), clock_(clock) {}

Result<ExchangeStats> StatsService::stats(const core::Principal& actor, int days) {
  if (days < 1 || days > kMaxStatsDays) {
    return Error::invalid("invalid_days", fmt::format("days is 1 to {}.", kMaxStatsDays));
  }
  const bool city = identity::has_city_scope(actor);
  const std::int64_t own = actor.department_id.value_or(0);
  const core::TimePoint now_time = clock_.now();
  const std::int64_t now = core::to_millis(now_time);

  ZT_ASSIGN_OR_RETURN(auto published, catalog_.published());
  std::vector<Resource> visible;
  for (Resource& r : published) {
    if (city || r.department_id == own) visible.push_back(std::move(r));
  }
  std::sort(visible.begin(), visible.end(),
            [](const Resource& a, const Resource& b) { return a.code < b.code; });
  ZT_ASSIGN_OR_RETURN(auto counts, audit_.daily_counts(kActions, first_day(now_time, days)));

  ExchangeStats out;
  out.days = days;
  std::map<std::int64_t, DepartmentFigures> departments;
  auto department = [&](std::int64_t id) -> DepartmentFigures& {
    DepartmentFigures& d = departments[id];
    d.department_id = id;
    return d;
  };
  if (!city && actor.department_id) department(own);

  std::map<std::string, std::size_t, std::less<>> by_code;
  std::map<std::int64_t, std::size_t> by_id;
  {
    ZT_ASSIGN_OR_RETURN(auto conn, db_.acquire(db::Access::kRead));
    ZT_ASSIGN_OR_RETURN(auto open, corrections::open_counts(conn));
    ZT_ASSIGN_OR_RETURN(auto grants, sharing::grant_tallies(conn, now, now + 30 * kDayMs));
    for (const Resource& r : visible) {
      ResourceFigures f;
      f.resource_code = r.code;
      f.resource_name = r.name;
      f.department_id = r.department_id;
      f.department_name = r.department_name;
      ZT_ASSIGN_OR_RETURN(StorageState state, records::state(conn, r.id));
      f.record_count = state.record_count;
      if (auto it = open.find(r.id); it != open.end()) f.open_corrections = it->second;
      DepartmentFigures& d = department(r.department_id);
      d.department_name = r.department_name;
      d.open_corrections += f.open_corrections;
      by_code[r.code] = out.resources.size();
      by_id[r.id] = out.resources.size();
      out.resources.push_back(std::move(f));
    }
    for (const sharing::GrantTally& g : grants) {
      if (auto it = by_id.find(g.resource_id); it != by_id.end()) {
        out.resources[it->second].grants_active += g.active;
        out.resources[it->second].grants_expiring_30d += g.expiring;
      }
      if (city || g.provider_department_id == own) {
        department(g.provider_department_id).grants_given += g.active;
      }
      if (city || g.consumer_department_id == own) {
        department(g.consumer_department_id).grants_held += g.active;
      }
    }
  }

  // Counts come ordered by day, so each resource's days are appended in order.
  for (const audit::DailyActionCount& c : counts) {
    if (c.outcome != "success") continue;
    auto it = by_code.find(c.object_key);
    if (it == by_code.end()) continue;
    ResourceFigures& f = out.resources[it->second];
    if (f.reads_by_day.empty() || f.reads_by_day.back().day != c.day) {
      f.reads_by_day.push_back({c.day, 0, 0});
    }
    DepartmentFigures& d = department(f.department_id);
    if (is_delivery(c.action)) {
      f.reads_by_day.back().deliveries += c.count;
      d.deliveries += c.count;
    } else {
      f.reads_by_day.back().reads += c.count;
      d.reads += c.count;
    }
  }

  for (auto& [id, d] : departments) {
    if (d.department_name.empty()) {
      // A department that only holds grants: its name from the identity module.
      auto found = identity_.find_department(id);
      if (found.ok()) d.department_name = found->name;
    }
    out.departments.push_back(std::move(d));
  }
  return out;
}

}  // namespace zt::exchange
