// Tests for check_id_number (GB 11643-1999). Check characters of the vectors below were computed
// independently of the implementation (a separate script over the published weights).
#include "core/id_number.h"

#include <gtest/gtest.h>

#include <string>

namespace zt::core {
namespace {

using std::chrono::June;
using std::chrono::year;
using std::chrono::year_month_day;

constexpr year_month_day kToday{year{2024}, June, std::chrono::day{15}};

// Returns the detail of a failed check, or a marker when the check unexpectedly passed.
std::string detail_of(std::string_view value, year_month_day today = kToday) {
  Result<std::string> r = check_id_number(value, today);
  if (r.ok()) return "<valid: " + r.value() + ">";
  EXPECT_EQ(r.error().kind, ErrorKind::kInvalidInput);
  EXPECT_EQ(r.error().code, "invalid_id_number");
  return r.error().detail;
}

TEST(IdNumberTest, AcceptsValidNumbers) {
  for (const char* id : {
           "11010519491231002X",  // the example of GB 11643-1999
           "330106199003071236", "441900199912314567",
           "710101198001010012",  // 台湾
           "820000198001010016",  // 澳门
           "110101190001010014",  // earliest allowed birth date
       }) {
    Result<std::string> r = check_id_number(id, kToday);
    ASSERT_TRUE(r.ok()) << id << ": " << r.error().detail;
    EXPECT_EQ(r.value(), id);
  }
}

TEST(IdNumberTest, UpperCasesTrailingX) {
  Result<std::string> r = check_id_number("11010519491231002x", kToday);
  ASSERT_TRUE(r.ok()) << r.error().detail;
  EXPECT_EQ(r.value(), "11010519491231002X");
}

TEST(IdNumberTest, LeapDays) {
  EXPECT_TRUE(check_id_number("110101200002290018", kToday).ok());  // 2000 is a leap year
  // 1900 is not (divisible by 100, not by 400); the check character is right for these digits.
  EXPECT_EQ(detail_of("110101190002290011"),
            "birth date (positions 7-14) is not a real calendar date");
}

TEST(IdNumberTest, RejectsImpossibleDates) {
  // Month 13 and day 32, check characters made right so only the date is wrong.
  EXPECT_EQ(detail_of("110101199013010012"),
            "birth date (positions 7-14) is not a real calendar date");
  EXPECT_EQ(detail_of("110101199001320013"),
            "birth date (positions 7-14) is not a real calendar date");
  EXPECT_EQ(detail_of("110101199004310013"),
            "birth date (positions 7-14) is not a real calendar date");
}

TEST(IdNumberTest, RejectsBirthBefore1900) {
  EXPECT_EQ(detail_of("11010118991231001X"), "birth date (positions 7-14) is before 1900-01-01");
  // The second example of GB 11643-1999 (born 1880) has a right check character.
  EXPECT_EQ(detail_of("440524188001010014"), "birth date (positions 7-14) is before 1900-01-01");
}

TEST(IdNumberTest, BirthDateUpToTodayOnly) {
  EXPECT_TRUE(check_id_number("110101202406150010", kToday).ok());  // born today
  EXPECT_EQ(detail_of("110101202406160016"), "birth date (positions 7-14) is in the future");
  // The same number is fine one day later.
  EXPECT_TRUE(
      check_id_number("110101202406160016", year_month_day{year{2024}, June, std::chrono::day{16}})
          .ok());
}

TEST(IdNumberTest, RejectsWrongLengthAndSaysIt) {
  EXPECT_EQ(detail_of("11010519491231002"), "must be 18 characters, got 17");
  EXPECT_EQ(detail_of("11010519491231002X1"), "must be 18 characters, got 19");
  EXPECT_EQ(detail_of("110105491231002"), "must be 18 characters, got 15");  // old 15-digit form
  EXPECT_EQ(detail_of(""), "is empty");
}

TEST(IdNumberTest, RejectsNonDigitAndSaysWhere) {
  EXPECT_EQ(detail_of("1101A519491231002X"),
            "non-digit 'A' at position 5; the first 17 characters must be digits");
  EXPECT_EQ(detail_of("X10105194912310021"),
            "non-digit 'X' at position 1; the first 17 characters must be digits");
  EXPECT_EQ(detail_of("110105 9491231002X"),
            "non-digit a space at position 7; the first 17 characters must be digits");
  EXPECT_EQ(detail_of(std::string_view("11010519\0"
                                       "491231002X",
                                       18)),
            "non-digit byte 0x00 at position 9; the first 17 characters must be digits");
  EXPECT_EQ(detail_of("11010519491231002Y"), "character 18 must be a digit or X, got 'Y'");
}

TEST(IdNumberTest, RejectsUnknownProvince) {
  EXPECT_EQ(detail_of("990101198001010014"), "unknown province code 99 (positions 1-2)");
  // 83 starts the numbers on residence permits of Taiwan residents: valid, though not a province.
  EXPECT_TRUE(check_id_number("830000198001010018", kToday).ok());
  EXPECT_EQ(detail_of("000000198001010018"), "unknown province code 00 (positions 1-2)");
}

TEST(IdNumberTest, RejectsWrongCheckCharacterAndSaysExpected) {
  EXPECT_EQ(detail_of("110105194912310021"),
            "wrong check character (position 18): expected 'X', got '1'");
  EXPECT_EQ(detail_of("11010519491231003X"),
            "wrong check character (position 18): expected '8', got 'X'");
  EXPECT_EQ(detail_of("11010519491231003x"),
            "wrong check character (position 18): expected '8', got 'X'");
}

TEST(IdNumberTest, EveryMistypedCheckCharacterIsCaught) {
  const std::string valid = "330106199003071236";
  for (char c : std::string("0123456789X")) {
    std::string id = valid.substr(0, 17) + c;
    EXPECT_EQ(check_id_number(id, kToday).ok(), c == '6') << id;
  }
}

TEST(IdNumberTest, RejectsFullWidthCharacters) {
  const std::string kDetail = "contains full-width characters; use ASCII digits";
  // "１１０１０５１９４９１２３１００２Ｘ": all full-width (U+FF11.., U+FF38).
  EXPECT_EQ(detail_of("\xEF\xBC\x91\xEF\xBC\x91\xEF\xBC\x90\xEF\xBC\x91\xEF\xBC\x90\xEF\xBC\x95"
                      "\xEF\xBC\x91\xEF\xBC\x99\xEF\xBC\x94\xEF\xBC\x99\xEF\xBC\x91\xEF\xBC\x92"
                      "\xEF\xBC\x93\xEF\xBC\x91\xEF\xBC\x90\xEF\xBC\x90\xEF\xBC\x92\xEF\xBC\xB8"),
            kDetail);
  // One full-width digit among ASCII ones, and a full-width X (U+FF38) or x (U+FF58) at the end.
  EXPECT_EQ(detail_of("1101051949123100\xEF\xBC\x92X"), kDetail);
  EXPECT_EQ(detail_of("11010519491231002\xEF\xBC\xB8"), kDetail);
  EXPECT_EQ(detail_of("11010519491231002\xEF\xBD\x98"), kDetail);
}

TEST(IdNumberTest, RejectsOtherNonAscii) {
  EXPECT_EQ(detail_of("11010519491231002\xC3\x97"),  // U+00D7 MULTIPLICATION SIGN
            "contains a non-ASCII character at position 18");
  EXPECT_EQ(detail_of("110105\xE5\xB9\xB4"), "contains a non-ASCII character at position 7");
}

TEST(IdNumberTest, DoesNotStripWhitespace) {
  const std::string kDetail = "has leading or trailing whitespace";
  EXPECT_EQ(detail_of(" 11010519491231002X"), kDetail);
  EXPECT_EQ(detail_of("11010519491231002X "), kDetail);
  EXPECT_EQ(detail_of("11010519491231002X\n"), kDetail);
  EXPECT_EQ(detail_of("\t11010519491231002X"), kDetail);
  EXPECT_EQ(detail_of("11010519491231002X\xE3\x80\x80"), kDetail);  // U+3000 ideographic space
  EXPECT_EQ(detail_of("\xC2\xA0"
                      "11010519491231002X"),
            kDetail);  // U+00A0 no-break space
}

TEST(IdNumberTest, DetailDoesNotRepeatTheNumber) {
  for (const char* id : {"110105194912310021", "110101202406160016", "990101198001010014"}) {
    EXPECT_EQ(detail_of(id).find(id), std::string::npos) << id;
  }
}

TEST(IdNumberTest, CheckCharacterOfTheFirstSeventeen) {
  EXPECT_EQ(id_number_check_character("11010519491231002"), 'X');            // GB 11643's example
  EXPECT_EQ(id_number_check_character("11010519491231002X"), std::nullopt);  // 18 characters
  EXPECT_EQ(id_number_check_character("1101051949123100"), std::nullopt);    // 16
  EXPECT_EQ(id_number_check_character("1101051949123100A"), std::nullopt);   // not a digit
}

}  // namespace
}  // namespace zt::core
