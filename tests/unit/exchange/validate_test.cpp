// Row validation of ingest: validate_value for every field type with every reason code and the
// canonical forms, the null rules (absent / null / empty string) per type, lengths counted in
// characters, Validator::validate (reader row errors, delete rows, several errors in one row),
// and append_json.
#include "exchange/records/validate.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>

#include <string>
#include <vector>

namespace zt::exchange {
namespace {

using catalog::Field;
using catalog::FieldType;
using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::Not;

constexpr std::chrono::year_month_day kToday{std::chrono::year{2026}, std::chrono::month{3},
                                             std::chrono::day{2}};

RawValue str(std::string s) {
  return {RawValue::Kind::kString, std::move(s)};
}
RawValue num(std::string s) {
  return {RawValue::Kind::kNumber, std::move(s)};
}
RawValue boolean(bool b) {
  return {RawValue::Kind::kBool, b ? "true" : "false"};
}
RawValue null() {
  return {RawValue::Kind::kNull, ""};
}
RawValue absent() {
  return {};
}

Field field(FieldType type, bool required = false) {
  Field f;
  f.name = "value";
  f.type = type;
  f.required = required;
  return f;
}

// A typed value in one word: "null", "int 5", "bool 1", "text 12.50"; or "error <code>".
std::string show(const Result<TypedValue>& r) {
  if (!r.ok()) {
    EXPECT_EQ(r.error().kind, ErrorKind::kInvalidInput);
    return "error " + r.error().code;
  }
  switch (r->kind) {
    case TypedValue::Kind::kNull: return "null";
    case TypedValue::Kind::kInt: return "int " + std::to_string(r->i);
    case TypedValue::Kind::kBool: return "bool " + std::to_string(r->i);
    case TypedValue::Kind::kText: return "text " + r->text;
  }
  return "?";
}

std::string check(const Field& f, const RawValue& v) {
  return show(validate_value(f, v, kToday));
}
std::string check(FieldType type, const RawValue& v) {
  return check(field(type), v);
}

// ---- null rules --------------------------------------------------------------------------------

TEST(ValidateNull, AbsentAndNullAreNullForEveryType) {
  for (FieldType t :
       {FieldType::kString, FieldType::kInteger, FieldType::kDecimal, FieldType::kBoolean,
        FieldType::kDate, FieldType::kDatetime, FieldType::kEnum, FieldType::kIdNumber,
        FieldType::kUscc, FieldType::kDivisionCode, FieldType::kPhone, FieldType::kEmail}) {
    Field f = field(t);
    f.enum_values = {"男"};
    EXPECT_EQ(check(f, absent()), "null") << to_string(t);
    EXPECT_EQ(check(f, null()), "null") << to_string(t);
    f.required = true;
    EXPECT_EQ(check(f, absent()), "error required") << to_string(t);
    EXPECT_EQ(check(f, null()), "error required") << to_string(t);
  }
}

TEST(ValidateNull, EmptyStringIsNullExceptForStringAndEnum) {
  for (FieldType t :
       {FieldType::kInteger, FieldType::kDecimal, FieldType::kBoolean, FieldType::kDate,
        FieldType::kDatetime, FieldType::kIdNumber, FieldType::kUscc, FieldType::kDivisionCode,
        FieldType::kPhone, FieldType::kEmail}) {
    EXPECT_EQ(check(field(t), str("")), "null") << to_string(t);
    EXPECT_EQ(check(field(t, true), str("")), "error required") << to_string(t);
  }
  // A string keeps its empty value; a required one refuses it.
  EXPECT_EQ(check(field(FieldType::kString), str("")), "text ");
  EXPECT_EQ(check(field(FieldType::kString, true), str("")), "error required");
  // An enum checks it against its values.
  Field sex = field(FieldType::kEnum);
  sex.enum_values = {"男", "女"};
  EXPECT_EQ(check(sex, str("")), "error not_in_enum");
  sex.enum_values.push_back("");
  EXPECT_EQ(check(sex, str("")), "text ");
}

TEST(ValidateNull, ErrorDetailNamesTheField) {
  Field f = field(FieldType::kString, true);
  f.name = "holder_name";
  auto r = validate_value(f, absent(), kToday);
  ASSERT_FALSE(r.ok());
  EXPECT_THAT(r.error().detail, HasSubstr("holder_name"));
}

// ---- strings and enums -------------------------------------------------------------------------

TEST(ValidateString, LengthCountsCharacters) {
  Field f = field(FieldType::kString);
  f.max_length = 5;
  EXPECT_EQ(check(f, str("张三李四王")), "text 张三李四王");  // 5 characters, 15 bytes
  EXPECT_EQ(check(f, str("abcde")), "text abcde");
  EXPECT_EQ(check(f, str("𠮷𠮷𠮷𠮷𠮷")), "text 𠮷𠮷𠮷𠮷𠮷");  // 4-byte characters
  EXPECT_EQ(check(f, str("张三李四王五")), "error too_long");
  EXPECT_EQ(check(f, str("abcdef")), "error too_long");
  auto r = validate_value(f, str("张三李四王五"), kToday);
  EXPECT_THAT(r.error().detail, HasSubstr("5 characters"));
  EXPECT_THAT(r.error().detail, Not(HasSubstr("张三")));
}

TEST(ValidateString, TakenAsSent) {
  Field f = field(FieldType::kString);
  EXPECT_EQ(check(f, str("  a \"b\"\n")), "text   a \"b\"\n");
  EXPECT_EQ(check(f, num("12.50")), "text 12.50");  // an NDJSON number keeps its text
  EXPECT_EQ(check(f, boolean(true)), "error wrong_type");
}

TEST(ValidateString, MaxLengthOfOtherTextTypes) {
  // normalise_fields accepts max_length on every text type (phone, email, enum, codes) and
  // model.h says it counts characters "for text types"; the reason is "too_long".
  Field f = field(FieldType::kEmail);
  f.max_length = 10;
  const std::string got = check(f, str("zhang.san@example.gov.cn"));  // 24 characters
  if (got != "error too_long") {
    FAIL() << "regression: validate_value (src/exchange/validate.cpp, case kString) checks "
              "max_length only "
              "for string fields; an email field with max_length 10 took a 24-character "
              "address: "
           << got;
  }
}

TEST(ValidateEnum, ExactValuesOnly) {
  Field f = field(FieldType::kEnum);
  f.enum_values = {"男", "女", "未说明"};
  EXPECT_EQ(check(f, str("女")), "text 女");
  EXPECT_EQ(check(f, str("未说明")), "text 未说明");
  EXPECT_EQ(check(f, str("女 ")), "error not_in_enum");
  EXPECT_EQ(check(f, str("未")), "error not_in_enum");
  EXPECT_EQ(check(f, str("M")), "error not_in_enum");
  EXPECT_EQ(check(f, boolean(false)), "error wrong_type");
  Field levels = field(FieldType::kEnum);
  levels.enum_values = {"1", "2"};
  EXPECT_EQ(check(levels, num("2")), "text 2");
  EXPECT_EQ(check(levels, num("2.0")), "error not_in_enum");
}

// ---- numbers -----------------------------------------------------------------------------------

TEST(ValidateInteger, Values) {
  EXPECT_EQ(check(FieldType::kInteger, num("42")), "int 42");
  EXPECT_EQ(check(FieldType::kInteger, str("42")), "int 42");
  EXPECT_EQ(check(FieldType::kInteger, num("-7")), "int -7");
  EXPECT_EQ(check(FieldType::kInteger, str("+5")), "int 5");
  EXPECT_EQ(check(FieldType::kInteger, str("007")), "int 7");
  EXPECT_EQ(check(FieldType::kInteger, num("0")), "int 0");
  EXPECT_EQ(check(FieldType::kInteger, num("9223372036854775807")), "int 9223372036854775807");
  EXPECT_EQ(check(FieldType::kInteger, num("-9223372036854775808")), "int -9223372036854775808");
}

TEST(ValidateInteger, Errors) {
  for (const char* s : {"9223372036854775808", "-9223372036854775809", "1.5", "1.0", "1e3", " 5",
                        "5 ", "abc", "+", "-", "0x10", "1,000", "５", "--5", "++5"}) {
    EXPECT_EQ(check(FieldType::kInteger, str(s)), "error invalid_integer") << s;
  }
  EXPECT_EQ(check(FieldType::kInteger, boolean(true)), "error wrong_type");
}

TEST(ValidateInteger, PlusThenMinus) {
  const std::string got = check(FieldType::kInteger, str("+-5"));
  if (got != "error invalid_integer") {
    FAIL() << "regression: validate_value (src/exchange/validate.cpp, case kInteger) skips a "
              "leading '+' "
              "and lets from_chars read the rest, so \"+-5\" is accepted as: "
           << got;
  }
}

TEST(ValidateDecimal, CanonicalForm) {
  EXPECT_EQ(check(FieldType::kDecimal, str("012.50")), "text 12.5");
  EXPECT_EQ(check(FieldType::kDecimal, num("12.50")), "text 12.5");
  EXPECT_EQ(check(FieldType::kDecimal, str("-0")), "text 0");
  EXPECT_EQ(check(FieldType::kDecimal, str("-000")), "text 0");
  EXPECT_EQ(check(FieldType::kDecimal, str("-0.00")), "text 0");
  EXPECT_EQ(check(FieldType::kDecimal, str("+1.5")), "text 1.5");
  EXPECT_EQ(check(FieldType::kDecimal, str("-012.30")), "text -12.3");
  EXPECT_EQ(check(FieldType::kDecimal, str("0.05")), "text 0.05");
  EXPECT_EQ(check(FieldType::kDecimal, str("000.05")), "text 0.05");
  EXPECT_EQ(check(FieldType::kDecimal, num("100")), "text 100");
  EXPECT_EQ(check(FieldType::kDecimal, num("-0.5")), "text -0.5");
  const std::string digits38(38, '9');
  EXPECT_EQ(check(FieldType::kDecimal, str(digits38)), "text " + digits38);
  EXPECT_EQ(check(FieldType::kDecimal, str("1234567890123456789012345678.0123456789")),
            "text 1234567890123456789012345678.0123456789");
}

TEST(ValidateDecimal, Errors) {
  for (const std::string& s :
       std::vector<std::string>{".5", "5.", "-.5", "1e5", "1E5", "1,000.00", "1.2.3", "--1", "+-1",
                                "+", "-", "abc", " 1", "1 ", "１２", "NaN", "Infinity",
                                std::string(39, '1'), "1." + std::string(38, '0')}) {
    EXPECT_EQ(check(FieldType::kDecimal, str(s)), "error invalid_decimal") << s;
  }
  EXPECT_EQ(check(FieldType::kDecimal, boolean(true)), "error wrong_type");
}

TEST(ValidateBoolean, Values) {
  for (const char* s : {"true", "TRUE", "True", "1", "是", "Y", "y"}) {
    EXPECT_EQ(check(FieldType::kBoolean, str(s)), "bool 1") << s;
  }
  for (const char* s : {"false", "FALSE", "False", "0", "否", "N", "n"}) {
    EXPECT_EQ(check(FieldType::kBoolean, str(s)), "bool 0") << s;
  }
  EXPECT_EQ(check(FieldType::kBoolean, boolean(true)), "bool 1");
  EXPECT_EQ(check(FieldType::kBoolean, boolean(false)), "bool 0");
  EXPECT_EQ(check(FieldType::kBoolean, num("1")), "bool 1");
  EXPECT_EQ(check(FieldType::kBoolean, num("0")), "bool 0");
  for (const char* s : {"yes", "no", "2", "-1", "1.0", "t", "对", " true", "true "}) {
    EXPECT_EQ(check(FieldType::kBoolean, str(s)), "error invalid_boolean") << s;
  }
}

// ---- dates and times ---------------------------------------------------------------------------

TEST(ValidateDate, CanonicalForm) {
  EXPECT_EQ(check(FieldType::kDate, str("2024-02-29")), "text 2024-02-29");
  EXPECT_EQ(check(FieldType::kDate, str("20240229")), "text 2024-02-29");
  EXPECT_EQ(check(FieldType::kDate, num("20240229")), "text 2024-02-29");
  EXPECT_EQ(check(FieldType::kDate, str("2024/02/29")), "text 2024-02-29");
  EXPECT_EQ(check(FieldType::kDate, str("2000-02-29")), "text 2000-02-29");
  EXPECT_EQ(check(FieldType::kDate, str("0001-01-01")), "text 0001-01-01");
  EXPECT_EQ(check(FieldType::kDate, str("9999-12-31")), "text 9999-12-31");
}

TEST(ValidateDate, Errors) {
  for (const char* s :
       {"2023-02-29",  "1900-02-29",  "20230229",     "2023/02/29", "2023-04-31",
        "2023-13-01",  "2023-00-10",  "2023-01-00",   "0000-01-01", "2023-1-1",
        "2023-01-1",   "2023/01-01",  "2023-01/01",   "2023.01.01", "2023-01-01T00:00:00",
        " 2023-01-01", "2023-01-01 ", "2023年1月1日", "202301",     "abcd-ef-gh",
        "-023-01-01",  "2023-+1-01"}) {
    EXPECT_EQ(check(FieldType::kDate, str(s)), "error invalid_date") << s;
  }
  EXPECT_EQ(check(FieldType::kDate, boolean(true)), "error wrong_type");
}

TEST(ValidateDatetime, ConvertsToBeijingTime) {
  const auto dt = [](const char* s) { return check(FieldType::kDatetime, str(s)); };
  EXPECT_EQ(dt("2026-01-31T09:30:00+08:00"), "text 2026-01-31T09:30:00+08:00");
  // Without an offset: Beijing time.
  EXPECT_EQ(dt("2026-01-31T09:30:00"), "text 2026-01-31T09:30:00+08:00");
  EXPECT_EQ(dt("2026-01-31 09:30:00"), "text 2026-01-31T09:30:00+08:00");
  EXPECT_EQ(dt("2026/01/31T09:30:00"), "text 2026-01-31T09:30:00+08:00");
  // UTC.
  EXPECT_EQ(dt("2026-01-31T01:30:00Z"), "text 2026-01-31T09:30:00+08:00");
  EXPECT_EQ(dt("2026-01-31T01:30:00z"), "text 2026-01-31T09:30:00+08:00");
  EXPECT_EQ(dt("2026-01-31T01:30:00+00:00"), "text 2026-01-31T09:30:00+08:00");
  // Crossing midnight, a month, a year, a leap day.
  EXPECT_EQ(dt("2026-01-31T20:00:00Z"), "text 2026-02-01T04:00:00+08:00");
  EXPECT_EQ(dt("2026-12-31T16:00:00Z"), "text 2027-01-01T00:00:00+08:00");
  EXPECT_EQ(dt("2024-02-28T20:00:00Z"), "text 2024-02-29T04:00:00+08:00");
  EXPECT_EQ(dt("2026-01-31T15:59:59Z"), "text 2026-01-31T23:59:59+08:00");
  // Backwards across midnight: an offset east of Beijing.
  EXPECT_EQ(dt("2026-03-01T00:30:00+09:00"), "text 2026-02-28T23:30:00+08:00");
  EXPECT_EQ(dt("2024-03-01T00:30:00+14:00"), "text 2024-02-29T18:30:00+08:00");
  // West of UTC, and half-hour offsets.
  EXPECT_EQ(dt("2026-01-31T20:00:00-05:00"), "text 2026-02-01T09:00:00+08:00");
  EXPECT_EQ(dt("2026-01-31T12:00:00+05:30"), "text 2026-01-31T14:30:00+08:00");
  EXPECT_EQ(dt("2026-01-31T12:00:00-09:30"), "text 2026-02-01T05:30:00+08:00");
  // Fractional seconds are dropped (not rounded).
  EXPECT_EQ(dt("2026-01-31T09:30:00.999+08:00"), "text 2026-01-31T09:30:00+08:00");
  EXPECT_EQ(dt("2026-01-31T01:30:59.123456Z"), "text 2026-01-31T09:30:59+08:00");
  EXPECT_EQ(dt("2026-01-31T09:30:00,5"), "text 2026-01-31T09:30:00+08:00");
}

TEST(ValidateDatetime, Errors) {
  for (const char* s : {"2026-01-31",
                        "2026-01-31T09:30",
                        "2026-01-31T9:30:00",
                        "2026-01-31T24:00:00",
                        "2026-01-31T23:60:00",
                        "2026-01-31T23:59:60",
                        "2026-02-29T09:30:00",
                        "2026-01-31X09:30:00",
                        "2026-01-31T09:30:00.",
                        "2026-01-31T09:30:00.Z",
                        "2026-01-31T09:30:00+15:00",
                        "2026-01-31T09:30:00+08:60",
                        "2026-01-31T09:30:00+8:00",
                        "2026-01-31T09:30:00 +08:00",
                        "2026-01-31T09:30:00ZZ",
                        "2026-01-31T09:30:00UTC",
                        "2026-01-31T09:30:00+08:00:00",
                        "20260131T093000",
                        "1769823000",
                        "2026-01-31T-9:30:00"}) {
    EXPECT_EQ(check(FieldType::kDatetime, str(s)), "error invalid_datetime") << s;
  }
  EXPECT_EQ(check(FieldType::kDatetime, num("1769823000")), "error invalid_datetime");
  EXPECT_EQ(check(FieldType::kDatetime, boolean(false)), "error wrong_type");
}

TEST(ValidateDatetime, ResultIsAlwaysAValidDate) {
  // A time that passes validation must come out in the canonical form, a real date of year
  // 0001-9999 (the storage's DATE / TIMESTAMPTZ columns take nothing else).
  std::string wrong;
  for (const char* s : {"0001-01-01T05:00:00+14:00", "9999-12-31T20:00:00-08:00",
                        "0001-01-01T08:00:00+08:00", "9999-12-31T23:59:59+08:00"}) {
    const std::string got = check(FieldType::kDatetime, str(s));
    if (!got.starts_with("text ")) continue;  // refusing it is fine too
    const std::string date = got.substr(5, got.find('T') - 5);
    if (check(FieldType::kDate, str(date)) != "text " + date) {
      wrong += std::string("\n  ") + s + " -> " + got.substr(5);
    }
  }
  if (!wrong.empty()) {
    FAIL() << "regression: validate_value (src/exchange/validate.cpp, canonical_datetime) "
              "converts times near the range's ends into dates outside 0001-9999:"
           << wrong;
  }
}

// ---- identifiers -------------------------------------------------------------------------------

TEST(ValidateIdNumber, CheckDigit) {
  EXPECT_EQ(check(FieldType::kIdNumber, str("11010519491231002X")), "text 11010519491231002X");
  EXPECT_EQ(check(FieldType::kIdNumber, str("11010519491231002x")), "text 11010519491231002X");
  for (const char* s :
       {"110105194912310021", "11010519491231002", "11010519491231002XX", " 11010519491231002X",
        "110105194902300028", "99010519491231002X", "１１0105194912310021", "abcdefghijklmnopqr"}) {
    EXPECT_EQ(check(FieldType::kIdNumber, str(s)), "error invalid_id_number") << s;
  }
  EXPECT_EQ(check(FieldType::kIdNumber, num("110105194912310021")), "error invalid_id_number");
  EXPECT_EQ(check(FieldType::kIdNumber, boolean(true)), "error wrong_type");
}

TEST(ValidateIdNumber, BirthDateAgainstToday) {
  // 2026-03-02 is today; the 3rd of March is in the future. The check digit is computed here
  // with GB 11643's weights so only the date decides.
  const auto with_check = [](std::string first17) {
    static constexpr int kWeights[] = {7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2};
    int sum = 0;
    for (int i = 0; i < 17; ++i)
      sum += (first17[i] - '0') * kWeights[i];
    return first17 + "10X98765432"[sum % 11];
  };
  EXPECT_EQ(check(FieldType::kIdNumber, str(with_check("11010520260302001"))),
            "text " + with_check("11010520260302001"));
  EXPECT_EQ(check(FieldType::kIdNumber, str(with_check("11010520260303001"))),
            "error invalid_id_number");
  EXPECT_EQ(check(FieldType::kIdNumber, str(with_check("11010518991231001"))),
            "error invalid_id_number");
  EXPECT_EQ(with_check("11010519491231002"), "11010519491231002X");
}

TEST(ValidateIdNumber, DetailNeverRepeatsTheNumber) {
  auto r = validate_value(field(FieldType::kIdNumber), str("110105194912310021"), kToday);
  ASSERT_FALSE(r.ok());
  EXPECT_THAT(r.error().detail, HasSubstr("value"));
  EXPECT_THAT(r.error().detail, Not(HasSubstr("110105194912310021")));
}

TEST(ValidateUscc, CheckCharacter) {
  EXPECT_EQ(check(FieldType::kUscc, str("91350100M000100Y43")), "text 91350100M000100Y43");
  EXPECT_EQ(check(FieldType::kUscc, str("91350100m000100y43")), "text 91350100M000100Y43");
  for (const char* s :
       {"91350100M000100Y44", "91350100M000100Y4", "91350100M000100Y433", "91350100M000100I43",
        "Z1350100M000100Y43", "9135010OM000100Y43", " 91350100M000100Y43"}) {
    EXPECT_EQ(check(FieldType::kUscc, str(s)), "error invalid_uscc") << s;
  }
  auto r = validate_value(field(FieldType::kUscc), str("91350100M000100Y44"), kToday);
  EXPECT_THAT(r.error().detail, Not(HasSubstr("91350100M000100Y44")));
}

TEST(ValidateDivisionCode, Levels) {
  EXPECT_EQ(check(FieldType::kDivisionCode, str("330302")), "text 330302");
  EXPECT_EQ(check(FieldType::kDivisionCode, str("330300")), "text 330300");
  EXPECT_EQ(check(FieldType::kDivisionCode, str("441900003")), "text 441900003");
  EXPECT_EQ(check(FieldType::kDivisionCode, str("330302001001")), "text 330302001001");
  EXPECT_EQ(check(FieldType::kDivisionCode, num("330302")), "text 330302");
  for (const char* s : {"330006", "990000", "33030", "3303021", "33030200100", "33a302", " 330302",
                        "３３０３０２"}) {
    EXPECT_EQ(check(FieldType::kDivisionCode, str(s)), "error invalid_division_code") << s;
  }
}

// ---- phone and email ---------------------------------------------------------------------------

TEST(ValidatePhone, MobileFixedLineAndCountryCode) {
  for (const char* s : {"13812345678", "19912345678", "+8613812345678", "+86 13812345678",
                        "+86-13812345678", "0571-87654321", "010-12345678", "0577-8765432",
                        "0571-87654321-123", "057187654321", "01012345678"}) {
    // Kept as sent.
    EXPECT_EQ(check(FieldType::kPhone, str(s)), std::string("text ") + s) << s;
  }
  for (const char* s :
       {"12812345678", "1381234567", "138123456789", "23812345678", "138-1234-5678",
        "138 1234 5678", "0571-876543", "0571-876543210", "571-87654321", "05-87654321",
        "05712-87654321", "0571-87654321-", "0571-87654321-1234567", "0571876543210",
        "+85213812345678", "+8613812345", "＋8613812345678", "phone", "110"}) {
    EXPECT_EQ(check(FieldType::kPhone, str(s)), "error invalid_phone") << s;
  }
  EXPECT_EQ(check(FieldType::kPhone, num("13812345678")), "text 13812345678");
  auto r = validate_value(field(FieldType::kPhone), str("12812345678"), kToday);
  EXPECT_THAT(r.error().detail, Not(HasSubstr("12812345678")));
}

TEST(ValidateEmail, Addresses) {
  for (const char* s : {"zhang.san@example.gov.cn", "a@b.cn", "a+tag@mail.example.com",
                        "张三@例子.中国", "a_b-c@sub-domain.example.org"}) {
    EXPECT_EQ(check(FieldType::kEmail, str(s)), std::string("text ") + s) << s;
  }
  for (const std::string& s : std::vector<std::string>{"no-at-sign",
                                                       "@example.com",
                                                       "a@",
                                                       "a@b",
                                                       "a@.cn",
                                                       "a@b.",
                                                       "a@b.c.",
                                                       "a@@b.cn",
                                                       "a@b@c.cn",
                                                       "a b@c.cn",
                                                       "a@b..cn",
                                                       "a@b.cn ",
                                                       "<a@b.cn>",
                                                       "a,b@c.cn",
                                                       "a\"b@c.cn",
                                                       "a(b)@c.cn",
                                                       "a;b@c.cn",
                                                       "a\\b@c.cn",
                                                       "a[b]@c.cn",
                                                       "a\t@b.cn",
                                                       std::string(65, 'a') + "@b.cn",
                                                       "a@" + std::string(250, 'b') + ".cn"}) {
    EXPECT_EQ(check(FieldType::kEmail, str(s)), "error invalid_email") << s;
  }
  EXPECT_EQ(check(FieldType::kEmail, str(std::string(64, 'a') + "@b.cn")),
            "text " + std::string(64, 'a') + "@b.cn");
  auto r = validate_value(field(FieldType::kEmail), str("secret@b"), kToday);
  EXPECT_THAT(r.error().detail, Not(HasSubstr("secret")));
}

// ---- Validator ---------------------------------------------------------------------------------

class ValidatorTest : public ::testing::Test {
 protected:
  static std::vector<Field> fields() {
    Field id;
    id.name = "id_no";
    id.type = FieldType::kIdNumber;
    id.key = true;
    id.required = true;
    Field name;
    name.name = "name";
    name.required = true;
    name.max_length = 4;
    Field age;
    age.name = "age";
    age.type = FieldType::kInteger;
    Field born;
    born.name = "born";
    born.type = FieldType::kDate;
    return {id, name, age, born};
  }

  static RawRow row(std::uint64_t line, std::vector<RawValue> values, bool is_delete = false) {
    RawRow r;
    r.line = line;
    r.is_delete = is_delete;
    r.values = std::move(values);
    return r;
  }

  static std::vector<std::string> shown(const TypedRow& row) {
    std::vector<std::string> out;
    for (const TypedValue& v : row.values)
      out.push_back(show(v));
    return out;
  }

  static std::vector<std::string> shown(const std::vector<FieldError>& errors) {
    std::vector<std::string> out;
    for (const FieldError& e : errors)
      out.push_back(e.field + " " + e.code);
    return out;
  }

  Validator validator_{fields(), kToday};
};

TEST_F(ValidatorTest, ValidRow) {
  TypedRow out;
  std::vector<FieldError> errors;
  ASSERT_TRUE(validator_.validate(
      row(3, {str("11010519491231002x"), str("张三"), num("75"), str("19491231")}), out, errors));
  EXPECT_TRUE(errors.empty());
  EXPECT_EQ(out.line, 3u);
  EXPECT_FALSE(out.is_delete);
  EXPECT_THAT(shown(out),
              ElementsAre("text 11010519491231002X", "text 张三", "int 75", "text 1949-12-31"));
  EXPECT_EQ(validator_.fields().size(), 4u);
}

TEST_F(ValidatorTest, EveryBadFieldIsReported) {
  TypedRow out;
  std::vector<FieldError> errors = {{"earlier", "kept", ""}};
  EXPECT_FALSE(validator_.validate(
      row(4, {str("110105194912310021"), absent(), str("old"), str("2023-02-29")}), out, errors));
  EXPECT_THAT(shown(errors), ElementsAre("earlier kept", "id_no invalid_id_number", "name required",
                                         "age invalid_integer", "born invalid_date"));
}

TEST_F(ValidatorTest, MissingTrailingValuesAreAbsent) {
  TypedRow out;
  std::vector<FieldError> errors;
  ASSERT_TRUE(validator_.validate(row(5, {str("11010519491231002X"), str("李四")}), out, errors));
  EXPECT_THAT(shown(out), ElementsAre("text 11010519491231002X", "text 李四", "null", "null"));
}

TEST_F(ValidatorTest, ReaderRowErrorBecomesOneRowError) {
  TypedRow out;
  std::vector<FieldError> errors;
  RawRow bad = row(9, {});
  bad.error_code = "unknown_field";
  bad.error_detail = "line 9: unknown field 'nmae'";
  EXPECT_FALSE(validator_.validate(bad, out, errors));
  ASSERT_EQ(errors.size(), 1u);
  EXPECT_EQ(errors[0].field, "_row");
  EXPECT_EQ(errors[0].code, "unknown_field");
  EXPECT_EQ(errors[0].detail, "line 9: unknown field 'nmae'");
  EXPECT_EQ(out.line, 9u);
}

TEST_F(ValidatorTest, DeleteRowsCheckOnlyTheKey) {
  TypedRow out;
  std::vector<FieldError> errors;
  // The other values may be anything (or missing): they are not checked and come out null.
  ASSERT_TRUE(validator_.validate(
      row(6, {str("11010519491231002X"), absent(), str("old"), str("yesterday")}, true), out,
      errors));
  EXPECT_TRUE(errors.empty());
  EXPECT_TRUE(out.is_delete);
  EXPECT_THAT(shown(out), ElementsAre("text 11010519491231002X", "null", "null", "null"));
  // The key still is.
  EXPECT_FALSE(validator_.validate(row(7, {str("110105194912310021")}, true), out, errors));
  EXPECT_THAT(shown(errors), ElementsAre("id_no invalid_id_number"));
  errors.clear();
  EXPECT_FALSE(validator_.validate(row(8, {}, true), out, errors));
  EXPECT_THAT(shown(errors), ElementsAre("id_no required"));
}

TEST_F(ValidatorTest, ReusesTheOutputRow) {
  TypedRow out;
  std::vector<FieldError> errors;
  ASSERT_TRUE(validator_.validate(row(6, {str("11010519491231002X")}, true), out, errors));
  ASSERT_TRUE(validator_.validate(
      row(7, {str("11010519491231002X"), str("王五"), num("1"), null()}), out, errors));
  EXPECT_EQ(out.line, 7u);
  EXPECT_FALSE(out.is_delete);
  EXPECT_THAT(shown(out), ElementsAre("text 11010519491231002X", "text 王五", "int 1", "null"));
}

// ---- append_json -------------------------------------------------------------------------------

std::string json_of(FieldType type, const RawValue& raw) {
  Field f = field(type);
  auto v = validate_value(f, raw, kToday);
  EXPECT_TRUE(v.ok());
  std::string out;
  append_json(out, f, *v);
  return out;
}

TEST(AppendJson, Values) {
  EXPECT_EQ(json_of(FieldType::kInteger, num("-42")), "-42");
  EXPECT_EQ(json_of(FieldType::kInteger, absent()), "null");
  EXPECT_EQ(json_of(FieldType::kBoolean, str("是")), "true");
  EXPECT_EQ(json_of(FieldType::kBoolean, str("否")), "false");
  // Decimals as raw numbers with their digits kept.
  EXPECT_EQ(json_of(FieldType::kDecimal, str("012.50")), "12.5");
  EXPECT_EQ(json_of(FieldType::kDecimal, str("-0")), "0");
  EXPECT_EQ(json_of(FieldType::kDecimal, str(std::string(38, '9'))), std::string(38, '9'));
  EXPECT_EQ(json_of(FieldType::kDate, str("20240229")), R"("2024-02-29")");
  EXPECT_EQ(json_of(FieldType::kDatetime, str("2026-01-31T20:00:00Z")),
            R"("2026-02-01T04:00:00+08:00")");
  EXPECT_EQ(json_of(FieldType::kIdNumber, str("11010519491231002x")), R"("11010519491231002X")");
  EXPECT_EQ(json_of(FieldType::kString, str("")), R"("")");
}

TEST(AppendJson, EscapesStrings) {
  std::string raw = "张三 \"引号\" \\ / \n\r\t";
  raw += '\x01';
  raw += '\x1f';
  raw += '\0';
  raw += "\x7f end";
  const std::string got = json_of(FieldType::kString, str(raw));
  EXPECT_EQ(got, "\"张三 \\\"引号\\\" \\\\ / \\n\\r\\t\\u0001\\u001f\\u0000\x7f end\"");
  // And it reads back as the same string.
  auto parsed = boost::json::parse(got);
  ASSERT_TRUE(parsed.is_string());
  EXPECT_EQ(std::string(parsed.as_string()), raw);
}

TEST(AppendJson, AppendsToARecord) {
  Field amount = field(FieldType::kDecimal);
  Field note = field(FieldType::kString);
  std::string out = "{\"amount\":";
  append_json(out, amount, *validate_value(amount, str("0012.340"), kToday));
  out += ",\"note\":";
  append_json(out, note, *validate_value(note, str("a\"b"), kToday));
  out += '}';
  EXPECT_EQ(out, R"({"amount":12.34,"note":"a\"b"})");
  auto parsed = boost::json::parse(out);
  EXPECT_EQ(parsed.at("note").as_string(), "a\"b");
}

}  // namespace
}  // namespace zt::exchange
