// JSON forms of catalog values: to_json of fields and resources, fields_from_json and
// resource_from_json reading back exactly what was written, the defaults of missing attributes,
// and the error of every malformed attribute.
#include "catalog/json.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>

#include <string>
#include <vector>

namespace zt::catalog {
namespace {

namespace json = boost::json;
using ::testing::HasSubstr;

std::vector<Field> sample_fields() {
  Field id;
  id.name = "id_no";
  id.label = "公民身份号码";
  id.type = FieldType::kIdNumber;
  id.key = true;
  id.required = true;
  id.indexed = true;
  id.personal = true;
  id.mask = MaskRule::kIdNumber;
  Field name;
  name.name = "name";
  name.label = "姓名";
  name.max_length = 50;
  name.personal = true;
  name.mask = MaskRule::kName;
  Field sex;
  sex.name = "sex";
  sex.label = "性别";
  sex.type = FieldType::kEnum;
  sex.enum_values = {"男", "女", "未说明"};
  Field amount;
  amount.name = "amount";
  amount.label = "金额（元）";
  amount.type = FieldType::kDecimal;
  Field born;
  born.name = "born";
  born.label = "出生日期";
  born.type = FieldType::kDate;
  born.indexed = true;
  return {id, name, sex, amount, born};
}

Resource sample_resource() {
  Resource r;
  r.id = 7;
  r.code = "330300-GA-0001";
  r.name = "户籍人口基本信息";
  r.department_id = 12;
  r.department_name = "市公安局";
  r.category = Category::kBase;
  r.summary = "户籍人口的基本信息，含\"引号\"与\n换行";
  r.format = "电子文件";
  r.share_type = ShareType::kUnconditional;
  r.share_condition = "无";
  r.share_mode = ShareMode::kTable;
  r.open_type = OpenType::kConditional;
  r.open_condition = "依申请";
  r.update_cycle = UpdateCycle::kQuarterly;
  r.publish_date = "2026-03-02";
  r.related = {"330300-GA-0002", "330300-MZ-0001"};
  r.keywords = {"人口", "户籍"};
  r.fields = sample_fields();
  r.status = ResourceStatus::kPublished;
  r.version = 3;
  r.created_by = 5;
  r.created_at = 1772409600000;  // 2026-03-02T00:00:00Z
  r.updated_at = 1772413200123;
  r.published_at = 1772413200123;
  return r;
}

TEST(CatalogJson, FieldShape) {
  const auto fields = sample_fields();
  EXPECT_EQ(json::serialize(to_json(fields[0])),
            R"({"name":"id_no","label":"公民身份号码","type":"id_number","required":true,)"
            R"("max_length":null,"key":true,"indexed":true,"personal":true,"mask":"id_number"})");
  const json::object sex = to_json(fields[2]);
  EXPECT_EQ(json::serialize(sex.at("enum_values")), R"(["男","女","未说明"])");
  EXPECT_EQ(sex.at("mask").as_string(), "none");
  EXPECT_EQ(to_json(fields[1]).at("max_length").as_int64(), 50);
  // enum_values only on enums.
  EXPECT_FALSE(to_json(fields[1]).contains("enum_values"));
}

TEST(CatalogJson, FieldsRoundTrip) {
  const auto fields = sample_fields();
  const json::value written = to_json(fields);
  ASSERT_TRUE(written.is_array());
  EXPECT_EQ(written.as_array().size(), fields.size());
  // Through text, as stored.
  auto read = fields_from_json(json::parse(json::serialize(written)));
  ASSERT_TRUE(read.ok()) << read.error().detail;
  EXPECT_EQ(*read, fields);
}

TEST(CatalogJson, FieldDefaults) {
  auto read = fields_from_json(json::parse(R"([{"name":"note"},{"name":"n","type":null}])"));
  ASSERT_TRUE(read.ok()) << read.error().detail;
  ASSERT_EQ(read->size(), 2u);
  EXPECT_EQ((*read)[0], Field{.name = "note"});
  EXPECT_EQ((*read)[1].type, FieldType::kString);
  auto empty = fields_from_json(json::parse("[]"));
  ASSERT_TRUE(empty.ok());
  EXPECT_TRUE(empty->empty());
}

TEST(CatalogJson, FieldErrors) {
  struct Case {
    const char* body;
    const char* detail;
  };
  const Case cases[] = {
      {R"({"name":"x"})", R"("fields" must be an array)"},
      {R"(["x"])", "fields[0]: each field must be an object"},
      {R"([{"name":"a"},{"label":"无名"}])", R"(fields[1]: "name" is required)"},
      {R"([{"name":5}])", R"(fields[0]: "name" must be a string)"},
      {R"([{"name":"a","type":"int"}])", "fields[0]: type 'int' is not one of"},
      {R"([{"name":"a","required":"yes"}])", R"(fields[0]: "required" must be true or false)"},
      {R"([{"name":"a","key":1}])", R"("key" must be true or false)"},
      {R"([{"name":"a","indexed":0}])", R"("indexed" must be true or false)"},
      {R"([{"name":"a","personal":"true"}])", R"("personal" must be true or false)"},
      {R"([{"name":"a","type":"enum","enum_values":"男"}])", R"("enum_values" must be an array)"},
      {R"([{"name":"a","type":"enum","enum_values":["男",1]}])",
       R"("enum_values" must be an array)"},
      {R"([{"name":"a","mask":"stars"}])", "fields[0]: mask must be one of"},
      {R"([{"name":"a","max_length":"20"}])", "fields[0]: max_length must be an integer"},
      {R"([{"name":"a","max_length":20.5}])", "fields[0]: max_length must be an integer"},
  };
  for (const Case& c : cases) {
    auto r = fields_from_json(json::parse(c.body));
    ASSERT_FALSE(r.ok()) << c.body;
    EXPECT_EQ(r.error().kind, ErrorKind::kInvalidInput) << c.body;
    EXPECT_EQ(r.error().code, "invalid_fields") << c.body;
    EXPECT_THAT(r.error().detail, HasSubstr(c.detail)) << c.body;
  }
}

TEST(CatalogJson, ResourceShape) {
  const json::object o = to_json(sample_resource());
  EXPECT_EQ(o.at("id").as_int64(), 7);
  EXPECT_EQ(o.at("code").as_string(), "330300-GA-0001");
  EXPECT_EQ(o.at("department_name").as_string(), "市公安局");
  EXPECT_EQ(o.at("category").as_string(), "base");
  EXPECT_EQ(o.at("share_type").as_string(), "unconditional");
  EXPECT_EQ(o.at("share_mode").as_string(), "table");
  EXPECT_EQ(o.at("open_type").as_string(), "conditional");
  EXPECT_EQ(o.at("update_cycle").as_string(), "quarterly");
  EXPECT_EQ(o.at("publish_date").as_string(), "2026-03-02");
  EXPECT_EQ(o.at("status").as_string(), "published");
  EXPECT_EQ(o.at("version").as_int64(), 3);
  EXPECT_EQ(o.at("created_by").as_int64(), 5);
  EXPECT_EQ(json::serialize(o.at("related")), R"(["330300-GA-0002","330300-MZ-0001"])");
  EXPECT_EQ(json::serialize(o.at("keywords")), R"(["人口","户籍"])");
  EXPECT_EQ(o.at("fields").as_array().size(), 5u);
  // Times in Beijing time.
  ASSERT_TRUE(o.at("created_at").is_string());
  EXPECT_THAT(std::string(o.at("created_at").as_string()), HasSubstr("2026-03-02T08:00:00"));
  EXPECT_THAT(std::string(o.at("created_at").as_string()), HasSubstr("+08:00"));
  EXPECT_THAT(std::string(o.at("updated_at").as_string()), HasSubstr("2026-03-02T09:00:00"));
  EXPECT_TRUE(o.at("retired_at").is_null());
}

TEST(CatalogJson, ResourceRoundTrip) {
  const Resource r = sample_resource();
  auto parsed = json::parse(json::serialize(to_json(r)));
  auto read = resource_from_json(parsed.as_object());
  ASSERT_TRUE(read.ok()) << read.error().detail;
  // Every writable attribute comes back.
  EXPECT_EQ(read->code, r.code);
  EXPECT_EQ(read->name, r.name);
  EXPECT_EQ(read->department_id, r.department_id);
  EXPECT_EQ(read->category, r.category);
  EXPECT_EQ(read->summary, r.summary);
  EXPECT_EQ(read->format, r.format);
  EXPECT_EQ(read->share_type, r.share_type);
  EXPECT_EQ(read->share_condition, r.share_condition);
  EXPECT_EQ(read->share_mode, r.share_mode);
  EXPECT_EQ(read->open_type, r.open_type);
  EXPECT_EQ(read->open_condition, r.open_condition);
  EXPECT_EQ(read->update_cycle, r.update_cycle);
  EXPECT_EQ(read->related, r.related);
  EXPECT_EQ(read->keywords, r.keywords);
  EXPECT_EQ(read->fields, r.fields);
  // And writing it again gives the same writable attributes.
  json::object again = to_json(*read);
  json::object first = parsed.as_object();
  for (const char* attr : {"code", "name", "department_id", "category", "summary", "format",
                           "share_type", "share_condition", "share_mode", "open_type",
                           "open_condition", "update_cycle", "related", "keywords", "fields"}) {
    EXPECT_EQ(json::serialize(again.at(attr)), json::serialize(first.at(attr))) << attr;
  }
}

TEST(CatalogJson, ResourceDefaults) {
  auto read =
      resource_from_json(json::parse(R"({"code":"ABC","category":"","summary":null})").as_object());
  ASSERT_TRUE(read.ok()) << read.error().detail;
  const Resource defaults;
  EXPECT_EQ(read->code, "ABC");
  EXPECT_EQ(read->category, defaults.category);
  EXPECT_EQ(read->format, defaults.format);
  EXPECT_EQ(read->share_type, defaults.share_type);
  EXPECT_EQ(read->share_mode, defaults.share_mode);
  EXPECT_EQ(read->open_type, defaults.open_type);
  EXPECT_EQ(read->update_cycle, defaults.update_cycle);
  EXPECT_TRUE(read->summary.empty());
  EXPECT_TRUE(read->fields.empty());
  EXPECT_TRUE(read->related.empty());
}

TEST(CatalogJson, ResourceErrors) {
  struct Case {
    const char* body;
    const char* detail;
  };
  const Case cases[] = {
      {R"({"code":7})", R"("code" must be a string)"},
      {R"({"name":["户籍"]})", R"("name" must be a string)"},
      {R"({"department_id":"12"})", R"("department_id" must be an integer)"},
      {R"({"department_id":1.5})", R"("department_id" must be an integer)"},
      {R"({"category":"basic"})", R"("category" must be one of base, theme, department)"},
      {R"({"share_type":"all"})", R"("share_type" must be one of)"},
      {R"({"share_mode":"ftp"})", R"("share_mode" must be one of api, table, file)"},
      {R"({"open_type":"public"})", R"("open_type" must be one of)"},
      {R"({"update_cycle":"hourly"})", R"("update_cycle" must be one of)"},
      {R"({"related":"330300-GA-0002"})", R"("related" must be an array of strings)"},
      {R"({"keywords":[1]})", R"("keywords" must be an array of strings)"},
      {R"({"summary":true})", R"("summary" must be a string)"},
  };
  for (const Case& c : cases) {
    auto r = resource_from_json(json::parse(c.body).as_object());
    ASSERT_FALSE(r.ok()) << c.body;
    EXPECT_EQ(r.error().kind, ErrorKind::kInvalidInput) << c.body;
    EXPECT_EQ(r.error().code, "invalid_body") << c.body;
    EXPECT_THAT(r.error().detail, HasSubstr(c.detail)) << c.body;
  }
}

TEST(CatalogJson, ResourceWithBadFields) {
  auto r = resource_from_json(
      json::parse(R"({"code":"ABC","fields":[{"name":"a","type":"x"}]})").as_object());
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().kind, ErrorKind::kInvalidInput);
  // The field list's own error, naming the entry.
  EXPECT_EQ(r.error().code, "invalid_fields");
  EXPECT_THAT(r.error().detail, HasSubstr("fields[0]"));
}

}  // namespace
}  // namespace zt::catalog
