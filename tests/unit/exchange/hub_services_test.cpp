// The hub's services in process on the platform harness (both databases, a fake clock): the
// catalog publishes a resource, ingest stores it, a sharing request is approved, the query
// service reads it masked as granted until the grant expires on the clock, and a correction
// report is filed and answered.
#include "exchange/module.h"
#include "support/platform_harness.h"

#include <gtest/gtest.h>
#include <boost/json.hpp>

#include <chrono>
#include <string>

namespace zt::exchange {
namespace {

namespace json = boost::json;
using namespace std::chrono_literals;

// A valid 身份证号 of someone born 1980-01-01 in 鹿城区, with sequence number `n`.
std::string id_number(int n) {
  std::string s = "33030219800101" + std::to_string(100 + n).substr(0, 3);
  static constexpr int kWeights[] = {7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2};
  int sum = 0;
  for (int i = 0; i < 17; ++i)
    sum += (s[i] - '0') * kWeights[i];
  return s + "10X98765432"[sum % 11];
}

catalog::Field field(std::string name, std::string label, catalog::FieldType type) {
  return {.name = std::move(name), .label = std::move(label), .type = type};
}

class HubServicesTest : public test::PlatformTest {
 protected:
  void SetUp() override {
    test::PlatformTest::SetUp();
    if (HasFatalFailure()) return;
    auto ga = h().department("330300-GA", "温州市公安局");
    auto mz = h().department("330300-MZ", "温州市民政局");
    ASSERT_OK(ga);
    ASSERT_OK(mz);
    auto ga_admin = h().staff("ga_admin", *ga, {"dept_admin"});
    auto ga_officer = h().staff("ga_officer", *ga, {"dept_officer"});
    auto mz_officer = h().staff("mz_officer", *mz, {"dept_officer"});
    ASSERT_OK(ga_admin);
    ASSERT_OK(ga_officer);
    ASSERT_OK(mz_officer);
    ga_admin_ = *ga_admin, ga_officer_ = *ga_officer, mz_officer_ = *mz_officer;
  }

  Module& exchange() { return h().platform().exchange(); }

  // 公安's population resource, published, with three people in it.
  void publish_people() {
    catalog::Resource r;
    r.code = kCode;
    r.name = "户籍人口基本信息";
    r.summary = "全市户籍人口的身份与联系方式";
    r.share_type = catalog::ShareType::kConditional;
    r.share_condition = "用于政务服务办理";
    r.keywords = {"户籍", "人口"};
    catalog::Field id = field("id_number", "公民身份号码", catalog::FieldType::kIdNumber);
    id.key = true;
    id.personal = true;
    catalog::Field name = field("name", "姓名", catalog::FieldType::kString);
    name.personal = true;
    name.mask = catalog::MaskRule::kName;
    catalog::Field phone = field("phone", "联系电话", catalog::FieldType::kPhone);
    phone.personal = true;
    r.fields = {id, name, phone};
    catalog::CatalogService& catalog = h().platform().catalog().service();
    ASSERT_OK(catalog.create(ga_admin_, r, h().context()));
    auto published = catalog.publish(ga_admin_, kCode, h().context());
    ASSERT_OK(published);
    EXPECT_EQ(published->status, catalog::ResourceStatus::kPublished);

    std::vector<json::object> rows;
    const char* names[] = {"张三", "李四", "王五"};
    for (int i = 0; i < 3; ++i)
      rows.push_back(
          {{"id_number", id_number(i + 1)}, {"name", names[i]}, {"phone", "13857712345"}});
    auto report = h().ingest(ga_officer_, kCode, rows);
    ASSERT_OK(report);
    EXPECT_TRUE(report->rejections.empty());
  }

  // 民政's read of one person, as a JSON object.
  Result<json::object> read(int n) {
    ZT_ASSIGN_OR_RETURN(std::string text,
                        exchange().query().record(mz_officer_, kCode, id_number(n), {},
                                                  {.purpose = "最低生活保障资格核查",
                                                   .case_id = "MZ-2026-000001",
                                                   .request = h().context()}));
    return json::parse(text).as_object();
  }

  // A request of 民政 for `fields`, approved by 公安 for `days`; the grant's request id.
  std::int64_t granted(std::vector<std::string> fields, std::int64_t days) {
    auto filed = exchange().sharing().file_request(mz_officer_,
                                                   {.resource_code = kCode,
                                                    .purpose = "最低生活保障资格核查",
                                                    .legal_basis = "《社会救助暂行办法》",
                                                    .fields = std::move(fields),
                                                    .duration_days = days},
                                                   h().context());
    EXPECT_TRUE(filed.ok()) << filed.error().detail;
    if (!filed.ok()) return 0;
    auto approved = exchange().sharing().approve(ga_admin_, filed->id, {}, h().context());
    EXPECT_TRUE(approved.ok()) << approved.error().detail;
    return filed->id;
  }

  static constexpr const char* kCode = "330300-GA-0001";
  core::Principal ga_admin_, ga_officer_, mz_officer_;
};

TEST_F(HubServicesTest, TheCatalogShowsAConditionalResourceToOtherDepartments) {
  ASSERT_NO_FATAL_FAILURE(publish_people());
  auto seen = h().platform().catalog().service().get(mz_officer_, kCode);
  ASSERT_OK(seen);
  EXPECT_EQ(seen->department_name, "温州市公安局");
  EXPECT_EQ(seen->fields.size(), 3u);
  // Published: an incompatible change (a field removed) is refused.
  catalog::Resource changed = *seen;
  changed.fields.pop_back();
  EXPECT_ERROR(h().platform().catalog().service().update(ga_admin_, kCode, changed, std::nullopt,
                                                         h().context()),
               "incompatible_change");
}

TEST_F(HubServicesTest, AGrantReadsMaskedUntilItExpiresOnTheClock) {
  ASSERT_NO_FATAL_FAILURE(publish_people());
  EXPECT_ERROR(read(1), "grant_required");
  ASSERT_NE(granted({"name"}, 30), 0);
  auto fresh = read(1);
  ASSERT_OK(fresh);
  EXPECT_EQ(fresh->at("name"), "张*");     // masked as the grant says
  EXPECT_FALSE(fresh->contains("phone"));  // not granted

  h().clock().advance(std::chrono::days(29));
  ASSERT_OK(read(2));
  h().clock().advance(std::chrono::days(2));
  EXPECT_ERROR(read(2), "grant_required");
}

TEST_F(HubServicesTest, ARevokedGrantIsRefusedAtOnce) {
  ASSERT_NO_FATAL_FAILURE(publish_people());
  ASSERT_NE(granted({"name"}, 365), 0);
  ASSERT_OK(read(1));
  auto grants = exchange().sharing().grants(mz_officer_, false, 0, 10);
  ASSERT_OK(grants);
  ASSERT_EQ(grants->size(), 1u);
  ASSERT_OK(
      exchange().sharing().revoke(ga_admin_, grants->front().id, "用途已完成", h().context()));
  EXPECT_ERROR(read(1), "grant_required");
}

TEST_F(HubServicesTest, ACorrectionReportIsFiledAndAnswered) {
  ASSERT_NO_FATAL_FAILURE(publish_people());
  ASSERT_NE(granted({"name", "phone"}, 365), 0);
  auto filed = exchange().corrections().report(mz_officer_,
                                               {.resource_code = kCode,
                                                .record_key = id_number(1),
                                                .reason = "电话已停用",
                                                .fields = {"phone"}},
                                               h().context());
  ASSERT_OK(filed);
  EXPECT_EQ(filed->status, "open");
  EXPECT_EQ(filed->resource_code, kCode);
  h().clock().advance(24h);
  auto answered = exchange().corrections().answer(ga_officer_, filed->id, "corrected",
                                                  "已更新为新号码", h().context());
  ASSERT_OK(answered);
  EXPECT_EQ(answered->status, "corrected");
  // Closed: a second answer is refused.
  EXPECT_ERROR(
      exchange().corrections().answer(ga_officer_, filed->id, "answered", "x", h().context()),
      "invalid_state");
}

}  // namespace
}  // namespace zt::exchange
