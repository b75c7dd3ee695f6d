// HubTest: the fixture of the data hub's integration tests — a fresh server with a small city:
// 公安局 (ga) and 民政局 (mz) with a dept_admin and a dept_officer each, and a data_admin of the
// 大数据管理中心 (dsj); and the population resource most tests publish.
#pragma once

#include "integration/city.h"
#include "integration/server_test.h"

#include <boost/json.hpp>

#include <optional>
#include <string>

namespace zt::test {

class HubTest : public ServerTest {
 protected:
  // Starts the server and makes the city. Use as ASSERT_TRUE(open_city()).
  bool open_city(ServerOptions options = {}) {
    options.fresh_database = true;
    if (!start(options)) return false;
    city_.emplace(port());
    if (!city_->open(server().stderr_text())) return fail();
    auto ga = city_->department("330300-GA", "温州市公安局");
    auto mz = city_->department("330300-MZ", "温州市民政局");
    auto dsj = city_->department("330300-DSJ", "温州市大数据管理中心");
    if (!ga || !mz || !dsj) return fail();
    ga_ = *ga, mz_ = *mz, dsj_ = *dsj;
    ga_admin_ = city_->staff("ga_admin", ga_, {"dept_admin"});
    ga_officer_ = city_->staff("ga_officer", ga_, {"dept_officer"});
    mz_admin_ = city_->staff("mz_admin", mz_, {"dept_admin"});
    mz_officer_ = city_->staff("mz_officer", mz_, {"dept_officer"});
    data_admin_ = city_->staff("dsj_admin", dsj_, {"data_admin"});
    if (ga_admin_.empty() || ga_officer_.empty() || mz_admin_.empty() || mz_officer_.empty() ||
        data_admin_.empty()) {
      return fail();
    }
    return true;
  }

  City& city() { return *city_; }

  // The answer's JSON when it has `status`, else null and a failure.
  boost::json::value expect(const std::optional<HttpResponse>& r, int status = 200) {
    if (!r) {
      ADD_FAILURE() << "no response: " << city_->error();
      return nullptr;
    }
    if (r->status != status) {
      ADD_FAILURE() << "expected " << status << ", got " << r->status << ": " << r->body;
      return nullptr;
    }
    return r->json();
  }

  // A citizen account named `username` with the ID number `number`; its token.
  std::string citizen(const std::string& username, const std::string& number) {
    std::string token = city_->account(boost::json::object{{"kind", "citizen"},
                                                           {"username", username},
                                                           {"display_name", username},
                                                           {"id_number", number}});
    EXPECT_FALSE(token.empty()) << city_->error();
    return token;
  }

  // 户籍人口基本信息: ten fields keyed by id_number, as 公安 publishes it.
  static boost::json::object population(const std::string& code) {
    namespace json = boost::json;
    auto field = [](const char* name, const char* label, const char* type) {
      return json::object{{"name", name}, {"label", label}, {"type", type}};
    };
    json::object id = field("id_number", "公民身份号码", "id_number");
    id["key"] = true;
    id["personal"] = true;
    json::object name = field("name", "姓名", "string");
    name["required"] = true;
    name["max_length"] = 20;
    name["personal"] = true;
    name["mask"] = "name";
    json::object gender = field("gender", "性别", "enum");
    gender["enum_values"] = json::array{"男", "女"};
    json::object division = field("division_code", "户籍地行政区划", "division_code");
    division["indexed"] = true;
    json::object phone = field("phone", "联系电话", "phone");
    phone["personal"] = true;
    return json::object{
        {"code", code},
        {"name", "户籍人口基本信息"},
        {"category", "base"},
        {"summary", "全市户籍人口的身份、户籍地址与联系方式"},
        {"share_type", "conditional"},
        {"share_condition", "用于政务服务办理与人口统计"},
        {"share_mode", "api"},
        {"open_type", "closed"},
        {"update_cycle", "daily"},
        {"keywords", json::array{"户籍", "人口"}},
        {"fields", json::array{id, name, gender, field("birth_date", "出生日期", "date"),
                               field("address", "户籍地址", "string"), division, phone,
                               field("registered_at", "登记时间", "datetime"),
                               field("household_size", "户内人数", "integer"),
                               field("income", "年收入", "decimal")}}};
  }

  // Creates `resource` (a draft) as `token`; true when it answered 201.
  bool create(const boost::json::object& resource, const std::string& token) {
    auto created = city_->call("POST", "/api/v1/catalog/resources", token, resource);
    if (!created || created->status != 201) {
      ADD_FAILURE() << "create: " << (created ? created->body : city_->error());
      return false;
    }
    return true;
  }
  // Creates and publishes `resource` as `token`; true when both answered as expected.
  bool publish(const boost::json::object& resource, const std::string& token) {
    if (!create(resource, token)) return false;
    const std::string code(resource.at("code").as_string());
    auto published = city_->call("POST", "/api/v1/catalog/resources/" + code + "/publish", token);
    if (!published || published->status != 200) {
      ADD_FAILURE() << "publish: " << (published ? published->body : city_->error());
      return false;
    }
    return true;
  }

  std::int64_t ga_ = 0, mz_ = 0, dsj_ = 0;
  std::string ga_admin_, ga_officer_, mz_admin_, mz_officer_, data_admin_;

 private:
  bool fail() {
    ADD_FAILURE() << "cannot set up the city: " << city_->error();
    return false;
  }
  std::optional<City> city_;
};

}  // namespace zt::test
