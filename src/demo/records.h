// The CSV records each demo department pushes, one line per person or enterprise, in the
// field order of demo/resources.h (the header line comes from header()).
//
// Thread-safety: pure functions.
#pragma once

#include "demo/enterprises.h"
#include "demo/people.h"

#include <string>
#include <string_view>

namespace zt::demo::records {

// The CSV header line (with "\n") of a demo resource.
std::string header(std::string_view resource_code);

// Each appends the person's or enterprise's line to `out` and returns true, or returns false
// when that department holds no record of them (no marriage, no insurance, not dead…).
bool household(const Person& p, std::string& out);
bool household_late(const Person& p, std::string& out);  // the moved, in 公安's late batch
bool marriage(const Person& p, std::string& out);
bool insurance(const Person& p, const CityPlan& city, const EnterprisePlan& plan, std::string& out);
bool death(const Person& p, std::string& out);
bool enterprise(const Enterprise& e, const Person& representative, std::string& out);
bool tax(const Enterprise& e, std::string& out);

}  // namespace zt::demo::records
