// The population registry's service in process on the platform harness (both databases, a fake
// clock): 公安 and 民政 publish two source resources, the 大数据管理中心 maps them into a golden
// resource and is granted their fields; ingest and sync merge them — priority, then recency on
// the clock — with provenance per attribute, a conflict a steward resolves, and a death from the
// lower-priority source; a citizen reads their own record.
#include "registry/module.h"
#include "support/identifiers.h"
#include "support/platform_harness.h"

#include <gtest/gtest.h>
#include <boost/json.hpp>

#include <chrono>
#include <string>

namespace zt::registry {
namespace {

namespace json = boost::json;
using namespace std::chrono_literals;
using catalog::FieldType;

const std::string kGa = "330300-GA-HJ", kMz = "330300-MZ-HY", kGolden = "330300-DSJ-RK";

catalog::Field field(std::string name, std::string label, FieldType type, bool personal = false) {
  return {.name = std::move(name), .label = std::move(label), .type = type, .personal = personal};
}

// A resource keyed by id_number with a name, an address and `more` fields; the name is indexed
// (the golden resource's search needs it).
catalog::Resource resource(const std::string& code, std::string name,
                           std::vector<catalog::Field> more) {
  catalog::Field key = field("id_number", "公民身份号码", FieldType::kIdNumber, true);
  key.key = true;
  catalog::Field person_name = field("name", "姓名", FieldType::kString, true);
  person_name.indexed = true;
  catalog::Resource r;
  r.code = code;
  r.name = name;
  r.summary = std::move(name);
  r.category = catalog::Category::kBase;
  r.share_condition = "基础库建设";
  r.fields = {key, person_name, field("household_address", "户籍地址", FieldType::kString, true)};
  r.fields.insert(r.fields.end(), more.begin(), more.end());
  return r;
}

class RegistryServicesTest : public test::PlatformTest {
 protected:
  void SetUp() override {
    test::PlatformTest::SetUp();
    if (HasFatalFailure()) return;
    ASSERT_NO_FATAL_FAILURE(open_departments());
    ASSERT_NO_FATAL_FAILURE(publish_sources());
  }

  void open_departments() {
    std::int64_t ga = 0, mz = 0, dsj = 0;
    ASSERT_OK_AND_ASSIGN(ga, h().department("330300-GA", "温州市公安局"));
    ASSERT_OK_AND_ASSIGN(mz, h().department("330300-MZ", "温州市民政局"));
    ASSERT_OK_AND_ASSIGN(dsj, h().department("330300-DSJ", "温州市大数据管理中心"));
    ASSERT_OK_AND_ASSIGN(ga_admin_, h().staff("ga_admin", ga, {"dept_admin"}));
    ASSERT_OK_AND_ASSIGN(ga_officer_, h().staff("ga_officer", ga, {"dept_officer"}));
    ASSERT_OK_AND_ASSIGN(mz_admin_, h().staff("mz_admin", mz, {"dept_admin"}));
    ASSERT_OK_AND_ASSIGN(mz_officer_, h().staff("mz_officer", mz, {"dept_officer"}));
    ASSERT_OK_AND_ASSIGN(data_admin_, h().staff("dsj_admin", dsj, {"data_admin"}));
  }

  void publish(const catalog::Resource& r, const core::Principal& admin) {
    catalog::CatalogService& catalog = h().platform().catalog().service();
    ASSERT_OK(catalog.create(admin, r, h().context()));
    ASSERT_OK(catalog.publish(admin, r.code, h().context()));
  }

  // 户籍人口 (公安), 婚姻与殡葬登记 (民政) and the golden 人口基础库 (大数据管理中心), each with a
  // name and an address.
  void publish_sources() {
    const catalog::Field alive = field("alive", "是否健在", FieldType::kBoolean);
    const catalog::Field death = field("death_date", "死亡日期", FieldType::kDate);
    ASSERT_NO_FATAL_FAILURE(publish(resource(kGa, "户籍人口", {alive}), ga_admin_));
    ASSERT_NO_FATAL_FAILURE(publish(resource(kMz, "婚姻与殡葬登记", {death}), mz_admin_));
    ASSERT_NO_FATAL_FAILURE(publish(resource(kGolden, "人口基础库", {alive, death}), data_admin_));
  }

  // 公安 ranks above 民政 for the name; the address has equal priorities (the later change
  // wins); the death date comes from 民政 alone.
  store::Config config() const {
    store::Config c{.resource_code = kGolden};
    for (const char* a : {"id_number", "name", "alive"})
      c.mappings.push_back({a, kGa, a, 10});
    c.mappings.push_back({"household_address", kGa, "household_address", 5});
    for (const char* a : {"id_number", "name", "household_address", "death_date"})
      c.mappings.push_back({a, kMz, a, std::string_view(a) == "id_number" ? 0 : 5});
    return c;
  }

  // The registry's department is granted `code`'s fields, the personal ones (the key, the name
  // and the address) unmasked.
  void grant(const std::string& code, const core::Principal& admin,
             std::vector<std::string> fields) {
    exchange::SharingService& sharing = h().platform().exchange().sharing();
    exchange::SharingRequest filed;
    ASSERT_OK_AND_ASSIGN(filed, sharing.file_request(data_admin_,
                                                     {.resource_code = code,
                                                      .purpose = "人口基础库建设",
                                                      .legal_basis = "《浙江省公共数据条例》",
                                                      .fields = fields},
                                                     h().context()));
    ASSERT_OK(sharing.approve(
        admin, filed.id, {.fields = fields, .unmasked = {"id_number", "name", "household_address"}},
        h().context()));
  }

  void configure_and_grant() {
    ASSERT_OK(registries().configure(data_admin_, RegistryKind::kPerson, config(), h().context()));
    ASSERT_NO_FATAL_FAILURE(
        grant(kGa, ga_admin_, {"id_number", "name", "household_address", "alive"}));
    ASSERT_NO_FATAL_FAILURE(
        grant(kMz, mz_admin_, {"id_number", "name", "household_address", "death_date"}));
  }

  void ingest(const core::Principal& officer, const std::string& code,
              const std::vector<json::object>& rows) {
    exchange::IngestReport report;
    ASSERT_OK_AND_ASSIGN(report, h().ingest(officer, code, rows));
    EXPECT_TRUE(report.rejections.empty());
  }

  // The golden record of `key` as the data administrator reads it: {record, provenance,
  // open_conflicts, warnings}.
  json::object person(const std::string& key) {
    auto text = registries().read(data_admin_, RegistryKind::kPerson, key,
                                  {.purpose = "核对", .request = h().context()});
    EXPECT_TRUE(text.ok()) << text.error().code << ": " << text.error().detail;
    return text.ok() ? json::parse(*text).as_object() : json::object{};
  }

  RegistryService& registries() { return h().platform().registry().registries(); }
  std::int64_t now_ms() { return core::to_millis(h().clock().now()); }

  const std::string p1_ = test::id_number("19800101", 1);  // the names differ: a conflict
  const std::string p2_ = test::id_number("19850505", 2);  // the addresses differ: recency
  const std::string p3_ = test::id_number("19400303", 3);  // died (民政)
  core::Principal ga_admin_, ga_officer_, mz_admin_, mz_officer_, data_admin_;
};

TEST_F(RegistryServicesTest, UnconfiguredSyncsNothingAndAWrongMappingIsRefused) {
  EXPECT_ERROR(registries().config(data_admin_, RegistryKind::kPerson), "registry_not_configured");
  auto idle = registries().sync(RegistryKind::kPerson);
  ASSERT_OK(idle);
  EXPECT_EQ(idle->changes, 0);
  store::Config wrong = config();
  wrong.mappings.push_back({"name", kMz, "sex", 1});  // 民政 has no such field
  EXPECT_ERROR(registries().configure(data_admin_, RegistryKind::kPerson, wrong, h().context()),
               "invalid_mapping");
  EXPECT_ERROR(registries().configure(ga_admin_, RegistryKind::kPerson, config(), h().context()),
               "forbidden");
}

TEST_F(RegistryServicesTest, MergesByPriorityAndRecencyWithProvenanceConflictsAndADeath) {
  ASSERT_NO_FATAL_FAILURE(configure_and_grant());
  auto row = [](const std::string& key, const char* name, const char* address) {
    return json::object{
        {"id_number", key}, {"name", name}, {"household_address", address}, {"alive", true}};
  };
  ASSERT_NO_FATAL_FAILURE(
      ingest(ga_officer_, kGa,
             {row(p1_, "张三", "鹿城区五马街道1号"), row(p2_, "李四", "鹿城区五马街道2号"),
              row(p3_, "王五", "鹿城区七都街道3号")}));
  const std::int64_t ga_time = now_ms();
  // 民政 reports an hour later: its address is the more recent change.
  h().clock().advance(1h);
  const std::int64_t mz_time = now_ms();
  ASSERT_NO_FATAL_FAILURE(
      ingest(mz_officer_, kMz,
             {{{"id_number", p1_}, {"name", "张叁"}, {"household_address", "鹿城区五马街道1号"}},
              {{"id_number", p2_}, {"name", "李四"}, {"household_address", "瓯海区新桥街道9号"}},
              {{"id_number", p3_}, {"death_date", "2026-03-01"}}}));

  auto synced = registries().sync(RegistryKind::kPerson);
  ASSERT_OK(synced);
  EXPECT_EQ(synced->changes, 6);
  EXPECT_EQ(synced->published, 3);
  EXPECT_GE(synced->conflicts_opened, 1);

  // Priority: 公安's name, with its provenance and 民政's disagreement as an open conflict.
  json::object one = person(p1_);
  EXPECT_EQ(one["record"].at("name"), "张三") << json::serialize(one);
  EXPECT_EQ(one["provenance"].at("name").at("resource_code"), json::value(kGa));
  // Times as everywhere in the API: ISO 8601 in Beijing time.
  auto iso = [](std::int64_t ms) {
    return json::value(core::format_iso8601(core::from_millis(ms)));
  };
  EXPECT_EQ(one["provenance"].at("name").at("changed_at"), iso(ga_time));
  EXPECT_TRUE(one["provenance"].at("name").at("changed_at").as_string().ends_with("+08:00"));
  ASSERT_EQ(one["open_conflicts"].as_array().size(), 1u) << json::serialize(one);
  EXPECT_EQ(one["open_conflicts"].as_array()[0].at("attribute"), "name");
  // Recency among equal priorities, on the fake clock: 民政's later address.
  json::object two = person(p2_);
  EXPECT_EQ(two["record"].at("household_address"), "瓯海区新桥街道9号") << json::serialize(two);
  EXPECT_EQ(two["provenance"].at("household_address").at("resource_code"), json::value(kMz));
  EXPECT_EQ(two["provenance"].at("household_address").at("changed_at"), iso(mz_time));
  // A death from 民政 beats 公安's alive = true.
  json::object three = person(p3_);
  EXPECT_EQ(three["record"].at("alive"), false) << json::serialize(three);
  EXPECT_EQ(three["record"].at("death_date"), "2026-03-01");
  EXPECT_EQ(three["provenance"].at("alive").at("resource_code"), json::value(kMz));

  // Another day on, 公安 moves 李四 again: now 公安's is the later change and wins.
  h().clock().advance(24h);
  ASSERT_NO_FATAL_FAILURE(ingest(ga_officer_, kGa, {row(p2_, "李四", "鹿城区五马街道22号")}));
  ASSERT_OK(registries().sync(RegistryKind::kPerson));
  two = person(p2_);
  EXPECT_EQ(two["record"].at("household_address"), "鹿城区五马街道22号") << json::serialize(two);
  EXPECT_EQ(two["provenance"].at("household_address").at("changed_at"), iso(now_ms()));
}

TEST_F(RegistryServicesTest, AStewardsResolutionHoldsAndTheCitizenReadsTheirOwnRecord) {
  ASSERT_NO_FATAL_FAILURE(configure_and_grant());
  ASSERT_NO_FATAL_FAILURE(
      ingest(ga_officer_, kGa,
             {{{"id_number", p1_}, {"name", "张三"}, {"household_address", "鹿城区五马街道1号"}}}));
  h().clock().advance(10min);
  ASSERT_NO_FATAL_FAILURE(ingest(mz_officer_, kMz, {{{"id_number", p1_}, {"name", "张叁"}}}));
  ASSERT_OK(registries().sync(RegistryKind::kPerson));

  ConflictPage open;
  ASSERT_OK_AND_ASSIGN(
      open, registries().conflicts(data_admin_, RegistryKind::kPerson, "open", p1_, 0, 10));
  ASSERT_EQ(open.items.size(), 1u);
  const store::Conflict& conflict = open.items[0];
  EXPECT_EQ(conflict.attribute, "name");
  EXPECT_EQ(json::parse(conflict.candidates).as_array().size(), 2u) << conflict.candidates;
  EXPECT_ERROR(registries().conflicts(ga_admin_, RegistryKind::kPerson, "open", p1_, 0, 10),
               "forbidden");
  EXPECT_ERROR(registries().resolve(ga_admin_, conflict.id, "x", "", h().context()), "forbidden");

  store::Conflict resolved;
  ASSERT_OK_AND_ASSIGN(resolved, registries().resolve(data_admin_, conflict.id, "张叁",
                                                      "以婚姻登记证为准", h().context()));
  EXPECT_EQ(resolved.status, "resolved");
  EXPECT_EQ(resolved.resolved_at, now_ms());
  EXPECT_ERROR(registries().resolve(data_admin_, conflict.id, "x", "", h().context()),
               "conflict_not_open");
  json::object one = person(p1_);
  EXPECT_EQ(one["record"].at("name"), "张叁") << json::serialize(one);
  EXPECT_TRUE(one["provenance"].at("name").as_object().contains("resolution_id"));
  EXPECT_TRUE(one["open_conflicts"].as_array().empty());

  // The citizen sees their own record unmasked, with where each value came from.
  core::Principal citizen;
  ASSERT_OK_AND_ASSIGN(citizen, h().citizen(p1_, "张叁"));
  std::string own;
  ASSERT_OK_AND_ASSIGN(own, registries().own_record(citizen, h().context()));
  const json::object mine = json::parse(own).as_object();
  EXPECT_EQ(mine.at("resource_code"), json::value(kGolden)) << own;
  std::map<std::string, json::object> fields;
  for (const json::value& f : mine.at("fields").as_array())
    fields[std::string(f.at("name").as_string())] = f.as_object();
  EXPECT_EQ(fields["id_number"].at("value"), json::value(p1_)) << own;
  EXPECT_EQ(fields["name"].at("value"), "张叁") << own;
  EXPECT_EQ(fields["household_address"].at("value"), "鹿城区五马街道1号") << own;
  EXPECT_EQ(fields["household_address"].at("source"), json::value(kGa)) << own;
  // Someone the registry does not hold has no record; staff have none at all.
  core::Principal stranger;
  ASSERT_OK_AND_ASSIGN(stranger, h().citizen(test::id_number("19900909", 9), "路人"));
  EXPECT_ERROR(registries().own_record(stranger, h().context()), "record_not_found");
  EXPECT_ERROR(registries().own_record(ga_officer_, h().context()), "forbidden");
}

}  // namespace
}  // namespace zt::registry
