// The demo city's generators over the real divisions of 温州市 (tests/data/divisions-330300):
// every ID number and credit code valid and unique, people living in real villages of the city,
// the same seed giving the same people and enterprises, another seed other ones, and the
// deliberate faults at their intended shares.
#include "core/id_number.h"
#include "core/uscc.h"
#include "db/database.h"
#include "db/migration.h"
#include "demo/city.h"
#include "demo/documents.h"
#include "demo/enterprises.h"
#include "demo/people.h"
#include "demo/records.h"
#include "demo/resources.h"
#include "registry/division_service.h"
#include "services/attachment.h"
#include "support/test_database.h"

#include <fmt/format.h>
#include <gtest/gtest.h>

#include <set>

namespace zt::demo {
namespace {

constexpr std::chrono::year_month_day kToday{std::chrono::year{2026}, std::chrono::November,
                                             std::chrono::day{30}};

class DemoTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_OK_AND_ASSIGN(test_db_, test::TestDatabase::create("demo"));
    ASSERT_OK_AND_ASSIGN(db_, test_db_->open_migrated({registry::division_migrations()}, 2));
    divisions_ = std::make_unique<registry::DivisionService>(*db_, clock_);
    ASSERT_OK(divisions_->import(ZT_TEST_DIVISIONS, 0));
    auto city = CityPlan::load(*divisions_, "330300", 7);
    ASSERT_OK(city);
    city_ = std::make_unique<CityPlan>(std::move(city).value());
  }

  std::unique_ptr<test::TestDatabase> test_db_;
  std::unique_ptr<db::Database> db_;
  core::SystemClock clock_;
  std::unique_ptr<registry::DivisionService> divisions_;
  std::unique_ptr<CityPlan> city_;
};

TEST_F(DemoTest, TheCityIsReadFromTheDivisions) {
  EXPECT_EQ(city_->city_name(), "温州市");
  EXPECT_EQ(city_->province_name(), "浙江省");
  EXPECT_EQ(city_->counties().size(), 12u);
  // 鹿城区 has its villages and communities; counties without villages in the excerpt have their
  // towns as places.
  const County& lucheng = city_->counties().front();
  EXPECT_EQ(lucheng.name, "鹿城区");
  EXPECT_EQ(lucheng.places.front().code.size(), 12u);
  EXPECT_EQ(city_->counties()[4].places.front().code.size(), 9u);
  EXPECT_ERROR(CityPlan::load(*divisions_, "330100", 7), "city_not_found");  // 杭州: no counties
}

TEST_F(DemoTest, PeopleHaveValidUniqueIdNumbersFromTheCity) {
  const Population population = Population::allocate(*city_, 7, 20000);
  PersonStream stream(*city_, population, 7, 300);
  std::set<std::string> ids;
  std::string previous;
  std::set<std::string> counties;
  for (const County& c : city_->counties())
    counties.insert(c.code);
  int bad_in_insurance = 0, moved = 0, dead = 0, civil_address = 0, college = 0,
      older_in_household = 0;
  for (int i = 0; i < 20000; ++i) {
    const Person p = stream.next();
    ASSERT_EQ(p.index, static_cast<std::uint64_t>(i));
    auto checked = core::check_id_number(p.id_number, kToday);
    ASSERT_TRUE(checked.ok()) << p.id_number << ": " << checked.error().detail;
    ASSERT_TRUE(ids.insert(p.id_number).second) << "duplicate " << p.id_number;
    ASSERT_LT(previous, p.id_number) << "not in key order";
    previous = p.id_number;
    EXPECT_TRUE(counties.count(p.id_number.substr(0, 6))) << p.id_number;
    EXPECT_TRUE(counties.count(p.division_code.substr(0, 6))) << p.division_code;
    EXPECT_EQ((p.id_number[16] - '0') % 2 == 1, p.male) << p.id_number;
    EXPECT_EQ(p.id_number.substr(6, 8), iso_date(p.birth_date).erase(7, 1).erase(4, 1));
    EXPECT_GE(p.name.size(), 6u);  // two or more Chinese characters
    EXPECT_EQ(p.address.rfind("浙江省温州市", 0), 0u) << p.address;
    bad_in_insurance += p.bad_check_digit_in_insurance;
    moved += p.moved_address.has_value();
    dead += !p.alive;
    civil_address += p.civil_affairs_address.has_value();
    EXPECT_EQ(p.education.has_value(), p.age >= 6) << p.age;
    if (p.education && p.age < 18) {
      EXPECT_TRUE(*p.education == "primary" || *p.education == "junior_secondary");
    }
    college += p.education && (*p.education == "bachelor" || *p.education == "master" ||
                               *p.education == "doctorate");
    older_in_household += p.household_education.has_value();
    if (p.employer) {
      EXPECT_LT(*p.employer, 300u);
    }
  }
  // The faults at about their shares (0.3 %, 1 %, ~0.8 %, 3 % of the married).
  EXPECT_GT(bad_in_insurance, 20);
  EXPECT_LT(bad_in_insurance, 90);
  EXPECT_GT(moved, 120);
  EXPECT_LT(moved, 290);
  EXPECT_GT(dead, 60);
  EXPECT_LT(dead, 400);
  EXPECT_GT(civil_address, 200);
  // 文化程度: about one in ten with a degree; 户籍 behind for ~2 % of the adults with more than
  // junior secondary school.
  EXPECT_GT(college, 1000);
  EXPECT_LT(college, 4000);
  EXPECT_GT(older_in_household, 50);
  EXPECT_LT(older_in_household, 350);
}

TEST_F(DemoTest, TheSameSeedMakesTheSameCity) {
  const Population p7 = Population::allocate(*city_, 7, 2000);
  const Population p8 = Population::allocate(*city_, 8, 2000);
  PersonStream a(*city_, p7, 7, 300), b(*city_, p7, 7, 300), c(*city_, p8, 8, 300);
  int differ = 0;
  for (int i = 0; i < 2000; ++i) {
    const Person pa = a.next(), pb = b.next(), pc = c.next();
    std::string la, lb, lc;
    records::household(pa, la);
    records::household(pb, lb);
    records::household(pc, lc);
    ASSERT_EQ(la, lb);
    differ += la != lc;
  }
  EXPECT_GT(differ, 1900);
  const EnterprisePlan plan = EnterprisePlan::allocate(*city_, 7, 500);
  for (std::uint64_t j = 0; j < 500; ++j) {
    const Enterprise x = make_enterprise(*city_, plan, 7, j),
                     y = make_enterprise(*city_, plan, 7, j);
    EXPECT_EQ(x.uscc, y.uscc);
    EXPECT_EQ(x.name, y.name);
    EXPECT_EQ(x.address, y.address);
  }
}

TEST_F(DemoTest, EnterprisesHaveValidUniqueCreditCodes) {
  std::set<std::string> codes;
  std::string previous;
  int bad = 0, individual = 0;
  const EnterprisePlan plan = EnterprisePlan::allocate(*city_, 7, 30000);
  for (std::uint64_t j = 0; j < 30000; ++j) {
    const Enterprise e = make_enterprise(*city_, plan, 7, j);
    auto checked = core::check_uscc(e.uscc);
    ASSERT_TRUE(checked.ok()) << e.uscc << ": " << checked.error().detail;
    ASSERT_TRUE(codes.insert(e.uscc).second) << "duplicate " << e.uscc;
    ASSERT_LT(previous, e.uscc) << "not in key order";
    previous = e.uscc;
    EXPECT_EQ(uscc_of(*city_, plan, j), e.uscc);
    EXPECT_EQ(e.uscc.substr(2, 4), "3303");  // registered in a county of the city
    bad += e.bad_check_character;
    individual += e.entity_type == "individual_business";
    EXPECT_EQ(e.uscc.substr(0, 2), e.entity_type == "individual_business" ? "92" : "91");
  }
  EXPECT_GT(bad, 20);
  EXPECT_LT(bad, 110);
  EXPECT_GT(individual, 12000);
  EXPECT_LT(individual, 15000);
}

TEST_F(DemoTest, RecordsFollowTheResourceFields) {
  const Population population = Population::allocate(*city_, 7, 10);
  PersonStream stream(*city_, population, 7, 300);
  const Person p = stream.next();
  std::string line;
  ASSERT_TRUE(records::household(p, line));
  const auto commas = [](const std::string& s) { return std::count(s.begin(), s.end(), ','); };
  for (const catalog::Resource& r : demo_resources()) {
    const std::string header = records::header(r.code);
    std::string names;
    for (const catalog::Field& f : r.fields) {
      if (!names.empty()) names += ',';
      names += f.name;
    }
    EXPECT_EQ(header, names + "\n") << r.code;
  }
  EXPECT_EQ(commas(line), commas(records::header(resource::kHousehold)));
  const Enterprise e = make_enterprise(*city_, EnterprisePlan::allocate(*city_, 7, 1), 7, 0);
  std::string company;
  ASSERT_TRUE(records::enterprise(e, p, company));
  EXPECT_EQ(commas(company), commas(records::header(resource::kEnterprise)));
}

// The demo's attachments are real PDFs: the signature the upload route sniffs, a cross-reference
// table whose every offset points at its object, and the Chinese lines as UCS-2 text.
TEST(DemoDocuments, APdfWithAValidCrossReferenceTable) {
  const std::vector<std::string> lines = {"申请人：张三", "ASCII too"};
  const std::string pdf = demo_pdf("收入证明", lines);
  EXPECT_EQ(services::sniff(pdf), services::ContentType::kPdf);
  EXPECT_LT(pdf.size(), 2000u);
  EXPECT_EQ(pdf.substr(pdf.size() - 6), "%%EOF\n");
  const std::size_t startxref = pdf.rfind("startxref\n");
  ASSERT_NE(startxref, std::string::npos);
  const std::size_t xref = std::stoul(pdf.substr(startxref + 10));
  ASSERT_EQ(pdf.compare(xref, 5, "xref\n"), 0);
  // "0 8" then the free entry, then one 20-byte entry per object.
  const std::size_t first = pdf.find('\n', pdf.find('\n', xref + 5) + 1) + 1;
  for (int object = 1; object <= 7; ++object) {
    const std::size_t offset = std::stoul(pdf.substr(first + std::size_t(object - 1) * 20, 10));
    EXPECT_EQ(pdf.compare(offset, 8, fmt::format("{} 0 obj\n", object)), 0) << object;
  }
  EXPECT_NE(pdf.find("<653651658BC1660E>"), std::string::npos);          // 收入证明
  EXPECT_NE(pdf.find("<75338BF74EBAFF1A5F204E09>"), std::string::npos);  // 申请人：张三
}

}  // namespace
}  // namespace zt::demo
