// People of the demo city: a Population decides how many people were born on each day in each
// county, by sex (the ID numbers' sequence digits count them), and a PersonStream makes them one
// by one in ascending ID-number order, with everything each department's records need — a valid
// 身份证号 (born in a real county of the city, or for a few elsewhere; sex in the 17th digit;
// GB 11643 check character), a Chinese name, an address from the city's real towns and
// villages, and the facts behind marriage, social insurance and death records, with a small
// share of deliberate faults.
//
// Why key order: each department exports its records sorted by ID number, as database exports
// are, so ingest appends to its indexes instead of touching pages at random — what keeps a
// 10-million-person city fast on SQLite.
// Determinism: the allocation and person i depend only on the seed, the city and the number of
// people; every stream over one Population yields the same people in the same order, so each
// resource's records are made by their own stream without keeping the city in memory.
// Dates are relative to kReferenceDate, the demo city's fixed "today", not to the clock.
//
// Thread-safety: a Population is immutable and may be shared; a stream is used by one thread.
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

  // 文化程度 from 6 (none, primary, junior_secondary, senior_secondary, junior_college,
  // bachelor, master, doctorate); 户籍 holds an older level for some, which 社保 has current.
  std::optional<std::string> education;
  std::optional<std::string> household_education;  // 户籍's, when older than `education`
  std::string marital_status;                      // unmarried, married, divorced, widowed
  std::optional<std::chrono::year_month_day> married_on;
  // 社保: none below 16 and for most students
  std::optional<std::string> employment_status;
  std::string insurance_status;
  std::string insurance_type;
  std::optional<std::uint64_t> employer;  // enterprise index
  std::optional<std::chrono::year_month_day> insured_since;
};

// How many people of each sex were born on each day in each birth county (ages by the city's
// age bands, counties by their number of villages, 8 % born elsewhere), ~10 MB whatever the size.
class Population {
 public:
  static constexpr std::size_t kDaysSpan = 36525;  // birth days: the hundred years before today

  static Population allocate(const CityPlan& city, std::uint64_t seed, std::uint64_t people);

  std::uint64_t people() const { return people_; }
  // Birth counties: the city's, then those elsewhere; `order` lists them by code.
  const std::vector<std::string>& slot_codes() const { return slot_codes_; }
  const std::vector<std::size_t>& order() const { return order_; }
  // People of sex `male` born on day `day` (0 = a hundred years before kReferenceDate) in
  // birth county `slot`; at most 500 (the sequence digits of one sex).
  std::uint16_t count(std::size_t slot, std::size_t day, bool male) const {
    return counts_[(slot * kDaysSpan + day) * 2 + (male ? 1 : 0)];
  }

 private:
  std::uint64_t people_ = 0;
  std::vector<std::string> slot_codes_;
  std::vector<std::size_t> order_;
  std::vector<std::uint16_t> counts_;
};

class PersonStream {
 public:
  // `population` must outlive the stream; `enterprises`: how many enterprises the city has
  // (employers are drawn from them).
  PersonStream(const CityPlan& city, const Population& population, std::uint64_t seed,
               std::uint64_t enterprises);

  // Person `index()` (in ascending ID-number order) and advances; call while index() is below
  // the population's people().
  Person next();
  std::uint64_t index() const { return index_; }

 private:
  std::string address_in(const Place& place, Random& random) const;
  const Place& place_in(std::size_t county, Random& random) const;
  // Moves the cursor to the next (slot, day, sequence) that holds a person.
  void advance();

  const CityPlan& city_;
  const Population& population_;
  std::uint64_t seed_;
  std::uint64_t enterprises_;
  std::uint64_t index_ = 0;
  // The cursor: position in population_.order(), day, sequence number (even: women, odd: men).
  std::size_t slot_position_ = 0;
  std::size_t day_ = 0;
  int sequence_ = -1;
};

}  // namespace zt::demo
