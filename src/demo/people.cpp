#include "demo/people.h"

#include "core/id_number.h"
#include "demo/names.h"

#include <fmt/format.h>

#include <algorithm>

namespace zt::demo {

namespace {

using namespace std::chrono;

constexpr std::uint64_t kPersonStream = 1;
constexpr std::uint64_t kAllocationStream = 4;
constexpr int kDays = static_cast<int>(Population::kDaysSpan);

// Age bands of the city's population (roughly the 2020 census of Zhejiang), per 1000.
constexpr int kBandFrom[] = {0, 15, 25, 35, 45, 55, 65, 75, 85};
constexpr int kBandTo[] = {14, 24, 34, 44, 54, 64, 74, 84, 99};
constexpr std::uint32_t kBandWeights[] = {140, 250, 420, 580, 740, 870, 950, 990, 1000};

sys_days reference_days() {
  return sys_days(kReferenceDate);
}

year_month_day date_between(Random& random, sys_days from, sys_days to) {
  if (to <= from) return year_month_day(from);
  return year_month_day(from + days(random.below(static_cast<std::uint64_t>((to - from).count()))));
}

}  // namespace

std::string iso_date(year_month_day d) {
  return fmt::format("{:04d}-{:02d}-{:02d}", static_cast<int>(d.year()),
                     static_cast<unsigned>(d.month()), static_cast<unsigned>(d.day()));
}

Population Population::allocate(const CityPlan& city, std::uint64_t seed, std::uint64_t people) {
  Population out;
  out.people_ = people;
  for (const County& c : city.counties())
    out.slot_codes_.push_back(c.code);
  for (const std::string& code : city.birth_counties_elsewhere())
    out.slot_codes_.push_back(code);
  out.order_.resize(out.slot_codes_.size());
  for (std::size_t i = 0; i < out.order_.size(); ++i)
    out.order_[i] = i;
  std::sort(out.order_.begin(), out.order_.end(), [&out](std::size_t a, std::size_t b) {
    return out.slot_codes_[a] < out.slot_codes_[b];
  });
  out.counts_.assign(out.slot_codes_.size() * kDaysSpan * 2, 0);

  const sys_days today = reference_days();
  const std::size_t elsewhere = city.birth_counties_elsewhere().size();
  for (std::uint64_t i = 0; i < people; ++i) {
    Random random = Random::for_item(seed, kAllocationStream, i);
    const bool male = random.chance(0.512);
    // Age, then birth date inside the year of that age.
    const std::size_t band = random.pick(kBandWeights);
    const int age = static_cast<int>(random.between(kBandFrom[band], kBandTo[band]));
    const sys_days latest = today - days(static_cast<int>(age * 365.2425));
    const sys_days born = sys_days(date_between(random, latest - days(364), latest + days(1)));
    std::int64_t day =
        std::clamp<std::int64_t>((born - (today - days(kDays - 1))).count(), 0, kDays - 1);
    // Where the ID number was issued: a county of the city for most, elsewhere for some.
    std::size_t slot = city.pick_county(random);
    if (elsewhere > 0 && random.chance(0.08))
      slot = city.counties().size() + random.below(elsewhere);
    for (;;) {  // a full day (500 of one sex): one day earlier
      std::uint16_t& n =
          out.counts_[(slot * kDaysSpan + static_cast<std::size_t>(day)) * 2 + (male ? 1 : 0)];
      if (n < 500) {
        ++n;
        break;
      }
      day = day == 0 ? kDays - 1 : day - 1;
    }
  }
  return out;
}

PersonStream::PersonStream(const CityPlan& city, const Population& population, std::uint64_t seed,
                           std::uint64_t enterprises)
    : city_(city), population_(population), seed_(seed), enterprises_(enterprises) {}

void PersonStream::advance() {
  const auto& order = population_.order();
  while (slot_position_ < order.size()) {
    const std::size_t slot = order[slot_position_];
    const int women = population_.count(slot, day_, false);
    const int men = population_.count(slot, day_, true);
    const int end = std::max(2 * women, 2 * men + 1);
    for (++sequence_; sequence_ < end; ++sequence_) {
      const bool male = sequence_ % 2 == 1;
      if (sequence_ / 2 < (male ? men : women)) return;
    }
    sequence_ = -1;
    if (++day_ == Population::kDaysSpan) {
      day_ = 0;
      ++slot_position_;
    }
  }
}

const Place& PersonStream::place_in(std::size_t county, Random& random) const {
  const auto& places = city_.counties()[county].places;
  return places[random.below(places.size())];
}

std::string PersonStream::address_in(const Place& place, Random& random) const {
  // 浙江省温州市鹿城区五马街道墨池社区12幢305室 / …上戍村27号
  const County* county = nullptr;
  for (const County& c : city_.counties()) {
    if (place.code.compare(0, 6, c.code) == 0) county = &c;
  }
  std::string out = city_.province_name();
  if (city_.city_name() != city_.province_name()) out += city_.city_name();
  if (county) out += county->name;
  out += place.town_name;
  out += place.name;
  if (place.community) {
    out += fmt::format("{}幢{}{:02d}室", random.between(1, 40), random.between(1, 18),
                       random.between(1, 6));
  } else {
    out += fmt::format("{}号", random.between(1, 300));
  }
  return out;
}

// 文化程度 reached at `age` by someone born in `birth_year`: in school by age, then by birth
// cohort, roughly as China's 2020 census gives them (the young far more often to college).
std::optional<std::string> education_of(Random& random, int age, int birth_year) {
  if (age < 6) return std::nullopt;
  if (age < 12) return "primary";
  if (age < 15) return random.chance(0.5) ? "primary" : "junior_secondary";
  if (age < 18) return "junior_secondary";
  // Shares in 1/1000 of: none, primary, junior, senior, junior college, bachelor or above.
  struct Cohort {
    int born_from;
    int share[6];
  };
  static constexpr Cohort kCohorts[] = {{1990, {2, 28, 220, 250, 200, 300}},
                                        {1970, {10, 130, 420, 220, 100, 120}},
                                        {1950, {60, 300, 380, 180, 40, 40}},
                                        {0, {250, 450, 180, 80, 20, 20}}};
  const Cohort* cohort = &kCohorts[3];
  for (const Cohort& c : kCohorts) {
    if (birth_year >= c.born_from) {
      cohort = &c;
      break;
    }
  }
  static constexpr const char* kLevels[] = {
      "none", "primary", "junior_secondary", "senior_secondary", "junior_college", "bachelor"};
  int r = static_cast<int>(random.below(1000));
  std::size_t level = 0;
  while (level < 5 && r >= cohort->share[level])
    r -= cohort->share[level++];
  if (age < 22 && level > 3) level = 3;  // still studying
  if (level == 5) {
    const double r2 = static_cast<double>(random.below(1000)) / 1000;
    return r2 < 0.85 ? "bachelor" : r2 < 0.98 ? "master" : "doctorate";
  }
  return kLevels[level];
}

Person PersonStream::next() {
  advance();
  Person p;
  p.index = index_;
  Random random = Random::for_item(seed_, kPersonStream, index_++);
  const std::size_t slot = population_.order()[slot_position_];
  p.male = sequence_ % 2 == 1;
  const sys_days today = reference_days();
  p.birth_date = year_month_day(today - days(kDays - 1) + days(day_));
  const std::string first17 = fmt::format(
      "{}{:04d}{:02d}{:02d}{:03d}", population_.slot_codes()[slot],
      static_cast<int>(p.birth_date.year()), static_cast<unsigned>(p.birth_date.month()),
      static_cast<unsigned>(p.birth_date.day()), sequence_);
  p.id_number = first17 + *core::id_number_check_character(first17);
  p.age = static_cast<int>((today - sys_days(p.birth_date)).count() / 365.2425);
  // Born elsewhere: lives in a county of the city all the same.
  const std::size_t home = slot < city_.counties().size() ? slot : city_.pick_county(random);

  p.name = chinese_name(random, p.male, static_cast<int>(p.birth_date.year()));
  p.nationality = ethnicity(random);

  // Household registration: the home county mostly, another county of the city for some.
  const std::size_t lives = random.chance(0.85) ? home : city_.pick_county(random);
  const Place& place = place_in(lives, random);
  p.division_code = place.code;
  p.address = address_in(place, random);

  // Death (the older, the likelier), within the last three years.
  const double death = p.age < 60 ? 0.001 : p.age < 75 ? 0.015 : p.age < 85 ? 0.05 : 0.15;
  if (random.chance(death)) {
    p.alive = false;
    p.death_date =
        date_between(random, std::max(sys_days(p.birth_date), today - days(3 * 365)), today);
    p.death_place = random.chance(0.7) ? fmt::format("{}人民医院", city_.city_name()) : "家中";
    p.police_knows_death = random.chance(0.8);
  }

  // Education; 公安 records a change of 文化程度 only when told, so for some adults 户籍 still
  // holds the level before their last diploma.
  p.education = education_of(random, p.age, static_cast<int>(p.birth_date.year()));
  if (p.education && p.age >= 22 && random.chance(0.02)) {
    const std::string_view e = *p.education;
    if (e == "bachelor" || e == "master" || e == "doctorate" || e == "junior_college") {
      p.household_education = "senior_secondary";
    } else if (e == "senior_secondary") {
      p.household_education = "junior_secondary";
    }
  }

  // Marriage.
  const double married = p.age < 20 ? 0 : p.age < 25 ? 0.25 : p.age < 30 ? 0.6 : 0.85;
  p.marital_status = "unmarried";
  if (random.chance(married)) {
    const double widowed = p.age < 60 ? 0.01 : p.age < 75 ? 0.1 : 0.35;
    p.marital_status = random.chance(widowed) ? "widowed"
                       : random.chance(0.07)  ? "divorced"
                                              : "married";
    const sys_days at_20 = sys_days(p.birth_date) + days(20 * 365 + 5);
    p.married_on = date_between(random, at_20, std::min(today, at_20 + days(12 * 365)));
    if (random.chance(0.03)) {  // 民政 still holds the address given at registration
      const Place& old_place = place_in(city_.pick_county(random), random);
      p.civil_affairs_division = old_place.code;
      p.civil_affairs_address = address_in(old_place, random);
    }
  }
  if (p.alive && random.chance(0.01)) {  // moved recently: 公安's late batch
    const Place& new_place = place_in(city_.pick_county(random), random);
    p.moved_division = new_place.code;
    p.moved_address = address_in(new_place, random);
  }

  // Social insurance, from 16.
  if (p.age >= 16 && !(p.age < 23 && random.chance(0.6))) {
    const int retire_at = p.male ? 60 : 55;
    if (p.age >= retire_at) {
      p.employment_status = "retired";
    } else {
      const double r = static_cast<double>(random.below(1000)) / 1000;
      p.employment_status = r < 0.72 ? "employed" : r < 0.86 ? "self_employed" : "unemployed";
    }
    const double r = static_cast<double>(random.below(1000)) / 1000;
    p.insurance_status = !p.alive   ? "suspended"
                         : r < 0.88 ? "insured"
                         : r < 0.95 ? "suspended"
                                    : "not_insured";
    p.insurance_type = *p.employment_status == "employed" ? "employee" : "resident";
    if (*p.employment_status == "employed" && enterprises_ > 0) {
      p.employer = random.below(enterprises_);
    }
    const sys_days from = std::max(sys_days(year_month_day(year{1995}, January, day{1})),
                                   sys_days(p.birth_date) + days(18 * 365));
    p.insured_since = date_between(random, from, today);
    p.bad_check_digit_in_insurance = random.chance(0.003);
  }
  return p;
}

}  // namespace zt::demo
