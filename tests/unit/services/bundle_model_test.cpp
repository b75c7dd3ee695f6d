// services/bundle_model.h: a bundle definition parsed and checked; the merge rules of the
// members' forms (a key or a registry attribute shared is asked once; one key defined twice
// otherwise refused) and materials (one per upload name or registry attribute, required if any
// member requires it); the merged values spread to each member; the one progress of an
// application from its children's states.
#include "services/bundle_model.h"

#include <gtest/gtest.h>
#include <boost/json.hpp>

namespace zt::services {
namespace {

namespace json = boost::json;

FormField field(std::string name, catalog::FieldType type, bool required,
                std::optional<RegistrySource> prefill = std::nullopt) {
  return FormField{.name = std::move(name),
                   .label = "标签",
                   .type = type,
                   .required = required,
                   .prefill = std::move(prefill)};
}

Item item(std::string code, std::vector<FormField> form, std::vector<Material> materials,
          ApplicantKind applicant = ApplicantKind::kPerson) {
  Item i;
  i.def.code = std::move(code);
  i.def.name = "事项" + i.def.code;
  i.def.applicant = applicant;
  i.def.channels = {"online", "window"};
  i.def.form = std::move(form);
  i.def.materials = std::move(materials);
  return i;
}

const RegistrySource kName{"DSJ-RK01", "name"};
const RegistrySource kId{"DSJ-RK01", "id_number"};

TEST(BundleModel, ADefinitionIsParsedAndChecked) {
  auto ok = parse_bundle(json::parse(R"({"code": "YJS-CS", "name": "新生儿出生一件事",
      "life_events": ["出生"], "members": ["A", "B"]})")
                             .as_object(),
                         9);
  ASSERT_TRUE(ok.ok()) << ok.error().detail;
  EXPECT_EQ(ok->department_id, 9);
  EXPECT_EQ(ok->purpose, "办理新生儿出生一件事");
  BundleDraft back{.code = ok->code, .name = ok->name};
  ASSERT_TRUE(read_bundle_definition(bundle_definition_json(*ok), back).ok());
  EXPECT_EQ(back.members, ok->members);
  EXPECT_EQ(back.life_events, ok->life_events);
  EXPECT_EQ(back.purpose, ok->purpose);
  for (const char* body : {R"({"code": "X", "name": "n", "members": ["A"]})",
                           R"({"code": "X", "name": "n", "members": ["A", "A"]})",
                           R"({"code": "X y", "name": "n", "members": ["A", "B"]})",
                           R"({"name": "n", "members": ["A", "B"]})",
                           R"({"code": "X", "name": "n", "members": "A,B"})"}) {
    auto bad = parse_bundle(json::parse(body).as_object(), 9);
    ASSERT_FALSE(bad.ok()) << body;
    EXPECT_EQ(bad.error().code, "invalid_bundle") << body;
  }
}

TEST(BundleModel, ASharedKeyOrRegistryAttributeIsAskedOnce) {
  const Item a = item("A",
                      {field("name", catalog::FieldType::kString, true, kName),
                       field("phone", catalog::FieldType::kPhone, false)},
                      {});
  const Item b = item("B",
                      {field("applicant_name", catalog::FieldType::kString, false, kName),
                       field("phone", catalog::FieldType::kPhone, true),
                       field("baby_name", catalog::FieldType::kString, true)},
                      {});
  const Item members[] = {a, b};
  auto m = merge_bundle(members);
  ASSERT_TRUE(m.ok()) << m.error().detail;
  ASSERT_EQ(m->form.size(), 3u);
  EXPECT_EQ(m->form[0].field.name, "name");
  ASSERT_EQ(m->form[0].targets.size(), 2u);
  EXPECT_EQ(m->form[0].targets[1].item_code, "B");
  EXPECT_EQ(m->form[0].targets[1].name, "applicant_name");
  EXPECT_EQ(m->form[1].field.name, "phone");
  EXPECT_TRUE(m->form[1].field.required);  // required by B
  EXPECT_EQ(m->form[2].field.name, "baby_name");
  EXPECT_EQ(m->applicant, ApplicantKind::kPerson);

  // The values spread to each member's own names.
  const json::object form{{"name", "张三"}, {"phone", "13812345678"}, {"baby_name", "张小宝"}};
  EXPECT_EQ(member_form(*m, "A", form), (json::object{{"name", "张三"}, {"phone", "13812345678"}}));
  EXPECT_EQ(member_form(*m, "B", form),
            (json::object{
                {"applicant_name", "张三"}, {"phone", "13812345678"}, {"baby_name", "张小宝"}}));
  ASSERT_NE(merged_field_of(*m, "B", "applicant_name"), nullptr);
  EXPECT_EQ(merged_field_of(*m, "B", "applicant_name")->field.name, "name");
  EXPECT_EQ(merged_field_of(*m, "B", "nothing"), nullptr);
}

TEST(BundleModel, ConflictingDefinitionsOfOneKeyAreRefused) {
  auto conflict = [](std::vector<FormField> first, std::vector<FormField> second) {
    const Item members[] = {item("A", std::move(first), {}), item("B", std::move(second), {})};
    auto m = merge_bundle(members);
    return m.ok() ? std::string("merged") : m.error().code + ": " + m.error().detail;
  };
  const std::string type = conflict({field("birth", catalog::FieldType::kDate, true)},
                                    {field("birth", catalog::FieldType::kString, true)});
  EXPECT_EQ(type.rfind("bundle_form_conflict", 0), 0u) << type;
  EXPECT_NE(type.find("'birth' of A and of B"), std::string::npos) << type;
  FormField e1 = field("gender", catalog::FieldType::kEnum, true);
  e1.enum_values = {"male", "female"};
  FormField e2 = e1;
  e2.enum_values = {"男", "女"};
  EXPECT_EQ(conflict({e1}, {e2}).rfind("bundle_form_conflict", 0), 0u);
  EXPECT_EQ(conflict({field("name", catalog::FieldType::kString, true, kName)},
                     {field("name", catalog::FieldType::kString, true, kId)})
                .rfind("bundle_form_conflict", 0),
            0u);
  // The same attribute under another key but of another type: refused too.
  EXPECT_EQ(conflict({field("name", catalog::FieldType::kString, true, kName)},
                     {field("who", catalog::FieldType::kEnum, true, kName)})
                .rfind("bundle_form_conflict", 0),
            0u);
  // One prefilled, one not, same key and type: one question, pre-filled.
  const Item members[] = {item("A", {field("name", catalog::FieldType::kString, false)}, {}),
                          item("B", {field("name", catalog::FieldType::kString, true, kName)}, {})};
  auto m = merge_bundle(members);
  ASSERT_TRUE(m.ok());
  ASSERT_EQ(m->form.size(), 1u);
  ASSERT_TRUE(m->form[0].field.prefill);
  EXPECT_EQ(m->form[0].field.prefill->field, "name");
  EXPECT_TRUE(m->form[0].field.required);
}

TEST(BundleModel, MaterialsAreOneSetRequiredIfAnyRequires) {
  const Material id_card{
      .name = "居民身份证", .required = false, .source = "registry", .prefill = kId};
  const Material parents{
      .name = "父母居民身份证", .required = true, .source = "registry", .prefill = kId};
  const Material photo{.name = "证件照", .required = false, .source = "upload"};
  const Material photo2{.name = "证件照", .required = true, .source = "upload"};
  const Material record{.name = "分娩记录", .required = true, .source = "upload"};
  const Item members[] = {item("A", {}, {id_card, photo}),
                          item("B", {}, {parents, photo2, record})};
  auto m = merge_bundle(members);
  ASSERT_TRUE(m.ok()) << m.error().detail;
  ASSERT_EQ(m->materials.size(), 3u);
  EXPECT_EQ(m->materials[0].material.name, "居民身份证");  // by registry attribute
  EXPECT_TRUE(m->materials[0].material.required);
  EXPECT_EQ(m->materials[0].targets.size(), 2u);
  EXPECT_EQ(m->materials[1].material.name, "证件照");  // by name
  EXPECT_TRUE(m->materials[1].material.required);
  EXPECT_EQ(m->materials[2].material.name, "分娩记录");

  // One name from an upload and from a registry: refused.
  const Material card_upload{.name = "居民身份证", .required = true, .source = "upload"};
  const Item clash[] = {item("A", {}, {id_card}), item("B", {}, {card_upload})};
  auto c = merge_bundle(clash);
  ASSERT_FALSE(c.ok());
  EXPECT_EQ(c.error().code, "bundle_material_conflict");
}

TEST(BundleModel, ApplicantsAndChannelsAreWhatEveryMemberAllows) {
  Item a = item("A", {}, {}, ApplicantKind::kBoth);
  Item b = item("B", {}, {}, ApplicantKind::kEntity);
  b.def.channels = {"window", "post"};
  const Item ok[] = {a, b};
  auto m = merge_bundle(ok);
  ASSERT_TRUE(m.ok());
  EXPECT_EQ(m->applicant, ApplicantKind::kEntity);
  EXPECT_EQ(m->channels, (std::vector<std::string>{"window"}));
  const Item bad[] = {b, item("C", {}, {}, ApplicantKind::kPerson)};
  auto c = merge_bundle(bad);
  ASSERT_FALSE(c.ok());
  EXPECT_EQ(c.error().code, "bundle_applicant_conflict");
}

TEST(BundleModel, TheOneProgressFollowsTheChildren) {
  auto of = [](std::vector<std::string> states) { return bundle_progress(states).state; };
  EXPECT_EQ(of({"draft", "draft"}), "draft");
  EXPECT_EQ(of({"submitted", "draft"}), "in_progress");
  EXPECT_EQ(of({"in_review", "correction", "delivered"}), "correction");
  EXPECT_EQ(of({"concluded", "delivered", "not_accepted"}), "done");
  EXPECT_EQ(of({"withdrawn", "withdrawn"}), "withdrawn");
  EXPECT_EQ(of({"decided", "delivered"}), "in_progress");
  EXPECT_EQ(
      bundle_progress(std::vector<std::string>{"delivered", "in_review", "submitted"}).progress,
      "共 3 项，已办结 1 项，2 项办理中");
}

}  // namespace
}  // namespace zt::services
