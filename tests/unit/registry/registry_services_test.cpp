// The population registry's service in process on the platform harness (both databases, a fake
// clock): 公安 and 民政 publish two source resources, the 大数据管理中心 maps them into a golden
// resource and is granted their fields; ingest and sync merge them — priority, then recency on
// the clock — with provenance per attribute, a conflict a steward resolves, and a death from the
// lower-priority source; a citizen reads their own record.
#include "db/migration.h"
#include "registry/module.h"
#include "registry/registry_store.h"
#include "support/identifiers.h"
#include "support/platform_harness.h"

#include <gtest/gtest.h>
#include <boost/json.hpp>

#include <fmt/format.h>

#include <algorithm>
#include <chrono>
#include <map>
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

// The figures' counts (registry_figure, kept as golden records change) against a recount of the
// golden records as the figures were counted before: after a first build, merges that move
// people between counties, ages and genders, deaths, deletions by one source and by every
// source, a steward's resolution, a rebuild and the sources emptied.
class RegistryFiguresTest : public RegistryServicesTest {
 protected:
  const std::string kGaRk = "330300-GA-RKX", kMzRk = "330300-MZ-RKX", kGoldenRk = "330300-DSJ-RKX";

  void SetUp() override {
    RegistryServicesTest::SetUp();
    if (HasFatalFailure()) return;
    const catalog::Field division = field("division_code", "行政区划", FieldType::kDivisionCode);
    const catalog::Field birth = field("birth_date", "出生日期", FieldType::kDate);
    const catalog::Field gender = field("gender", "性别", FieldType::kString);
    const catalog::Field alive = field("alive", "是否健在", FieldType::kBoolean);
    const catalog::Field death = field("death_date", "死亡日期", FieldType::kDate);
    ASSERT_NO_FATAL_FAILURE(
        publish(resource(kGaRk, "户籍人口（全项）", {division, birth, gender, alive}), ga_admin_));
    ASSERT_NO_FATAL_FAILURE(
        publish(resource(kMzRk, "民政人口", {division, gender, death}), mz_admin_));
    ASSERT_NO_FATAL_FAILURE(
        publish(resource(kGoldenRk, "人口基础库（全项）", {division, birth, gender, alive, death}),
                data_admin_));
    // 公安 ranks first for all but the division and the gender, whose priorities are equal (the
    // later change wins, and a disagreement is a conflict).
    store::Config c{.resource_code = kGoldenRk};
    for (const char* a : {"id_number", "name", "birth_date", "alive"})
      c.mappings.push_back({a, kGaRk, a, 10});
    for (const char* a : {"household_address", "division_code", "gender"}) {
      c.mappings.push_back({a, kGaRk, a, 5});
      c.mappings.push_back({a, kMzRk, a, 5});
    }
    c.mappings.push_back({"id_number", kMzRk, "id_number", 0});
    c.mappings.push_back({"death_date", kMzRk, "death_date", 5});
    ASSERT_OK(registries().configure(data_admin_, RegistryKind::kPerson, c, h().context()));
    ASSERT_NO_FATAL_FAILURE(grant(kGaRk, ga_admin_,
                                  {"id_number", "name", "household_address", "division_code",
                                   "birth_date", "gender", "alive"}));
    ASSERT_NO_FATAL_FAILURE(
        grant(kMzRk, mz_admin_,
              {"id_number", "name", "household_address", "division_code", "gender", "death_date"}));
  }

  std::string person_key(int i) const {
    return test::id_number(fmt::format("{}0{}0{}", 1940 + i % 80, 1 + i % 9, 1 + i % 9), i);
  }

  json::object ga_row(int i, int variant) const {
    json::object row{
        {"id_number", person_key(i)},
        {"name", fmt::format("居民{}", i)},
        {"division_code", fmt::format("33030{}00{}", 2 + (i + variant) % 3, 1 + i % 2)},
        {"birth_date",
         fmt::format("{}-0{}-0{}", 1940 + (i + 7 * variant) % 80, 1 + i % 9, 1 + i % 9)},
        {"alive", true}};
    if ((i + variant) % 4 != 0) row["gender"] = (i + variant) % 2 ? "男" : "女";
    return row;
  }

  // What the figures counted before: the golden records, grouped as then (NULL and '' apart),
  // with rows of the same county and group text summed as the service sums them; and the
  // records not deleted.
  std::vector<std::string> recount() {
    auto acquired = h().platform().database().acquire(db::Access::kRead);
    EXPECT_TRUE(acquired.ok());
    if (!acquired.ok()) return {};
    db::Connection& conn = *acquired;
    std::vector<std::string> out;
    auto rows = conn.query(
        "SELECT county_code, COALESCE(birth_year, '') || '|' || COALESCE(gender, ''), COUNT(*) "
        "FROM registry_record WHERE registry = 'person' AND alive = 1 AND deleted = 0 GROUP BY "
        "county_code, birth_year, gender ORDER BY 1, 2");
    EXPECT_TRUE(rows.ok());
    std::map<std::pair<std::string, std::string>, std::int64_t> sums;
    for (std::size_t i = 0; rows.ok() && i < rows->size(); ++i)
      sums[{(*rows)[i].get<std::string>(0), (*rows)[i].get<std::string>(1)}] +=
          (*rows)[i].get<std::int64_t>(2);
    for (const auto& [k, n] : sums)
      out.push_back(k.first + " " + k.second + " " + std::to_string(n));
    auto total = conn.query(
        "SELECT COUNT(*) FROM registry_record WHERE registry = 'person' AND deleted = 0");
    EXPECT_TRUE(total.ok());
    out.push_back("records " + std::to_string((*total)[0].get<std::int64_t>(0)));
    return out;
  }

  // The same from the counts: the store's figure rows and record count.
  std::vector<std::string> counted() {
    auto acquired = h().platform().database().acquire(db::Access::kRead);
    EXPECT_TRUE(acquired.ok());
    if (!acquired.ok()) return {};
    db::Connection& conn = *acquired;
    std::vector<std::string> out;
    auto rows = store::figures(conn, RegistryKind::kPerson, "");
    EXPECT_TRUE(rows.ok());
    for (const store::FigureRow& r : rows.ok() ? *rows : std::vector<store::FigureRow>{})
      out.push_back(r.county_code + " " + r.group + " " + std::to_string(r.count));
    auto total = store::count_records(conn, RegistryKind::kPerson);
    EXPECT_TRUE(total.ok());
    out.push_back("records " + std::to_string(total.ok() ? *total : -1));
    return out;
  }

  void sync_and_compare(const char* step) {
    ASSERT_OK(registries().sync(RegistryKind::kPerson));
    const auto expected = recount();
    EXPECT_EQ(counted(), expected) << step;
    EXPECT_GT(expected.size(), 1u) << step;
  }
};

TEST_F(RegistryFiguresTest, StayEqualToARecountOfTheGoldenRecords) {
  std::vector<json::object> rows;
  for (int i = 0; i < 60; ++i)
    rows.push_back(ga_row(i, 0));
  ASSERT_NO_FATAL_FAILURE(ingest(ga_officer_, kGaRk, rows));
  ASSERT_NO_FATAL_FAILURE(sync_and_compare("first build"));
  ASSERT_OK_AND_ASSIGN(auto figures, registries().figures(data_admin_, RegistryKind::kPerson));
  EXPECT_EQ(figures.records, 60);

  // 民政, later: other divisions and genders for some (recency moves them, and conflicts open),
  // deaths for others.
  h().clock().advance(1h);
  rows.clear();
  for (int i = 0; i < 30; ++i) {
    json::object row{{"id_number", person_key(i)}, {"name", fmt::format("居民{}", i)}};
    if (i % 3 == 0) row["death_date"] = "2026-05-01";
    if (i % 3 == 1) row["division_code"] = "330305001";
    if (i % 3 == 2) row["gender"] = "未说明";
    rows.push_back(row);
  }
  ASSERT_NO_FATAL_FAILURE(ingest(mz_officer_, kMzRk, rows));
  ASSERT_NO_FATAL_FAILURE(sync_and_compare("民政 merged"));

  // 公安 again, a day on: changed rows (updates), identical ones, deletions of people 民政 also
  // holds (the record stays) and of people only 公安 held (the record goes), and new people.
  h().clock().advance(24h);
  rows.clear();
  for (int i = 0; i < 70; ++i) {
    if (i % 10 == 3) {
      rows.push_back({{"_op", "delete"}, {"id_number", person_key(i)}});
    } else {
      rows.push_back(ga_row(i, i % 2));
    }
  }
  ASSERT_NO_FATAL_FAILURE(ingest(ga_officer_, kGaRk, rows));
  ASSERT_NO_FATAL_FAILURE(sync_and_compare("公安 changed, deleted and added"));

  // A steward resolves a division conflict the other way.
  ConflictPage open;
  ASSERT_OK_AND_ASSIGN(
      open, registries().conflicts(data_admin_, RegistryKind::kPerson, "open", {}, 0, 50));
  const auto division = std::find_if(open.items.begin(), open.items.end(),
                                     [](const auto& c) { return c.attribute == "division_code"; });
  ASSERT_NE(division, open.items.end());
  ASSERT_OK(registries().resolve(data_admin_, division->id, "330399001", "以现场核查为准",
                                 h().context()));
  EXPECT_EQ(counted(), recount()) << "resolved";
  const auto now = counted();
  EXPECT_TRUE(std::any_of(now.begin(), now.end(),
                          [](const std::string& row) { return row.starts_with("330399 "); }));

  // A rebuild, then 民政 deletes everything it sent.
  ASSERT_OK(registries().rebuild(data_admin_, RegistryKind::kPerson, h().context()));
  EXPECT_EQ(counted(), recount()) << "rebuilt";
  rows.clear();
  for (int i = 0; i < 30; ++i)
    rows.push_back({{"_op", "delete"}, {"id_number", person_key(i)}});
  ASSERT_NO_FATAL_FAILURE(ingest(mz_officer_, kMzRk, rows));
  ASSERT_NO_FATAL_FAILURE(sync_and_compare("民政 emptied"));
}

TEST_F(RegistryFiguresTest, MigrationCountsTheRecordsOfThePreviousVersion) {
  std::vector<json::object> rows;
  for (int i = 0; i < 40; ++i)
    rows.push_back(ga_row(i, 0));
  ASSERT_NO_FATAL_FAILURE(ingest(ga_officer_, kGaRk, rows));
  ASSERT_OK(registries().sync(RegistryKind::kPerson));
  const auto expected = recount();
  // As the previous version left it: no counts. Then migration 530's script again.
  ASSERT_OK_AND_ASSIGN(auto conn, h().platform().database().acquire(db::Access::kWrite));
  ASSERT_OK(conn.execute("DROP TABLE registry_figure"));
  db::Migration m;
  for (const db::Migration& each : registry_migrations()) {
    if (each.version == 530) m = each;
  }
  ASSERT_EQ(m.version, 530);
  ASSERT_OK(conn.execute(db::migration_sql(m, conn.backend())));
  EXPECT_EQ(counted(), expected);
}

}  // namespace
}  // namespace zt::registry
