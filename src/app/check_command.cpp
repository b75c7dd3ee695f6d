#include "app/commands.h"
#include "core/identifier.h"
#include "core/time.h"
#include "http/identifier_routes.h"

#include <boost/json.hpp>

#include <iostream>

namespace zt::app {

int run_check(const std::string& kind_name, const std::vector<std::string>& values) {
  auto kind = core::parse_identifier_kind(kind_name);
  if (!kind) {
    std::cerr << "zhengtong check: unknown kind " << kind_name << '\n';
    return 2;
  }
  const auto today = core::china_date(std::chrono::system_clock::now());
  bool all_valid = true;
  for (const std::string& value : values) {
    auto result = core::check_identifier(*kind, value, today);
    all_valid = all_valid && result.ok();
    std::cout << boost::json::serialize(http::check_result_json(value, result)) << '\n';
  }
  return all_valid ? 0 : 1;
}

}  // namespace zt::app
