#include "app/commands.h"
#include "app/platform.h"
#include "core/time.h"

#include <fmt/format.h>

#include <iostream>

namespace zt::app {

std::string initial_admins_text(const std::vector<identity::InitialAdmin>& admins) {
  std::string out =
      "\n"
      "==================================================================================\n"
      " 三员 The three administrator accounts were created. Their one-time passwords are\n"
      " shown here once and stored nowhere else; each must be changed at first sign-in,\n"
      " and each account must then enrol TOTP (POST /api/v1/auth/totp/setup).\n";
  for (const auto& admin : admins) {
    out += fmt::format("   {:<11} {:<12} {}\n", admin.username, admin.role, admin.password);
  }
  out += "==================================================================================\n\n";
  return out;
}

int run_admin_init(const Config& config) {
  core::SystemClock clock;
  auto platform = Platform::create(config, clock);
  if (!platform.ok()) {
    std::cerr << fmt::format("zhengtong admin init: {} ({})\n", platform.error().detail,
                             platform.error().code);
    return 1;
  }
  auto admins = (*platform)->identity().service().init_admins();
  if (!admins.ok()) {
    std::cerr << fmt::format("zhengtong admin init: {} ({})\n", admins.error().detail,
                             admins.error().code);
    return 1;
  }
  std::cerr << initial_admins_text(*admins);
  return 0;
}

}  // namespace zt::app
