#include "demo/seed.h"

#include "demo/city.h"
#include "demo/enterprises.h"
#include "demo/names.h"
#include "demo/people.h"
#include "demo/records.h"
#include "demo/resources.h"

#include <fmt/format.h>

#include <chrono>
#include <map>
#include <stdexcept>

namespace zt::demo {

namespace {

using Clock = std::chrono::steady_clock;

constexpr std::uint64_t kAccountStream = 3;
constexpr std::size_t kPieceBytes = 256 * 1024;

// The city government's departments: short code, name after the city's, account prefix.
struct DepartmentSpec {
  std::string_view code;
  std::string_view name;  // appended to the city's name
  std::string_view slug;
  bool publishes = false;  // has a dept_admin and a dept_officer and publishes a resource
};
constexpr DepartmentSpec kDepartments[] = {
    {"GA", "公安局", "police", true},
    {"MZ", "民政局", "civil", true},
    {"RS", "人力资源和社会保障局", "hrss", true},
    {"WJ", "卫生健康委员会", "health", true},
    {"SJ", "市场监督管理局", "market", true},
    {"SW", "税务局", "tax", true},
    {"DSJ", "大数据发展管理局（大数据管理中心）", "data", false},
    {"SP", "行政审批服务局", "approval", false},
    {"BGS", "人民政府办公室", "office", false},
};

// The entry of `map` under `key`, which the seeder itself put there (a missing one is a bug).
template <typename Map>
auto& entry(Map& map, std::string_view key) {
  auto it = map.find(key);
  if (it == map.end()) throw std::logic_error(fmt::format("seed-demo: no entry {}", key));
  return it->second;
}

double since(Clock::time_point start) {
  return std::chrono::duration<double>(Clock::now() - start).count();
}

std::string grouped(std::int64_t n) {
  std::string digits = std::to_string(n), out;
  for (std::size_t i = 0; i < digits.size(); ++i) {
    if (i > 0 && (digits.size() - i) % 3 == 0) out += ' ';
    out += digits[i];
  }
  return out;
}

// A password the policy accepts (12+ characters of four classes), chosen by the seed.
std::string demo_password(Random& random) {
  constexpr std::string_view kLower = "abcdefghijkmnpqrstuvwxyz";
  constexpr std::string_view kUpper = "ABCDEFGHJKLMNPQRSTUVWXYZ";
  std::string out = "Zt-";
  for (int i = 0; i < 4; ++i)
    out += kLower[random.below(kLower.size())];
  out += fmt::format("-{:04d}-", random.below(10000));
  out += kUpper[random.below(kUpper.size())];
  out += kUpper[random.below(kUpper.size())];
  return out;
}

core::Principal operator_principal() {
  core::Principal p;
  p.kind = core::Principal::Kind::kUser;
  p.id = 0;
  p.name = "seed-demo";
  p.user_kind = "staff";
  const std::vector<std::string> roles{std::string(identity::role::kSysAdmin),
                                       std::string(identity::role::kSecAdmin)};
  p.permissions = identity::permissions_of(roles);
  return p;
}

// Produces one resource's CSV body piece by piece from `fill`, which appends the next record
// (returning false at the end), reporting progress.
class Body {
 public:
  using Fill = std::function<bool(std::string& out)>;
  Body(std::string header, Fill fill, std::function<void(std::int64_t rows)> tick)
      : header_(std::move(header)), fill_(std::move(fill)), tick_(std::move(tick)) {}

  Result<bool> operator()(std::string& piece) {
    piece.clear();
    if (!header_sent_) {
      piece = header_;
      header_sent_ = true;
    }
    while (!done_ && piece.size() < kPieceBytes) {
      if (fill_(piece)) {
        ++rows_;
      } else {
        done_ = true;
      }
    }
    tick_(rows_);
    return !piece.empty();
  }

 private:
  std::string header_;
  Fill fill_;
  std::function<void(std::int64_t)> tick_;
  bool header_sent_ = false;
  bool done_ = false;
  std::int64_t rows_ = 0;
};

}  // namespace

Result<SeedReport> DemoSeeder::run(const SeedOptions& options) {
  const auto started = Clock::now();
  const core::RequestContext context{.remote_address = "127.0.0.1", .request_id = "seed-demo"};
  if (catalog_.find(resource::kHousehold).ok()) {
    return Error::conflict(
        "demo_exists",
        fmt::format("The demo city is seeded already (resource {} exists)", resource::kHousehold));
  }
  auto planned = CityPlan::load(divisions_, options.city_code, options.seed);
  if (!planned.ok()) return std::move(planned).error();
  const CityPlan& city = *planned;
  const std::uint64_t people = options.people;
  const std::uint64_t enterprises = enterprise_count(people);
  SeedReport report;
  report.city_name = city.city_name();
  progress_(fmt::format("seed-demo: {}{} ({}): {} counties, {} towns and villages; {} people, {} "
                        "enterprises, seed {}",
                        city.province_name() == city.city_name() ? "" : city.province_name(),
                        city.city_name(), city.city_code(), city.counties().size(),
                        city.total_places(), grouped(static_cast<std::int64_t>(people)),
                        grouped(static_cast<std::int64_t>(enterprises)), options.seed),
            true);

  // --- departments ----------------------------------------------------------------------------
  const core::Principal op = operator_principal();
  auto root = identity_.departments().create_department(op,
                                                        {.code = city.city_code() + "-GOV",
                                                         .name = city.city_name() + "人民政府",
                                                         .division_code = city.city_code()},
                                                        context);
  if (!root.ok()) return std::move(root).error();
  std::map<std::string, identity::Department, std::less<>> departments;
  for (const DepartmentSpec& spec : kDepartments) {
    std::string name = city.city_name() + std::string(spec.name);
    if (spec.code == "SW") name = "国家税务总局" + name;
    auto d = identity_.departments().create_department(
        op,
        {.code = fmt::format("{}-{}", city.city_code(), spec.code),
         .name = name,
         .division_code = city.city_code(),
         .parent_id = root->id},
        context);
    if (!d.ok()) return std::move(d).error();
    departments.emplace(spec.code, *d);
  }
  std::vector<identity::Department> districts;
  for (const County& county : city.counties()) {
    if (county.code == city.city_code()) continue;  // a city without counties (东莞)
    auto d = identity_.departments().create_department(op,
                                                       {.code = county.code + "-GOV",
                                                        .name = county.name + "人民政府",
                                                        .division_code = county.code,
                                                        .parent_id = root->id},
                                                       context);
    if (!d.ok()) return std::move(d).error();
    districts.push_back(*d);
  }
  report.departments = 1 + static_cast<std::int64_t>(departments.size() + districts.size());

  // --- accounts -------------------------------------------------------------------------------
  std::uint64_t account_number = 0;
  // Creates the user, sets roles, signs in with the one-time password and sets the demo
  // password: the account signs in like any other afterwards. Returns its principal.
  auto make_account = [&](identity::NewUser user, std::vector<std::string> roles,
                          std::string department_name) -> Result<core::Principal> {
    Random random = Random::for_item(options.seed, kAccountStream, account_number++);
    if (user.display_name.empty()) {
      user.display_name = chinese_name(random, random.chance(0.5), 1985);
    }
    const std::string password = demo_password(random);
    auto created = identity_.users().create_user(op, user, context);
    if (!created.ok()) return std::move(created).error();
    if (!roles.empty()) {
      auto set = identity_.users().set_roles(op, created->user.id, roles, context);
      if (!set.ok()) return std::move(set).error();
    }
    const std::string& username = created->user.username;
    auto first =
        identity_.auth().login({username, created->initial_password, std::nullopt}, context);
    if (!first.ok()) return std::move(first).error();
    auto first_principal = identity_.sessions().authenticate(first->token, std::nullopt, "");
    if (!first_principal.ok()) return std::move(first_principal).error();
    ZT_TRY(identity_.auth().change_password(*first_principal, created->initial_password, password,
                                            context));
    auto again = identity_.auth().login({username, password, std::nullopt}, context);
    if (!again.ok()) return std::move(again).error();
    auto principal = identity_.sessions().authenticate(again->token, std::nullopt, "");
    if (!principal.ok()) return std::move(principal).error();
    report.accounts.push_back({username, password, std::string(identity::to_string(user.kind)),
                               user.display_name, roles, std::move(department_name)});
    return principal;
  };
  auto staff = [&](std::string username, const identity::Department& d,
                   std::string_view role) -> Result<core::Principal> {
    return make_account({.kind = identity::UserKind::kStaff,
                         .username = std::move(username),
                         .department_id = d.id},
                        {std::string(role)}, d.name);
  };
  std::map<std::string, core::Principal, std::less<>> admins, officers;
  for (const DepartmentSpec& spec : kDepartments) {
    const identity::Department& d = entry(departments, spec.code);
    if (spec.publishes) {
      auto admin = staff(fmt::format("{}_admin", spec.slug), d, identity::role::kDeptAdmin);
      if (!admin.ok()) return std::move(admin).error();
      admins.emplace(spec.code, *admin);
      auto officer = staff(fmt::format("{}_officer", spec.slug), d, identity::role::kDeptOfficer);
      if (!officer.ok()) return std::move(officer).error();
      officers.emplace(spec.code, *officer);
    }
  }
  for (auto [username, code, role] :
       {std::tuple{"data_admin", "DSJ", identity::role::kDataAdmin},
        std::tuple{"window_clerk", "SP", identity::role::kWindowClerk},
        std::tuple{"supervisor", "BGS", identity::role::kSupervisor},
        std::tuple{"leader", "BGS", identity::role::kLeader}}) {
    auto made = staff(username, entry(departments, code), role);
    if (!made.ok()) return std::move(made).error();
  }
  {
    // A window clerk of the first district's government (of the city's, when it has none).
    auto clerk = staff("district_clerk", districts.empty() ? *root : districts.front(),
                       identity::role::kWindowClerk);
    if (!clerk.ok()) return std::move(clerk).error();
  }
  progress_(fmt::format("seed-demo: {} departments, {} staff accounts ({:.1f} s)",
                        report.departments, report.accounts.size(), since(started)),
            true);

  // --- resources ------------------------------------------------------------------------------
  std::map<std::string, std::string, std::less<>> resource_names;
  for (catalog::Resource r : demo_resources()) {
    const std::string publisher(publisher_of(r.code));
    r.department_id = entry(departments, publisher).id;
    const core::Principal& admin = entry(admins, publisher);
    auto created = catalog_.create(admin, r, context);
    if (!created.ok()) return std::move(created).error();
    auto published = catalog_.publish(admin, r.code, context);
    if (!published.ok()) return std::move(published).error();
    resource_names[r.code] = r.name;
  }

  // --- records --------------------------------------------------------------------------------
  // Rows expected, for the estimate of the time left (the shares people.h draws).
  const double expected_rows = static_cast<double>(people) * (1.0 + 0.63 + 0.80 + 0.0065 + 0.01) +
                               2.0 * static_cast<double>(enterprises);
  std::int64_t rows_before = 0;
  const auto ingest_started = Clock::now();
  auto last_tick = Clock::now();
  auto push = [&](std::string_view code, exchange::ExchangeService& exchange,
                  Body::Fill fill) -> Status {
    const std::string publisher(publisher_of(code));
    const auto batch_started = Clock::now();
    const std::string name = entry(resource_names, code);
    auto tick = [&](std::int64_t rows) {
      if (Clock::now() - last_tick < std::chrono::seconds(1)) return;
      last_tick = Clock::now();
      const double done = static_cast<double>(rows_before + rows);
      const double rate = done / std::max(1e-3, since(ingest_started));
      const double left = std::max(0.0, expected_rows - done) / std::max(1.0, rate);
      progress_(fmt::format("seed-demo: {} {} {} rows · {} rows/s · city {:.0f} % · ETA {:.0f} s",
                            code, name, grouped(rows), grouped(static_cast<std::int64_t>(rate)),
                            std::min(100.0, 100 * done / expected_rows), left),
                false);
    };
    Body body(records::header(code), std::move(fill), tick);
    exchange::IngestOptions ingest_options{.format = exchange::IngestFormat::kCsv};
    auto result = exchange.ingest(
        entry(officers, publisher), code, ingest_options,
        [&body](std::string& piece) { return body(piece); }, context);
    if (!result.ok()) return std::move(result).error();
    const exchange::Batch& b = result->batch;
    if (b.status != "completed") {
      return Error::internal("seed_failed", fmt::format("Ingest of {} ended {}: {} {}", code,
                                                        b.status, b.error_code, b.error_detail));
    }
    ResourceFigures f{std::string(code),
                      name,
                      entry(departments, publisher).name,
                      b.rows_read,
                      b.inserted,
                      b.updated,
                      b.rejected,
                      since(batch_started)};
    rows_before += b.rows_read;
    progress_(
        fmt::format("seed-demo: {} {}: {} rows read, {} inserted, {} updated, {} rejected "
                    "in {:.1f} s ({} rows/s)",
                    code, name, grouped(f.rows_read), grouped(f.inserted), grouped(f.updated),
                    grouped(f.rejected), f.seconds,
                    grouped(static_cast<std::int64_t>(f.rows_read / std::max(1e-3, f.seconds)))),
        true);
    report.batches.push_back(std::move(f));
    return {};
  };
  // One person-resource: every person in order, each adding a record or not.
  const Population population = Population::allocate(city, options.seed, people);
  const EnterprisePlan plan = EnterprisePlan::allocate(city, options.seed, enterprises);
  auto each_person = [&](auto record) -> Body::Fill {
    auto stream = std::make_shared<PersonStream>(city, population, options.seed, enterprises);
    return [stream, record, people](std::string& out) mutable {
      while (stream->index() < people) {
        if (record(stream->next(), out)) return true;
      }
      return false;
    };
  };

  struct Citizen {
    std::string id_number, name;
  };
  std::vector<Citizen> citizens;
  ZT_TRY(push(resource::kHousehold, exchange_,
              each_person([&citizens, &city, &report, people](const Person& p, std::string& out) {
                // Citizens of working age, born in the city.
                if (citizens.size() < 3 && p.alive && p.age >= 25 && p.age <= 60 &&
                    !p.moved_address && p.id_number.compare(0, 4, city.city_code(), 0, 4) == 0) {
                  citizens.push_back({p.id_number, p.name});
                } else if (p.alive && p.age >= 18 &&
                           p.index % std::max<std::uint64_t>(1, people / kApplicantSample) == 0) {
                  report.applicants.push_back({"person", p.id_number, p.name});
                }
                return records::household(p, out);
              })));
  ZT_TRY(push(resource::kMarriage, exchange_, each_person(&records::marriage)));
  ZT_TRY(push(resource::kInsurance, exchange_,
              each_person([&city, &plan](const Person& p, std::string& out) {
                return records::insurance(p, city, plan, out);
              })));
  ZT_TRY(push(resource::kDeath, exchange_, each_person(&records::death)));

  struct Company {
    std::string uscc, name, representative;
  };
  std::vector<Company> companies;
  {
    auto reps = std::make_shared<PersonStream>(city, population, options.seed, enterprises);
    auto current = std::make_shared<Person>(reps->next());
    auto j = std::make_shared<std::uint64_t>(0);
    ZT_TRY(push(resource::kEnterprise, exchange_, [&, reps, current, j](std::string& out) {
      if (*j >= enterprises) return false;
      const std::uint64_t from = representative_from(*j, enterprises, people);
      while (reps->index() < people &&
             (current->index < from || current->age < 18 || !current->alive)) {
        *current = reps->next();
      }
      const Enterprise e = make_enterprise(city, plan, options.seed, (*j)++);
      if (companies.size() < 2 && e.entity_type == "limited_company" && e.status == "active" &&
          !e.bad_check_character) {
        companies.push_back({e.uscc, e.name, current->name});
      } else if (e.status == "active" && !e.bad_check_character &&
                 e.index % std::max<std::uint64_t>(1, enterprises / kApplicantSample) == 0) {
        report.applicants.push_back({"entity", e.uscc, e.name});
      }
      return records::enterprise(e, *current, out);
    }));
  }
  {
    auto j = std::make_shared<std::uint64_t>(0);
    ZT_TRY(push(resource::kTax, late_exchange_, [&, j](std::string& out) {
      if (*j >= enterprises) return false;
      return records::tax(make_enterprise(city, plan, options.seed, (*j)++), out);
    }));
  }
  ZT_TRY(push(resource::kHousehold, exchange_, each_person(&records::household_late)));
  report.ingest_seconds = since(ingest_started);
  for (const ResourceFigures& f : report.batches)
    report.rows += f.rows_read;

  // --- citizen and enterprise accounts --------------------------------------------------------
  for (const Citizen& c : citizens) {
    auto made = make_account(
        {.kind = identity::UserKind::kCitizen, .display_name = c.name, .id_number = c.id_number},
        {}, "");
    if (!made.ok()) return std::move(made).error();
  }
  for (const Company& c : companies) {
    auto made = make_account({.kind = identity::UserKind::kEnterprise,
                              .display_name = c.name,
                              .uscc = c.uscc,
                              .responsible_person = c.representative},
                             {}, "");
    if (!made.ok()) return std::move(made).error();
  }
  report.seconds = since(started);
  return report;
}

Result<bool> DemoSeeder::has_departments() {
  auto some = identity_.departments().list_departments(operator_principal(), 0, 1, std::nullopt);
  if (!some.ok()) return std::move(some).error();
  return !some->empty();
}

}  // namespace zt::demo
