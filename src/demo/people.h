// People of the demo city: person i of a seed, made in order by a PersonStream with everything
// each department's records need — a valid 身份证号 (born in a real county of the city, or for a
// few elsewhere; sex in the 17th digit; GB 11643 check character), a Chinese name, an address
// from the city's real towns and villages, and the facts behind marriage, social insurance and
// death records, with a small share of deliberate faults.
//
// Determinism: person i depends only on the seed, i and the persons before it (the sequence
// digits of ID numbers count people born on one day in one county), so every stream started
// with the same seed and city yields the same people in the same order; the records of each
// resource are made by their own stream without keeping the city in memory.
// Dates are relative to kReferenceDate, the demo city's fixed "today", not to the clock.
//
// Thread-safety: a stream is used by one thread.
#pragma once

#include "demo/city.h"
#include "demo/random.h"

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace zt::demo {

inline constexpr std::chrono::year_month_day kReferenceDate{
    std::chrono::year{2026}, std::chrono::June, std::chrono::day{30}};

std::string iso_date(std::chrono::year_month_day date);

struct Person {
  std::uint64_t index = 0;
  std::string id_number;
  std::string name;
  bool male = true;
  std::chrono::year_month_day birth_date;
  int age = 0;  // at kReferenceDate
  std::string nationality;
  std::string division_code;  // household registration (户籍) place
  std::string address;
  bool alive = true;
  std::optional<std::chrono::year_month_day> death_date;
  std::string death_place;
  // Faults and late updates, for quality reports and the registry merge to find:
  bool police_knows_death = true;  // false: 户籍 still says alive (公安 has not caught up)
  std::optional<std::string> civil_affairs_address;  // 民政 holds an older address (conflict)
  std::optional<std::string> civil_affairs_division;
  std::optional<std::string> moved_address;  // 公安's late batch moves the person here
  std::optional<std::string> moved_division;
  bool bad_check_digit_in_insurance = false;  // 人社 typed the ID number wrongly

  std::string marital_status;  // unmarried, married, divorced, widowed
  std::optional<std::chrono::year_month_day> married_on;
  // 社保: none below 16 and for most students
  std::optional<std::string> employment_status;
  std::string insurance_status;
  std::string insurance_type;
  std::optional<std::uint64_t> employer;  // enterprise index
  std::optional<std::chrono::year_month_day> insured_since;
};

class PersonStream {
 public:
  // `enterprises`: how many enterprises the city has (employers are drawn from them).
  PersonStream(const CityPlan& city, std::uint64_t seed, std::uint64_t enterprises);

  // Person `index()` and advances. People are numbered from 0.
  Person next();
  std::uint64_t index() const { return index_; }

 private:
  std::string address_in(const Place& place, Random& random) const;
  const Place& place_in(std::size_t county, Random& random) const;

  const CityPlan& city_;
  std::uint64_t seed_;
  std::uint64_t enterprises_;
  std::uint64_t index_ = 0;
  std::size_t slots_;                    // birth counties: the city's, then elsewhere
  std::vector<std::uint16_t> counters_;  // per (slot, day, sex): ID numbers handed out
};

}  // namespace zt::demo
