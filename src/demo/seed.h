// DemoSeeder: makes a realistic synthetic city through the platform's own services — the
// departments of a real city government and its district governments (identity), staff accounts
// per role that can sign in, the catalog resources those departments publish (catalog), and the
// records of every person and enterprise pushed through ExchangeService::ingest, the same ingest
// path as POST /api/v1/resources/{code}/records (CSV bodies made piece by piece, so memory stays
// flat whatever the city's size).
//
// Who acts: departments, users and roles are made by the command-line operator (a principal named
// "seed-demo" holding the system and security administrators' permissions, as `admin init` acts
// without a signed-in user); everything else by the demo accounts themselves, signed in: each
// department's dept_admin creates and publishes its resource, its dept_officer ingests.
// Demo accounts get a password chosen by the seed, set through the ordinary first sign-in and
// password change, so they are not forced to change it; staff roles need TOTP only when the
// policy's totp_roles lists them (empty by default), and the seeder creates no administrator.
//
// Deterministic: the same seed, city and size give the same departments, accounts, passwords
// and records. Faults by design (see people.h, enterprises.h): ~0.3 % of 社保 rows with a wrong
// ID check character and ~0.2 % of 企业 rows with a wrong credit-code check character
// (rejected by ingest: quality reports), ~3 % of 民政 addresses differing from 公安's, deaths
// 公安 has not recorded yet, a late 公安 batch moving ~1 % of people, and 税务's batch pushed 40
// days ago (its monthly resource shows stale).
//
// Thread-safety: one run at a time; the services must outlive the seeder.
#pragma once

#include "catalog/service.h"
#include "core/result.h"
#include "db/database.h"
#include "exchange/service.h"
#include "identity/service.h"
#include "registry/division_service.h"

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

namespace zt::demo {

inline constexpr std::uint64_t kApplicantSample = 400;

struct SeedOptions {
  std::string city_code = "330300";
  std::uint64_t people = 100000;
  std::uint64_t seed = 1;
};

struct DemoAccount {
  std::string username;
  std::string password;
  std::string kind;  // staff, citizen, enterprise
  std::string display_name;
  std::vector<std::string> roles;
  std::string department;  // name; empty for citizens and enterprises
};

// A person or enterprise of the city who files cases at the window (seed_services).
struct Applicant {
  std::string kind;  // person, entity
  std::string key;   // id_number / uscc
  std::string name;
};

struct ResourceFigures {
  std::string code;
  std::string name;
  std::string department;
  std::int64_t rows_read = 0;
  std::int64_t inserted = 0;
  std::int64_t updated = 0;
  std::int64_t rejected = 0;
  double seconds = 0;
};

struct SeedReport {
  std::string city_name;
  std::vector<DemoAccount> accounts;
  std::vector<ResourceFigures> batches;
  // A sample of living adults and active enterprises (not the demo accounts), about
  // kApplicantSample of each, for the cases of seed_services.
  std::vector<Applicant> applicants;
  std::int64_t departments = 0;
  std::int64_t rows = 0;  // rows read by ingest, all batches
  double ingest_seconds = 0;
  double seconds = 0;
};

// Progress lines ("…\r" updates and "\n" ends), for the console.
using ProgressSink = std::function<void(std::string_view line, bool final)>;

class DemoSeeder {
 public:
  // `late_exchange` is an ingest service whose clock runs 40 days behind: 税务 pushes through it.
  DemoSeeder(identity::IdentityService& identity, catalog::CatalogService& catalog,
             exchange::ExchangeService& exchange, exchange::ExchangeService& late_exchange,
             registry::DivisionService& divisions, ProgressSink progress)
      : identity_(identity),
        catalog_(catalog),
        exchange_(exchange),
        late_exchange_(late_exchange),
        divisions_(divisions),
        progress_(std::move(progress)) {}

  // Failure: "city_not_found" (divisions not imported), conflict "demo_exists" when the
  // database holds the demo resources already, and any service's error (what was made before it
  // stays).
  Result<SeedReport> run(const SeedOptions& options);

  // Whether the database holds any department already: not an empty database, so
  // `seed-demo --if-empty` leaves it alone.
  Result<bool> has_departments();

 private:
  identity::IdentityService& identity_;
  catalog::CatalogService& catalog_;
  exchange::ExchangeService& exchange_;
  exchange::ExchangeService& late_exchange_;
  registry::DivisionService& divisions_;
  ProgressSink progress_;
};

}  // namespace zt::demo
