#include "demo/city.h"

#include <fmt/format.h>

#include <algorithm>
#include <map>

namespace zt::demo {

namespace {

using registry::Division;
using registry::DivisionLevel;

// Every current division under `parent` of `level`, all pages.
Result<std::vector<Division>> all_of(registry::DivisionService& divisions,
                                     std::optional<std::string_view> parent, DivisionLevel level) {
  std::vector<Division> out;
  std::string after;
  for (;;) {
    auto page = divisions.list(parent, level, after, registry::kMaxDivisionPage);
    if (!page.ok()) return std::move(page).error();
    for (auto& d : page->items)
      out.push_back(std::move(d));
    if (!page->next_cursor) return out;
    after = *page->next_cursor;
  }
}

std::string short_place_name(std::string name) {
  for (std::string_view suffix : {"居民委员会", "村民委员会", "居委会", "村委会"}) {
    if (name.size() > suffix.size() &&
        name.compare(name.size() - suffix.size(), suffix.size(), suffix) == 0) {
      name.erase(name.size() - suffix.size());
      break;
    }
  }
  return name;
}

}  // namespace

Result<CityPlan> CityPlan::load(registry::DivisionService& divisions, std::string_view city_code,
                                std::uint64_t seed) {
  auto city = divisions.lookup(city_code);
  if (!city.ok()) return std::move(city).error();
  CityPlan plan;
  plan.city_code_ = city->code;
  if (!city->known() || city->level != DivisionLevel::kCity) {
    return Error::not_found(
        "city_not_found",
        fmt::format("{} is not a city (地级市) in the divisions table; run `zhengtong registry "
                    "import-divisions` first",
                    city_code));
  }
  for (const Division& a : city->ancestors) {
    if (a.level == DivisionLevel::kProvince) plan.province_name_ = a.name;
  }
  plan.city_name_ = city->division->name == "市辖区" ? plan.province_name_ : city->division->name;

  auto counties = all_of(divisions, plan.city_code_, DivisionLevel::kCounty);
  if (!counties.ok()) return std::move(counties).error();
  auto towns = all_of(divisions, plan.city_code_, DivisionLevel::kTown);
  if (!towns.ok()) return std::move(towns).error();
  auto villages = all_of(divisions, plan.city_code_, DivisionLevel::kVillage);
  if (!villages.ok()) return std::move(villages).error();

  std::map<std::string, std::size_t> county_index;
  for (const Division& c : *counties) {
    county_index[c.code] = plan.counties_.size();
    plan.counties_.push_back({c.code, c.name, {}});
  }
  // A city without counties (东莞, 中山, 儋州, 嘉峪关) governs its towns itself: it is its own
  // only county-level place.
  if (plan.counties_.empty()) {
    county_index[plan.city_code_] = 0;
    plan.counties_.push_back({plan.city_code_, plan.city_name_, {}});
  }
  std::map<std::string, const Division*> town_by_code;
  for (const Division& t : *towns)
    town_by_code[t.code] = &t;
  std::map<std::string, bool> town_has_village;
  for (const Division& v : *villages) {
    const std::string town_code = v.code.substr(0, 9);
    auto county = county_index.find(v.code.substr(0, 6));
    auto town = town_by_code.find(town_code);
    if (county == county_index.end() || town == town_by_code.end()) continue;
    town_has_village[town_code] = true;
    const bool community =
        v.name.find("社区") != std::string::npos || v.name.find("居委会") != std::string::npos;
    plan.counties_[county->second].places.push_back(
        {v.code, town->second->name, short_place_name(v.name), community});
  }
  for (const Division& t : *towns) {
    auto county = county_index.find(t.code.substr(0, 6));
    if (county == county_index.end() || town_has_village.count(t.code)) continue;
    plan.counties_[county->second].places.push_back({t.code, t.name, "", true});
  }
  std::erase_if(plan.counties_, [](const County& c) { return c.places.empty(); });
  if (plan.counties_.empty()) {
    return Error::not_found(
        "city_not_found",
        fmt::format("The divisions table has no towns or villages under {} ({}); run `zhengtong "
                    "registry import-divisions` with the full data set first",
                    plan.city_code_, plan.city_name_));
  }
  std::uint32_t sum = 0;
  for (const County& c : plan.counties_) {
    sum += static_cast<std::uint32_t>(c.places.size());
    plan.county_weights_.push_back(sum);
  }

  // Counties elsewhere (other cities) where residents were born: 60 of them, chosen by the seed.
  auto all_counties = all_of(divisions, std::nullopt, DivisionLevel::kCounty);
  if (!all_counties.ok()) return std::move(all_counties).error();
  std::vector<std::string> others;
  for (const Division& c : *all_counties) {
    if (c.code.compare(0, 4, plan.city_code_, 0, 4) != 0 && c.name != "市辖区") {
      others.push_back(c.code);
    }
  }
  Random random(seed ^ 0x5EEDC17Eull);
  for (std::size_t i = 0; i < 60 && !others.empty(); ++i) {
    const std::size_t k = random.below(others.size());
    plan.elsewhere_.push_back(others[k]);
    others.erase(others.begin() + static_cast<std::ptrdiff_t>(k));
  }
  std::sort(plan.elsewhere_.begin(), plan.elsewhere_.end());
  return plan;
}

}  // namespace zt::demo
