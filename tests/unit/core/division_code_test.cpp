// Tests for check_division_code and is_known_province_code (GB/T 2260 and statistical codes).
#include "core/division_code.h"

#include <gtest/gtest.h>

#include <string>

namespace zt::core {
namespace {

std::string detail_of(std::string_view value) {
  Result<std::string> r = check_division_code(value);
  if (r.ok()) return "<valid: " + r.value() + ">";
  EXPECT_EQ(r.error().kind, ErrorKind::kInvalidInput);
  EXPECT_EQ(r.error().code, "invalid_division_code");
  return r.error().detail;
}

TEST(DivisionCodeTest, AcceptsEachLevel) {
  for (const char* code : {
           "330000",        // 浙江省
           "330300",        // 温州市
           "330106",        // 杭州市西湖区
           "110101",        // 北京市东城区
           "500101",        // 重庆市万州区
           "429004",        // 仙桃市 (provincially administered, city part 90)
           "820000",        // 澳门
           "110101001",     // 东华门街道
           "110101001001",  // 多福巷社区
           "441900003",  // 东莞市东城街道: a township directly under a city without counties
           "441900003001",  // a community under it
           "330000000000",  // a province written as a 12-digit statistical code
           "330300000",     // a city written as a 9-digit code
       }) {
    Result<std::string> r = check_division_code(code);
    ASSERT_TRUE(r.ok()) << code << ": " << r.error().detail;
    EXPECT_EQ(r.value(), code);
  }
}

TEST(DivisionCodeTest, RejectsWrongLength) {
  EXPECT_EQ(detail_of("33030"), "must be 6, 9 or 12 digits, got 5 characters");
  EXPECT_EQ(detail_of("3303000"), "must be 6, 9 or 12 digits, got 7 characters");
  EXPECT_EQ(detail_of("3301060010010"), "must be 6, 9 or 12 digits, got 13 characters");
  EXPECT_EQ(detail_of(""), "is empty");
}

TEST(DivisionCodeTest, RejectsNonDigits) {
  EXPECT_EQ(detail_of("33O300"), "non-digit 'O' at position 3");
  EXPECT_EQ(detail_of("330-00"), "non-digit '-' at position 4");
  EXPECT_EQ(detail_of("330106 01"), "non-digit a space at position 7");
}

TEST(DivisionCodeTest, RejectsUnknownProvince) {
  EXPECT_EQ(detail_of("990000"), "unknown province code 99 (positions 1-2)");
  EXPECT_EQ(detail_of("000000"), "unknown province code 00 (positions 1-2)");
  EXPECT_EQ(detail_of("100000"), "unknown province code 10 (positions 1-2)");
  EXPECT_EQ(detail_of("830000"), "unknown province code 83 (positions 1-2)");
}

TEST(DivisionCodeTest, RejectsLevelsUnderAZeroParent) {
  EXPECT_EQ(detail_of("330006"),
            "county part (positions 5-6) is set but the city part (positions 3-4) is all zeros");
  EXPECT_EQ(detail_of("330000001"),
            "township part (positions 7-9) is set but the city part (positions 3-4) is all zeros");
  EXPECT_EQ(
      detail_of("330106000001"),
      "village part (positions 10-12) is set but the township part (positions 7-9) is all zeros");
}

TEST(DivisionCodeTest, RejectsFullWidthAndWhitespace) {
  EXPECT_EQ(detail_of("\xEF\xBC\x93\xEF\xBC\x93\xEF\xBC\x90\xEF\xBC\x93\xEF\xBC\x90\xEF\xBC\x90"),
            "contains full-width characters; use ASCII digits");
  EXPECT_EQ(detail_of("330300\n"), "has leading or trailing whitespace");
  EXPECT_EQ(detail_of(" 330300"), "has leading or trailing whitespace");
}

TEST(DivisionCodeTest, KnowsExactlyTheProvinceCodes) {
  const std::string known =
      "11 12 13 14 15 21 22 23 31 32 33 34 35 36 37 41 42 43 44 45 46 50 51 "
      "52 53 54 61 62 63 64 65 71 81 82";
  int count = 0;
  for (int code = -5; code < 200; ++code) {
    bool expected =
        code >= 10 && code <= 99 && known.find(std::to_string(code)) != std::string::npos;
    EXPECT_EQ(is_known_province_code(code), expected) << code;
    count += is_known_province_code(code) ? 1 : 0;
  }
  EXPECT_EQ(count, 34);
}

}  // namespace
}  // namespace zt::core
