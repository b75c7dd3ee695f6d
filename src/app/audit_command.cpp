#include <fmt/format.h>

#include <boost/json.hpp>

#include <iostream>

#include "app/commands.h"
#include "app/data_key.h"
#include "audit/api.h"
#include "audit/checkpoint.h"
#include "audit/verify.h"
#include "core/crypto_openssl.h"
#include "db/database.h"

namespace zt::app {

int run_audit_verify(const Config& config, const std::vector<std::string>& checkpoint_files) {
  auto fail = [](const Error& error) {
    std::cerr << fmt::format("zhengtong audit verify: {} ({})\n", error.detail, error.code);
    return 2;
  };
  core::OpenSslCryptoProvider crypto;
  // Verifying never makes keys: a missing key file is an error, not a fresh key.
  auto keys = load_audit_keys(config.audit_key_file, config.audit_signing_key_file, crypto,
                              /*create=*/false);
  if (!keys.ok()) return fail(keys.error());
  std::vector<audit::Checkpoint> external;
  std::vector<std::filesystem::path> files(checkpoint_files.begin(), checkpoint_files.end());
  std::error_code ec;
  if (config.audit_checkpoint_file && std::filesystem::exists(*config.audit_checkpoint_file, ec)) {
    files.insert(files.begin(), *config.audit_checkpoint_file);
  }
  for (const std::filesystem::path& file : files) {
    auto read = audit::read_checkpoint_file(file);
    if (!read.ok()) return fail(read.error());
    for (audit::Checkpoint& c : *read)
      external.push_back(std::move(c));
  }
  auto db = db::Database::open(config.database_url, {.pool_size = 2});
  if (!db.ok()) return fail(db.error());
  auto report = audit::verify_chain(**db, crypto, *keys, external);
  if (!report.ok()) return fail(report.error());
  std::cout << boost::json::serialize(audit::to_json(*report)) << "\n";
  return report->ok ? 0 : 1;
}

}  // namespace zt::app
