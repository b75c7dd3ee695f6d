#include "demo/resources.h"

namespace zt::demo {

namespace {

using catalog::Field;
using catalog::FieldType;
using catalog::MaskRule;

Field key(std::string name, std::string label, FieldType type) {
  return Field{.name = std::move(name),
               .label = std::move(label),
               .type = type,
               .key = true,
               .personal = type == FieldType::kIdNumber};
}
Field text(std::string name, std::string label, bool required = false, bool personal = false,
           MaskRule mask = MaskRule::kNone) {
  return Field{.name = std::move(name),
               .label = std::move(label),
               .type = FieldType::kString,
               .required = required,
               .max_length = 200,
               .personal = personal,
               .mask = mask};
}
Field typed(std::string name, std::string label, FieldType type, bool required = false) {
  return Field{
      .name = std::move(name), .label = std::move(label), .type = type, .required = required};
}
Field choice(std::string name, std::string label, std::vector<std::string> values,
             bool indexed = false) {
  return Field{.name = std::move(name),
               .label = std::move(label),
               .type = FieldType::kEnum,
               .required = true,
               .enum_values = std::move(values),
               .indexed = indexed};
}
Field person_name(std::string name = "name", std::string label = "姓名") {
  return text(std::move(name), std::move(label), true, true, MaskRule::kName);
}

catalog::Resource base(std::string_view code, std::string name, std::string summary,
                       catalog::UpdateCycle cycle, std::vector<std::string> keywords) {
  catalog::Resource r;
  r.code = std::string(code);
  r.name = std::move(name);
  r.category = catalog::Category::kBase;
  r.summary = std::move(summary);
  r.share_type = catalog::ShareType::kConditional;
  r.share_condition = "经审批授权后共享，用于政务服务办理";
  r.share_mode = catalog::ShareMode::kApi;
  r.open_type = catalog::OpenType::kClosed;
  r.update_cycle = cycle;
  r.keywords = std::move(keywords);
  return r;
}

// 文化程度, as 户籍 and 社保 both record it (none below school age).
Field education() {
  Field f = choice("education", "文化程度",
                   {"none", "primary", "junior_secondary", "senior_secondary", "junior_college",
                    "bachelor", "master", "doctorate"});
  f.required = false;
  return f;
}

}  // namespace

std::string_view publisher_of(std::string_view code) {
  return code.substr(0, 2);  // GA, MZ, RS, WJ, SJ, SW: the department's short code
}

std::vector<catalog::Resource> demo_resources() {
  using catalog::UpdateCycle;
  std::vector<catalog::Resource> out;

  auto household =
      base(resource::kHousehold, "户籍人口信息",
           "常住户籍人口的公民身份号码、姓名、性别、出生日期、民族、户籍地址与生存状态",
           UpdateCycle::kDaily, {"户籍", "人口", "身份证"});
  household.fields = {key("id_number", "公民身份号码", FieldType::kIdNumber),
                      person_name(),
                      choice("gender", "性别", {"male", "female"}),
                      typed("birth_date", "出生日期", FieldType::kDate, true),
                      text("nationality", "民族", true),
                      education(),
                      text("household_address", "户籍地址", true, true, MaskRule::kHidden),
                      typed("division_code", "户籍地行政区划代码", FieldType::kDivisionCode, true),
                      typed("alive", "生存状态", FieldType::kBoolean, true)};
  household.fields[7].indexed = true;
  out.push_back(std::move(household));

  auto marriage = base(resource::kMarriage, "婚姻登记信息",
                       "婚姻登记机关办理的结婚、离婚登记及当事人登记时的住址", UpdateCycle::kDaily,
                       {"婚姻", "结婚", "离婚"});
  marriage.fields = {
      key("id_number", "公民身份号码", FieldType::kIdNumber),
      person_name(),
      choice("marital_status", "婚姻状况", {"unmarried", "married", "divorced", "widowed"}, true),
      typed("registered_on", "登记日期", FieldType::kDate),
      text("household_address", "登记住址", false, true, MaskRule::kHidden),
      typed("division_code", "住址行政区划代码", FieldType::kDivisionCode)};
  out.push_back(std::move(marriage));

  auto insurance = base(resource::kInsurance, "社会保险参保信息",
                        "社会保险参保人员的就业状态、参保状态、险种类别与参保单位",
                        UpdateCycle::kMonthly, {"社保", "参保", "就业"});
  insurance.fields = {
      key("id_number", "公民身份号码", FieldType::kIdNumber),
      person_name(),
      choice("employment_status", "就业状态",
             {"employed", "unemployed", "retired", "self_employed"}, true),
      choice("insurance_status", "参保状态", {"insured", "suspended", "not_insured"}, true),
      choice("insurance_type", "参保类别", {"employee", "resident"}),
      typed("employer_uscc", "参保单位统一社会信用代码", FieldType::kUscc),
      typed("insured_since", "首次参保日期", FieldType::kDate),
      education()};
  out.push_back(std::move(insurance));

  auto death =
      base(resource::kDeath, "死亡医学证明信息", "医疗机构签发的居民死亡医学证明（推断）书",
           UpdateCycle::kDaily, {"死亡", "医学证明"});
  death.fields = {key("id_number", "公民身份号码", FieldType::kIdNumber), person_name(),
                  typed("death_date", "死亡日期", FieldType::kDate, true),
                  text("death_place", "死亡地点")};
  out.push_back(std::move(death));

  auto enterprise = base(resource::kEnterprise, "企业登记信息",
                         "市场主体登记的名称、类型、法定代表人、注册资本、住所、行业与登记状态",
                         UpdateCycle::kDaily, {"企业", "市场主体", "营业执照"});
  enterprise.fields = {
      key("uscc", "统一社会信用代码", FieldType::kUscc),
      text("name", "企业名称", true),
      choice("entity_type", "市场主体类型",
             {"limited_company", "joint_stock_company", "sole_proprietorship", "partnership",
              "individual_business"},
             true),
      person_name("legal_representative", "法定代表人"),
      Field{.name = "legal_representative_id_number",
            .label = "法定代表人身份证号",
            .type = FieldType::kIdNumber,
            .indexed = true,
            .personal = true},
      typed("registered_capital", "注册资本（万元）", FieldType::kDecimal),
      text("address", "住所", true),
      typed("division_code", "住所行政区划代码", FieldType::kDivisionCode, true),
      choice("industry", "行业门类", {"A", "B", "C", "D", "E", "F", "G", "H", "I", "J",
                                      "K", "L", "M", "N", "O", "P", "Q", "R", "S", "T"},
             true),
      typed("established_on", "成立日期", FieldType::kDate, true),
      choice("status", "登记状态", {"active", "revoked", "cancelled"}, true)};
  enterprise.fields[7].indexed = true;
  out.push_back(std::move(enterprise));

  auto tax = base(resource::kTax, "税务登记信息",
                  "纳税人的税务登记状态、纳税人类型、从业人数与纳税信用等级", UpdateCycle::kMonthly,
                  {"税务", "纳税", "信用"});
  tax.fields = {key("uscc", "统一社会信用代码", FieldType::kUscc),
                text("name", "纳税人名称", true),
                choice("tax_status", "税务登记状态", {"normal", "irregular", "cancelled"}, true),
                choice("taxpayer_type", "纳税人类型", {"general", "small_scale"}),
                typed("employee_count", "从业人数", FieldType::kInteger),
                choice("credit_rating", "纳税信用等级", {"A", "B", "M", "C", "D"})};
  out.push_back(std::move(tax));
  return out;
}

}  // namespace zt::demo

namespace zt::demo {

std::vector<catalog::Resource> registry_resources() {
  const auto sources = demo_resources();
  // A golden field is its source field's definition, optional (not every person has a record
  // in every source), `name` and division_code indexed for the registry's search.
  auto from = [&](std::string_view code, std::string_view name) {
    for (const catalog::Resource& r : sources) {
      if (r.code != code) continue;
      for (catalog::Field f : r.fields) {
        if (f.name != name) continue;
        f.required = f.key;
        f.indexed = !f.key && (f.name == "name" || f.name == "division_code");
        return f;
      }
    }
    return catalog::Field{};
  };
  std::vector<catalog::Resource> out;
  auto person = base(resource::kPersonRegistry, "人口基础库",
                     "由公安、民政、人社、卫健共享数据归集融合的全市人口基础信息（一人一档）",
                     catalog::UpdateCycle::kDaily, {"人口", "基础库", "一人一档"});
  for (auto [code, name] : {std::pair{resource::kHousehold, "id_number"},
                            {resource::kHousehold, "name"},
                            {resource::kHousehold, "gender"},
                            {resource::kHousehold, "birth_date"},
                            {resource::kHousehold, "nationality"},
                            {resource::kHousehold, "education"},
                            {resource::kHousehold, "household_address"},
                            {resource::kHousehold, "division_code"},
                            {resource::kMarriage, "marital_status"},
                            {resource::kInsurance, "employment_status"},
                            {resource::kInsurance, "insurance_status"},
                            {resource::kHousehold, "alive"},
                            {resource::kDeath, "death_date"}}) {
    person.fields.push_back(from(code, name));
  }
  out.push_back(std::move(person));
  auto entity = base(resource::kEntityRegistry, "法人基础库",
                     "由市场监管、税务共享数据归集融合的全市法人基础信息（一企一档）",
                     catalog::UpdateCycle::kDaily, {"法人", "企业", "基础库"});
  for (auto [code, name] : {std::pair{resource::kEnterprise, "uscc"},
                            {resource::kEnterprise, "name"},
                            {resource::kEnterprise, "entity_type"},
                            {resource::kEnterprise, "legal_representative"},
                            {resource::kEnterprise, "registered_capital"},
                            {resource::kEnterprise, "address"},
                            {resource::kEnterprise, "division_code"},
                            {resource::kEnterprise, "industry"},
                            {resource::kEnterprise, "established_on"},
                            {resource::kEnterprise, "status"},
                            {resource::kTax, "tax_status"},
                            {resource::kTax, "employee_count"}}) {
    entity.fields.push_back(from(code, name));
  }
  out.push_back(std::move(entity));
  return out;
}

std::vector<registry::Mapping> registry_mappings(bool person) {
  std::vector<registry::Mapping> out;
  auto map = [&](std::string_view code, std::initializer_list<const char*> attributes,
                 int priority) {
    for (const char* a : attributes) {
      out.push_back({a, std::string(code), a, priority});
    }
  };
  if (person) {
    map(resource::kHousehold,
        {"id_number", "name", "gender", "birth_date", "nationality", "household_address",
         "division_code", "alive"},
        10);
    map(resource::kMarriage, {"id_number", "name", "household_address", "division_code"}, 5);
    map(resource::kMarriage, {"marital_status"}, 10);
    // 文化程度: 社保's is declared at each enrolment, 户籍's only when the person reports it.
    map(resource::kHousehold, {"education"}, 5);
    map(resource::kInsurance, {"education"}, 10);
    map(resource::kInsurance, {"id_number", "name"}, 3);
    map(resource::kInsurance, {"employment_status", "insurance_status"}, 10);
    map(resource::kDeath, {"id_number", "name"}, 3);
    map(resource::kDeath, {"death_date"}, 10);
  } else {
    map(resource::kEnterprise,
        {"uscc", "name", "entity_type", "legal_representative", "registered_capital", "address",
         "division_code", "industry", "established_on", "status"},
        10);
    map(resource::kTax, {"uscc", "name"}, 5);
    map(resource::kTax, {"tax_status", "employee_count"}, 10);
  }
  return out;
}

}  // namespace zt::demo
