// Chinese names for the demo city: surnames drawn by their frequency in the 2020 census
// (公安部户政管理研究中心《二〇二〇年全国姓名报告》, top 100, ~86 % of people) and given names of
// one or two characters drawn from the characters common for the person's sex and generation.
//
// Thread-safety: pure functions over constant tables.
#pragma once

#include "demo/random.h"

#include <string>

namespace zt::demo {

// A full name (surname + given name) for a person of `male` sex born in `birth_year`.
std::string chinese_name(Random& random, bool male, int birth_year);

// One of the 56 ethnic groups (民族) as the 户籍 record names it, by the demo city's shares:
// 汉族 for nearly everyone, 畲族 (Zhejiang's largest minority) and a few others.
std::string ethnicity(Random& random);

// A shop or company trade name (字号) of two characters, e.g. 鼎盛.
std::string trade_name(Random& random);

}  // namespace zt::demo
