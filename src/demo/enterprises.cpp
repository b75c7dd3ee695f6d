#include "demo/enterprises.h"

#include "core/uscc.h"
#include "demo/names.h"

#include <fmt/format.h>

#include <algorithm>
#include <array>

namespace zt::demo {

namespace {

constexpr std::uint64_t kEnterpriseStream = 2;
constexpr std::string_view kAlphabet = "0123456789ABCDEFGHJKLMNPQRTUWXY";  // GB 32100
constexpr std::uint64_t kEnterpriseAllocation = 5;
// Organisation codes of one cell: offset + rank × stride, in base 31 (8 digits: 31^8 ≈ 8.5e11).
constexpr std::uint64_t kOrgOffset = 586698425789ull;  // "MA2…", as codes since 2015 begin
constexpr std::uint64_t kOrgStride = 4111;             // 3 M enterprises: MA2… to MP…

struct Industry {
  char letter;
  std::string_view word;  // as a company name says it
  std::uint32_t weight;
};
// Wenzhou is a city of manufacturers and traders.
constexpr Industry kIndustries[] = {
    {'C', "鞋业", 200}, {'F', "贸易", 260}, {'H', "餐饮", 90},    {'E', "建设", 60},
    {'I', "科技", 60},  {'L', "商务", 70},  {'O', "服务", 60},    {'K', "置业", 20},
    {'G', "物流", 40},  {'M', "技术", 30},  {'A', "农业", 30},    {'R', "文化", 20},
    {'Q', "医疗", 10},  {'P', "教育", 10},  {'J', "投资", 10},    {'N', "环境", 10},
    {'D', "能源", 5},   {'B', "矿业", 2},   {'S', "社区服务", 2}, {'T', "国际", 1}};
constexpr std::string_view kShopKinds[] = {"小吃店", "便利店",   "五金店", "服装店", "理发店",
                                           "水果店", "副食品店", "修理部", "餐馆",   "眼镜店"};

// GB 11714: the check character of an 8-character organisation code.
char org_check_character(std::string_view body) {
  constexpr int kWeights[] = {3, 7, 9, 10, 5, 8, 4, 2};
  int sum = 0;
  for (std::size_t i = 0; i < 8; ++i) {
    const char c = body[i];
    const int value = c <= '9' ? c - '0' : c - 'A' + 10;
    sum += value * kWeights[i];
  }
  const int check = 11 - sum % 11;
  return check == 10 ? 'X' : check == 11 ? '0' : static_cast<char>('0' + check);
}

std::uint32_t weight_upto(std::size_t i) {
  std::uint32_t s = 0;
  for (std::size_t k = 0; k <= i; ++k)
    s += kIndustries[k].weight;
  return s;
}

const std::vector<std::uint32_t>& industry_weights() {
  static const std::vector<std::uint32_t> w = [] {
    std::vector<std::uint32_t> out;
    for (std::size_t i = 0; i < std::size(kIndustries); ++i)
      out.push_back(weight_upto(i));
    return out;
  }();
  return w;
}

// Positions 9-17: an organisation code that grows with the enterprise's rank in its cell (so
// codes ascend with j), with its GB 11714 check character.
std::string code_of(const CityPlan& city, const EnterprisePlan::Cell& cell, std::uint64_t rank) {
  std::uint64_t x = rank * kOrgStride + kOrgOffset;
  std::string body(8, '0');
  for (int i = 7; i >= 0; --i) {
    body[static_cast<std::size_t>(i)] = kAlphabet[x % 31];
    x /= 31;
  }
  std::string first17 = cell.individual ? "92" : "91";
  first17 += city.counties()[cell.county].code;
  first17 += body;
  first17 += org_check_character(body);
  return first17 + *core::uscc_check_character(first17);
}

}  // namespace

std::uint64_t enterprise_count(std::uint64_t people) {
  return std::max<std::uint64_t>(1, people * 3 / 10);
}

std::uint64_t representative_from(std::uint64_t j, std::uint64_t enterprises,
                                  std::uint64_t people) {
  return static_cast<std::uint64_t>(static_cast<unsigned __int128>(j) * people / enterprises);
}

EnterprisePlan EnterprisePlan::allocate(const CityPlan& city, std::uint64_t seed,
                                        std::uint64_t enterprises) {
  const std::size_t counties = city.counties().size();
  std::vector<std::uint64_t> counts(2 * counties, 0);  // [individual][county]
  for (std::uint64_t j = 0; j < enterprises; ++j) {
    Random random = Random::for_item(seed, kEnterpriseAllocation, j);
    const bool individual = random.chance(0.45);
    ++counts[(individual ? counties : 0) + city.pick_county(random)];
  }
  std::vector<std::size_t> by_code(counties);
  for (std::size_t i = 0; i < counties; ++i)
    by_code[i] = i;
  std::sort(by_code.begin(), by_code.end(), [&city](std::size_t a, std::size_t b) {
    return city.counties()[a].code < city.counties()[b].code;
  });
  EnterprisePlan plan;
  plan.enterprises_ = enterprises;
  std::uint64_t first = 0;
  for (bool individual : {false, true}) {  // 91… before 92…
    for (std::size_t county : by_code) {
      const std::uint64_t n = counts[(individual ? counties : 0) + county];
      if (n == 0) continue;
      plan.cells_.push_back({individual, county, first, n});
      first += n;
    }
  }
  return plan;
}

const EnterprisePlan::Cell& EnterprisePlan::cell_of(std::uint64_t j) const {
  auto it = std::upper_bound(cells_.begin(), cells_.end(), j,
                             [](std::uint64_t x, const Cell& c) { return x < c.first; });
  return *(it - 1);
}

std::string uscc_of(const CityPlan& city, const EnterprisePlan& plan, std::uint64_t j) {
  const EnterprisePlan::Cell& cell = plan.cell_of(j);
  return code_of(city, cell, j - cell.first);
}

Enterprise make_enterprise(const CityPlan& city, const EnterprisePlan& plan, std::uint64_t seed,
                           std::uint64_t j) {
  Random random = Random::for_item(seed, kEnterpriseStream, j);
  const EnterprisePlan::Cell& cell = plan.cell_of(j);
  struct {
    bool individual;
    std::size_t county;
  } b{cell.individual, cell.county};
  Enterprise e;
  e.index = j;
  e.uscc = code_of(city, cell, j - cell.first);
  e.bad_check_character = random.chance(0.002);
  const Industry& industry = b.individual ? kIndustries[random.chance(0.5)   ? 1
                                                        : random.chance(0.6) ? 2
                                                                             : 6]
                                          : kIndustries[random.pick(industry_weights())];
  e.industry = std::string(1, industry.letter);
  const County& county = city.counties()[b.county];
  const std::string trade = trade_name(random);
  if (b.individual) {
    e.entity_type = "individual_business";
    e.name =
        fmt::format("{}{}{}", county.name, trade, kShopKinds[random.below(std::size(kShopKinds))]);
    e.registered_capital = fmt::format("{}.00", random.between(1, 50));
  } else {
    const double r = static_cast<double>(random.below(1000)) / 1000;
    e.entity_type = r < 0.82   ? "limited_company"
                    : r < 0.88 ? "joint_stock_company"
                    : r < 0.94 ? "sole_proprietorship"
                               : "partnership";
    const std::string_view form = e.entity_type == "joint_stock_company" ? "股份有限公司"
                                  : e.entity_type == "limited_company"   ? "有限公司"
                                  : e.entity_type == "partnership"       ? "（有限合伙）"
                                                                         : "（个人独资）";
    e.name = fmt::format("{}{}{}{}", city.city_name(), trade, industry.word, form);
    // Capital: mostly small, a long tail.
    const std::int64_t wan = random.chance(0.7)   ? random.between(10, 200)
                             : random.chance(0.8) ? random.between(200, 2000)
                                                  : random.between(2000, 50000);
    e.registered_capital =
        fmt::format("{}.{:02d}", wan, random.chance(0.8) ? 0 : random.below(100));
  }
  const Place& place = county.places[random.below(county.places.size())];
  e.division_code = place.code;
  e.address = fmt::format("{}{}{}{}{}号", city.city_name(), county.name, place.town_name,
                          place.name, random.between(1, 400));
  const auto today = std::chrono::sys_days(kReferenceDate);
  const auto founded = today - std::chrono::days(random.below(random.chance(0.6) ? 3650 : 11000));
  e.established_on = iso_date(std::chrono::year_month_day(founded));
  const double s = static_cast<double>(random.below(1000)) / 1000;
  e.status = s < 0.88 ? "active" : s < 0.92 ? "revoked" : "cancelled";

  e.tax_status = e.status == "cancelled"                        ? "cancelled"
                 : e.status == "revoked" || random.chance(0.04) ? "irregular"
                                                                : "normal";
  e.taxpayer_type = !b.individual && (e.registered_capital.size() > 6 || random.chance(0.2))
                        ? "general"
                        : "small_scale";
  e.employee_count = b.individual         ? random.between(1, 8)
                     : random.chance(0.8) ? random.between(3, 50)
                                          : random.between(50, 3000);
  const double c = static_cast<double>(random.below(1000)) / 1000;
  const std::size_t rating = c < 0.2 ? 0 : c < 0.7 ? 1 : c < 0.9 ? 2 : c < 0.97 ? 3 : 4;
  e.credit_rating = std::string(1, "ABMCD"[rating]);
  return e;
}

}  // namespace zt::demo
