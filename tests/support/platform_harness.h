// PlatformHarness: the whole app::Platform in process on a fresh TestDatabase (SQLite or
// PostgreSQL, as the environment names: support/test_database.h) with a core::FakeClock, for
// service tests on both databases — deadlines, expiry and display periods are reached by moving
// the clock, never by waiting. No background worker runs unless the test starts them.
//
// It also makes the accounts a test acts with: departments, staff and citizens created through the
// identity services (audited as on a server), and their Principals as a session would carry
// them (the permissions of their roles), so services are called directly without HTTP.
//
// Ownership: owns the database, the clock and the platform. Thread-safety: one test thread; the
// services themselves are thread-safe.
#pragma once

#include "app/platform.h"
#include "core/principal.h"
#include "core/result.h"
#include "core/time.h"
#include "identity/model.h"
#include "support/test_database.h"

#include <boost/json/object.hpp>

#include <memory>
#include <string>
#include <vector>

namespace zt::test {

class PlatformHarness {
 public:
  // 2026-06-01T09:00:00+08:00, a Monday.
  static core::TimePoint start_time();

  // A fresh database (`tag`: a few letters for its name), migrated, the three administrators
  // made, the clock at start_time(). Failure: what could not be made.
  static Result<std::unique_ptr<PlatformHarness>> create(std::string_view tag);
  ~PlatformHarness();

  app::Platform& platform() { return *platform_; }
  core::FakeClock& clock() { return clock_; }
  const core::RequestContext& context() const { return context_; }
  db::Backend backend() const { return database_->backend(); }

  // The system and the security administrator, as principals (their setup done).
  const core::Principal& sysadmin() const { return sysadmin_; }
  const core::Principal& secadmin() const { return secadmin_; }

  // A department under the city (made by the system administrator); its id.
  Result<std::int64_t> department(const std::string& code, const std::string& name,
                                  const std::string& division_code = "330300");
  // A staff account of `department` with `roles` (created by the system administrator, roles
  // given by the security administrator); its principal.
  Result<core::Principal> staff(const std::string& username, std::int64_t department,
                                std::vector<std::string> roles);
  // A citizen's account for `id_number` (created by the system administrator); its principal, as
  // a citizen's session carries it.
  Result<core::Principal> citizen(const std::string& id_number, const std::string& name);

  // Ingests `rows` (JSON objects) into resource `code` as `actor`, one NDJSON batch through
  // ExchangeService::ingest; its report.
  Result<exchange::IngestReport> ingest(const core::Principal& actor, const std::string& code,
                                        const std::vector<boost::json::object>& rows);

 private:
  PlatformHarness() : clock_(start_time()) {}
  // The principal a session of `user` would carry.
  static core::Principal principal_of(const identity::User& user);

  std::unique_ptr<TestDatabase> database_;
  core::FakeClock clock_;
  std::unique_ptr<app::Platform> platform_;
  core::RequestContext context_{.remote_address = "127.0.0.1", .request_id = "harness"};
  core::Principal sysadmin_;
  core::Principal secadmin_;
};

// The fixture of service suites: a PlatformHarness per test (h()).
class PlatformTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto harness = PlatformHarness::create("pt");
    ASSERT_OK(harness);
    harness_ = std::move(harness).value();
  }
  PlatformHarness& h() { return *harness_; }

 private:
  std::unique_ptr<PlatformHarness> harness_;
};

}  // namespace zt::test
