#include "common/population_rows.h"

#include <fmt/format.h>

#include <chrono>

namespace zt::bench {

namespace {

// 温州's county-level divisions (GB/T 2260) and their names, for the id numbers and addresses.
struct County {
  std::string_view code;
  std::string_view name;
};
constexpr std::array<County, 12> kCounties = {{
    {"330302", "鹿城区"},
    {"330303", "龙湾区"},
    {"330304", "瓯海区"},
    {"330305", "洞头区"},
    {"330324", "永嘉县"},
    {"330326", "平阳县"},
    {"330327", "苍南县"},
    {"330328", "文成县"},
    {"330329", "泰顺县"},
    {"330381", "瑞安市"},
    {"330382", "乐清市"},
    {"330383", "龙港市"},
}};
constexpr std::array<std::string_view, 32> kSurnames = {
    "陈", "林", "王", "郑", "周", "黄", "李", "张", "吴", "叶", "潘", "金", "徐", "刘", "杨", "赵",
    "朱", "胡", "谢", "许", "蔡", "池", "项", "章", "董", "孙", "钱", "薛", "余", "毛", "邵", "夏"};
constexpr std::array<std::string_view, 40> kGiven = {
    "伟", "芳", "娜", "敏", "静", "丽", "强", "磊", "军", "洋", "勇", "艳", "杰", "娟",
    "涛", "明", "超", "秀", "霞", "平", "刚", "英", "华", "文", "建", "国", "志", "海",
    "慧", "婷", "雪", "琳", "晨", "宇", "浩", "然", "欣", "怡", "博", "瓯"};
constexpr std::array<std::string_view, 12> kRoads = {"人民路", "解放路", "学院路", "车站大道",
                                                     "环城路", "府前街", "新华街", "东风路",
                                                     "建设路", "锦绣路", "望江路", "飞霞路"};

const std::chrono::sys_days kFirstBirth{std::chrono::year(1930) / 1 / 1};
const std::chrono::sys_days kLastBirth{std::chrono::year(2020) / 12 / 31};
const std::chrono::sys_days kLastRegistration{std::chrono::year(2024) / 12 / 31};
const std::uint64_t kBirthDays = static_cast<std::uint64_t>((kLastBirth - kFirstBirth).count()) + 1;
// Distinct id numbers: county × birth date × 3-digit sequence (about 4 × 10^8).
const std::uint64_t kKeySpace = kCounties.size() * kBirthDays * 1000;

std::uint64_t splitmix64(std::uint64_t x) {
  x += 0x9e3779b97f4a7c15;
  x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9;
  x = (x ^ (x >> 27)) * 0x94d049bb133111eb;
  return x ^ (x >> 31);
}

struct Rng {
  std::uint64_t state;
  std::uint64_t next() { return splitmix64(state++); }
  std::uint32_t below(std::uint32_t n) { return static_cast<std::uint32_t>(next() % n); }
};

constexpr int kHalf = 15;  // the Feistel network's half width (bits)
constexpr std::uint64_t kMask = (1u << kHalf) - 1;

std::string ymd(std::chrono::sys_days day, std::string_view separator) {
  const std::chrono::year_month_day d{day};
  return fmt::format("{:04}{}{:02}{}{:02}", static_cast<int>(d.year()), separator,
                     static_cast<unsigned>(d.month()), separator, static_cast<unsigned>(d.day()));
}

}  // namespace

KeyOrder::KeyOrder(std::uint64_t seed) {
  for (std::size_t r = 0; r < keys_.size(); ++r)
    keys_[r] = splitmix64(seed * 31 + r);
}

std::uint64_t KeyOrder::operator()(std::uint64_t i) const {
  std::uint64_t x = i;
  do {
    x = encrypt(x);
  } while (x >= kKeySpace);
  return x;
}

std::uint64_t KeyOrder::encrypt(std::uint64_t x) const {
  std::uint64_t left = x >> kHalf, right = x & kMask;
  for (std::uint64_t key : keys_) {
    const std::uint64_t mixed = left ^ (splitmix64(right ^ key) & kMask);
    left = right;
    right = mixed;
  }
  return (left << kHalf) | right;
}

void RowGenerator::append(std::string& out, std::uint64_t i, RowRef* ref) const {
  std::uint64_t key = order_(i);
  const County& county = kCounties[key % kCounties.size()];
  key /= kCounties.size();
  const auto birth = kFirstBirth + std::chrono::days(key % kBirthDays);
  const auto sequence = static_cast<unsigned>(key / kBirthDays);  // 0-999
  Rng rng{splitmix64(seed_ ^ (i * 0xd1b54a32d192ed03))};

  std::string id = fmt::format("{}{}{:03}", county.code, ymd(birth, ""), sequence);
  static constexpr int kWeights[17] = {7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2};
  int sum = 0;
  for (int k = 0; k < 17; ++k)
    sum += (id[k] - '0') * kWeights[k];
  id += "10X98765432"[sum % 11];

  std::string name(kSurnames[rng.below(kSurnames.size())]);
  for (std::uint32_t n = 1 + rng.below(2); n > 0; --n)
    name += kGiven[rng.below(kGiven.size())];
  const std::string address = fmt::format("浙江省温州市{}{}{}号{}幢{}{:02}室", county.name,
                                          kRoads[rng.below(kRoads.size())], 1 + rng.below(399),
                                          1 + rng.below(20), 1 + rng.below(18), 1 + rng.below(4));
  const std::string phone = fmt::format("1{}{:09}", "358"[rng.below(3)], rng.below(1'000'000'000));
  const auto registered_day =
      birth + std::chrono::days(
                  rng.below(static_cast<std::uint32_t>((kLastRegistration - birth).count() + 1)));
  const std::string registered = fmt::format("{}T{:02}:{:02}:{:02}+08:00", ymd(registered_day, "-"),
                                             8 + rng.below(10), rng.below(60), rng.below(60));
  const std::string household = std::to_string(1 + rng.below(8));
  const std::string income = fmt::format("{}.{:02}", rng.below(300'000), rng.below(100));

  const std::string birth_date = ymd(birth, "-");
  const std::string_view gender = sequence % 2 == 1 ? "男" : "女";  // GB 11643: odd = male
  const std::array<std::string_view, 10> values = {
      id, name, gender, birth_date, address, county.code, phone, registered, household, income};
  const std::size_t line = out.size();
  if (ref) ref->line = line;
  out += '{';
  for (std::size_t k = 0; k < kColumns.size(); ++k) {
    if (k > 0) out += ',';
    out += '"';
    out += kColumns[k].name;
    out += "\":";
    if (kColumns[k].quoted) out += '"';
    if (ref) {
      ref->start[k] = static_cast<std::uint16_t>(out.size() - line);
      ref->size[k] = static_cast<std::uint8_t>(values[k].size());
    }
    out += values[k];  // no character of the generated values needs a JSON escape
    if (kColumns[k].quoted) out += '"';
  }
  out += "}\n";
}

}  // namespace zt::bench
