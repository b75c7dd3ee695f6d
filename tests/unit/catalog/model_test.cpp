// Catalog value types: the names of every enum and their parsers, the update cycles, the default
// masks, normalise_fields (defaults and every refusal), check_compatible (every allowed and every
// refused change, all refusals named at once), Resource's lookups and check_resource_code.
#include "catalog/model.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <cctype>
#include <optional>
#include <string>
#include <vector>

namespace zt::catalog {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::IsEmpty;

constexpr std::int64_t kDay = 24LL * 3600 * 1000;

Field make(std::string name, FieldType type = FieldType::kString) {
  Field f;
  f.name = std::move(name);
  f.label = "标签";
  f.type = type;
  return f;
}

Field key(std::string name, FieldType type = FieldType::kString) {
  Field f = make(std::move(name), type);
  f.key = true;
  return f;
}

// "f12" (built by appending: GCC 12 warns falsely on "f" + std::to_string(i), -Wrestrict).
std::string numbered(std::string prefix, std::size_t i) {
  prefix += std::to_string(i);
  return prefix;
}

// The detail of a failed normalise_fields, or "ok".
std::string normalise_error(std::vector<Field> fields) {
  Status s = normalise_fields(fields);
  if (s.ok()) return "ok";
  EXPECT_EQ(s.error().kind, ErrorKind::kInvalidInput);
  EXPECT_EQ(s.error().code, "invalid_fields");
  return s.error().detail;
}

// ---- names
// ---------------------------------------------------------------------------------------

template <typename E>
void expect_round_trip(const std::vector<std::pair<E, std::string_view>>& names,
                       std::optional<E> (*parse)(std::string_view)) {
  for (const auto& [value, name] : names) {
    EXPECT_EQ(to_string(value), name);
    EXPECT_EQ(parse(name), value) << name;
    // Exactly the names: no other case, no spaces.
    std::string upper(name);
    for (char& c : upper)
      c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
    EXPECT_EQ(parse(upper), std::nullopt) << upper;
    EXPECT_EQ(parse(" " + std::string(name)), std::nullopt) << name;
    EXPECT_EQ(parse(std::string(name) + " "), std::nullopt) << name;
  }
  EXPECT_EQ(parse(""), std::nullopt);
  EXPECT_EQ(parse("unknown"), std::nullopt);
}

TEST(CatalogNames, FieldTypes) {
  expect_round_trip<FieldType>({{FieldType::kString, "string"},
                                {FieldType::kInteger, "integer"},
                                {FieldType::kDecimal, "decimal"},
                                {FieldType::kBoolean, "boolean"},
                                {FieldType::kDate, "date"},
                                {FieldType::kDatetime, "datetime"},
                                {FieldType::kEnum, "enum"},
                                {FieldType::kIdNumber, "id_number"},
                                {FieldType::kUscc, "uscc"},
                                {FieldType::kDivisionCode, "division_code"},
                                {FieldType::kPhone, "phone"},
                                {FieldType::kEmail, "email"}},
                               parse_field_type);
  EXPECT_EQ(parse_field_type("int"), std::nullopt);
  EXPECT_EQ(parse_field_type("idnumber"), std::nullopt);
}

TEST(CatalogNames, MaskRules) {
  expect_round_trip<MaskRule>({{MaskRule::kNone, "none"},
                               {MaskRule::kIdNumber, "id_number"},
                               {MaskRule::kPhone, "phone"},
                               {MaskRule::kName, "name"},
                               {MaskRule::kHidden, "hidden"}},
                              parse_mask_rule);
}

TEST(CatalogNames, ShareOpenCategoryCycleStatus) {
  expect_round_trip<ShareType>({{ShareType::kUnconditional, "unconditional"},
                                {ShareType::kConditional, "conditional"},
                                {ShareType::kNone, "none"}},
                               parse_share_type);
  expect_round_trip<ShareMode>(
      {{ShareMode::kApi, "api"}, {ShareMode::kTable, "table"}, {ShareMode::kFile, "file"}},
      parse_share_mode);
  expect_round_trip<OpenType>({{OpenType::kOpen, "open"},
                               {OpenType::kConditional, "conditional"},
                               {OpenType::kClosed, "closed"}},
                              parse_open_type);
  expect_round_trip<Category>({{Category::kBase, "base"},
                               {Category::kTheme, "theme"},
                               {Category::kDepartment, "department"}},
                              parse_category);
  expect_round_trip<UpdateCycle>({{UpdateCycle::kRealtime, "realtime"},
                                  {UpdateCycle::kDaily, "daily"},
                                  {UpdateCycle::kWeekly, "weekly"},
                                  {UpdateCycle::kMonthly, "monthly"},
                                  {UpdateCycle::kQuarterly, "quarterly"},
                                  {UpdateCycle::kYearly, "yearly"},
                                  {UpdateCycle::kIrregular, "irregular"}},
                                 parse_update_cycle);
  expect_round_trip<ResourceStatus>({{ResourceStatus::kDraft, "draft"},
                                     {ResourceStatus::kPublished, "published"},
                                     {ResourceStatus::kRetired, "retired"}},
                                    parse_resource_status);
}

TEST(CatalogNames, UpdateCycleLengths) {
  EXPECT_EQ(update_cycle_ms(UpdateCycle::kRealtime), kDay);
  EXPECT_EQ(update_cycle_ms(UpdateCycle::kDaily), kDay);
  EXPECT_EQ(update_cycle_ms(UpdateCycle::kWeekly), 7 * kDay);
  EXPECT_GE(update_cycle_ms(UpdateCycle::kMonthly), 31 * kDay);
  EXPECT_GE(update_cycle_ms(UpdateCycle::kQuarterly), 92 * kDay);
  EXPECT_GE(update_cycle_ms(UpdateCycle::kYearly), 366 * kDay);
  EXPECT_EQ(update_cycle_ms(UpdateCycle::kIrregular), std::nullopt);
}

TEST(CatalogNames, DefaultMasks) {
  EXPECT_EQ(default_mask(FieldType::kIdNumber), MaskRule::kIdNumber);
  EXPECT_EQ(default_mask(FieldType::kPhone), MaskRule::kPhone);
  EXPECT_EQ(default_mask(FieldType::kString), MaskRule::kHidden);
  EXPECT_EQ(default_mask(FieldType::kEmail), MaskRule::kHidden);
  EXPECT_EQ(default_mask(FieldType::kDate), MaskRule::kHidden);
}

// ---- normalise_fields --------------------------------------------------------------------------

TEST(NormaliseFields, FillsTheDefaults) {
  std::vector<Field> fields = {key("id_no", FieldType::kIdNumber), make("name"),
                               make("phone", FieldType::kPhone), make("address"), make("note")};
  fields[0].personal = true;
  fields[1].personal = true;
  fields[1].mask = MaskRule::kName;
  fields[2].personal = true;
  fields[3].personal = true;
  fields[4].mask = MaskRule::kHidden;  // not personal: the mask is dropped
  ASSERT_TRUE(normalise_fields(fields).ok());

  EXPECT_TRUE(fields[0].required);
  EXPECT_TRUE(fields[0].indexed);
  EXPECT_EQ(fields[0].mask, MaskRule::kIdNumber);
  EXPECT_EQ(fields[1].mask, MaskRule::kName);
  EXPECT_FALSE(fields[1].required);
  EXPECT_FALSE(fields[1].indexed);
  EXPECT_EQ(fields[2].mask, MaskRule::kPhone);
  EXPECT_EQ(fields[3].mask, MaskRule::kHidden);
  EXPECT_EQ(fields[4].mask, MaskRule::kNone);

  // Normalising again changes nothing.
  std::vector<Field> again = fields;
  ASSERT_TRUE(normalise_fields(again).ok());
  EXPECT_EQ(again, fields);
}

TEST(NormaliseFields, AcceptsTheLimits) {
  std::vector<Field> fields;
  for (std::size_t i = 0; i < kMaxFields; ++i)
    fields.push_back(make(numbered("f", i)));
  for (std::size_t i = 0; i < kMaxKeyFields; ++i)
    fields[i].key = true;
  fields[10].name = "a" + std::string(47, 'z');  // 48 characters
  fields[11].name = "a_1_b";
  fields[12].max_length = 1;
  fields[13].max_length = kMaxFieldLength;
  fields[14].type = FieldType::kEnum;
  fields[14].enum_values = {"男", "女"};
  fields[15].type = FieldType::kPhone;
  fields[15].max_length = 20;  // phones are text
  fields[0].type = FieldType::kInteger;
  fields[1].type = FieldType::kDate;
  fields[2].type = FieldType::kDatetime;
  fields[3].type = FieldType::kIdNumber;
  EXPECT_EQ(normalise_error(fields), "ok");
}

TEST(NormaliseFields, RefusesEmptyAndTooManyFields) {
  EXPECT_THAT(normalise_error({}), HasSubstr("at least one field"));
  std::vector<Field> fields;
  for (std::size_t i = 0; i <= kMaxFields; ++i)
    fields.push_back(make(numbered("f", i)));
  fields[0].key = true;
  EXPECT_THAT(normalise_error(fields), HasSubstr("at most 200 fields"));
}

TEST(NormaliseFields, RefusesBadNames) {
  for (const std::string& name :
       std::vector<std::string>{"", "Name", "1name", "_name", "na-me", "na me", "名字", "name.x",
                                "a" + std::string(48, 'b')}) {
    std::vector<Field> fields = {key("id"), make(name)};
    EXPECT_THAT(normalise_error(fields), HasSubstr("field name '" + name + "'")) << name;
  }
  std::vector<Field> twice = {key("id"), make("name"), make("name")};
  EXPECT_THAT(normalise_error(twice), HasSubstr("field 'name' appears twice"));
}

TEST(NormaliseFields, RefusesBadKeys) {
  EXPECT_THAT(normalise_error({make("a"), make("b")}), HasSubstr("mark at least one field"));
  std::vector<Field> five;
  for (int i = 0; i < 5; ++i)
    five.push_back(key(numbered("k", i)));
  EXPECT_THAT(normalise_error(five), HasSubstr("at most 4 key fields"));
  EXPECT_THAT(normalise_error({key("amount", FieldType::kDecimal)}),
              HasSubstr("field 'amount': a decimal field cannot be part of the key"));
  EXPECT_THAT(normalise_error({key("flag", FieldType::kBoolean)}),
              HasSubstr("field 'flag': a boolean field cannot be part of the key"));
  // Other types may be keys.
  for (FieldType t :
       {FieldType::kInteger, FieldType::kDate, FieldType::kDatetime, FieldType::kIdNumber,
        FieldType::kUscc, FieldType::kDivisionCode, FieldType::kPhone, FieldType::kEmail}) {
    EXPECT_EQ(normalise_error({key("k", t)}), "ok") << to_string(t);
  }
}

TEST(NormaliseFields, RefusesBadEnums) {
  Field no_values = make("sex", FieldType::kEnum);
  EXPECT_THAT(normalise_error({key("id"), no_values}), HasSubstr("enum field 'sex' needs"));
  Field empty_value = make("sex", FieldType::kEnum);
  empty_value.enum_values = {"男", ""};
  EXPECT_THAT(normalise_error({key("id"), empty_value}), HasSubstr("non-empty and unique"));
  Field repeated = make("sex", FieldType::kEnum);
  repeated.enum_values = {"男", "女", "男"};
  EXPECT_THAT(normalise_error({key("id"), repeated}), HasSubstr("non-empty and unique"));
  Field not_enum = make("sex");
  not_enum.enum_values = {"男"};
  EXPECT_THAT(normalise_error({key("id"), not_enum}), HasSubstr("only apply to enum fields"));
}

TEST(NormaliseFields, RefusesBadLengths) {
  for (std::int64_t len : {std::int64_t{0}, std::int64_t{-1}, kMaxFieldLength + 1}) {
    Field f = make("name");
    f.max_length = len;
    EXPECT_THAT(normalise_error({key("id"), f}), HasSubstr("max_length must be 1..65535")) << len;
  }
  for (FieldType t : {FieldType::kInteger, FieldType::kDecimal, FieldType::kBoolean,
                      FieldType::kDate, FieldType::kDatetime}) {
    Field f = make("value", t);
    f.max_length = 10;
    EXPECT_THAT(normalise_error({key("id"), f}), HasSubstr("max_length only applies to text"))
        << to_string(t);
  }
}

TEST(NormaliseFields, NamesEveryProblemAtOnce) {
  Field bad_enum = make("sex", FieldType::kEnum);
  Field bad_len = make("note");
  bad_len.max_length = 0;
  const std::string detail = normalise_error({make("Name"), bad_enum, bad_len});
  EXPECT_THAT(detail, HasSubstr("field name 'Name'"));
  EXPECT_THAT(detail, HasSubstr("enum field 'sex' needs"));
  EXPECT_THAT(detail, HasSubstr("field 'note': max_length"));
  EXPECT_THAT(detail, HasSubstr("mark at least one field"));
}

// ---- check_compatible --------------------------------------------------------------------------

class CheckCompatible : public ::testing::Test {
 protected:
  void SetUp() override {
    Field sex = make("sex", FieldType::kEnum);
    sex.enum_values = {"男", "女"};
    Field name = make("name");
    name.max_length = 20;
    name.required = true;
    before_ = {key("id_no", FieldType::kIdNumber), name, sex, make("note"),
               make("age", FieldType::kInteger)};
    before_[4].indexed = true;
    ASSERT_TRUE(normalise_fields(before_).ok());
    after_ = before_;
  }

  std::vector<std::string> allowed() {
    auto r = check_compatible(before_, after_);
    EXPECT_TRUE(r.ok()) << r.error().detail;
    return r.ok() ? *r : std::vector<std::string>{};
  }
  std::string refused() {
    auto r = check_compatible(before_, after_);
    if (r.ok()) return "allowed";
    EXPECT_EQ(r.error().kind, ErrorKind::kConflict);
    EXPECT_EQ(r.error().code, "incompatible_change");
    return r.error().detail;
  }

  std::vector<Field> before_, after_;
};

TEST_F(CheckCompatible, NothingChanged) {
  EXPECT_THAT(allowed(), IsEmpty());
}

TEST_F(CheckCompatible, AllowedChanges) {
  Field added = make("email", FieldType::kEmail);
  added.indexed = true;
  after_.push_back(added);
  after_[1].max_length = 40;
  after_[1].label = "姓名";
  after_[1].personal = true;
  after_[1].mask = MaskRule::kName;
  after_[2].enum_values.push_back("未知");
  after_[3].indexed = true;
  EXPECT_THAT(allowed(),
              ElementsAre("field 'name' widened to 40", "field 'name' relabelled",
                          "field 'name' masking changed", "field 'sex' gained enum values",
                          "field 'note' is now indexed", "field 'email' added"));
}

TEST_F(CheckCompatible, DroppingALengthLimitWidens) {
  after_[1].max_length.reset();
  EXPECT_THAT(allowed(), ElementsAre("field 'name' widened to any"));
}

TEST_F(CheckCompatible, ReorderingFieldsIsNoChange) {
  std::swap(after_[1], after_[3]);
  EXPECT_THAT(allowed(), IsEmpty());
}

TEST_F(CheckCompatible, RefusedChanges) {
  after_.erase(after_.begin() + 3);      // note removed
  after_[0].key = false;                 // id_no leaves the key
  after_[1].max_length = 10;             // name shortened
  after_[2].enum_values = {"男"};        // sex drops 女
  after_[3].type = FieldType::kDecimal;  // age changes type
  after_[3].indexed = false;             // and stops being indexed
  Field new_key = key("code");
  Field new_required = make("extra");
  new_required.required = true;
  after_.push_back(new_key);
  after_.push_back(new_required);
  const std::string detail = refused();
  EXPECT_THAT(detail, HasSubstr("field 'id_no' cannot join or leave the key"));
  EXPECT_THAT(detail, HasSubstr("field 'name' cannot be shortened"));
  EXPECT_THAT(detail, HasSubstr("field 'sex' cannot drop the value '女'"));
  EXPECT_THAT(detail, HasSubstr("field 'note' cannot be removed"));
  EXPECT_THAT(detail, HasSubstr("field 'age' cannot change type from integer to decimal"));
  EXPECT_THAT(detail, HasSubstr("field 'age' cannot stop being indexed"));
  EXPECT_THAT(detail, HasSubstr("new field 'code' must be optional and not a key"));
  EXPECT_THAT(detail, HasSubstr("new field 'extra' must be optional and not a key"));
}

TEST_F(CheckCompatible, OptionalFieldCannotBecomeRequired) {
  after_[3].required = true;
  EXPECT_THAT(refused(), HasSubstr("field 'note' cannot become required"));
}

TEST_F(CheckCompatible, LimitCannotBeAddedToAnUnlimitedField) {
  after_[3].max_length = 100;
  EXPECT_THAT(refused(), HasSubstr("field 'note' cannot be shortened"));
}

TEST_F(CheckCompatible, RequiredFieldKeepsItsRequiredFlag) {
  // model.h: "every field of `before` is still there with the same type, key flag and required
  // flag". check_compatible accepts a required field becoming optional.
  after_[1].required = false;
  auto r = check_compatible(before_, after_);
  if (r.ok()) {
    FAIL() << "regression: check_compatible (src/catalog/model.cpp) accepts required -> "
              "optional (\"field 'name' became optional\"), but model.h says the required "
              "flag must stay the same";
  }
  EXPECT_EQ(r.error().code, "incompatible_change");
}

// ---- Resource ----------------------------------------------------------------------------------

TEST(Resource, FieldLookups) {
  Resource r;
  r.fields = {make("a"), key("b"), make("c"), key("d")};
  ASSERT_NE(r.field("c"), nullptr);
  EXPECT_EQ(r.field("c"), &r.fields[2]);
  EXPECT_EQ(r.field("x"), nullptr);
  EXPECT_EQ(r.field(""), nullptr);
  auto keys = r.key_fields();
  ASSERT_EQ(keys.size(), 2u);
  EXPECT_EQ(keys[0], &r.fields[1]);
  EXPECT_EQ(keys[1], &r.fields[3]);
  r.fields.clear();
  EXPECT_THAT(r.key_fields(), IsEmpty());
}

TEST(ResourceCode, AcceptsValidCodes) {
  for (const std::string& code :
       std::vector<std::string>{"330300-GA-0001", "ABC", "123", "A-B", "ABC-", std::string(64, 'Z'),
                                "9" + std::string(63, '-')}) {
    EXPECT_TRUE(check_resource_code(code).ok()) << code;
  }
}

TEST(ResourceCode, RefusesInvalidCodes) {
  for (const std::string& code :
       std::vector<std::string>{"", "AB", "-ABC", "abc", "330300-ga-0001", "330300_GA_0001",
                                "330300 GA", "资源-001", "ABC\n", std::string(65, 'A'), "ＡＢＣ"}) {
    Status s = check_resource_code(code);
    ASSERT_FALSE(s.ok()) << code;
    EXPECT_EQ(s.error().kind, ErrorKind::kInvalidInput);
    EXPECT_EQ(s.error().code, "invalid_resource_code");
  }
}

}  // namespace
}  // namespace zt::catalog
