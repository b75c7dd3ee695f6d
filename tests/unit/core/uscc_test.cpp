// Tests for check_uscc (GB 32100-2015). The first vectors are published codes; the synthetic ones
// had their check characters computed independently of the implementation (a separate script
// over the published weights).
#include "core/uscc.h"

#include <gtest/gtest.h>

#include <string>

namespace zt::core {
namespace {

std::string detail_of(std::string_view value) {
  Result<std::string> r = check_uscc(value);
  if (r.ok()) return "<valid: " + r.value() + ">";
  EXPECT_EQ(r.error().kind, ErrorKind::kInvalidInput);
  EXPECT_EQ(r.error().code, "invalid_uscc");
  return r.error().detail;
}

TEST(UsccTest, AcceptsPublishedCodes) {
  for (const char* code : {"91350100M000100Y43", "91110000802100433B", "91110000600037341L"}) {
    Result<std::string> r = check_uscc(code);
    ASSERT_TRUE(r.ok()) << code << ": " << r.error().detail;
    EXPECT_EQ(r.value(), code);
  }
}

TEST(UsccTest, AcceptsEachAuthorityOfTheTable) {
  for (const char* code : {
           "11100000000013127D",  // 1 机构编制, 1 机关, central division 100000
           "31110000MD01234564",  // 3 司法行政, 1 律师执业机构
           "53100000500021676K",  // 5 民政, 3 基金会
           "92330106MA00000013",  // 9 工商, 2 个体工商户
           "A1100000MB0000004T",  // A 中央军委改革和编制办公室, 1 军队事业单位
           "N2330106MF1234567L",  // N 农业, 2 村级集体经济组织
           "Y1110000MA0000001Y",  // Y 其他
       }) {
    Result<std::string> r = check_uscc(code);
    EXPECT_TRUE(r.ok()) << code << ": " << (r.ok() ? "" : r.error().detail);
  }
}

TEST(UsccTest, UpperCasesLowerCaseLetters) {
  Result<std::string> r = check_uscc("91350100m000100y43");
  ASSERT_TRUE(r.ok()) << r.error().detail;
  EXPECT_EQ(r.value(), "91350100M000100Y43");
  r = check_uscc("91110000802100433b");
  ASSERT_TRUE(r.ok()) << r.error().detail;
  EXPECT_EQ(r.value(), "91110000802100433B");
}

TEST(UsccTest, RejectsWrongLengthAndSaysIt) {
  EXPECT_EQ(detail_of("91350100M000100Y4"), "must be 18 characters, got 17");
  EXPECT_EQ(detail_of("91350100M000100Y433"), "must be 18 characters, got 19");
  EXPECT_EQ(detail_of("M000100Y4"), "must be 18 characters, got 9");  // old organisation code
  EXPECT_EQ(detail_of(""), "is empty");
}

TEST(UsccTest, RejectsCharactersOutsideTheAlphabet) {
  const std::string kRest = " is not allowed; use digits and letters other than I, O, S, V, Z";
  EXPECT_EQ(detail_of("91350100MO00100Y43"), "character 'O' at position 10" + kRest);
  EXPECT_EQ(detail_of("91350100M000100I43"), "character 'I' at position 16" + kRest);
  EXPECT_EQ(detail_of("91350100M000100s43"), "character 's' at position 16" + kRest);
  EXPECT_EQ(detail_of("91350100M000100V43"), "character 'V' at position 16" + kRest);
  EXPECT_EQ(detail_of("91350100M000100Z43"), "character 'Z' at position 16" + kRest);
  EXPECT_EQ(detail_of("91350100M-00100Y43"), "character '-' at position 10" + kRest);
  EXPECT_EQ(detail_of("91350100M 00100Y43"), "character a space at position 10" + kRest);
}

TEST(UsccTest, RejectsUnknownRegistrationAuthority) {
  EXPECT_EQ(detail_of("B1110000MA0000001X"),
            "unknown registration authority code 'B' (position 1)");
  EXPECT_EQ(detail_of("01110000MA0000001X"),
            "unknown registration authority code '0' (position 1)");
}

TEST(UsccTest, RejectsOrganisationTypeNotInTheTable) {
  // Check characters are right, so only the type is wrong.
  EXPECT_EQ(detail_of("94110000MA0000001B"),
            "organisation type '4' (position 2) is not defined for registration authority '9'");
  EXPECT_EQ(detail_of("A2110000MA0000001G"),
            "organisation type '2' (position 2) is not defined for registration authority 'A'");
  EXPECT_EQ(detail_of("Y2110000MA0000001U"),
            "organisation type '2' (position 2) is not defined for registration authority 'Y'");
  EXPECT_EQ(detail_of("1A110000MA00000011"),
            "organisation type 'A' (position 2) is not defined for registration authority '1'");
}

TEST(UsccTest, RejectsLettersInTheDivisionPart) {
  EXPECT_EQ(detail_of("91A10000MA00000011"),
            "division code (positions 3-8) must be digits, got 'A' at position 3");
}

TEST(UsccTest, RejectsWrongCheckCharacterAndSaysExpected) {
  EXPECT_EQ(detail_of("91110000802100433A"),
            "wrong check character (position 18): expected 'B', got 'A'");
  EXPECT_EQ(detail_of("91350100M000100Y44"),
            "wrong check character (position 18): expected '3', got '4'");
  // A swapped pair of characters is caught.
  EXPECT_EQ(detail_of("91350100M001000Y43"),
            "wrong check character (position 18): expected 'X', got '3'");
}

TEST(UsccTest, EverySingleSubstitutionIsCaught) {
  const std::string valid = "91350100M000100Y43";
  const std::string alphabet = "0123456789ABCDEFGHJKLMNPQRTUWXY";
  for (size_t pos = 8; pos < valid.size(); ++pos) {  // the free part: positions 9-18
    for (char c : alphabet) {
      if (c == valid[pos]) continue;
      std::string code = valid;
      code[pos] = c;
      EXPECT_FALSE(check_uscc(code).ok()) << code;
    }
  }
}

TEST(UsccTest, RejectsFullWidthAndWhitespace) {
  EXPECT_EQ(detail_of("91350100\xEF\xBC\xAD"
                      "000100Y43"),  // U+FF2D FULLWIDTH M
            "contains full-width characters; use ASCII digits and letters");
  EXPECT_EQ(detail_of("\xEF\xBC\x99"
                      "1350100M000100Y43"),  // U+FF19 FULLWIDTH 9
            "contains full-width characters; use ASCII digits and letters");
  EXPECT_EQ(detail_of("91350100M000100Y43 "), "has leading or trailing whitespace");
  EXPECT_EQ(detail_of("\r\n91350100M000100Y43"), "has leading or trailing whitespace");
  EXPECT_EQ(detail_of("9135\xE5\x8E\xBF"
                      "0100M000100Y43"),
            "contains a non-ASCII character at position 5");
}

TEST(UsccTest, CheckCharacterOfTheFirstSeventeen) {
  EXPECT_EQ(uscc_check_character("91350100M000100Y4"), '3');            // 91350100M000100Y43
  EXPECT_EQ(uscc_check_character("91350100M000100Y43"), std::nullopt);  // 18 characters
  EXPECT_EQ(uscc_check_character("91350100M000100I4"), std::nullopt);   // I is not in the set
}

}  // namespace
}  // namespace zt::core
