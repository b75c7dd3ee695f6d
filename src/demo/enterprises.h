// Enterprises of the demo city: an EnterprisePlan decides how many enterprises of each kind
// (company 91…, individual business 92…) each county registered, and enterprise j of a seed is
// the j-th in ascending credit-code order (exports come sorted by key, as people.h explains),
// with a valid 统一社会信用代码 (GB 32100 check character; the organisation-code part with its
// GB 11714 check character; unique by construction), name, type, registered capital, address in a
// real village or community, industry, dates, status and tax facts. Its legal representative is a
// person of the city, given by the caller (people.h makes people in order only).
//
// Thread-safety: pure functions of (city, seed, j).
#pragma once

#include "demo/city.h"
#include "demo/people.h"

#include <cstdint>
#include <string>
#include <vector>

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

// How many enterprises a city of `people` has (about 3 for every 10 people, as in Wenzhou).
std::uint64_t enterprise_count(std::uint64_t people);

// The enterprises per kind and registering county, in credit-code order. Immutable; share it.
class EnterprisePlan {
 public:
  static EnterprisePlan allocate(const CityPlan& city, std::uint64_t seed,
                                 std::uint64_t enterprises);

  struct Cell {
    bool individual = false;  // 个体工商户 (92…) rather than a company (91…)
    std::size_t county = 0;   // in CityPlan::counties()
    std::uint64_t first = 0;  // index of its first enterprise
    std::uint64_t count = 0;
  };
  std::uint64_t enterprises() const { return enterprises_; }
  // The cell of enterprise j (< enterprises()).
  const Cell& cell_of(std::uint64_t j) const;

 private:
  std::uint64_t enterprises_ = 0;
  std::vector<Cell> cells_;  // in credit-code order
};

// The credit code of enterprise j (also what people.h's employer index points at).
std::string uscc_of(const CityPlan& city, const EnterprisePlan& plan, std::uint64_t j);

Enterprise make_enterprise(const CityPlan& city, const EnterprisePlan& plan, std::uint64_t seed,
                           std::uint64_t j);

// The first person index from which enterprise j's legal representative is chosen: they grow
// with j, so one PersonStream walks forward to each in turn.
std::uint64_t representative_from(std::uint64_t j, std::uint64_t enterprises, std::uint64_t people);

}  // namespace zt::demo
