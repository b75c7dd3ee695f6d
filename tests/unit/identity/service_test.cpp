// IdentityService on both databases: first-start administrators, sign-in with forced password
// change, lockout and its expiry, the per-address limit, idle and absolute session expiry,
// hashed tokens, TOTP, the three-administrator separation, department scope, departments with
// history, API clients, and the audit records of each event. Time comes from a FakeClock.
//
// The database comes from the environment, as in tests/unit/db/storage_test.cpp:
//   ZT_TEST_BACKEND=postgresql -> a fresh schema per test in ZT_TEST_PG_URL (required);
//   otherwise ZT_TEST_DATABASE_URL (sqlite:PATH), one file per test.
#include <gtest/gtest.h>

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <random>

#include "audit/service.h"
#include "audit/store.h"
#include "core/crypto_openssl.h"
#include "db/database.h"
#include "db/migration.h"
#include "db/url.h"
#include "identity/scope.h"
#include "identity/service.h"
#include "identity/store.h"
#include "identity/totp.h"
#include "support/test_database.h"

namespace zt::identity {
namespace {

using namespace std::chrono_literals;

const core::TimePoint kStart{std::chrono::sys_days{std::chrono::year{2026} / 3 / 2} + 1h};
const core::RequestContext kFrom{"192.0.2.10", "req-1"};
const std::string kNewPassword = "Kqmz-vt834572";

class IdentityTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_OK_AND_ASSIGN(test_db_, test::TestDatabase::create("id"));
    ASSERT_OK_AND_ASSIGN(db_, test_db_->open_migrated({audit::migrations(), migrations()}));
    audit_ = std::make_unique<audit::AuditLog>(
        *db_, crypto_, clock_,
        audit::AuditKeys{.chain_key = std::string(audit::kChainKeySize, 'a')});
    config_.argon2 = {.memory_kib = 64, .iterations = 1, .parallelism = 1};
    auto key = crypto_.random_bytes(core::kSm4SealKeySize);
    ASSERT_OK(key);
    config_.data_key = *key;
    make_service();
  }

  void TearDown() override {
    service_.reset();
    audit_.reset();
    db_.reset();
    test_db_.reset();
  }

  void make_service() {
    auto service = IdentityService::create(*db_, crypto_, clock_, *audit_, config_);
    ASSERT_OK(service);
    service_ = std::move(service).value();
  }

  // The three administrators, with their passwords changed to kNewPassword + suffix and TOTP
  // enrolled; returns their principals.
  struct Admins {
    core::Principal sys, sec, audit;
  };
  Admins admins() {
    auto created = service_->users().init_admins();
    EXPECT_TRUE(created.ok());
    Admins out;
    for (const InitialAdmin& a : *created) {
      core::Principal p = ready_user(a.username, a.password);
      if (a.role == "sys_admin") out.sys = p;
      if (a.role == "sec_admin") out.sec = p;
      if (a.role == "audit_admin") out.audit = p;
    }
    return out;
  }

  // Signs in with a one-time password, changes it to kNewPassword, enrols TOTP when required,
  // and returns the principal of a fresh session.
  core::Principal ready_user(const std::string& username, const std::string& one_time) {
    auto login = service_->auth().login({username, one_time, std::nullopt}, kFrom);
    EXPECT_TRUE(login.ok()) << (login.ok() ? "" : login.error().code);
    if (!login.ok()) return {};
    auto principal = service_->sessions().authenticate(login->token, std::nullopt, "");
    EXPECT_TRUE(principal.ok());
    EXPECT_TRUE(service_->auth().change_password(*principal, one_time, kNewPassword, kFrom).ok());
    std::optional<std::string> code;
    if (login->totp_enrolment_required) {
      auto enrol = service_->auth().begin_totp_enrolment(*principal, kFrom);
      EXPECT_TRUE(enrol.ok());
      secrets_[username] = *base32_decode(enrol->secret);
      EXPECT_TRUE(service_->auth()
                      .confirm_totp_enrolment(*principal,
                                              totp_code(secrets_[username], clock_.now()), kFrom)
                      .ok());
      clock_.advance(30s);  // the next sign-in needs a fresh step
      code = totp_code(secrets_[username], clock_.now());
    }
    auto again = service_->auth().login({username, kNewPassword, code}, kFrom);
    EXPECT_TRUE(again.ok()) << (again.ok() ? "" : again.error().code);
    if (!again.ok()) return {};
    auto p = service_->sessions().authenticate(again->token, std::nullopt, "");
    EXPECT_TRUE(p.ok());
    EXPECT_FALSE(p->must_change_password);
    return *p;
  }

  Department department(const core::Principal& sys, std::string code,
                        std::optional<std::int64_t> parent = std::nullopt) {
    auto d = service_->departments().create_department(
        sys, {code, "部门 " + code, "330300", parent}, kFrom);
    EXPECT_TRUE(d.ok()) << (d.ok() ? "" : d.error().code);
    return d.ok() ? *d : Department{};
  }

  // A staff user in `department_id` with `roles`, signed in with a changed password.
  core::Principal staff(const Admins& a, std::string username, std::int64_t department_id,
                        std::vector<std::string> roles) {
    auto created = service_->users().create_user(a.sys,
                                                 {.kind = UserKind::kStaff,
                                                  .username = username,
                                                  .display_name = "张三",
                                                  .department_id = department_id},
                                                 kFrom);
    EXPECT_TRUE(created.ok()) << (created.ok() ? "" : created.error().code);
    if (!created.ok()) return {};
    EXPECT_TRUE(service_->users().set_roles(a.sec, created->user.id, roles, kFrom).ok());
    return ready_user(username, created->initial_password);
  }

  std::vector<std::pair<std::string, std::string>> audit_events() {
    auto conn = db_->acquire(db::Access::kRead);
    EXPECT_TRUE(conn.ok());
    auto rows = conn->query("SELECT action, outcome FROM audit_records ORDER BY id");
    EXPECT_TRUE(rows.ok());
    std::vector<std::pair<std::string, std::string>> out;
    for (const db::Row row : *rows)
      out.emplace_back(row.get<std::string>(0), row.get<std::string>(1));
    return out;
  }
  std::int64_t audit_count(std::string_view action, std::string_view outcome = "success") {
    auto events = audit_events();
    return std::count(events.begin(), events.end(),
                      std::pair<std::string, std::string>(action, outcome));
  }

  core::OpenSslCryptoProvider crypto_;
  core::FakeClock clock_{kStart};
  IdentityConfig config_;
  std::unique_ptr<test::TestDatabase> test_db_;
  std::unique_ptr<db::Database> db_;
  std::unique_ptr<audit::AuditLog> audit_;
  std::unique_ptr<IdentityService> service_;
  std::map<std::string, std::string> secrets_;
};

TEST_F(IdentityTest, FirstStartCreatesThreeAdministratorsWithOneTimePasswords) {
  auto created = service_->users().init_admins();
  ASSERT_OK(created);
  ASSERT_EQ(created->size(), 3u);
  EXPECT_EQ((*created)[0].username, "sysadmin");
  EXPECT_EQ((*created)[1].username, "secadmin");
  EXPECT_EQ((*created)[2].username, "auditadmin");
  EXPECT_ERROR(service_->users().init_admins(), "admins_exist");

  // Stored only as argon2id hashes.
  auto conn = db_->acquire(db::Access::kRead);
  ASSERT_OK(conn);
  auto rows = conn->query("SELECT username, password_hash FROM identity_user ORDER BY id");
  ASSERT_OK(rows);
  ASSERT_EQ(rows->size(), 3u);
  for (std::size_t i = 0; i < 3; ++i) {
    const std::string hash = (*rows)[i].get<std::string>(1);
    EXPECT_EQ(hash.rfind("$argon2id$", 0), 0u);
    EXPECT_EQ(hash.find((*created)[i].password), std::string::npos);
  }

  // The one-time password signs in, but only to change it (and enrol TOTP).
  auto login = service_->auth().login({"sysadmin", (*created)[0].password, std::nullopt}, kFrom);
  ASSERT_OK(login);
  EXPECT_TRUE(login->user.must_change_password);
  EXPECT_TRUE(login->totp_enrolment_required);
  EXPECT_EQ(login->user.roles, std::vector<std::string>{"sys_admin"});
  EXPECT_EQ(login->expires_at, kStart + 12h);
  auto principal = service_->sessions().authenticate(login->token, std::nullopt, "");
  ASSERT_OK(principal);
  EXPECT_TRUE(principal->must_change_password);
  EXPECT_EQ(audit_count("user.create"), 3);
  EXPECT_EQ(audit_count("auth.login"), 1);
}

TEST_F(IdentityTest, PasswordChangeClearsTheFlagAndEndsOtherSessions) {
  auto created = service_->users().init_admins();
  ASSERT_OK(created);
  const std::string one_time = (*created)[0].password;
  auto first = service_->auth().login({"sysadmin", one_time, std::nullopt}, kFrom);
  auto second = service_->auth().login({"sysadmin", one_time, std::nullopt}, kFrom);
  ASSERT_OK(first);
  ASSERT_OK(second);
  auto p1 = service_->sessions().authenticate(first->token, std::nullopt, "");
  ASSERT_OK(p1);
  EXPECT_ERROR(service_->auth().change_password(*p1, "wrong-password-1", kNewPassword, kFrom),
               "invalid_current_password");
  EXPECT_ERROR(service_->auth().change_password(*p1, one_time, one_time, kFrom),
               "password_unchanged");
  EXPECT_ERROR(service_->auth().change_password(*p1, one_time, "sysadmin-Pass1", kFrom),
               "password_contains_username");
  EXPECT_ERROR(service_->auth().change_password(*p1, one_time, "Password@123", kFrom),
               "password_too_common");
  ASSERT_OK(service_->auth().change_password(*p1, one_time, kNewPassword, kFrom));
  // This session continues; the other one has ended.
  auto still = service_->sessions().authenticate(first->token, std::nullopt, "");
  ASSERT_OK(still);
  EXPECT_FALSE(still->must_change_password);
  EXPECT_TRUE(still->must_enrol_totp) << "TOTP enrolment is still pending";
  {
    auto conn = db_->acquire(db::Access::kRead);
    auto rows = conn->query("SELECT must_change_password FROM identity_user WHERE username = ?",
                            "sysadmin");
    ASSERT_OK(rows);
    EXPECT_FALSE((*rows)[0].get<bool>(0));
  }
  EXPECT_ERROR(service_->sessions().authenticate(second->token, std::nullopt, ""),
               "unauthenticated");
  EXPECT_ERROR(service_->auth().login({"sysadmin", one_time, std::nullopt}, kFrom),
               "invalid_credentials");
  EXPECT_EQ(audit_count("auth.password_change"), 1);
  EXPECT_EQ(audit_count("auth.password_change", "failure"), 1);
}

TEST_F(IdentityTest, UnknownUserAndWrongPasswordAnswerAlike) {
  auto created = service_->users().init_admins();
  ASSERT_OK(created);
  auto unknown = service_->auth().login({"nobody", "whatever-password", std::nullopt}, kFrom);
  auto wrong = service_->auth().login({"sysadmin", "whatever-password", std::nullopt}, kFrom);
  ASSERT_FALSE(unknown.ok());
  ASSERT_FALSE(wrong.ok());
  EXPECT_EQ(unknown.error().code, "invalid_credentials");
  EXPECT_EQ(wrong.error().code, unknown.error().code);
  EXPECT_EQ(wrong.error().detail, unknown.error().detail);
  EXPECT_EQ(wrong.error().kind, ErrorKind::kUnauthenticated);
  EXPECT_EQ(audit_count("auth.login", "failure"), 2);
}

TEST_F(IdentityTest, FiveFailuresLockTheAccountUntilTheLockExpires) {
  auto created = service_->users().init_admins();
  ASSERT_OK(created);
  const std::string password = (*created)[1].password;
  // Failures spread over more than the window do not lock.
  for (int i = 0; i < 4; ++i)
    EXPECT_ERROR(service_->auth().login({"secadmin", "wrong", std::nullopt}, kFrom),
                 "invalid_credentials");
  clock_.advance(16min);
  for (int i = 0; i < 4; ++i)
    EXPECT_ERROR(service_->auth().login({"secadmin", "wrong", std::nullopt}, kFrom),
                 "invalid_credentials");
  ASSERT_OK(
      service_->auth().login({"secadmin", password, std::nullopt}, kFrom));  // resets the count
  EXPECT_EQ(audit_count("auth.lockout"), 0);

  for (int i = 0; i < 5; ++i) {
    clock_.advance(1min);
    EXPECT_ERROR(service_->auth().login({"secadmin", "wrong", std::nullopt}, kFrom),
                 "invalid_credentials");
  }
  EXPECT_EQ(audit_count("auth.lockout"), 1);
  // Locked: even the right password fails, the same way.
  EXPECT_ERROR(service_->auth().login({"secadmin", password, std::nullopt}, kFrom),
               "invalid_credentials");
  clock_.advance(14min);
  EXPECT_ERROR(service_->auth().login({"secadmin", password, std::nullopt}, kFrom),
               "invalid_credentials");
  clock_.advance(1min);
  ASSERT_OK(service_->auth().login({"secadmin", password, std::nullopt}, kFrom));
}

// A stolen session must not become a password oracle.
TEST_F(IdentityTest, AWrongCurrentPasswordCountsLikeAFailedSignIn) {
  auto created = service_->users().init_admins();
  ASSERT_OK(created);
  const std::string password = (*created)[1].password;
  auto login = service_->auth().login({"secadmin", password, std::nullopt}, kFrom);
  ASSERT_OK(login);
  auto p = service_->sessions().authenticate(login->token, std::nullopt, "");
  ASSERT_OK(p);
  for (int i = 0; i < 5; ++i)
    EXPECT_ERROR(service_->auth().change_password(*p, "wrong-password-1", kNewPassword, kFrom),
                 "invalid_current_password");
  EXPECT_EQ(audit_count("auth.password_change", "failure"), 5);
  EXPECT_EQ(audit_count("auth.lockout"), 1);
  EXPECT_ERROR(service_->auth().login({"secadmin", password, std::nullopt}, kFrom),
               "invalid_credentials");
  // Locked: the right current password changes nothing either, and says for how long.
  Status locked = service_->auth().change_password(*p, password, kNewPassword, kFrom);
  ASSERT_FALSE(locked.ok());
  EXPECT_EQ(locked.error().code, "too_many_attempts");
  EXPECT_EQ(locked.error().retry_after_seconds, 15 * 60);
  clock_.advance(15min);
  ASSERT_OK(service_->auth().change_password(*p, password, kNewPassword, kFrom));
}

TEST_F(IdentityTest, LockoutIsConfigurable) {
  config_.lockout_failures = 2;
  config_.lockout_duration = 1min;
  make_service();
  auto created = service_->users().init_admins();
  ASSERT_OK(created);
  for (int i = 0; i < 2; ++i)
    EXPECT_ERROR(service_->auth().login({"sysadmin", "wrong", std::nullopt}, kFrom),
                 "invalid_credentials");
  EXPECT_ERROR(service_->auth().login({"sysadmin", (*created)[0].password, std::nullopt}, kFrom),
               "invalid_credentials");
  clock_.advance(61s);
  ASSERT_OK(service_->auth().login({"sysadmin", (*created)[0].password, std::nullopt}, kFrom));
}

TEST_F(IdentityTest, AnAddressThatFailsTooOftenIsRefusedForAnHour) {
  config_.address_failures_per_hour = 3;
  make_service();
  auto created = service_->users().init_admins();
  ASSERT_OK(created);
  // Spraying: one attempt per account name, so no account locks.
  for (const char* name : {"a-user", "b-user", "c-user"}) {
    EXPECT_ERROR(service_->auth().login({name, "Password1234", std::nullopt}, kFrom),
                 "invalid_credentials");
  }
  clock_.advance(10min);
  auto refused = service_->auth().login({"sysadmin", (*created)[0].password, std::nullopt}, kFrom);
  ASSERT_FALSE(refused.ok());
  EXPECT_EQ(refused.error().code, "too_many_attempts");
  EXPECT_EQ(refused.error().retry_after_seconds, 50 * 60) << "when the hour's window ends";
  EXPECT_EQ(audit_count("auth.login", "denied"), 1);
  // Another address is unaffected.
  ASSERT_OK(service_->auth().login({"sysadmin", (*created)[0].password, std::nullopt},
                                   {"198.51.100.7", "req-2"}));
  clock_.advance(51min);
  ASSERT_OK(service_->auth().login({"sysadmin", (*created)[0].password, std::nullopt}, kFrom));
}

TEST_F(IdentityTest, SessionsExpireWhenIdleAndAtTheirAbsoluteEnd) {
  auto created = service_->users().init_admins();
  ASSERT_OK(created);
  auto idle = service_->auth().login({"auditadmin", (*created)[2].password, std::nullopt}, kFrom);
  ASSERT_OK(idle);
  clock_.advance(29min);
  ASSERT_OK(
      service_->sessions().authenticate(idle->token, std::nullopt, ""));  // slides the idle timeout
  clock_.advance(29min);
  ASSERT_OK(service_->sessions().authenticate(idle->token, std::nullopt, ""));
  clock_.advance(30min);
  EXPECT_ERROR(service_->sessions().authenticate(idle->token, std::nullopt, ""), "session_expired");
  EXPECT_ERROR(service_->sessions().authenticate(idle->token, std::nullopt, ""), "unauthenticated");

  // An active session still ends after 12 hours.
  auto busy = service_->auth().login({"auditadmin", (*created)[2].password, std::nullopt}, kFrom);
  ASSERT_OK(busy);
  for (int i = 0; i < 35; ++i) {  // 35 × 20 min = 11 h 40 min
    clock_.advance(20min);
    ASSERT_OK(service_->sessions().authenticate(busy->token, std::nullopt, ""));
  }
  clock_.advance(20min);
  EXPECT_ERROR(service_->sessions().authenticate(busy->token, std::nullopt, ""), "session_expired");
}

TEST_F(IdentityTest, LastSeenIsWrittenAtMostOnceAMinute) {
  auto created = service_->users().init_admins();
  ASSERT_OK(created);
  auto login = service_->auth().login({"auditadmin", (*created)[2].password, std::nullopt}, kFrom);
  ASSERT_OK(login);
  auto last_seen = [&] {
    auto conn = db_->acquire(db::Access::kRead);
    auto rows = conn->query("SELECT last_seen_at FROM identity_session");
    return (*rows)[0].get<std::int64_t>(0);
  };
  clock_.advance(30s);
  ASSERT_OK(service_->sessions().authenticate(login->token, std::nullopt, ""));
  EXPECT_EQ(last_seen(), to_millis(kStart));
  clock_.advance(31s);
  ASSERT_OK(service_->sessions().authenticate(login->token, std::nullopt, ""));
  EXPECT_EQ(last_seen(), to_millis(kStart + 61s));
}

TEST_F(IdentityTest, TokensAndApiKeysAreStoredOnlyAsSm3Hashes) {
  const Admins a = admins();
  auto login = service_->auth().login(
      {"sysadmin", kNewPassword, totp_code(secrets_["sysadmin"], clock_.now() + 30s)}, kFrom);
  ASSERT_OK(login);
  EXPECT_EQ(login->token.size(), 64u);  // 256 bits, hex
  const Department d = department(a.sys, "HZ-GA");
  auto client = service_->api_clients().create_api_client(a.sys, {"ga-system", d.id, {}}, kFrom);
  ASSERT_OK(client);
  EXPECT_EQ(client->api_key.size(), 64u);

  auto conn = db_->acquire(db::Access::kRead);
  ASSERT_OK(conn);
  for (const char* table : {"identity_session", "identity_api_client", "identity_user"}) {
    auto rows = conn->query(std::string("SELECT * FROM ") + table);
    ASSERT_OK(rows);
    for (const db::Row row : *rows) {
      for (std::size_t c = 0; c < rows->column_count(); ++c) {
        if (row.type(c) != db::ValueType::kText) continue;
        const std::string cell = row.get<std::string>(c);
        EXPECT_EQ(cell.find(login->token), std::string::npos) << table;
        EXPECT_EQ(cell.find(client->api_key), std::string::npos) << table;
      }
    }
  }
  auto hashes = conn->query("SELECT token_hash FROM identity_session ORDER BY id DESC");
  ASSERT_OK(hashes);
  EXPECT_EQ((*hashes)[0].get<std::string>(0), core::to_hex(*crypto_.sm3(login->token)));
}

TEST_F(IdentityTest, TotpIsRequiredForAdministratorsAndRefusesReusedAndExpiredCodes) {
  auto created = service_->users().init_admins();
  ASSERT_OK(created);
  auto login = service_->auth().login({"secadmin", (*created)[1].password, std::nullopt}, kFrom);
  ASSERT_OK(login);
  EXPECT_TRUE(login->totp_enrolment_required);
  auto p = service_->sessions().authenticate(login->token, std::nullopt, "");
  ASSERT_OK(p);
  ASSERT_OK(service_->auth().change_password(*p, (*created)[1].password, kNewPassword, kFrom));
  p = service_->sessions().authenticate(login->token, std::nullopt, "");
  ASSERT_OK(p);
  EXPECT_FALSE(p->must_change_password);
  EXPECT_TRUE(p->must_enrol_totp) << "TOTP enrolment is still pending";

  EXPECT_ERROR(service_->auth().confirm_totp_enrolment(*p, "123456", kFrom), "totp_not_started");
  auto enrol = service_->auth().begin_totp_enrolment(*p, kFrom);
  ASSERT_OK(enrol);
  EXPECT_EQ(enrol->secret.size(), 32u);  // 20 bytes in base32
  EXPECT_EQ(
      enrol->otpauth_uri.rfind("otpauth://totp/Zhengtong:secadmin?secret=" + enrol->secret, 0), 0u);
  const std::string key = *base32_decode(enrol->secret);
  EXPECT_ERROR(
      service_->auth().confirm_totp_enrolment(*p, totp_code(key, clock_.now() - 90s), kFrom),
      "invalid_totp");
  ASSERT_OK(service_->auth().confirm_totp_enrolment(*p, totp_code(key, clock_.now()), kFrom));
  p = service_->sessions().authenticate(login->token, std::nullopt, "");
  ASSERT_OK(p);
  EXPECT_FALSE(p->must_change_password);
  EXPECT_FALSE(p->must_enrol_totp);

  // Sign-in now needs the code.
  EXPECT_ERROR(service_->auth().login({"secadmin", kNewPassword, std::nullopt}, kFrom),
               "totp_required");
  // The code used to confirm enrolment cannot sign in (same step).
  EXPECT_ERROR(
      service_->auth().login({"secadmin", kNewPassword, totp_code(key, clock_.now())}, kFrom),
      "invalid_totp");
  clock_.advance(30s);
  const std::string code = totp_code(key, clock_.now());
  ASSERT_OK(service_->auth().login({"secadmin", kNewPassword, code}, kFrom));
  EXPECT_ERROR(service_->auth().login({"secadmin", kNewPassword, code}, kFrom),
               "invalid_totp");  // reuse
  // Expired: a code from two steps ago that was never used.
  clock_.advance(90s);
  EXPECT_ERROR(
      service_->auth().login({"secadmin", kNewPassword, totp_code(key, clock_.now() - 60s)}, kFrom),
      "invalid_totp");
  // One step ahead is still accepted (clock drift).
  ASSERT_OK(service_->auth().login({"secadmin", kNewPassword, totp_code(key, clock_.now() + 30s)},
                                   kFrom));
  EXPECT_EQ(audit_count("auth.totp_enrol"), 1);
  EXPECT_GE(audit_count("auth.login", "failure"), 4);
}

// The password was right, so a missing or wrong code must not be free to retry.
TEST_F(IdentityTest, AMissingOrWrongTotpCountsTowardsTheLockout) {
  admins();
  for (int i = 0; i < 5; ++i) {
    clock_.advance(31s);
    EXPECT_ERROR(service_->auth().login({"secadmin", kNewPassword, i % 2 ? "000000" : ""}, kFrom),
                 i % 2 ? "invalid_totp" : "totp_required");
  }
  EXPECT_EQ(audit_count("auth.lockout"), 1);
  clock_.advance(31s);
  EXPECT_ERROR(
      service_->auth().login(
          {"secadmin", kNewPassword, totp_code(secrets_["secadmin"], clock_.now())}, kFrom),
      "invalid_credentials");
}

TEST_F(IdentityTest, TotpSecretsAreStoredSealedWithTheDataKey) {
  const Admins a = admins();
  const std::string& raw = secrets_["secadmin"];
  ASSERT_EQ(raw.size(), kTotpSecretBytes);
  const std::string base32 = base32_encode(raw);
  std::string stored;
  {
    auto conn = db_->acquire(db::Access::kRead);
    ASSERT_OK(conn);
    auto rows = conn->query("SELECT id, totp_secret FROM identity_user WHERE username = ?",
                            std::string("secadmin"));
    ASSERT_OK(rows);
    ASSERT_EQ(rows->size(), 1u);
    stored = (*rows)[0].get<std::string>(1);
    EXPECT_EQ(stored.find(base32), std::string::npos);
    EXPECT_EQ(stored.find(raw), std::string::npos);
    EXPECT_EQ(stored.find(core::to_hex(raw)), std::string::npos);
    ASSERT_EQ(stored.rfind("sm4:", 0), 0u);
    // The sealed box is bound to the row: it opens with "totp:<id>" only.
    auto box = core::from_hex(stored.substr(4));
    ASSERT_OK(box);
    const std::string id = std::to_string((*rows)[0].get<std::int64_t>(0));
    auto opened = crypto_.sm4_open(config_.data_key, *box, "totp:" + id);
    ASSERT_OK(opened);
    EXPECT_EQ(*opened, base32);
    EXPECT_FALSE(crypto_.sm4_open(config_.data_key, *box, "totp:" + id + "0").ok());
  }
  // Sign-in with codes still works.
  ASSERT_OK(service_->auth().login({"secadmin", kNewPassword, totp_code(raw, clock_.now() + 30s)},
                                   kFrom));

  clock_.advance(60s);
  // A row written before migration 202 (plain base32) stays readable.
  {
    auto conn = db_->acquire(db::Access::kWrite);
    ASSERT_OK(conn);
    ASSERT_OK(conn->exec("UPDATE identity_user SET totp_secret = ? WHERE username = ?", base32,
                         std::string("secadmin")));
  }
  ASSERT_OK(
      service_->auth().login({"secadmin", kNewPassword, totp_code(raw, clock_.now())}, kFrom));
  {
    auto conn = db_->acquire(db::Access::kWrite);
    ASSERT_OK(conn);
    ASSERT_OK(conn->exec("UPDATE identity_user SET totp_secret = ? WHERE username = ?", stored,
                         std::string("secadmin")));
  }

  // Another data key cannot verify codes: the sign-in is refused and audited, nothing crashes.
  clock_.advance(30s);
  config_.data_key = std::string(core::kSm4SealKeySize, '\x42');
  make_service();
  auto refused =
      service_->auth().login({"secadmin", kNewPassword, totp_code(raw, clock_.now())}, kFrom);
  ASSERT_FALSE(refused.ok());
  EXPECT_EQ(refused.error().kind, ErrorKind::kInternal);
  auto conn = db_->acquire(db::Access::kRead);
  ASSERT_OK(conn);
  auto rows = conn->query(
      "SELECT detail FROM audit_records WHERE action = 'auth.login' AND outcome = 'failure' "
      "AND actor_name = 'secadmin'");
  ASSERT_OK(rows);
  ASSERT_EQ(rows->size(), 1u);
  EXPECT_EQ((*rows)[0].get<std::string>(0),
            R"({"reason":"totp_secret_unreadable","error":"decryption_failed"})");
  (void)a;
}

TEST_F(IdentityTest, TheDataKeyMustBe32Bytes) {
  config_.data_key = "short";
  EXPECT_ERROR(IdentityService::create(*db_, crypto_, clock_, *audit_, config_),
               "invalid_data_key");
}

TEST_F(IdentityTest, TotpForOtherStaffRolesIsConfigurable) {
  config_.totp_roles = {"dept_officer"};
  make_service();
  EXPECT_TRUE(service_->auth().totp_required({"dept_officer"}));
  EXPECT_FALSE(service_->auth().totp_required({"window_clerk"}));
  EXPECT_TRUE(service_->auth().totp_required({"audit_admin"}));
  const Admins a = admins();
  const Department d = department(a.sys, "D1");
  auto created = service_->users().create_user(a.sys,
                                               {.kind = UserKind::kStaff,
                                                .username = "officer",
                                                .display_name = "李四",
                                                .department_id = d.id},
                                               kFrom);
  ASSERT_OK(created);
  ASSERT_OK(service_->users().set_roles(a.sec, created->user.id, {"dept_officer"}, kFrom));
  auto login = service_->auth().login({"officer", created->initial_password, std::nullopt}, kFrom);
  ASSERT_OK(login);
  EXPECT_TRUE(login->totp_enrolment_required);
}

TEST_F(IdentityTest, ThreeAdministratorsAreSeparatedOnAssignment) {
  const Admins a = admins();
  const Department d = department(a.sys, "D1");
  auto created = service_->users().create_user(a.sys,
                                               {.kind = UserKind::kStaff,
                                                .username = "wangwu",
                                                .display_name = "王五",
                                                .department_id = d.id},
                                               kFrom);
  ASSERT_OK(created);
  const std::int64_t id = created->user.id;
  EXPECT_ERROR(service_->users().set_roles(a.sec, id, {"sys_admin", "audit_admin"}, kFrom),
               "separation_of_duties");
  EXPECT_ERROR(service_->users().set_roles(a.sec, id, {"sec_admin", "sys_admin", "leader"}, kFrom),
               "separation_of_duties");
  auto refused = service_->users().set_roles(a.sec, id, {"sys_admin", "sec_admin"}, kFrom);
  ASSERT_FALSE(refused.ok());
  EXPECT_EQ(refused.error().kind, ErrorKind::kConflict);
  ASSERT_OK(service_->users().set_roles(a.sec, id, {"sys_admin", "dept_admin"}, kFrom));
  EXPECT_ERROR(service_->users().set_roles(a.sec, id, {"root"}, kFrom), "unknown_role");
  // Nobody changes their own roles, and only the security admin assigns roles.
  EXPECT_ERROR(service_->users().set_roles(a.sec, a.sec.id, {"sec_admin", "leader"}, kFrom),
               "cannot_change_own_roles");
  EXPECT_ERROR(service_->users().set_roles(a.sys, id, {"leader"}, kFrom), "forbidden");
  EXPECT_ERROR(service_->users().set_roles(a.audit, id, {"leader"}, kFrom), "forbidden");
  EXPECT_EQ(audit_count("user.roles_change"), 1);
}

TEST_F(IdentityTest, ThreeAdministratorsAreSeparatedOnAccess) {
  const Admins a = admins();
  EXPECT_FALSE(a.sys.has_permission("audit.read"));
  EXPECT_TRUE(a.sys.has_permission("identity.users.manage"));
  EXPECT_TRUE(a.audit.has_permission("audit.read"));
  EXPECT_FALSE(a.sec.has_permission("audit.read"));
  EXPECT_TRUE(a.sec.has_permission("identity.roles.assign"));
  EXPECT_TRUE(std::is_sorted(a.sys.permissions.begin(), a.sys.permissions.end()));
  // The audit admin changes nothing.
  EXPECT_ERROR(
      service_->users().create_user(
          a.audit,
          {.kind = UserKind::kStaff, .username = "x-user", .display_name = "x", .department_id = 1},
          kFrom),
      "forbidden");
  EXPECT_ERROR(
      service_->departments().create_department(a.audit, {"D9", "部门", "330300", {}}, kFrom),
      "forbidden");
  EXPECT_ERROR(service_->users().reset_password(a.audit, a.sys.id, kFrom), "forbidden");
  EXPECT_ERROR(service_->api_clients().create_api_client(a.audit, {"c-x", 1, {}}, kFrom),
               "forbidden");
  // The security admin does not manage users or departments.
  EXPECT_ERROR(
      service_->departments().create_department(a.sec, {"D9", "部门", "330300", {}}, kFrom),
      "forbidden");
  auto forbidden = service_->users().reset_password(a.sec, a.sys.id, kFrom);
  ASSERT_FALSE(forbidden.ok());
  EXPECT_EQ(forbidden.error().kind, ErrorKind::kForbidden);
}

TEST_F(IdentityTest, DepartmentScopeAnswersNotFoundForAnotherDepartment) {
  const Admins a = admins();
  const Department da = department(a.sys, "DA");
  const Department db = department(a.sys, "DB");
  const core::Principal officer = staff(a, "officer-a", da.id, {"dept_officer"});
  const core::Principal leader = staff(a, "leader-b", db.id, {"leader"});
  ASSERT_OK(require_same_department(officer, da.id));
  auto other = require_same_department(officer, db.id);
  ASSERT_FALSE(other.ok());
  EXPECT_EQ(other.error().kind, ErrorKind::kNotFound);
  EXPECT_EQ(other.error().code, "not_found");
  EXPECT_EQ(department_filter(officer), da.id);
  // City-wide roles see every department.
  ASSERT_OK(require_same_department(leader, da.id));
  EXPECT_EQ(department_filter(leader), std::nullopt);
  // Users of another department are not found either.
  const core::Principal dept_admin = staff(a, "admin-b", db.id, {"dept_admin"});
  EXPECT_ERROR(service_->users().get_user(dept_admin, officer.id), "user_not_found");
  ASSERT_OK(service_->users().get_user(dept_admin, leader.id));
  auto listed = service_->users().list_users(dept_admin, {});
  ASSERT_OK(listed);
  for (const User& u : *listed)
    EXPECT_EQ(u.department_id, db.id);
}

TEST_F(IdentityTest, DepartmentsKeepTheirHistory) {
  const Admins a = admins();
  const Department city = department(a.sys, "WZ");
  const Department bureau = department(a.sys, "WZ-GA", city.id);
  EXPECT_ERROR(
      service_->departments().create_department(a.sys, {"WZ", "重复", "330300", {}}, kFrom),
      "department_exists");
  EXPECT_ERROR(service_->departments().create_department(a.sys, {"X1", "x", "339999x", {}}, kFrom),
               "invalid_division_code");
  EXPECT_ERROR(service_->departments().create_department(a.sys, {"X1", "x", "330300", 999}, kFrom),
               "invalid_parent");
  auto updated = service_->departments().update_department(
      a.sys, bureau.id, {"WZ-GA", "温州市公安局", "330300", city.id}, kFrom);
  ASSERT_OK(updated);
  EXPECT_EQ(updated->version, 2);
  EXPECT_ERROR(service_->departments().update_department(
                   a.sys, city.id, {"WZ", "温州市", "330300", bureau.id}, kFrom),
               "department_cycle");
  EXPECT_ERROR(service_->departments().delete_department(a.sys, city.id, kFrom),
               "department_in_use");
  ASSERT_OK(service_->departments().delete_department(a.sys, bureau.id, kFrom));
  EXPECT_ERROR(service_->departments().get_department(a.sys, bureau.id), "department_not_found");
  auto history = service_->departments().department_history(a.sys, bureau.id);
  ASSERT_OK(history);
  ASSERT_EQ(history->size(), 3u);
  EXPECT_EQ((*history)[0].action, "create");
  EXPECT_EQ((*history)[1].action, "update");
  EXPECT_EQ((*history)[1].name, "温州市公安局");
  EXPECT_EQ((*history)[2].action, "delete");
  EXPECT_EQ((*history)[2].changed_by_name, "sysadmin");
  EXPECT_EQ(audit_count("department.create"), 2);
  EXPECT_EQ(audit_count("department.update"), 1);
  EXPECT_EQ(audit_count("department.delete"), 1);
  auto page =
      service_->departments().list_departments(a.audit, 0, 10, std::nullopt);  // any staff reads
  ASSERT_OK(page);
  EXPECT_EQ(page->size(), 1u);
}

TEST_F(IdentityTest, CitizensAndEnterprisesAreKeyedByTheirIdentifiers) {
  const Admins a = admins();
  auto citizen = service_->users().create_user(
      a.sys,
      {.kind = UserKind::kCitizen, .display_name = "张三", .id_number = "11010519491231002x"},
      kFrom);
  ASSERT_OK(citizen);
  EXPECT_EQ(citizen->user.username, "11010519491231002X");
  EXPECT_EQ(citizen->user.id_number, "11010519491231002X");
  EXPECT_ERROR(
      service_->users().create_user(
          a.sys,
          {.kind = UserKind::kCitizen, .display_name = "x", .id_number = "110105194912310021"},
          kFrom),
      "invalid_id_number");
  EXPECT_ERROR(
      service_->users().create_user(
          a.sys,
          {.kind = UserKind::kEnterprise, .display_name = "某公司", .uscc = "91350100M000100Y43"},
          kFrom),
      "invalid_responsible_person");
  auto enterprise = service_->users().create_user(a.sys,
                                                  {.kind = UserKind::kEnterprise,
                                                   .display_name = "某公司",
                                                   .uscc = "91350100M000100Y43",
                                                   .responsible_person = "王五"},
                                                  kFrom);
  ASSERT_OK(enterprise);
  EXPECT_EQ(enterprise->user.username, "91350100M000100Y43");
  EXPECT_ERROR(
      service_->users().create_user(
          a.sys,
          {.kind = UserKind::kCitizen, .display_name = "张三", .id_number = "11010519491231002X"},
          kFrom),
      "user_exists");
  EXPECT_ERROR(service_->users().set_roles(a.sec, citizen->user.id, {"leader"}, kFrom),
               "roles_for_staff_only");
  // A citizen signs in and is not staff: no department reads.
  const core::Principal p = ready_user(citizen->user.username, citizen->initial_password);
  EXPECT_EQ(p.user_kind, "citizen");
  EXPECT_TRUE(p.permissions.empty());
  EXPECT_ERROR(service_->departments().list_departments(p, 0, 10, std::nullopt), "forbidden");
  EXPECT_EQ(audit_count("user.create"), 5);
}

TEST_F(IdentityTest, DisablingAndResettingEndSessions) {
  const Admins a = admins();
  const Department d = department(a.sys, "D1");
  const core::Principal clerk = staff(a, "clerk", d.id, {"window_clerk"});
  auto login = service_->auth().login({"clerk", kNewPassword, std::nullopt}, kFrom);
  ASSERT_OK(login);
  auto reset = service_->users().reset_password(a.sys, clerk.id, kFrom);
  ASSERT_OK(reset);
  EXPECT_ERROR(service_->sessions().authenticate(login->token, std::nullopt, ""),
               "unauthenticated");
  auto again = service_->auth().login({"clerk", *reset, std::nullopt}, kFrom);
  ASSERT_OK(again);
  EXPECT_TRUE(again->user.must_change_password);
  EXPECT_ERROR(service_->users().update_user(a.sys, a.sys.id, {.disabled = true}, kFrom),
               "cannot_disable_self");
  auto disabled = service_->users().update_user(a.sys, clerk.id, {.disabled = true}, kFrom);
  ASSERT_OK(disabled);
  EXPECT_TRUE(disabled->disabled);
  EXPECT_ERROR(service_->sessions().authenticate(again->token, std::nullopt, ""),
               "unauthenticated");
  EXPECT_ERROR(service_->auth().login({"clerk", *reset, std::nullopt}, kFrom),
               "invalid_credentials");
  EXPECT_EQ(audit_count("user.password_reset"), 1);
  EXPECT_EQ(audit_count("user.disable"), 1);
}

// Sessions accepted once are cached (SessionCache); every change that ends or narrows one must
// still apply to the very next request — including a change made by another server node (a
// second service on the same database) that this node's cache never heard of.
TEST_F(IdentityTest, CachedSessionsEndWithTheirRevocationOnEveryNode) {
  const Admins a = admins();
  const Department d = department(a.sys, "D1");
  const core::Principal clerk = staff(a, "clerk", d.id, {"window_clerk"});
  auto node2 = IdentityService::create(*db_, crypto_, clock_, *audit_, config_);
  ASSERT_OK(node2);
  auto sign_in = [&] {
    auto login = service_->auth().login({"clerk", kNewPassword, std::nullopt}, kFrom);
    EXPECT_TRUE(login.ok());
    return login.ok() ? login->token : std::string();
  };
  auto cached = [&](const std::string& token) {  // accepted twice: the second from the cache
    EXPECT_TRUE(service_->sessions().authenticate(token, std::nullopt, "").ok());
    auto p = service_->sessions().authenticate(token, std::nullopt, "");
    EXPECT_TRUE(p.ok());
    return p.ok() ? *p : core::Principal{};
  };

  // Logout on the other node.
  std::string token = sign_in();
  const core::Principal p = cached(token);
  ASSERT_OK((*node2)->sessions().logout(p, kFrom));
  EXPECT_ERROR(service_->sessions().authenticate(token, std::nullopt, ""), "unauthenticated");

  // New roles on the other node: the next request carries them.
  token = sign_in();
  EXPECT_EQ(cached(token).roles, std::vector<std::string>{"window_clerk"});
  ASSERT_OK((*node2)->users().set_roles(a.sec, clerk.id, {"dept_officer"}, kFrom));
  auto narrowed = service_->sessions().authenticate(token, std::nullopt, "");
  ASSERT_OK(narrowed);
  EXPECT_EQ(narrowed->roles, std::vector<std::string>{"dept_officer"});

  // Disabled on the other node.
  ASSERT_OK((*node2)->users().update_user(a.sys, clerk.id, {.disabled = true}, kFrom));
  EXPECT_ERROR(service_->sessions().authenticate(token, std::nullopt, ""), "unauthenticated");

  // Idle and absolute limits still hold for a cached session.
  ASSERT_OK((*node2)->users().update_user(a.sys, clerk.id, {.disabled = false}, kFrom));
  token = sign_in();
  cached(token);
  clock_.advance(config_.session_idle + 1s);
  EXPECT_ERROR(service_->sessions().authenticate(token, std::nullopt, ""), "session_expired");
}

// 三员分立 for API clients as for roles: the system administrator creates a client without
// permissions; only the security administrator gives them, and the change is audited.
TEST_F(IdentityTest, OnlyTheSecurityAdministratorGivesAnApiClientPermissions) {
  const Admins a = admins();
  const Department d = department(a.sys, "HZ-MZ");
  EXPECT_ERROR(service_->api_clients().create_api_client(
                   a.sys, {"mz-system", d.id, {"exchange.grants.manage"}}, kFrom),
               "permissions_need_sec_admin");
  auto client = service_->api_clients().create_api_client(a.sys, {"mz-system", d.id, {}}, kFrom);
  ASSERT_OK(client);
  EXPECT_TRUE(client->client.permissions.empty());
  const std::int64_t id = client->client.id;
  EXPECT_ERROR(service_->api_clients().set_permissions(a.sys, id, {"exchange.query"}, kFrom),
               "forbidden");
  EXPECT_ERROR(service_->api_clients().set_permissions(a.sec, id + 99, {}, kFrom),
               "api_client_not_found");
  auto given = service_->api_clients().set_permissions(a.sec, id, {"exchange.query"}, kFrom);
  ASSERT_OK(given);
  EXPECT_EQ(given->permissions, (std::vector<std::string>{"exchange.query"}));
  auto p = service_->sessions().authenticate(std::nullopt, client->api_key, "");
  ASSERT_OK(p);
  EXPECT_EQ(p->permissions, (std::vector<std::string>{"exchange.query"}));
  ASSERT_OK(service_->api_clients().set_permissions(a.sec, id, {}, kFrom));
  p = service_->sessions().authenticate(std::nullopt, client->api_key, "");
  ASSERT_OK(p);
  EXPECT_TRUE(p->permissions.empty());
  auto conn = db_->acquire(db::Access::kRead);
  ASSERT_OK(conn);
  auto rows = conn->query(
      "SELECT detail FROM audit_records WHERE action = 'api_client.permissions' ORDER BY id");
  ASSERT_OK(rows);
  ASSERT_EQ(rows->size(), 2u);
  EXPECT_NE((*rows)[0].get<std::string>(0).find("exchange.query"), std::string::npos);
  ASSERT_OK(service_->api_clients().revoke_api_client(a.sys, id, kFrom));
  EXPECT_ERROR(service_->api_clients().set_permissions(a.sec, id, {"exchange.query"}, kFrom),
               "api_client_revoked");
}

TEST_F(IdentityTest, ApiClientsAuthenticateWithTheirKeyUntilRevoked) {
  const Admins a = admins();
  const Department d = department(a.sys, "HZ-SB");
  auto client = service_->api_clients().create_api_client(a.sys, {"sb-system", d.id, {}}, kFrom);
  ASSERT_OK(client);
  const std::int64_t id = client->client.id;
  EXPECT_ERROR(service_->api_clients().set_permissions(a.sec, id, {"audit.read"}, kFrom),
               "unknown_permission");
  ASSERT_OK(service_->api_clients().set_permissions(
      a.sec, id, {"exchange.query", "exchange.ingest", "exchange.query"}, kFrom));
  auto p = service_->sessions().authenticate(std::nullopt, client->api_key, "");
  ASSERT_OK(p);
  EXPECT_EQ(p->kind, core::Principal::Kind::kApiClient);
  EXPECT_EQ(p->department_id, d.id);
  EXPECT_EQ(p->permissions, (std::vector<std::string>{"exchange.ingest", "exchange.query"}));
  ASSERT_OK(require_same_department(*p, d.id));
  EXPECT_FALSE(require_same_department(*p, d.id + 1).ok());
  auto listed = service_->api_clients().list_api_clients(a.sec, 0, 10);
  ASSERT_OK(listed);
  EXPECT_EQ(listed->size(), 1u);
  ASSERT_OK(service_->api_clients().revoke_api_client(a.sys, client->client.id, kFrom));
  EXPECT_ERROR(service_->sessions().authenticate(std::nullopt, client->api_key, ""),
               "unauthenticated");
  EXPECT_ERROR(service_->sessions().authenticate(std::nullopt, std::nullopt, ""),
               "unauthenticated");
  EXPECT_EQ(audit_count("api_client.create"), 1);
  EXPECT_EQ(audit_count("api_client.revoke"), 1);
}

TEST_F(IdentityTest, DengbaoForcesRotationAndAsvsDoesNot) {
  const Admins a = admins();
  auto login = service_->auth().login(
      {"auditadmin", kNewPassword, totp_code(secrets_["auditadmin"], clock_.now() + 30s)}, kFrom);
  ASSERT_OK(login);
  clock_.advance(24h * 91);
  auto fresh = service_->auth().login(
      {"auditadmin", kNewPassword, totp_code(secrets_["auditadmin"], clock_.now())}, kFrom);
  ASSERT_OK(fresh);
  EXPECT_TRUE(fresh->user.must_change_password);
  auto p = service_->sessions().authenticate(fresh->token, std::nullopt, "");
  ASSERT_OK(p);
  EXPECT_TRUE(p->must_change_password);

  config_.password_profile = PasswordProfile::kAsvs;
  make_service();
  p = service_->sessions().authenticate(fresh->token, std::nullopt, "");
  ASSERT_OK(p);
  EXPECT_FALSE(p->must_change_password);
}

// --- security policy ---------------------------------------------------------------------------

TEST_F(IdentityTest, SecurityAdminLowersLockoutFailuresAndTheThirdFailureLocks) {
  const Admins a = admins();
  auto changed = service_->policy().set_policy(a.sec, {{"lockout_failures", "3"}}, kFrom);
  ASSERT_OK(changed);
  EXPECT_EQ(changed->version, 1);
  EXPECT_EQ(changed->config.lockout_failures, 3);
  EXPECT_EQ(changed->defaults.lockout_failures, 5);
  EXPECT_TRUE(changed->is_from_database("lockout_failures"));
  EXPECT_FALSE(changed->is_from_database("lockout_minutes"));

  for (int i = 0; i < 2; ++i)
    EXPECT_ERROR(service_->auth().login({"auditadmin", "wrong", std::nullopt}, kFrom),
                 "invalid_credentials");
  EXPECT_EQ(audit_count("auth.lockout"), 0);
  EXPECT_ERROR(service_->auth().login({"auditadmin", "wrong", std::nullopt}, kFrom),
               "invalid_credentials");
  EXPECT_EQ(audit_count("auth.lockout"), 1);
  EXPECT_ERROR(service_->auth().login({"auditadmin", kNewPassword,
                                       totp_code(secrets_["auditadmin"], clock_.now() + 30s)},
                                      kFrom),
               "invalid_credentials");

  // null returns the field to the config's value.
  auto reset = service_->policy().set_policy(a.sec, {{"lockout_failures", std::nullopt}}, kFrom);
  ASSERT_OK(reset);
  EXPECT_EQ(reset->version, 2);
  EXPECT_EQ(reset->config.lockout_failures, 5);
  EXPECT_FALSE(reset->is_from_database("lockout_failures"));
}

TEST_F(IdentityTest, SwitchingThePolicyToAsvsLiftsTheNinetyDayExpiry) {
  const Admins a = admins();
  clock_.advance(24h * 91);
  auto fresh = service_->auth().login(
      {"auditadmin", kNewPassword, totp_code(secrets_["auditadmin"], clock_.now())}, kFrom);
  ASSERT_OK(fresh);
  EXPECT_TRUE(fresh->user.must_change_password);

  ASSERT_OK(service_->policy().set_policy(a.sec, {{"password_profile", "asvs"}}, kFrom));
  auto p = service_->sessions().authenticate(fresh->token, std::nullopt, "");
  ASSERT_OK(p);
  EXPECT_FALSE(p->must_change_password);
  // And the asvs rules apply to a new password: no composition rules.
  EXPECT_TRUE(service_->auth().change_password(*p, kNewPassword, "kqmzvtwplrxnb", kFrom).ok());
}

TEST_F(IdentityTest, InvalidPolicyValuesAreRefusedWithTheFieldNamed) {
  const Admins a = admins();
  const std::vector<std::pair<std::string, std::string>> bad = {
      {"lockout_failures", "0"},         {"lockout_failures", "1001"},
      {"lockout_failures", "three"},     {"password_max_age_days", "-1"},
      {"session_absolute_hours", "721"}, {"session_idle_minutes", "1441"},
      {"password_profile", "weak"},      {"totp_roles", "sys_admin"},
      {"totp_roles", "no_such_role"},    {"argon2_memory_kib", "65536"}};
  for (const auto& [field, value] : bad) {
    auto r = service_->policy().set_policy(a.sec, {{field, value}}, kFrom);
    ASSERT_FALSE(r.ok()) << field << "=" << value;
    EXPECT_EQ(r.error().code, "invalid_policy") << field << "=" << value;
    EXPECT_NE(r.error().detail.find(field), std::string::npos) << r.error().detail;
  }
  EXPECT_ERROR(service_->policy().set_policy(a.sec, {}, kFrom), "invalid_policy");
  // One bad field refuses the whole change.
  EXPECT_ERROR(service_->policy().set_policy(
                   a.sec, {{"lockout_failures", "3"}, {"lockout_minutes", "0"}}, kFrom),
               "invalid_policy");
  auto policy = service_->policy().get_policy(a.sec);
  ASSERT_OK(policy);
  EXPECT_EQ(policy->version, 0);
  EXPECT_EQ(policy->config.lockout_failures, 5);
  EXPECT_EQ(audit_count("security.policy_change"), 0);
}

TEST_F(IdentityTest, OnlyTheSecurityAdminReadsAndChangesThePolicy) {
  const Admins a = admins();
  for (const core::Principal* p : {&a.sys, &a.audit}) {
    EXPECT_ERROR(service_->policy().get_policy(*p), "forbidden");
    EXPECT_ERROR(service_->policy().set_policy(*p, {{"lockout_failures", "3"}}, kFrom),
                 "forbidden");
    EXPECT_ERROR(service_->policy().policy_history(*p, 0, 50), "forbidden");
  }
  ASSERT_OK(service_->policy().get_policy(a.sec));
}

TEST_F(IdentityTest, PolicyChangesKeepHistoryAndAreAudited) {
  const Admins a = admins();
  const core::TimePoint first_at = clock_.now();
  ASSERT_OK(service_->policy().set_policy(a.sec, {{"lockout_failures", "3"}}, kFrom));
  clock_.advance(1min);
  auto second = service_->policy().set_policy(
      a.sec, {{"totp_roles", "window_clerk,dept_officer,dept_officer"}, {"lockout_failures", "4"}},
      kFrom);
  ASSERT_OK(second);
  EXPECT_EQ(second->config.totp_roles, (std::vector<std::string>{"dept_officer", "window_clerk"}));
  EXPECT_TRUE(service_->auth().totp_required({"window_clerk"}));
  // The same values again change nothing and write nothing.
  ASSERT_OK(service_->policy().set_policy(a.sec, {{"lockout_failures", "4"}}, kFrom));
  EXPECT_EQ(audit_count("security.policy_change"), 2);

  auto history = service_->policy().policy_history(a.sec, 0, 50);
  ASSERT_OK(history);
  ASSERT_EQ(history->size(), 2u);
  EXPECT_EQ((*history)[0].version, 2);
  EXPECT_EQ((*history)[0].old_values, R"({"lockout_failures":3,"totp_roles":[]})");
  EXPECT_EQ((*history)[0].new_values,
            R"({"lockout_failures":4,"totp_roles":["dept_officer","window_clerk"]})");
  EXPECT_EQ((*history)[1].old_values, R"({"lockout_failures":5})");
  EXPECT_EQ((*history)[1].new_values, R"({"lockout_failures":3})");
  EXPECT_EQ((*history)[1].changed_by, a.sec.id);
  EXPECT_EQ((*history)[1].changed_by_name, "secadmin");
  EXPECT_EQ((*history)[1].changed_at, first_at);
  // Cursor paging, newest first.
  auto page = service_->policy().policy_history(a.sec, 0, 1);
  ASSERT_OK(page);
  ASSERT_EQ(page->size(), 1u);
  auto next = service_->policy().policy_history(a.sec, page->back().id, 1);
  ASSERT_OK(next);
  ASSERT_EQ(next->size(), 1u);
  EXPECT_EQ(next->front().version, 1);

  auto conn = db_->acquire(db::Access::kRead);
  ASSERT_OK(conn);
  auto rows = conn->query(
      "SELECT actor_name, object_type, object_id, detail FROM audit_records WHERE action = "
      "'security.policy_change' ORDER BY id");
  ASSERT_OK(rows);
  ASSERT_EQ(rows->size(), 2u);
  EXPECT_EQ((*rows)[0].get<std::string>(0), "secadmin");
  EXPECT_EQ((*rows)[0].get<std::string>(1), "security_policy");
  EXPECT_EQ((*rows)[0].get<std::string>(2), "1");
  EXPECT_EQ((*rows)[0].get<std::string>(3),
            R"({"version":1,"old":{"lockout_failures":5},"new":{"lockout_failures":3}})");
}

TEST_F(IdentityTest, AnotherServiceOnTheSameDatabaseSeesAChangeWithinItsReloadInterval) {
  const Admins a = admins();
  auto other = IdentityService::create(*db_, crypto_, clock_, *audit_, config_);
  ASSERT_OK(other);
  auto before = (*other)->policy().effective_policy();
  ASSERT_OK(before);
  EXPECT_EQ((*before)->version, 0);

  ASSERT_OK(service_->policy().set_policy(a.sec, {{"session_idle_minutes", "5"}}, kFrom));
  auto cached = (*other)->policy().effective_policy();
  ASSERT_OK(cached);
  EXPECT_EQ((*cached)->version, 0);  // checked less than a second ago
  clock_.advance(PolicyService::kPolicyReloadInterval);
  auto after = (*other)->policy().effective_policy();
  ASSERT_OK(after);
  EXPECT_EQ((*after)->version, 1);
  EXPECT_EQ((*after)->config.session_idle, 5min);

  // The other node applies it: a session idle for 6 minutes has ended.
  auto login = (*other)->auth().login(
      {"auditadmin", kNewPassword, totp_code(secrets_["auditadmin"], clock_.now() + 30s)}, kFrom);
  ASSERT_OK(login);
  clock_.advance(6min);
  EXPECT_ERROR((*other)->sessions().authenticate(login->token, std::nullopt, ""),
               "session_expired");
}

TEST_F(IdentityTest, EveryEventIsAudited) {
  const Admins a = admins();
  auto login = service_->auth().login({"nobody", "x", std::nullopt}, kFrom);
  ASSERT_FALSE(login.ok());
  const Department d = department(a.sys, "D1");
  const core::Principal officer = staff(a, "officer", d.id, {"dept_officer"});
  ASSERT_OK(service_->sessions().logout(officer, kFrom));
  EXPECT_ERROR(service_->sessions().authenticate(std::nullopt, std::nullopt, ""),
               "unauthenticated");
  for (const char* action :
       {"user.create", "auth.login", "auth.password_change", "auth.totp_setup", "auth.totp_enrol",
        "department.create", "user.roles_change", "auth.logout"}) {
    EXPECT_GE(audit_count(action), 1) << action;
  }
  EXPECT_EQ(audit_count("auth.login", "failure"), 1);
  // The failure names the attempted username and the source address, never the password.
  auto conn = db_->acquire(db::Access::kRead);
  auto rows = conn->query(
      "SELECT actor_name, source_address, detail FROM audit_records WHERE outcome = 'failure'");
  ASSERT_OK(rows);
  ASSERT_EQ(rows->size(), 1u);
  EXPECT_EQ((*rows)[0].get<std::string>(0), "nobody");
  EXPECT_EQ((*rows)[0].get<std::string>(1), "192.0.2.10");
  EXPECT_EQ((*rows)[0].get<std::string>(2), "{\"reason\":\"unknown_user\"}");
}

}  // namespace
}  // namespace zt::identity
