// CityPlan: the real places of the demo city, read from the divisions table — its province and
// city names, its counties (区/县/县级市), their towns (乡镇/街道) and villages/communities
// (村/社区), and a set of counties elsewhere in China where some residents were born.
//
// Thread-safety: immutable after load().
#pragma once

#include "core/result.h"
#include "demo/random.h"
#include "registry/division_service.h"

#include <cstdint>
#include <string>
#include <vector>

namespace zt::demo {

struct Place {
  std::string code;  // 12-digit village/community code, or the 9-digit town code without villages
  std::string town_name;
  std::string name;        // 墨池社区, 上戍村 (without 居委会/村委会)
  bool community = false;  // 社区 (flats) rather than 村 (houses)
};

struct County {
  std::string code;
  std::string name;
  std::vector<Place> places;
};

class CityPlan {
 public:
  // Failure: not_found "city_not_found" when the divisions table has no county under
  // `city_code` (import the divisions first), invalid "invalid_division_code".
  static Result<CityPlan> load(registry::DivisionService& divisions, std::string_view city_code,
                               std::uint64_t seed);

  const std::string& city_code() const { return city_code_; }
  const std::string& province_name() const { return province_name_; }
  // 温州市; for a municipality (市辖区 under 北京市) the province's name.
  const std::string& city_name() const { return city_name_; }
  // The counties; for a city without counties (东莞), the city itself.
  const std::vector<County>& counties() const { return counties_; }
  // County codes outside the city where some residents were born (GB/T 2260, current).
  const std::vector<std::string>& birth_counties_elsewhere() const { return elsewhere_; }

  // A county of the city, weighted by its number of villages and communities.
  std::size_t pick_county(Random& random) const { return random.pick(county_weights_); }
  std::size_t total_places() const { return county_weights_.empty() ? 0 : county_weights_.back(); }

 private:
  std::string city_code_, province_name_, city_name_;
  std::vector<County> counties_;
  std::vector<std::uint32_t> county_weights_;
  std::vector<std::string> elsewhere_;
};

}  // namespace zt::demo
