#include "demo/services_seed.h"

#include "demo/documents.h"
#include "demo/random.h"
#include "demo/resources.h"

#include <fmt/format.h>
#include <boost/json.hpp>

#include <algorithm>
#include <array>
#include <chrono>
#include <functional>
#include <stdexcept>

namespace zt::demo {

namespace {

namespace json = boost::json;
using services::ActionInput;
using services::CaseView;

constexpr std::uint64_t kServicesStream = 11;
constexpr int kWindowDays = 60;

// --- the items ----------------------------------------------------------------------------------

json::object field(std::string_view name, std::string_view label, std::string_view type,
                   bool required, std::string_view resource = {}, std::string_view source = {},
                   std::initializer_list<std::string_view> values = {}) {
  json::object f{{"name", name}, {"label", label}, {"type", type}, {"required", required}};
  if (!resource.empty()) f["prefill"] = json::object{{"resource", resource}, {"field", source}};
  if (values.size() > 0) {
    json::array v;
    for (std::string_view x : values)
      v.emplace_back(x);
    f["enum_values"] = std::move(v);
  }
  return f;
}

json::object upload(std::string_view name, bool required = true) {
  return {{"name", name}, {"required", required}, {"source", "upload"}};
}

// 免提交: taken from a registry attribute.
json::object from_registry(std::string_view name, std::string_view resource,
                           std::string_view source, bool required = true) {
  return {{"name", name},
          {"required", required},
          {"source", "registry"},
          {"prefill", json::object{{"resource", resource}, {"field", source}}}};
}

json::object step(std::string_view name, std::initializer_list<std::int64_t> departments,
                  int share) {
  json::array d;
  for (std::int64_t id : departments)
    d.emplace_back(id);
  return {{"name", name}, {"departments", std::move(d)}, {"share_percent", share}};
}

// The applicant's values of an item's required fields that no registry fills, by field.
// `today` is the filing day.
using Filler = std::function<void(Random&, core::Date today, json::object& form)>;

struct ItemSpec {
  std::string slug;  // the department's account prefix: its dept_admin writes the item
  json::object body;
  std::string special_kind;  // the special procedure its cases may go through
  Filler fill;
};

std::string phone(Random& r) {
  return fmt::format("1{}{:09d}", std::string_view("3578")[r.below(4)], r.below(1000000000));
}

std::string street_address(Random& r, std::string_view city) {
  constexpr std::string_view kStreets[] = {"人民路", "解放路", "学院路",   "府前街", "新华路",
                                           "中山路", "江滨路", "车站大道", "锦绣路", "文化路"};
  return fmt::format("{}{}{}号{}幢{}室", city, kStreets[r.below(std::size(kStreets))],
                     r.between(1, 399), r.between(1, 30), r.between(101, 2602));
}

std::vector<ItemSpec> item_specs(std::string_view city_code, std::string_view city,
                                 const std::map<std::string, std::int64_t, std::less<>>& dept) {
  const std::int64_t police = dept.at("police"), civil = dept.at("civil"), hrss = dept.at("hrss"),
                     health = dept.at("health"), market = dept.at("market"), tax = dept.at("tax");
  const std::string rk(resource::kPersonRegistry), fr(resource::kEntityRegistry);
  const std::string city_name(city);
  // 实施编码: the item's basic code (事项类型 2 digits, then the item and its sub-item) and the
  // implementing department.
  auto code = [&](std::string_view basic, std::string_view department) {
    return fmt::format("{}-{}-{}", basic, city_code, department);
  };
  auto person_id = [&] {
    return json::array{field("id_number", "公民身份号码", "id_number", true, rk, "id_number"),
                       field("name", "姓名", "string", true, rk, "name")};
  };
  auto entity_id = [&] {
    return json::array{
        field("uscc", "统一社会信用代码", "uscc", true, fr, "uscc"),
        field("name", "企业名称", "string", true, fr, "name"),
        field("legal_representative", "法定代表人", "string", false, fr, "legal_representative")};
  };
  auto with = [](json::array base, std::initializer_list<json::object> more) {
    for (const json::object& o : more)
      base.emplace_back(o);
    return base;
  };
  std::vector<ItemSpec> out;
  out.push_back({"police",
                 {{"code", code("070001001000", "GA")},
                  {"name", "户口迁移（市内迁移）"},
                  {"type", "confirmation"},
                  {"applicant", "person"},
                  {"kind", "promised"},
                  {"statutory_limit", 20},
                  {"promised_limit", 5},
                  {"purpose", "办理户口迁移，核验申请人户籍信息"},
                  {"legal_basis", "《中华人民共和国户口登记条例》第十条、第十三条"},
                  {"channels", json::array{"online", "window"}},
                  {"visits", 0},
                  {"deliveries", json::array{"window", "courier"}},
                  {"life_events", json::array{"迁居", "户籍", "购房"}},
                  {"form", with(person_id(), {field("household_address", "现户籍地址", "string",
                                                    false, rk, "household_address"),
                                              field("new_address", "迁入地址", "string", true),
                                              field("relation", "与户主关系", "enum", true, {}, {},
                                                    {"户主", "配偶", "子女", "父母", "其他"})})},
                  {"materials", json::array{from_registry("居民户口簿", rk, "household_address"),
                                            from_registry("居民身份证", rk, "id_number"),
                                            upload("房屋所有权证明或租赁备案证明")}},
                  {"steps", json::array{step("审核", {police}, 60), step("审批", {police}, 40)}}},
                 "expert_review",
                 [city_name](Random& r, core::Date, json::object& f) {
                   f["new_address"] = street_address(r, city_name);
                   constexpr std::string_view kRelations[] = {"户主", "配偶", "子女", "父母"};
                   f["relation"] = kRelations[r.below(std::size(kRelations))];
                 }});
  out.push_back(
      {"civil",
       {{"code", code("070002003000", "MZ")},
        {"name", "补领婚姻登记证"},
        {"type", "confirmation"},
        {"applicant", "person"},
        {"kind", "promised"},
        {"statutory_limit", 20},
        {"promised_limit", 3},
        {"purpose", "办理补领婚姻登记证，核验婚姻状况"},
        {"legal_basis", "《婚姻登记条例》第十七条"},
        {"channels", json::array{"online", "window"}},
        {"visits", 1},
        {"deliveries", json::array{"window"}},
        {"life_events", json::array{"婚姻", "结婚", "证件补领"}},
        {"form",
         with(person_id(),
              {field("marital_status", "婚姻状况", "enum", false, rk, "marital_status",
                     {"unmarried", "married", "divorced", "widowed"}),
               field("certificate_kind", "补领证件", "enum", true, {}, {}, {"结婚证", "离婚证"}),
               field("phone", "联系电话", "phone", true)})},
        {"materials", json::array{from_registry("本人居民身份证", rk, "id_number"),
                                  upload("本人近期半身免冠合影或单人照片")}},
        {"steps", json::array{step("审查", {civil}, 70), step("发证", {civil}, 30)}}},
       "expert_review",
       [](Random& r, core::Date, json::object& f) {
         f["certificate_kind"] = r.chance(0.8) ? "结婚证" : "离婚证";
         f["phone"] = phone(r);
       }});
  out.push_back(
      {"civil",
       {{"code", code("050001001000", "MZ")},
        {"name", "最低生活保障"},
        {"type", "benefit"},
        {"applicant", "person"},
        {"kind", "promised"},
        {"statutory_limit", 30},
        {"promised_limit", 20},
        {"purpose", "办理最低生活保障审核确认，核对申请家庭经济状况"},
        {"legal_basis",
         "《社会救助暂行办法》第九条、第十一条；《最低生活保障审核确认办法》（民发〔2021〕57号）"},
        {"channels", json::array{"online", "window"}},
        {"visits", 0},
        {"deliveries", json::array{"window", "courier"}},
        {"life_events", json::array{"社会救助", "困难帮扶", "低保"}},
        {"form",
         with(person_id(),
              {field("household_address", "户籍地址", "string", false, rk, "household_address"),
               field("employment_status", "就业状态", "enum", false, rk, "employment_status",
                     {"employed", "unemployed", "retired", "self_employed"}),
               field("family_size", "共同生活家庭成员人数", "integer", true),
               field("monthly_income", "家庭月收入（元）", "decimal", true),
               field("phone", "联系电话", "phone", true)})},
        {"materials", json::array{from_registry("居民户口簿", rk, "household_address"),
                                  upload("家庭经济状况核对授权书"), upload("收入证明", false)}},
        // 家庭经济状况核对: 民政, 人社 and 税务 at once (并联审批).
        {"steps", json::array{step("受理审核", {civil}, 20),
                              step("家庭经济状况核对", {civil, hrss, tax}, 40),
                              step("审核确认", {civil}, 40)}}},
       "publicity",
       [](Random& r, core::Date, json::object& f) {
         f["family_size"] = r.between(1, 5);
         f["monthly_income"] = fmt::format("{}.00", r.between(0, 1800));
         f["phone"] = phone(r);
       }});
  out.push_back(
      {"hrss",
       {{"code", code("200001002000", "RS")},
        {"name", "社会保障卡申领"},
        {"type", "public_service"},
        {"applicant", "person"},
        {"kind", "promised"},
        {"statutory_limit", 15},
        {"promised_limit", 10},
        {"purpose", "办理社会保障卡申领，核验持卡人身份信息"},
        {"legal_basis", "《中华人民共和国社会保险法》第五十八条；《社会保障卡管理办法》"},
        {"channels", json::array{"online", "window"}},
        {"visits", 0},
        {"deliveries", json::array{"window", "courier"}},
        {"life_events", json::array{"社保", "就业", "就医"}},
        {"form", with(person_id(),
                      {field("gender", "性别", "enum", false, rk, "gender", {"male", "female"}),
                       field("birth_date", "出生日期", "date", false, rk, "birth_date"),
                       field("phone", "联系电话", "phone", true)})},
        {"materials",
         json::array{from_registry("居民身份证", rk, "id_number"), upload("近期免冠彩色证件照")}},
        {"steps", json::array{step("审核", {hrss}, 40), step("制卡", {hrss}, 60)}}},
       "inspection",
       [](Random& r, core::Date, json::object& f) { f["phone"] = phone(r); }});
  out.push_back(
      {"hrss",
       {{"code", code("200002001000", "RS")},
        {"name", "失业登记"},
        {"type", "public_service"},
        {"applicant", "person"},
        {"kind", "promised"},
        {"statutory_limit", 5},
        {"promised_limit", 1},
        {"purpose", "办理失业登记，核验就业与参保状态"},
        {"legal_basis",
         "《就业服务与就业管理规定》第六十三条；《中华人民共和国社会保险法》第五十条"},
        {"channels", json::array{"online", "window"}},
        {"visits", 0},
        {"deliveries", json::array{"window"}},
        {"life_events", json::array{"失业", "就业", "社保"}},
        {"form", with(person_id(), {field("employment_status", "就业状态", "enum", false, rk,
                                          "employment_status",
                                          {"employed", "unemployed", "retired", "self_employed"}),
                                    field("last_employer", "原工作单位", "string", true),
                                    field("phone", "联系电话", "phone", true)})},
        {"materials", json::array{from_registry("居民身份证", rk, "id_number"),
                                  upload("解除或终止劳动关系证明", false)}},
        {"steps", json::array{step("审核", {hrss}, 100)}}},
       "",
       [](Random& r, core::Date, json::object& f) {
         constexpr std::string_view kFirms[] = {"瓯海鞋业有限公司", "东方电气设备有限公司",
                                                "恒通物流有限公司", "新时代餐饮管理有限公司"};
         f["last_employer"] = kFirms[r.below(std::size(kFirms))];
         f["phone"] = phone(r);
       }});
  out.push_back(
      {"market",
       {{"code", code("010001001000", "SJ")},
        {"name", "个体工商户设立登记"},
        {"type", "licence"},
        {"applicant", "person"},
        {"kind", "promised"},
        {"statutory_limit", 15},
        {"promised_limit", 3},
        {"purpose", "办理个体工商户设立登记，核验经营者身份"},
        {"legal_basis",
         "《促进个体工商户发展条例》；《中华人民共和国市场主体登记管理条例》第十九条"},
        {"channels", json::array{"online", "window"}},
        {"visits", 0},
        {"deliveries", json::array{"window", "courier"}},
        {"life_events", json::array{"开办企业", "创业", "营业执照"}},
        {"form", with(person_id(), {field("business_name", "个体工商户名称", "string", true),
                                    field("business_address", "经营场所", "string", true),
                                    field("business_scope", "经营范围", "string", true),
                                    field("capital", "资金数额（万元）", "decimal", true)})},
        {"materials",
         json::array{from_registry("经营者身份证明", rk, "id_number"), upload("经营场所使用证明")}},
        {"steps", json::array{step("审查", {market}, 60), step("核准", {market}, 40)}}},
       "inspection",
       [city_name](Random& r, core::Date, json::object& f) {
         constexpr std::string_view kShops[] = {"便利店", "小吃店", "理发店", "五金店", "水果店"};
         constexpr std::string_view kScopes[] = {"食品销售；日用百货零售", "餐饮服务",
                                                 "理发及美容服务", "五金产品零售", "水果零售"};
         const std::size_t k = r.below(std::size(kShops));
         constexpr std::string_view kTrade[] = {"好邻居", "老陈", "阿福", "顺心", "鑫源"};
         f["business_name"] =
             fmt::format("{}{}{}", city_name, kTrade[r.below(std::size(kTrade))], kShops[k]);
         f["business_address"] = street_address(r, city_name);
         f["business_scope"] = kScopes[k];
         f["capital"] = fmt::format("{}.00", r.between(1, 50));
       }});
  out.push_back(
      {"health",
       {{"code", code("070003001000", "WJ")},
        {"name", "出生医学证明首次签发"},
        {"type", "confirmation"},
        {"applicant", "person"},
        {"kind", "promised"},
        {"statutory_limit", 20},
        {"promised_limit", 5},
        {"purpose", "办理出生医学证明签发，核验父母身份与婚姻状况"},
        {"legal_basis", "《中华人民共和国母婴保健法》第二十三条"},
        {"channels", json::array{"online", "window"}},
        {"visits", 1},
        {"deliveries", json::array{"window"}},
        {"life_events", json::array{"出生", "新生儿", "生育"}},
        {"form", with(person_id(),
                      {field("baby_name", "新生儿姓名", "string", true),
                       field("baby_birth_date", "出生日期", "date", true),
                       field("baby_gender", "新生儿性别", "enum", true, {}, {}, {"male", "female"}),
                       field("birth_place", "出生地点（医疗机构）", "string", true)})},
        {"materials", json::array{from_registry("父母居民身份证", rk, "id_number"),
                                  from_registry("父母婚姻状况", rk, "marital_status", false),
                                  upload("分娩记录或住院病历")}},
        {"steps", json::array{step("审核", {health}, 50), step("签发", {health}, 50)}}},
       "",
       [](Random& r, core::Date today, json::object& f) {
         const std::chrono::year_month_day born{today - std::chrono::days(r.between(1, 25))};
         f["baby_birth_date"] = fmt::format("{:04}-{:02}-{:02}", int(born.year()),
                                            unsigned(born.month()), unsigned(born.day()));
         constexpr std::string_view kGiven[] = {"子涵", "一诺", "梓萱", "浩宇", "欣怡", "宇轩"};
         constexpr std::string_view kHospitals[] = {"市人民医院", "市中心医院",
                                                    "医科大学附属第一医院", "市妇幼保健院"};
         f["baby_name"] = fmt::format("王{}", kGiven[r.below(std::size(kGiven))]);
         f["baby_gender"] = r.chance(0.5) ? "male" : "female";
         f["birth_place"] = kHospitals[r.below(std::size(kHospitals))];
       }});
  // 出生登记 and 城乡居民医保参保登记: with 出生医学证明 and 社会保障卡申领 the members of
  // 新生儿出生一件事 (bundle_spec). Their fillers leave what another member filled, so the one
  // merged form of a bundle reads as one newborn.
  auto baby = [](Random& r, core::Date today, json::object& f) {
    if (!f.contains("baby_birth_date")) {
      const std::chrono::year_month_day born{today - std::chrono::days(r.between(1, 25))};
      f["baby_birth_date"] = fmt::format("{:04}-{:02}-{:02}", int(born.year()),
                                         unsigned(born.month()), unsigned(born.day()));
    }
    constexpr std::string_view kGiven[] = {"子涵", "一诺", "梓萱", "浩宇", "欣怡", "宇轩"};
    if (!f.contains("baby_name")) f["baby_name"] = fmt::format("王{}", kGiven[r.below(6)]);
  };
  out.push_back(
      {"police",
       {{"code", code("070001002000", "GA")},
        {"name", "出生登记"},
        {"type", "confirmation"},
        {"applicant", "person"},
        {"kind", "promised"},
        {"statutory_limit", 20},
        {"promised_limit", 3},
        {"purpose", "办理新生儿出生登记（落户），核验监护人户籍信息"},
        {"legal_basis", "《中华人民共和国户口登记条例》第七条"},
        {"channels", json::array{"online", "window"}},
        {"visits", 0},
        {"deliveries", json::array{"window", "courier"}},
        {"life_events", json::array{"出生", "新生儿", "户籍"}},
        {"form", with(person_id(),
                      {field("household_address", "监护人户籍地址", "string", false, rk,
                             "household_address"),
                       field("baby_name", "新生儿姓名", "string", true),
                       field("baby_birth_date", "出生日期", "date", true),
                       field("baby_gender", "新生儿性别", "enum", true, {}, {}, {"male", "female"}),
                       field("guardian_relation", "申报人与新生儿关系", "enum", true, {}, {},
                             {"父亲", "母亲", "其他监护人"})})},
        {"materials",
         json::array{from_registry("居民户口簿", rk, "household_address"),
                     from_registry("居民身份证", rk, "id_number"), upload("出生医学证明")}},
        {"steps", json::array{step("审核", {police}, 60), step("登记", {police}, 40)}}},
       "",
       [baby](Random& r, core::Date today, json::object& f) {
         baby(r, today, f);
         if (!f.contains("baby_gender")) f["baby_gender"] = r.chance(0.5) ? "male" : "female";
         f["guardian_relation"] = r.chance(0.5) ? "父亲" : "母亲";
       }});
  out.push_back(
      {"hrss",
       {{"code", code("200003001000", "RS")},
        {"name", "城乡居民医保参保登记"},
        {"type", "public_service"},
        {"applicant", "person"},
        {"kind", "promised"},
        {"statutory_limit", 10},
        {"promised_limit", 3},
        {"purpose", "办理城乡居民基本医疗保险参保登记，核验参保人身份与户籍"},
        {"legal_basis", "《中华人民共和国社会保险法》第二十五条"},
        {"channels", json::array{"online", "window"}},
        {"visits", 0},
        {"deliveries", json::array{"window"}},
        {"life_events", json::array{"出生", "医保", "社保"}},
        {"form", with(person_id(), {field("baby_name", "参保人（新生儿）姓名", "string", true),
                                    field("baby_birth_date", "出生日期", "date", true),
                                    field("phone", "联系电话", "phone", true)})},
        {"materials", json::array{from_registry("居民户口簿", rk, "household_address"),
                                  upload("出生医学证明", false)}},
        {"steps", json::array{step("审核", {hrss}, 100)}}},
       "",
       [baby](Random& r, core::Date today, json::object& f) {
         baby(r, today, f);
         if (!f.contains("phone")) f["phone"] = phone(r);
       }});
  out.push_back(
      {"tax",
       {{"code", code("100001002000", "SW")},
        {"name", "发票领用"},
        {"type", "other_power"},
        {"applicant", "entity"},
        {"kind", "promised"},
        {"statutory_limit", 5},
        {"promised_limit", 1},
        {"purpose", "办理发票领用，核验纳税人登记信息"},
        {"legal_basis", "《中华人民共和国发票管理办法》第十五条"},
        {"channels", json::array{"online", "window", "post"}},
        {"visits", 0},
        {"deliveries", json::array{"window", "courier"}},
        {"life_events", json::array{"发票", "纳税", "企业经营"}},
        {"form", with(entity_id(), {field("invoice_type", "发票种类", "enum", true, {}, {},
                                          {"增值税专用发票", "增值税普通发票", "电子发票"}),
                                    field("quantity", "领用数量（份）", "integer", true)})},
        {"materials", json::array{from_registry("营业执照", fr, "uscc"), upload("经办人身份证件")}},
        {"steps", json::array{step("核定", {tax}, 100)}}},
       "",
       [](Random& r, core::Date, json::object& f) {
         constexpr std::string_view kKinds[] = {"增值税专用发票", "增值税普通发票", "电子发票"};
         f["invoice_type"] = kKinds[r.below(std::size(kKinds))];
         f["quantity"] = 25 * r.between(1, 8);
       }});
  out.push_back(
      {"market",
       {{"code", code("010002001000", "SJ")},
        {"name", "食品经营许可"},
        {"type", "licence"},
        {"applicant", "entity"},
        {"kind", "promised"},
        {"statutory_limit", 20},
        {"promised_limit", 10},
        {"purpose", "办理食品经营许可，核验经营者登记信息"},
        {"legal_basis", "《中华人民共和国食品安全法》第三十五条；《食品经营许可和备案管理办法》"},
        {"channels", json::array{"online", "window"}},
        {"visits", 1},
        {"deliveries", json::array{"window", "courier"}},
        {"fees", json::array{}},
        {"life_events", json::array{"开办企业", "餐饮", "食品"}},
        {"form",
         with(entity_id(), {field("address", "经营场所", "string", false, fr, "address"),
                            field("category", "经营项目", "enum", true, {}, {},
                                  {"食品销售", "餐饮服务", "单位食堂"}),
                            field("premises_area", "经营场所面积（平方米）", "decimal", true)})},
        {"materials", json::array{from_registry("营业执照", fr, "uscc"), upload("食品安全管理制度"),
                                  upload("经营场所和设备布局、加工流程平面图")}},
        {"steps", json::array{step("材料审查", {market}, 40), step("现场核查", {market}, 30),
                              step("许可决定", {market}, 30)}}},
       "inspection",
       [](Random& r, core::Date, json::object& f) {
         constexpr std::string_view kKinds[] = {"食品销售", "餐饮服务", "单位食堂"};
         f["category"] = kKinds[r.below(std::size(kKinds))];
         f["premises_area"] = fmt::format("{}.0", r.between(20, 600));
       }});
  return out;
}

// 新生儿出生一件事: 出生医学证明 (卫健委, the lead department), 出生登记 (公安), 社会保障卡申领 and
// 城乡居民医保参保登记 (人社) under one application.
json::object bundle_spec(std::string_view city_code, std::string_view city) {
  auto code = [&](std::string_view basic, std::string_view department) {
    return fmt::format("{}-{}-{}", basic, city_code, department);
  };
  return {
      {"code", fmt::format("YJS-{}-XSECS", city_code)},
      {"name", "新生儿出生一件事"},
      {"description", fmt::format("{}新生儿出生后，一次申请、一张表单、一套材料，同时办理出生医学"
                                  "证明、出生登记（落户）、社会保障卡申领和城乡居民医保参保登记。",
                                  city)},
      {"purpose", "办理新生儿出生一件事，核验监护人身份与户籍信息"},
      {"life_events", json::array{"出生", "新生儿", "生育", "落户"}},
      {"members", json::array{code("070003001000", "WJ"), code("070001002000", "GA"),
                              code("200001002000", "RS"), code("200003001000", "RS")}}};
}

// --- the cases ----------------------------------------------------------------------------------

// Where a case is left. The first kTargets cases go through every one of them.
enum class Target {
  kSubmitted,
  kNotAccepted,
  kCorrectionAtWindow,
  kWithdrawnSubmitted,
  kAccepted,  // in review, the first step waiting
  kStepWaiting,
  kStepClaimed,
  kCorrectionInReview,
  kSpecial,
  kDeciding,
  kDecidedApprove,
  kDecidedDeny,
  kConcluded,
  kDeliveredWindow,
  kDeliveredCourier,
  kWithdrawnInReview,
  kDraft,  // online only: a citizen's unsent application
};
constexpr int kTargets = 17;
// Weights of the rest: most cases are done, many running, few ended otherwise.
constexpr std::uint32_t kWeights[kTargets] = {8, 3, 4, 2, 7, 9, 9, 4, 4, 4, 4, 3, 5, 20, 8, 2, 0};

bool finished(Target t) {
  switch (t) {
    case Target::kNotAccepted:
    case Target::kWithdrawnSubmitted:
    case Target::kDecidedApprove:
    case Target::kDecidedDeny:
    case Target::kConcluded:
    case Target::kDeliveredWindow:
    case Target::kDeliveredCourier:
    case Target::kWithdrawnInReview: return true;
    default: return false;
  }
}

struct Actor {
  core::Principal principal;
  std::string kind;  // person, entity (applicants)
};

Result<core::Principal> sign_in(identity::IdentityService& identity, const DemoAccount& a,
                                const core::RequestContext& context) {
  auto login = identity.auth().login({a.username, a.password, std::nullopt}, context);
  if (!login.ok()) return std::move(login).error();
  return identity.sessions().authenticate(login->token, std::nullopt, "");
}

class CaseSeeder {
 public:
  CaseSeeder(services::CaseService& cases, services::AttachmentService& attachments,
             core::FakeClock& clock, core::TimePoint now, std::vector<core::Date> days,
             const core::RequestContext& context)
      : cases_(cases),
        attachments_(attachments),
        clock_(clock),
        now_(now),
        days_(std::move(days)),
        context_(context) {}

  core::Principal clerk;
  std::map<std::int64_t, core::Principal> officers;  // by department
  std::string city;

  // Files one case of `spec` for `applicant` (online when `online` is set, else at the window)
  // and moves it to `target`, its transitions spread from working day `back` (0: today) on.
  //
  // A child case of a bundle application comes `filed` (and submitted unless a draft) on
  // working day `back`: the plan goes on from there.
  struct Filed {
    CaseView view;
    int back = 0;
  };
  Result<std::string> run(const ItemSpec& spec, const services::Item& item, Target target,
                          const Applicant& applicant, const core::Principal* online, Random& r,
                          const std::optional<Filed>& filed = std::nullopt) {
    const int steps = int(item.def.steps.size());
    // The plan: the operations in order.
    std::vector<Op> ops{{Op::kFile}};
    auto walk = [&](int upto) {
      for (int s = 0; s < upto; ++s) {
        ops.push_back({Op::kClaim});
        ops.push_back({Op::kComplete});
      }
    };
    const bool corrected_before = finished(target) && r.chance(0.2) &&
                                  target != Target::kNotAccepted &&
                                  target != Target::kWithdrawnSubmitted;
    if (target != Target::kDraft) ops.push_back({Op::kSubmit});
    if (corrected_before) {
      ops.push_back({Op::kCorrectAtWindow});
      ops.push_back({Op::kAnswer});
    }
    switch (target) {
      case Target::kDraft:
      case Target::kSubmitted: break;
      case Target::kNotAccepted: ops.push_back({Op::kNotAccept}); break;
      case Target::kCorrectionAtWindow: ops.push_back({Op::kCorrectAtWindow}); break;
      case Target::kWithdrawnSubmitted: ops.push_back({Op::kWithdraw}); break;
      case Target::kAccepted: ops.push_back({Op::kAccept}); break;
      case Target::kStepWaiting:
        ops.push_back({Op::kAccept});
        walk(steps > 1 ? int(r.between(1, steps - 1)) : 0);
        break;
      case Target::kStepClaimed:
        ops.push_back({Op::kAccept});
        walk(int(r.below(std::uint64_t(steps))));
        ops.push_back({Op::kClaim});
        ops.push_back({Op::kCompleteFirst});  // a 并联 step: one department has approved
        break;
      case Target::kCorrectionInReview:
        ops.push_back({Op::kAccept});
        ops.push_back({Op::kClaim});
        ops.push_back({Op::kCorrectInReview});
        break;
      case Target::kSpecial:
        ops.push_back({Op::kAccept});
        walk(steps - 1);
        ops.push_back({Op::kClaim});
        ops.push_back({Op::kStartSpecial});
        break;
      case Target::kDeciding:
        ops.push_back({Op::kAccept});
        walk(steps);
        break;
      case Target::kDecidedDeny:
        ops.push_back({Op::kAccept});
        walk(steps - 1);
        ops.push_back({Op::kClaim});
        ops.push_back({Op::kReject});
        ops.push_back({Op::kDeny});
        break;
      case Target::kWithdrawnInReview:
        ops.push_back({Op::kAccept});
        walk(int(r.below(std::uint64_t(steps))));
        ops.push_back({Op::kWithdraw});
        break;
      case Target::kDecidedApprove:
      case Target::kConcluded:
      case Target::kDeliveredWindow:
      case Target::kDeliveredCourier: {
        ops.push_back({Op::kAccept});
        const bool special = !spec.special_kind.empty() && r.chance(0.25);
        walk(steps - 1);
        ops.push_back({Op::kClaim});
        if (special) {
          ops.push_back({Op::kStartSpecial});
          ops.push_back({Op::kEndSpecial});
        }
        ops.push_back({Op::kComplete});
        ops.push_back({Op::kApprove});
        if (target != Target::kDecidedApprove) ops.push_back({Op::kConclude});
        if (target == Target::kDeliveredWindow) ops.push_back({Op::kDeliverWindow});
        if (target == Target::kDeliveredCourier) ops.push_back({Op::kDeliverCourier});
        break;
      }
    }

    // When: filed on working day `back`, the operations spread over `span` working days. Running
    // cases are mostly recent, some old (near or past their deadline); done ones took about
    // their promised time.
    int back = 0;
    if (target == Target::kDraft || target == Target::kSubmitted) {
      back = int(r.below(3));
    } else if (finished(target)) {
      back = int(r.below(kWindowDays));
    } else {
      back = r.chance(0.75) ? int(r.below(12)) : int(r.between(12, kWindowDays - 1));
    }
    if (filed) {
      back = filed->back;
      ops.erase(ops.begin(), ops.begin() + (target == Target::kDraft ? 1 : 2));
    }
    int span = back;
    if (finished(target)) span = std::min(back, int(r.between(1, item.def.promised_limit + 2)));

    const std::size_t n = ops.size();
    core::TimePoint previous = filed ? clock_.now() : core::TimePoint{};
    std::optional<CaseView> view;
    if (filed) view = filed->view;
    for (std::size_t k = 0; k < n; ++k) {
      const int offset =
          n > 1 ? int((std::int64_t(span) * std::int64_t(k)) / std::int64_t(n - 1)) : 0;
      const core::Date day = days_[std::size_t(back - offset)];
      // Beijing office hours: 09:00 is 01:00 UTC.
      core::TimePoint planned = day + std::chrono::hours(1) +
                                std::chrono::minutes(r.between(0, 8 * 60 - 1)) +
                                std::chrono::seconds(r.between(0, 59));
      planned = std::min(planned, now_ - std::chrono::minutes(std::int64_t(n - k)));
      const core::TimePoint at = std::max(planned, previous + std::chrono::seconds(37));
      previous = at;
      clock_.set(at);
      auto done = apply(ops[k].what, spec, item, applicant, online, view, r);
      if (!done.ok()) {
        const std::string where =
            fmt::format("{} {} ({} of {})", item.def.name, view ? view->c.number : "", k + 1, n);
        Error e = std::move(done).error();
        e.detail = fmt::format("{}: {}", where, e.detail);
        return e;
      }
      view = std::move(done).value();
    }
    return view->c.state;
  }

  // The scans of the materials the applicant uploads to the draft `c` of `item` before it is
  // submitted: every required one, the optional ones for about half of the cases (免提交 ones
  // come from the registries).
  Status upload_materials(const core::Principal& actor, const services::Item& item,
                          const services::Case& c) {
    for (const services::Material& m : item.def.materials) {
      if (m.source != "upload" || (!m.required && c.number.back() % 2 != 0)) continue;
      ZT_TRY(upload(actor, c.number, "material", m.name,
                    {fmt::format("申请人：{}", c.applicant_name),
                     fmt::format("事项：{}", item.def.name), "（演示城市的扫描件）"}));
    }
    return {};
  }

 private:
  struct Op {
    enum What {
      kFile,
      kSubmit,
      kAccept,
      kNotAccept,
      kCorrectAtWindow,
      kAnswer,
      kClaim,
      kComplete,
      kCompleteFirst,
      kReject,
      kCorrectInReview,
      kStartSpecial,
      kEndSpecial,
      kApprove,
      kDeny,
      kConclude,
      kDeliverWindow,
      kDeliverCourier,
      kWithdraw,
    } what;
  };

  const core::Principal& officer(std::int64_t department) {
    auto it = officers.find(department);
    if (it == officers.end())
      throw std::logic_error("seed-demo: a step of a department without officer");
    return it->second;
  }

  // The rows of the current step in `state`.
  static std::vector<const services::CaseStep*> current(const CaseView& v, std::string_view state) {
    std::vector<const services::CaseStep*> out;
    std::int64_t round = -1;
    for (const services::CaseStep& s : v.steps) {
      if (s.step_index == v.c.step_index && (s.state == "waiting" || s.state == "claimed"))
        round = std::max(round, s.round);
    }
    for (const services::CaseStep& s : v.steps) {
      if (s.step_index == v.c.step_index && s.round == round && s.state == state) {
        out.push_back(&s);
      }
    }
    return out;
  }

  Result<CaseView> apply(Op::What what, const ItemSpec& spec, const services::Item& item,
                         const Applicant& applicant, const core::Principal* online,
                         std::optional<CaseView>& view, Random& r) {
    const core::Principal& applicant_actor = online ? *online : clerk;
    const core::Principal& owner = officer(item.def.department_id);
    const std::string number = view ? view->c.number : "";
    ActionInput in;
    switch (what) {
      case Op::kFile: {
        services::FileInput input{.item_code = item.def.code, .consent = true};
        spec.fill(r, core::Date(core::china_date(clock_.now())), input.form);
        if (!online) {
          input.applicant_kind = applicant.kind;
          input.applicant_name = applicant.name;
          input.applicant_key = applicant.key;
          // At the window the clerk types the name and number from the ID card.
          input.form[applicant.kind == "person" ? "id_number" : "uscc"] = applicant.key;
          input.form["name"] = applicant.name;
        }
        return cases_.file(applicant_actor, std::move(input), context_);
      }
      case Op::kSubmit: {
        // The scans of the materials the applicant uploads: every required one, the optional
        // ones for about half of the cases (免提交 ones come from the registries).
        ZT_TRY(upload_materials(applicant_actor, item, view->c));
        return cases_.act(applicant_actor, number, "submit", in, context_);
      }
      case Op::kAccept: return cases_.act(clerk, number, "accept", in, context_);
      case Op::kNotAccept: {
        constexpr std::string_view kReasons[] = {
            "申请事项不属于本机关职权范围，已告知向有关机关申请", "申请人不具备申请资格",
            "同一事项已在办理中，不予重复受理"};
        in.reason = kReasons[r.below(std::size(kReasons))];
        return cases_.act(clerk, number, "not_accept", in, context_);
      }
      case Op::kCorrectAtWindow:
      case Op::kCorrectInReview: {
        const services::Material* upload_needed = nullptr;
        for (const services::Material& m : item.def.materials) {
          if (m.source == "upload") upload_needed = &m;
        }
        in.missing = {upload_needed
                          ? fmt::format("{}（复印件不清晰，请重新上传）", upload_needed->name)
                          : "申请表签名页"};
        if (what == Op::kCorrectAtWindow) {
          return cases_.act(clerk, number, "request_correction", in, context_);
        }
        return cases_.act(holder(*view), number, "request_correction", in, context_);
      }
      case Op::kAnswer:
        // A clearer scan of the material the correction asked for.
        for (const services::Material& m : item.def.materials) {
          if (m.source != "upload" || view->c.correction.find(m.name) == std::string::npos) {
            continue;
          }
          ZT_TRY(upload(applicant_actor, number, "material", m.name,
                        {fmt::format("申请人：{}", view->c.applicant_name), "补正：重新扫描"}));
        }
        return cases_.act(applicant_actor, number, "answer_correction", in, context_);
      case Op::kClaim: {
        std::optional<CaseView> last;
        for (const services::CaseStep* s : current(*view, "waiting")) {
          auto claimed = cases_.claim(officer(s->department_id), number, s->id, context_);
          if (!claimed.ok()) return std::move(claimed).error();
          last = std::move(claimed).value();
        }
        if (!last) return Error::internal("seed_failed", "No step to claim.");
        return std::move(*last);
      }
      case Op::kComplete:
      case Op::kCompleteFirst:
      case Op::kReject: {
        std::optional<CaseView> last;
        const auto rows = current(*view, "claimed");
        for (std::size_t i = 0; i < rows.size(); ++i) {
          const bool reject = what == Op::kReject && i + 1 == rows.size();
          ActionInput step_in{.reason = reject ? "经审查，申请材料与核查情况不符，不符合法定条件"
                                               : "经审查，材料齐全，符合法定条件，同意",
                              .approve = !reject};
          auto done = cases_.complete(officer(rows[i]->department_id), number, rows[i]->id, step_in,
                                      context_);
          if (!done.ok()) return std::move(done).error();
          last = std::move(done).value();
          if (what == Op::kCompleteFirst && rows.size() > 1) break;
        }
        if (!last) return Error::internal("seed_failed", "No step to complete.");
        return std::move(*last);
      }
      case Op::kStartSpecial:
        in.special_kind = spec.special_kind.empty() ? "expert_review" : spec.special_kind;
        return cases_.act(owner, number, "start_special", in, context_);
      case Op::kEndSpecial: return cases_.act(owner, number, "end_special", in, context_);
      case Op::kApprove: {
        in.decision = "approve";
        in.reason = "符合法定条件、标准";
        in.result_text = fmt::format("准予{}。", item.def.name);
        ZT_ASSIGN_OR_RETURN(auto letter,
                            upload(owner, number, "result", "",
                                   {fmt::format("申请人：{}", view->c.applicant_name),
                                    fmt::format("办件编号：{}", number), in.result_text}));
        in.attachments = {letter};
        return cases_.act(owner, number, "decide", in, context_);
      }
      case Op::kDeny: {
        in.decision = "deny";
        in.reason = "经审查，不符合法定条件";
        in.result_text = fmt::format("不予{}。申请人如不服，可依法申请行政复议或者提起行政诉讼。",
                                     item.def.name);
        ZT_ASSIGN_OR_RETURN(auto letter, upload(owner, number, "result", "",
                                                {fmt::format("申请人：{}", view->c.applicant_name),
                                                 fmt::format("办件编号：{}", number), in.reason}));
        in.attachments = {letter};
        return cases_.act(owner, number, "decide", in, context_);
      }
      case Op::kConclude: return cases_.act(owner, number, "conclude", in, context_);
      case Op::kDeliverWindow:
        in.delivery_method = "window";
        return cases_.act(clerk, number, "deliver", in, context_);
      case Op::kDeliverCourier:
        in.delivery_method = "courier";
        in.address = street_address(r, city);
        in.tracking_number = fmt::format("EMS{:010d}", r.below(10000000000));
        return cases_.act(owner, number, "deliver", in, context_);
      case Op::kWithdraw:
        in.reason = "申请人主动撤回申请";
        return cases_.act(applicant_actor, number, "withdraw", in, context_);
    }
    return Error::internal("seed_failed", "Unknown operation.");
  }

  // Uploads a one-page PDF (documents.h) to case `number` as `actor`: a scan of `material`, or
  // with kind "result" the decision letter. Success: the attachment's id.
  Result<std::int64_t> upload(const core::Principal& actor, const std::string& number,
                              std::string kind, const std::string& material,
                              std::vector<std::string> lines) {
    const bool result = kind == "result";
    const std::string title = result ? "决定书" : material;
    std::string pdf = demo_pdf(title, lines);
    bool sent = false;
    services::BodySource body = [&](std::string& piece) -> Result<bool> {
      if (sent) return false;
      piece = std::move(pdf);
      sent = true;
      return true;
    };
    services::UploadInput input{.kind = std::move(kind),
                                .material = material,
                                .file_name = fmt::format("{}.pdf", title),
                                .declared_type = "application/pdf"};
    ZT_ASSIGN_OR_RETURN(auto a, attachments_.upload(actor, number, input, body, context_));
    return a.id;
  }

  // The officer of the department holding the current step.
  const core::Principal& holder(const CaseView& v) {
    const auto rows = current(v, "claimed");
    return officer(rows.empty() ? v.c.department_id : rows.front()->department_id);
  }

  services::CaseService& cases_;
  services::AttachmentService& attachments_;
  core::FakeClock& clock_;
  core::TimePoint now_;
  std::vector<core::Date> days_;  // working days, newest (today or before) first
  const core::RequestContext& context_;
};

}  // namespace

std::int64_t case_count(std::uint64_t people) {
  return std::clamp<std::int64_t>(std::int64_t(people / 500), 120, 2000);
}

Result<ServicesFigures> seed_services(identity::IdentityService& identity,
                                      services::ItemService& items, services::CaseService& cases,
                                      services::BundleService& bundles,
                                      services::AttachmentService& attachments,
                                      calendar::CalendarService& calendar, core::FakeClock& clock,
                                      core::TimePoint now, const SeedReport& report,
                                      const SeedOptions& options) {
  const auto started = std::chrono::steady_clock::now();
  const core::RequestContext context{.remote_address = "127.0.0.1", .request_id = "seed-demo"};
  ServicesFigures figures;

  // The last working days, today (or the last one before it) first.
  ZT_ASSIGN_OR_RETURN(auto snap, calendar.snapshot());
  std::vector<core::Date> days;
  for (core::Date d = core::Date(core::china_date(now)); days.size() < kWindowDays + 2;
       d -= std::chrono::days(1)) {
    if (snap.calendar->working(d)) days.push_back(d);
  }

  // Accounts.
  std::map<std::string, std::int64_t, std::less<>> dept;
  std::map<std::string, core::Principal, std::less<>> admins;
  CaseSeeder seeder(cases, attachments, clock, now, days, context);
  seeder.city = report.city_name;
  std::vector<std::pair<core::Principal, Applicant>> online;
  for (const DemoAccount& a : report.accounts) {
    const bool admin = a.roles.size() == 1 && a.roles[0] == identity::role::kDeptAdmin;
    const bool officer = a.roles.size() == 1 && a.roles[0] == identity::role::kDeptOfficer;
    const bool clerk = a.username == "window_clerk";
    if (!admin && !officer && !clerk && a.kind == "staff") continue;
    ZT_ASSIGN_OR_RETURN(core::Principal p, sign_in(identity, a, context));
    if (admin) {
      const std::string slug = a.username.substr(0, a.username.size() - std::size("_admin") + 1);
      dept[slug] = p.department_id.value_or(0);
      admins.emplace(slug, p);
    } else if (officer) {
      seeder.officers.emplace(p.department_id.value_or(0), p);
    } else if (clerk) {
      seeder.clerk = p;
    } else {
      online.push_back(
          {p, Applicant{a.kind == "citizen" ? "person" : "entity", "", a.display_name}});
    }
  }

  // Items: written and published by each department's administrator before the 60 days.
  clock.set(days.back() + std::chrono::hours(1));
  const auto specs = item_specs(options.city_code, report.city_name, dept);
  std::vector<services::Item> published;
  for (const ItemSpec& spec : specs) {
    const core::Principal& admin = admins.at(spec.slug);
    ZT_ASSIGN_OR_RETURN(services::Item item, items.create(admin, spec.body, context));
    clock.set(clock.now() + std::chrono::minutes(7));
    ZT_ASSIGN_OR_RETURN(item, items.publish(admin, item.def.code, context));
    published.push_back(std::move(item));
    ++figures.items;
  }
  std::vector<std::size_t> person_items, entity_items;
  for (std::size_t i = 0; i < published.size(); ++i) {
    (published[i].def.applicant == services::ApplicantKind::kEntity ? entity_items : person_items)
        .push_back(i);
  }
  std::vector<const Applicant*> people, entities;
  for (const Applicant& a : report.applicants)
    (a.kind == "person" ? people : entities).push_back(&a);
  if (people.empty() || entities.empty()) {
    return Error::internal("seed_failed", "The city has no applicants for the demo cases.");
  }

  std::vector<std::uint32_t> cumulative;
  std::uint32_t sum = 0;
  for (std::uint32_t w : kWeights)
    cumulative.push_back(sum += w);
  const std::int64_t total = case_count(options.people);
  // Each demo account's cases: a few in states worth showing in 我的办件.
  constexpr Target kOnline[] = {Target::kSubmitted,   Target::kCorrectionAtWindow,
                                Target::kStepWaiting, Target::kDeliveredCourier,
                                Target::kDecidedDeny, Target::kDraft};
  std::int64_t made = 0;
  auto one = [&](Target target, const Applicant& applicant,
                 const core::Principal* account) -> Status {
    Random r = Random::for_item(options.seed, kServicesStream, std::uint64_t(made));
    const auto& pool = applicant.kind == "person" ? person_items : entity_items;
    const std::size_t i = pool[r.below(pool.size())];
    ZT_ASSIGN_OR_RETURN(std::string state,
                        seeder.run(specs[i], published[i], target, applicant, account, r));
    ++figures.states[state];
    ++made;
    return {};
  };
  for (const auto& [principal, applicant] : online) {
    for (Target t : kOnline)
      ZT_TRY(one(t, applicant, &principal));
  }
  while (made < total) {
    Random r = Random::for_item(options.seed, kServicesStream + 1, std::uint64_t(made));
    const Target t = made - std::int64_t(online.size() * std::size(kOnline)) < kTargets - 1
                         ? Target(made - std::int64_t(online.size() * std::size(kOnline)))
                         : Target(r.pick(cumulative));
    const auto& pool = r.chance(0.8) ? people : entities;
    ZT_TRY(one(t, *pool[r.below(pool.size())], nullptr));
  }
  figures.cases = made;

  // 新生儿出生一件事: written and published by 卫健委's administrator (the lead department) after
  // its members, and applied for by each demo citizen — one done, one in progress, one with a
  // child waiting for 补正, one draft.
  clock.set(days.back() + std::chrono::hours(3));
  ZT_ASSIGN_OR_RETURN(services::Bundle bundle,
                      bundles.create(admins.at("health"),
                                     bundle_spec(options.city_code, report.city_name), context));
  ZT_TRY(bundles.publish(admins.at("health"), bundle.def.code, context));
  ++figures.bundles;
  ZT_ASSIGN_OR_RETURN(services::BundleGuide guide, bundles.guide(bundle.def.code));
  struct Plan {
    int back_from, back_to;
    std::array<Target, 4> children;
    bool submit;
  };
  constexpr Plan kPlans[] = {
      {20,
       40,
       {Target::kDeliveredWindow, Target::kDeliveredCourier, Target::kConcluded,
        Target::kDeliveredWindow},
       true},
      {5,
       12,
       {Target::kDeliveredWindow, Target::kStepWaiting, Target::kAccepted, Target::kStepClaimed},
       true},
      {1,
       4,
       {Target::kStepWaiting, Target::kCorrectionInReview, Target::kSubmitted, Target::kAccepted},
       true},
      {0, 0, {Target::kDraft, Target::kDraft, Target::kDraft, Target::kDraft}, false}};
  std::int64_t applied = 0;
  for (const auto& [principal, applicant] : online) {
    if (applicant.kind != "person") continue;
    for (const Plan& plan : kPlans) {
      Random r = Random::for_item(options.seed, kServicesStream + 2, std::uint64_t(applied++));
      const int back = int(r.between(plan.back_from, plan.back_to));
      clock.set(days[std::size_t(back)] + std::chrono::hours(1) +
                std::chrono::minutes(r.between(0, 4 * 60)));
      services::BundleInput input{.bundle_code = bundle.def.code, .consent = true};
      json::object form;
      for (const services::Item& member : guide.members) {
        for (std::size_t i = 0; i < published.size(); ++i) {
          if (published[i].def.code == member.def.code) {
            specs[i].fill(r, core::Date(core::china_date(clock.now())), form);
          }
        }
      }
      for (const services::MergedField& f : guide.merged.form) {
        if (const json::value* v = form.if_contains(f.field.name)) input.form[f.field.name] = *v;
      }
      ZT_ASSIGN_OR_RETURN(auto a, bundles.apply(principal, std::move(input), context));
      if (plan.submit) {
        // Each child's uploads go to its own draft; the bundle's submission checks them all.
        for (const auto& child : a.children) {
          for (const services::Item& item : published) {
            if (item.def.code == child.row.c.item_code) {
              ZT_TRY(seeder.upload_materials(principal, item, child.row.c));
            }
          }
        }
        clock.set(clock.now() + std::chrono::minutes(r.between(2, 9)));
        ZT_ASSIGN_OR_RETURN(a, bundles.submit(principal, a.a.number, context));
      }
      for (std::size_t k = 0; k < a.children.size(); ++k) {
        const services::Case& c = a.children[k].row.c;
        std::size_t i = 0;
        while (i < published.size() && published[i].def.code != c.item_code)
          ++i;
        ZT_ASSIGN_OR_RETURN(CaseView filed, cases.get(principal, c.number));
        ZT_ASSIGN_OR_RETURN(std::string state,
                            seeder.run(specs[i], published[i], plan.children[k], applicant,
                                       &principal, r, CaseSeeder::Filed{std::move(filed), back}));
        ++figures.states[state];
      }
      ++figures.bundle_applications;
    }
  }
  clock.set(now);
  // The stored deadlines (the worklists' due_before filter) as of now.
  ZT_TRY(cases.recompute_deadlines(/*every_running=*/true));
  figures.seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  return figures;
}

}  // namespace zt::demo
