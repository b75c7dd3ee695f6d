#include "demo/names.h"

#include <array>
#include <string_view>
#include <vector>

namespace zt::demo {

namespace {

struct Weighted {
  std::string_view text;
  std::uint32_t weight;  // per 10 000
};

// 2020 census surname shares, per 10 000 people.
constexpr Weighted kSurnames[] = {
    {"王", 712}, {"李", 700}, {"张", 674}, {"刘", 510}, {"陈", 461}, {"杨", 322}, {"黄", 245},
    {"赵", 219}, {"吴", 200}, {"周", 195}, {"徐", 145}, {"孙", 138}, {"马", 129}, {"朱", 126},
    {"胡", 115}, {"郭", 113}, {"何", 106}, {"林", 102}, {"高", 100}, {"罗", 95},  {"郑", 91},
    {"梁", 89},  {"谢", 80},  {"宋", 71},  {"唐", 70},  {"许", 66},  {"韩", 64},  {"冯", 63},
    {"邓", 63},  {"曹", 62},  {"彭", 59},  {"曾", 58},  {"肖", 57},  {"田", 55},  {"董", 53},
    {"潘", 52},  {"袁", 52},  {"蔡", 48},  {"蒋", 48},  {"余", 47},  {"于", 47},  {"杜", 46},
    {"叶", 45},  {"程", 43},  {"魏", 42},  {"苏", 41},  {"吕", 41},  {"丁", 40},  {"任", 40},
    {"卢", 38},  {"姚", 37},  {"沈", 37},  {"钟", 36},  {"姜", 35},  {"崔", 34},  {"谭", 34},
    {"陆", 33},  {"范", 32},  {"汪", 32},  {"廖", 31},  {"石", 31},  {"金", 30},  {"韦", 30},
    {"贾", 29},  {"夏", 28},  {"付", 28},  {"方", 27},  {"邹", 26},  {"熊", 26},  {"白", 25},
    {"孟", 25},  {"秦", 25},  {"邱", 24},  {"侯", 24},  {"江", 24},  {"尹", 24},  {"薛", 23},
    {"闫", 23},  {"段", 22},  {"雷", 22},  {"龙", 21},  {"黎", 21},  {"史", 21},  {"陶", 20},
    {"贺", 20},  {"毛", 19},  {"郝", 19},  {"顾", 19},  {"龚", 18},  {"邵", 18},  {"万", 17},
    {"覃", 17},  {"武", 17},  {"钱", 16},  {"戴", 16},  {"严", 16},  {"莫", 15},  {"孔", 15},
    {"向", 15},  {"常", 15},
};

// Given-name characters, by sex and generation (born before 1980 / from 1980 / from 2000).
constexpr std::string_view kMaleOld[] = {"国", "建", "军", "华", "明", "平", "志", "勇", "强",
                                         "福", "德", "荣", "林", "海", "忠", "文", "根", "祥",
                                         "生", "金", "友", "成", "良", "春", "宝", "法", "山"};
constexpr std::string_view kMaleMid[] = {"伟", "磊", "涛", "超", "杰", "鹏", "斌", "辉", "刚",
                                         "波", "俊", "峰", "飞", "亮", "晓", "东", "鑫", "凯",
                                         "健", "宁", "毅", "昕", "龙", "浩", "旭", "帆"};
constexpr std::string_view kMaleNew[] = {"浩", "宇", "轩", "子", "睿", "泽", "一", "诺", "梓",
                                         "航", "博", "文", "俊", "晨", "逸", "辰", "铭", "皓",
                                         "然", "宸", "煜", "霖", "奕", "瑞", "锦", "昊"};
constexpr std::string_view kFemaleOld[] = {"秀", "英", "兰", "芳", "玉", "珍", "凤", "华", "梅",
                                           "琴", "桂", "云", "素", "菊", "莲", "美", "月", "爱",
                                           "娟", "香", "萍", "彩", "翠", "妹", "娥", "琼"};
constexpr std::string_view kFemaleMid[] = {"丽", "静", "敏", "燕", "艳", "娜", "婷", "霞", "洁",
                                           "慧", "琳", "颖", "倩", "雪", "晶", "红", "玲", "丹",
                                           "蕾", "佳", "瑶", "莉", "露", "微", "媛", "青"};
constexpr std::string_view kFemaleNew[] = {"涵", "萱", "欣", "怡", "梓", "语", "诗", "雨", "可",
                                           "馨", "悦", "彤", "妍", "琪", "依", "思", "若", "汐",
                                           "晗", "佳", "沐", "一", "婉", "清", "安", "宁"};

constexpr Weighted kEthnicities[] = {{"汉族", 9900}, {"畲族", 45}, {"苗族", 15}, {"土家族", 12},
                                     {"布依族", 10}, {"回族", 6},  {"侗族", 6},  {"壮族", 6}};

constexpr std::string_view kTradeChars[] = {
    "华", "兴", "鑫", "盛", "达", "恒", "信", "德", "源", "泰", "隆", "宏", "瑞", "祥",
    "丰", "利", "通", "嘉", "鼎", "正", "海", "天", "创", "新", "博", "和", "昌", "永",
    "金", "诚", "汇", "佳", "众", "远", "东", "瓯", "江", "凯", "安", "顺"};

template <std::size_t N>
std::vector<std::uint32_t> cumulative(const Weighted (&table)[N]) {
  std::vector<std::uint32_t> out;
  std::uint32_t sum = 0;
  for (const Weighted& w : table) {
    sum += w.weight;
    out.push_back(sum);
  }
  return out;
}

const std::vector<std::uint32_t>& surname_weights() {
  static const std::vector<std::uint32_t> weights = cumulative(kSurnames);
  return weights;
}

template <std::size_t N>
std::string_view one_of(Random& random, const std::string_view (&pool)[N]) {
  return pool[random.below(N)];
}

}  // namespace

std::string chinese_name(Random& random, bool male, int birth_year) {
  std::string name(kSurnames[random.pick(surname_weights())].text);
  const int generation = birth_year < 1980 ? 0 : birth_year < 2000 ? 1 : 2;
  auto character = [&]() {
    if (male) {
      return generation == 0   ? one_of(random, kMaleOld)
             : generation == 1 ? one_of(random, kMaleMid)
                               : one_of(random, kMaleNew);
    }
    return generation == 0   ? one_of(random, kFemaleOld)
           : generation == 1 ? one_of(random, kFemaleMid)
                             : one_of(random, kFemaleNew);
  };
  // Single-character given names were common among the generation born in the 1980s and 90s
  // (about a third) and are rare otherwise.
  const double single = generation == 1 ? 0.33 : 0.12;
  name += character();
  if (!random.chance(single)) {
    std::string_view second = character();
    name += second;
  }
  return name;
}

std::string ethnicity(Random& random) {
  static const std::vector<std::uint32_t> weights = cumulative(kEthnicities);
  return std::string(kEthnicities[random.pick(weights)].text);
}

std::string trade_name(Random& random) {
  std::string out(one_of(random, kTradeChars));
  out += one_of(random, kTradeChars);
  return out;
}

}  // namespace zt::demo
