// Projection: the CSV an export writes — the header of the readable fields, quoting (RFC 4180),
// nulls, integers and booleans, masking by each field's rule unless the grant unmasks it — and
// that a record read as views gives the same bytes as the record's typed values would.
#include "exchange/records/access.h"

#include "catalog/model.h"
#include "exchange/records/validate.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace zt::exchange {
namespace {

using catalog::Field;
using catalog::FieldType;
using catalog::MaskRule;
using Kind = TypedValue::Kind;

Field make(std::string name, FieldType type, bool personal = false,
           MaskRule mask = MaskRule::kNone) {
  Field f;
  f.name = std::move(name);
  f.label = "信息项";
  f.type = type;
  f.personal = personal;
  f.mask = mask;
  return f;
}

// id_number (key, masked), name (masked by surname), phone, address, size (integer), married
// (boolean), code (personal integer, hidden), note.
catalog::Resource people() {
  catalog::Resource r;
  r.id = 1;
  r.code = "330300-GA-0001";
  r.fields = {make("id_number", FieldType::kIdNumber, true, MaskRule::kIdNumber),
              make("name", FieldType::kString, true, MaskRule::kName),
              make("phone", FieldType::kPhone, true, MaskRule::kPhone),
              make("address", FieldType::kString),
              make("size", FieldType::kInteger),
              make("married", FieldType::kBoolean),
              make("code", FieldType::kInteger, true, MaskRule::kPhone),
              make("note", FieldType::kString)};
  r.fields[0].key = true;
  return r;
}

ValueView text(std::string_view s) {
  return {Kind::kText, 0, s};
}
ValueView integer(std::int64_t i) {
  return {Kind::kInt, i, {}};
}
ValueView boolean(bool b) {
  return {Kind::kBool, b ? 1 : 0, {}};
}
ValueView null() {
  return {};
}

std::string csv(const catalog::Resource& r, const Access& a, const std::vector<ValueView>& row) {
  std::string out;
  Projection(r, a).append_csv(out, row);
  return out;
}

TEST(Projection, TheProviderReadsEveryFieldUnmasked) {
  const catalog::Resource r = people();
  const Projection p(r, Access::provider(r));
  std::string header;
  p.append_csv_header(header);
  EXPECT_EQ(header, "id_number,name,phone,address,size,married,code,note\r\n");
  EXPECT_EQ(p.readable(), std::vector<bool>(8, true));
  EXPECT_EQ(csv(r, Access::provider(r),
                {text("330302198001010019"), text("张三"), text("13857712345"),
                 text("温州市鹿城区, 五马街道"), integer(-3), boolean(true), integer(1234567890),
                 text("说\"是\"")}),
            "330302198001010019,张三,13857712345,\"温州市鹿城区, 五马街道\",-3,true,1234567890,"
            "\"说\"\"是\"\"\"\r\n");
}

TEST(Projection, MaskedUnlessUnmaskedAndOnlyTheReadableFields) {
  const catalog::Resource r = people();
  Access a = Access::unconditional(r);
  a.readable = {true, true, true, true, false, true, true, false};
  a.unmasked[2] = true;  // phone in clear
  const Projection p(r, a);
  std::string header;
  p.append_csv_header(header);
  EXPECT_EQ(header, "id_number,name,phone,address,married,code\r\n");
  EXPECT_EQ(p.readable(), a.readable);
  EXPECT_EQ(csv(r, a,
                {text("330302198001010019"), text("欧阳娜娜"), text("13857712345"), text("a\r\nb"),
                 integer(7), boolean(false), integer(1234567890), text("x")}),
            "330302********0019,欧***,13857712345,\"a\r\nb\",false,123***7890\r\n");
  // Nulls are empty cells, masked or not; too short to keep both ends: every character masked.
  EXPECT_EQ(
      csv(r, a, {text("1234567890"), null(), null(), null(), null(), null(), integer(5), null()}),
      "**********,,,,,*\r\n");
}

TEST(Projection, AMaskedValueIsQuotedWhenItsKeptEndsNeedIt) {
  const catalog::Resource r = people();
  Access a = Access::unconditional(r);
  a.readable = {false, false, true, false, false, false, false, false};
  EXPECT_EQ(
      csv(r, a, {null(), null(), text("1,\"34567890"), null(), null(), null(), null(), null()}),
      "\"1,\"\"****7890\"\r\n");
}

TEST(Projection, NoReadableFieldGivesEmptyLines) {
  const catalog::Resource r = people();
  Access a = Access::unconditional(r);
  a.readable.assign(r.fields.size(), false);
  const Projection p(r, a);
  std::string out;
  p.append_csv_header(out);
  p.append_csv(out, std::vector<ValueView>(8));
  EXPECT_EQ(out, "\r\n\r\n");
}

}  // namespace
}  // namespace zt::exchange
