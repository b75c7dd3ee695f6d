#include "app/commands.h"
#include "app/platform.h"
#include "catalog/service.h"
#include "core/time.h"
#include "db/database.h"
#include "demo/registry_setup.h"
#include "demo/seed.h"
#include "demo/services_seed.h"
#include "exchange/service.h"
#include "exchange/sharing/service.h"
#include "identity/service.h"
#include "registry/division_service.h"
#include "registry/registry_service.h"

#include <fmt/format.h>
#include <sys/resource.h>
#include <unistd.h>
#include <boost/json.hpp>

#include <fstream>
#include <iostream>

namespace zt::app {

namespace {

// The system clock set back by a fixed offset: the ingest of a department that pushes late.
class LateClock final : public core::Clock {
 public:
  explicit LateClock(std::chrono::hours behind) : behind_(behind) {}
  core::TimePoint now() const override { return std::chrono::system_clock::now() - behind_; }

 private:
  std::chrono::hours behind_;
};

// One account object a line, so the file reads well and diffs well.
std::string accounts_json(const demo::SeedReport& report) {
  std::string out = "[\n";
  for (std::size_t i = 0; i < report.accounts.size(); ++i) {
    const demo::DemoAccount& a = report.accounts[i];
    boost::json::array roles(a.roles.begin(), a.roles.end());
    boost::json::object account{
        {"username", a.username},         {"password", a.password},    {"kind", a.kind},
        {"display_name", a.display_name}, {"roles", std::move(roles)}, {"department", nullptr}};
    if (!a.department.empty()) account["department"] = a.department;
    out += "  " + boost::json::serialize(account) + (i + 1 < report.accounts.size() ? ",\n" : "\n");
  }
  return out + "]\n";
}

std::int64_t peak_rss_mib() {
  struct rusage usage {};
  getrusage(RUSAGE_SELF, &usage);
  return usage.ru_maxrss / 1024;  // Linux: KiB
}

}  // namespace

int run_seed_demo(const Config& config, const SeedDemoOptions& options) {
  auto fail = [](std::string_view what, const Error& e) {
    std::cerr << fmt::format("seed-demo: {}: {} ({})\n", what, e.detail, e.code);
    return 1;
  };
  core::SystemClock clock;
  auto created = Platform::create(config, clock);
  if (!created.ok()) return fail("cannot start", created.error());
  Platform& platform = **created;
  identity::IdentityService& identity = platform.identity().service();
  catalog::CatalogService& catalog = platform.catalog().service();
  exchange::ExchangeService& exchange = platform.exchange().exchange();
  exchange::SharingService& sharing = platform.exchange().sharing();
  registry::DivisionService& divisions = platform.registry().divisions();
  registry::RegistryService& registries = platform.registry().registries();
  // A department that pushes late: its ingest runs on a clock set back 40 days.
  LateClock late_clock(std::chrono::hours(24 * 40));
  exchange::ExchangeService late_exchange(platform.database(), catalog, sharing,
                                          platform.audit().log(), platform.crypto(), late_clock, 1,
                                          platform.node_id());

  const bool tty = isatty(STDERR_FILENO) != 0;
  demo::DemoSeeder seeder(identity, catalog, exchange, late_exchange, divisions,
                          [tty](std::string_view line, bool final) {
                            if (final) {
                              std::cerr << line << (tty ? "\x1b[K\n" : "\n") << std::flush;
                            } else if (tty) {
                              std::cerr << line << "\x1b[K\r" << std::flush;
                            } else {
                              std::cerr << line << '\n';
                            }
                          });
  if (options.if_empty) {
    auto used = seeder.has_departments();
    if (!used.ok()) return fail("cannot read the departments", used.error());
    if (*used) {
      std::cerr << "seed-demo: the database holds departments already; nothing seeded\n";
      return 0;
    }
  }
  auto report =
      seeder.run({.city_code = options.city, .people = options.people, .seed = options.seed});
  if (!report.ok()) return fail("seeding failed", report.error());
  // The base registries: golden resources, grants, mappings, and the first merge.
  if (Status s = demo::setup_registries(identity, catalog, sharing, registries, options.city,
                                        [](std::string_view line) { std::cerr << line << '\n'; });
      !s.ok()) {
    return fail("setting up the registries failed", s.error());
  }
  // One-stop services: items and cases over the last 60 working days, on a clock the seeder
  // moves (services_seed.h), so timelines and statutory clocks read as real work.
  core::FakeClock services_clock(clock.now());
  services::ItemService items(platform.database(), platform.audit().log(), identity,
                              services_clock);
  services::CaseService cases(platform.database(), platform.audit().log(), identity,
                              platform.calendar().service(), catalog, platform.exchange().query(),
                              sharing, items, services_clock);
  services::BundleService bundles(platform.database(), platform.audit().log(), identity,
                                  platform.calendar().service(), catalog,
                                  platform.exchange().query(), items, cases, services_clock);
  services::AttachmentService attachments(platform.database(), platform.audit().log(), cases,
                                          platform.crypto(), services_clock, {});
  auto services = demo::seed_services(
      identity, items, cases, bundles, attachments, platform.calendar().service(), services_clock,
      clock.now(), *report,
      {.city_code = options.city, .people = options.people, .seed = options.seed});
  if (!services.ok()) return fail("seeding the services failed", services.error());
  {
    std::string states;
    for (const auto& [state, n] : services->states)
      states += fmt::format("{}{} {}", states.empty() ? "" : ", ", state, n);
    std::cerr << fmt::format(
        "seed-demo: 一网通办 {} items published, {} cases over the last 60 working days ({}), {} "
        "bundle(s) with {} applications in {:.1f} s\n",
        services->items, services->cases, states, services->bundles, services->bundle_applications,
        services->seconds);
  }

  std::string text = fmt::format(
      "\n================================================================================\n"
      " 演示城市 Demo city {}: {} departments, {} rows ingested in {:.1f} s ({:.0f} rows/s),\n"
      " {:.1f} s in all, peak RSS {} MiB. Demo accounts (demo passwords, sign in as is):\n",
      report->city_name, report->departments, report->rows, report->ingest_seconds,
      static_cast<double>(report->rows) / std::max(1e-3, report->ingest_seconds), report->seconds,
      peak_rss_mib());
  for (const demo::DemoAccount& a : report->accounts) {
    std::string roles;
    for (const std::string& r : a.roles) {
      if (!roles.empty()) roles += ',';
      roles += r;
    }
    text += fmt::format("   {:<20} {:<18} {:<13} {}\n", a.username, a.password,
                        roles.empty() ? a.kind : roles,
                        a.department.empty() ? a.display_name : a.department);
  }
  text += "================================================================================\n";
  std::cout << text << std::flush;
  if (!options.accounts_out.empty()) {
    std::ofstream out(options.accounts_out, std::ios::trunc);
    out << accounts_json(*report);
    // Passwords: readable by the owner only.
    std::error_code ignored;
    std::filesystem::permissions(
        options.accounts_out,
        std::filesystem::perms::owner_read | std::filesystem::perms::owner_write, ignored);
    if (!out.flush()) {
      std::cerr << fmt::format("seed-demo: cannot write {}\n", options.accounts_out.string());
      return 1;
    }
  }
  return 0;
}

}  // namespace zt::app
