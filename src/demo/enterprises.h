// Enterprises of the demo city: enterprise j of a seed, with a valid 统一社会信用代码 (GB 32100
// check character; the organisation-code part with its GB 11714 check character; unique by
// construction), name, type, registered capital, address in a real village or community,
// industry, dates, status and tax facts. Its legal representative is a person of the city, given
// by the caller (people.h makes people in order only).
//
// Thread-safety: pure functions of (city, seed, j).
#pragma once

#include "demo/city.h"
#include "demo/people.h"

#include <cstdint>
#include <string>

namespace zt::demo {

struct Enterprise {
  std::uint64_t index = 0;
  std::string uscc;
  bool bad_check_character = false;  // 市场监管's record has a wrong check character (a fault)
  std::string name;
  std::string entity_type;
  std::string registered_capital;  // 万元, two decimals
  std::string address;
  std::string division_code;
  std::string industry;  // GB/T 4754 section letter
  std::string established_on;
  std::string status;
  std::string tax_status;
  std::string taxpayer_type;
  std::int64_t employee_count = 0;
  std::string credit_rating;
};

// The credit code of enterprise j (also what people.h's employer index points at).
std::string uscc_of(const CityPlan& city, std::uint64_t seed, std::uint64_t j);

Enterprise make_enterprise(const CityPlan& city, std::uint64_t seed, std::uint64_t j);

// How many enterprises a city of `people` has (about 3 for every 10 people, as in Wenzhou).
std::uint64_t enterprise_count(std::uint64_t people);

// The first person index from which enterprise j's legal representative is chosen: they grow
// with j, so one PersonStream walks forward to each in turn.
std::uint64_t representative_from(std::uint64_t j, std::uint64_t enterprises, std::uint64_t people);

}  // namespace zt::demo
