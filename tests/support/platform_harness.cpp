#include "support/platform_harness.h"

#include "core/crypto.h"
#include "core/crypto_openssl.h"
#include "identity/service.h"

#include <boost/json/serialize.hpp>

#include <algorithm>

namespace zt::test {

core::TimePoint PlatformHarness::start_time() {
  // 2026-06-01T01:00:00Z
  return core::from_millis(1'780'275'600'000);
}

PlatformHarness::~PlatformHarness() {
  platform_.reset();  // before the database it stands on goes
}

core::Principal PlatformHarness::principal_of(const identity::User& user) {
  core::Principal p;
  p.kind = core::Principal::Kind::kUser;
  p.id = user.id;
  p.name = user.username;
  p.user_kind = std::string(identity::to_string(user.kind));
  p.department_id = user.department_id;
  p.roles = user.roles;
  p.permissions = identity::permissions_of(user.roles);
  return p;
}

Result<std::unique_ptr<PlatformHarness>> PlatformHarness::create(std::string_view tag) {
  std::unique_ptr<PlatformHarness> h(new PlatformHarness());
  ZT_ASSIGN_OR_RETURN(h->database_, TestDatabase::create(tag));
  app::Config config;
  config.database_url = h->database_->url();
  config.database_pool = 4;
  config.identity.argon2 = {.memory_kib = 64, .iterations = 1, .parallelism = 1};
  config.audit_checkpoint_file.reset();  // the table only: no file shared between tests
  core::OpenSslCryptoProvider crypto;
  ZT_ASSIGN_OR_RETURN(core::Sm2KeyPair signing, crypto.generate_sm2_key());
  ZT_ASSIGN_OR_RETURN(
      h->platform_, app::Platform::create(config, h->clock_,
                                          {.data_key = std::string(core::kSm4SealKeySize, 'k'),
                                           .audit_keys = audit::AuditKeys{
                                               .chain_key = std::string(audit::kChainKeySize, 'a'),
                                               .signing_key_pem = std::move(signing.private_pem),
                                               .public_key_pem = std::move(signing.public_pem)}}));
  identity::IdentityService& identity = h->platform_->identity().service();
  ZT_ASSIGN_OR_RETURN(auto admins, identity.init_admins());
  (void)admins;
  // The administrators' accounts, read back as a system-admin principal would see them.
  core::Principal reader;
  reader.roles = {"sys_admin"};
  reader.permissions = identity::permissions_of(reader.roles);
  ZT_ASSIGN_OR_RETURN(auto users, identity.users().list_users(reader, {}));
  for (const identity::User& u : users) {
    if (u.username == "sysadmin") h->sysadmin_ = principal_of(u);
    if (u.username == "secadmin") h->secadmin_ = principal_of(u);
  }
  if (h->sysadmin_.id == 0 || h->secadmin_.id == 0) {
    return Error::internal("harness_failed", "the administrators were not found after init");
  }
  return h;
}

Result<std::int64_t> PlatformHarness::department(const std::string& code, const std::string& name,
                                                 const std::string& division_code) {
  ZT_ASSIGN_OR_RETURN(
      auto d,
      platform_->identity().service().departments().create_department(
          sysadmin_, {.code = code, .name = name, .division_code = division_code}, context_));
  return d.id;
}

Result<core::Principal> PlatformHarness::staff(const std::string& username, std::int64_t department,
                                               std::vector<std::string> roles) {
  identity::IdentityService& identity = platform_->identity().service();
  ZT_ASSIGN_OR_RETURN(auto created,
                      identity.users().create_user(sysadmin_,
                                                   {.kind = identity::UserKind::kStaff,
                                                    .username = username,
                                                    .display_name = username,
                                                    .department_id = department},
                                                   context_));
  ZT_ASSIGN_OR_RETURN(auto user, identity.users().set_roles(secadmin_, created.user.id,
                                                            std::move(roles), context_));
  return principal_of(user);
}

Result<core::Principal> PlatformHarness::citizen(const std::string& id_number,
                                                 const std::string& name) {
  ZT_ASSIGN_OR_RETURN(
      auto created,
      platform_->identity().service().users().create_user(
          sysadmin_,
          {.kind = identity::UserKind::kCitizen, .display_name = name, .id_number = id_number},
          context_));
  return principal_of(created.user);
}

Result<exchange::IngestReport> PlatformHarness::ingest(
    const core::Principal& actor, const std::string& code,
    const std::vector<boost::json::object>& rows) {
  std::string body;
  for (const auto& row : rows)
    body += boost::json::serialize(row) + "\n";
  bool given = false;
  return platform_->exchange().exchange().ingest(
      actor, code, {},
      [&](std::string& piece) -> Result<bool> {
        if (given) return false;
        piece = std::move(body);
        given = true;
        return true;
      },
      context_);
}

}  // namespace zt::test
