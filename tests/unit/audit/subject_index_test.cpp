// The per-subject read index on both databases: tags are HMAC-SM3 (cut to 16 bytes) of the
// subject under the index key and reveal no ID number; a batch's and a single append's subjects
// are indexed in their transaction; reads_of pages a subject's reads newest first and finds no
// one else's; migration 110 applies to a log made by the previous version.
#include <gmock/gmock.h>

#include <fmt/format.h>

#include <cstring>

#include "audit/subject_index.h"
#include "audit_fixture.h"
#include "db/transaction.h"

namespace zt::audit {
namespace {

using testing::AuditDbTest;
using ::testing::ElementsAre;
using ::testing::IsEmpty;

constexpr std::string_view kKey = "0123456789abcdef0123456789abcdef";
const std::string kZhang = "330302198001010011";
const std::string kLi = "330302198505050022";

class SubjectIndexTest : public AuditDbTest {
 protected:
  void SetUp() override {
    AuditDbTest::SetUp();
    log_ = std::make_unique<AuditLog>(*db_, crypto_, clock_, keys_with_subject_key());
  }

  AuditKeys keys_with_subject_key() const {
    AuditKeys k = keys_;
    k.subject_key = std::string(kKey);
    return k;
  }

  static AuditEntry read(std::string action, std::string purpose,
                         std::initializer_list<std::string_view> keys,
                         std::string code = "330300-GA-HJ") {
    AuditEntry e = entry(std::move(action), code);
    e.object_type = "record";
    e.purpose = std::move(purpose);
    e.subjects = ReadSubjects(std::move(code), "id_number");
    for (std::string_view k : keys)
      e.subjects.add(k);
    return e;
  }

  // The reads of `key` as "id purpose resource", newest first.
  std::vector<std::string> reads(const std::string& key,
                                 std::optional<std::int64_t> cursor = std::nullopt,
                                 std::size_t limit = 100, std::string_view type = "id_number") {
    auto page = log_->reads_of(type, key, cursor, limit);
    std::vector<std::string> out;
    EXPECT_TRUE(page.ok()) << page.error().code << ": " << page.error().detail;
    if (!page.ok()) return out;
    for (const auto& item : page->items) {
      out.push_back(std::to_string(item.record.id) + " " + item.record.entry.purpose + " " +
                    item.resource_code);
    }
    next_ = page->next_cursor;
    return out;
  }

  std::int64_t index_rows() {
    auto conn = db_->acquire(db::Access::kRead);
    if (!conn.ok()) return -1;
    auto rows = conn->query("SELECT COUNT(*) FROM audit_subjects");
    if (!rows.ok()) return -1;
    return (*rows)[0].get<std::int64_t>(0);
  }

  std::optional<std::int64_t> next_;
};

TEST(SubjectTag, IsTheFirstSixteenBytesOfHmacSm3OfTypeAndValue) {
  core::OpenSslCryptoProvider crypto;
  const SubjectIndex index(crypto, kKey);
  ASSERT_OK_AND_ASSIGN(const SubjectTag tag, index.tag("id_number", kZhang));
  ASSERT_OK_AND_ASSIGN(const std::string mac,
                       crypto.hmac_sm3(kKey, "id_number" + std::string(1, '\0') + kZhang));
  EXPECT_EQ(std::memcmp(tag.data(), mac.data(), tag.size()), 0);
  // Another type, value or key: another tag.
  EXPECT_NE(*index.tag("uscc", kZhang), tag);
  EXPECT_NE(*index.tag("id_number", kLi), tag);
  EXPECT_NE(*SubjectIndex(crypto, "other key").tag("id_number", kZhang), tag);
  // A key longer than SM3's block is hashed first, as RFC 2104 says.
  const std::string long_key(100, 'k');
  ASSERT_OK_AND_ASSIGN(const std::string long_mac,
                       crypto.hmac_sm3(long_key, "t" + std::string(1, '\0') + "v"));
  const SubjectTag long_tag = *SubjectIndex(crypto, long_key).tag("t", "v");
  EXPECT_EQ(std::memcmp(long_tag.data(), long_mac.data(), long_tag.size()), 0);
  // derive_key: HMAC-SM3 of the data key and a fixed label.
  EXPECT_EQ(*SubjectIndex::derive_key(crypto, kKey),
            *crypto.hmac_sm3(kKey, "zhengtong audit-subject v1"));
}

TEST(SubjectTag, TagsAreSortedAndDistinct) {
  core::OpenSslCryptoProvider crypto;
  const SubjectIndex index(crypto, kKey);
  ReadSubjects subjects("330300-GA-HJ", "id_number");
  for (const std::string& k : {kZhang, kLi, kZhang, kLi, kZhang})
    subjects.add(k);
  subjects.add(std::string("bad\0key", 7));  // skipped: never an ID number
  EXPECT_EQ(subjects.size(), 5u);
  ASSERT_OK_AND_ASSIGN(auto tags, index.tags(subjects));
  ASSERT_EQ(tags.size(), 2u);
  EXPECT_LT(tags[0], tags[1]);
}

TEST_F(SubjectIndexTest, BatchAndSingleAppendsAreFoundBySubjectNewestFirst) {
  std::vector<AuditEntry> batch{read("exchange.records.export", "核对", {kZhang, kLi}),
                                entry("auth.login"),
                                read("exchange.records.query", "婚姻登记", {kLi, kLi})};
  ASSERT_OK(log_->append_batch(batch));                                       // ids 1, 2, 3
  ASSERT_OK(log_->append(read("exchange.changes.read", "数据交换", {kZhang},  // id 4
                              "330300-MZ-HY")));
  EXPECT_EQ(index_rows(), 4);  // kLi's duplicate in record 3 is one row
  EXPECT_THAT(reads(kZhang), ElementsAre("4 数据交换 330300-MZ-HY", "1 核对 330300-GA-HJ"));
  EXPECT_THAT(reads(kLi), ElementsAre("3 婚姻登记 330300-GA-HJ", "1 核对 330300-GA-HJ"));
  // Nobody else's, and not under another type.
  EXPECT_THAT(reads("330302199001010033"), IsEmpty());
  EXPECT_THAT(reads(kZhang, std::nullopt, 100, "uscc"), IsEmpty());
  // No ID number in clear in the index.
  auto conn = db_->acquire(db::Access::kRead);
  ASSERT_OK(conn);
  ASSERT_OK_AND_ASSIGN(auto rows, conn->query("SELECT subject FROM audit_subjects"));
  for (const db::Row row : rows) {
    EXPECT_EQ(row.get<db::Blob>(0).size(), kSubjectTagSize);
  }
}

TEST_F(SubjectIndexTest, PagesByCursor) {
  std::vector<AuditEntry> batch;
  for (int i = 0; i < 7; ++i) {
    batch.push_back(read("exchange.record.read", fmt::format("p{}", i), {kZhang}));
  }
  ASSERT_OK(log_->append_batch(batch));
  EXPECT_THAT(reads(kZhang, std::nullopt, 3),
              ElementsAre("7 p6 330300-GA-HJ", "6 p5 330300-GA-HJ", "5 p4 330300-GA-HJ"));
  ASSERT_TRUE(next_);
  EXPECT_EQ(*next_, 5);
  EXPECT_THAT(reads(kZhang, 5, 3),
              ElementsAre("4 p3 330300-GA-HJ", "3 p2 330300-GA-HJ", "2 p1 330300-GA-HJ"));
  EXPECT_THAT(reads(kZhang, 2, 3), ElementsAre("1 p0 330300-GA-HJ"));
  EXPECT_FALSE(next_);
}

TEST_F(SubjectIndexTest, ABatchWhoseIndexRowsFailStoresNoRecord) {
  ASSERT_OK(log_->append(entry("first")));  // id 1
  // A row for (kZhang, record 2) already there: the batch's load of it fails, so record 2 and
  // its other subjects are not kept either — records and index commit together.
  ASSERT_OK_AND_ASSIGN(const SubjectTag tag, log_->subject_index().tag("id_number", kZhang));
  {
    auto conn = db_->acquire(db::Access::kWrite);
    ASSERT_OK(conn);
    ASSERT_OK(subject_store::insert(*conn, 2, "330300-GA-HJ", std::span(&tag, 1)));
  }
  std::vector<AuditEntry> batch{read("exchange.records.export", "核对", {kLi, kZhang})};
  EXPECT_FALSE(log_->append_batch(batch).ok());
  EXPECT_EQ(count(), 1);
  EXPECT_EQ(index_rows(), 1);
  EXPECT_THAT(reads(kLi), IsEmpty());
}

TEST_F(SubjectIndexTest, AMillionSubjectEntryIsOneBulkLoad) {
  // Not a million here (that is bench/audit): enough rows to cross the loader's batches.
  AuditEntry e = read("exchange.records.export", "全量", {});
  for (int i = 0; i < 5000; ++i)
    e.subjects.add(fmt::format("33030219800101{:04}", i));
  std::vector<AuditEntry> batch{std::move(e)};
  ASSERT_OK(log_->append_batch(batch));
  EXPECT_EQ(index_rows(), 5000);
  EXPECT_THAT(reads("330302198001014999"), ElementsAre("1 全量 330300-GA-HJ"));
}

TEST_F(SubjectIndexTest, MigrationAppliesToALogOfThePreviousVersion) {
  // A fresh database migrated to 102, with records; then 110 on top.
  close();
  ASSERT_OK_AND_ASSIGN(auto fresh, test::TestDatabase::create("as"));
  ASSERT_OK_AND_ASSIGN(auto db, db::Database::open(fresh->url(), {.pool_size = 2}));
  auto before = db::foundation_migrations();
  auto all = before;
  for (auto& m : audit::migrations()) {
    if (m.version < 110) before.push_back(m);
    all.push_back(m);
  }
  ASSERT_OK(db::migrate(*db, before));
  AuditLog old_log(*db, crypto_, clock_, keys_with_subject_key());
  ASSERT_OK(old_log.append(entry("auth.login")));
  ASSERT_OK_AND_ASSIGN(auto report, db::migrate(*db, all));
  EXPECT_THAT(report.applied, ::testing::Contains(110));
  ASSERT_OK(old_log.append(read("exchange.record.read", "核对", {kZhang})));
  ASSERT_OK_AND_ASSIGN(auto page, old_log.reads_of("id_number", kZhang, std::nullopt, 10));
  ASSERT_EQ(page.items.size(), 1u);
  EXPECT_EQ(page.items[0].record.id, 2);
}

TEST_F(SubjectIndexTest, PostgresRefusesChangesToTheIndex) {
  if (backend_ != db::Backend::kPostgres) GTEST_SKIP() << "a PostgreSQL trigger";
  ASSERT_OK(log_->append(read("exchange.record.read", "核对", {kZhang})));
  auto conn = db_->acquire(db::Access::kWrite);
  ASSERT_OK(conn);
  for (const char* sql : {"UPDATE audit_subjects SET resource_code = 'x'",
                          "DELETE FROM audit_subjects", "TRUNCATE audit_subjects"}) {
    auto r = conn->exec(sql);
    ASSERT_FALSE(r.ok()) << sql;
    EXPECT_NE(r.error().detail.find("append-only"), std::string::npos) << r.error().detail;
  }
}

}  // namespace
}  // namespace zt::audit
