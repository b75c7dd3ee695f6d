// Signed checkpoints on both databases: the checkpointer signs the head once per move, into the
// table and the file; the line format; and the upgrade of a log written before the chain was
// keyed (migration 103): its records verify as before and the first checkpoint anchors them.
#include <filesystem>
#include <fstream>

#include "audit/checkpoint.h"
#include "audit/verify.h"
#include "db/transaction.h"
#include "unit/audit/audit_fixture.h"

namespace zt::audit {
namespace {

using testing::AuditDbTest;

class CheckpointTest : public AuditDbTest {
 protected:
  void SetUp() override {
    AuditDbTest::SetUp();
    if (HasFatalFailure()) return;
    dir_ = std::filesystem::temp_directory_path() /
           ("zt-audit-checkpoint-" + core::to_hex(*crypto_.random_bytes(8)));
    file_ = dir_ / "sub" / "checkpoints.ndjson";  // its directory is made on first append
  }
  void TearDown() override {
    AuditDbTest::TearDown();
    std::error_code ec;
    std::filesystem::remove_all(dir_, ec);
  }
  std::filesystem::path dir_;
  std::filesystem::path file_;
};

TEST_F(CheckpointTest, SignsTheHeadOnceEachTimeItMovesIntoTheTableAndTheFile) {
  AuditCheckpointer checkpointer(*log_, {.file = file_});
  ASSERT_OK_AND_ASSIGN(auto none, checkpointer.checkpoint_now());
  EXPECT_FALSE(none);  // an empty log has nothing to anchor
  EXPECT_FALSE(std::filesystem::exists(file_));

  ASSERT_OK(log_->append_batch(std::vector<AuditEntry>(3, entry("person.read"))));
  ASSERT_OK_AND_ASSIGN(auto first, checkpointer.checkpoint_now());
  ASSERT_TRUE(first);
  EXPECT_EQ(first->record_id, 3);
  EXPECT_EQ(first->keyed_from, 1);
  ASSERT_OK_AND_ASSIGN(auto again, checkpointer.checkpoint_now());
  EXPECT_FALSE(again);  // the head has not moved

  ASSERT_OK(log_->append(entry("auth.login")));
  ASSERT_OK_AND_ASSIGN(auto second, checkpointer.checkpoint_now());
  ASSERT_TRUE(second);
  EXPECT_EQ(second->record_id, 4);

  ASSERT_OK_AND_ASSIGN(auto lines, read_checkpoint_file(file_));
  ASSERT_EQ(lines.size(), 2u);
  EXPECT_EQ(checkpoint_line(lines[0]), checkpoint_line(*first));
  EXPECT_EQ(checkpoint_line(lines[1]), checkpoint_line(*second));
  {
    auto conn = db_->acquire(db::Access::kRead);
    ASSERT_OK(conn);
    ASSERT_OK_AND_ASSIGN(auto stored, store::checkpoints(*conn, 0, 10));
    ASSERT_EQ(stored.size(), 2u);
    EXPECT_EQ(checkpoint_line(stored[1]), checkpoint_line(*second));  // the same bytes back
    // Another node's checkpoint for the same record does not replace the first.
    ASSERT_OK_AND_ASSIGN(
        const Checkpoint other,
        sign_checkpoint(crypto_, keys_.signing_key_pem, 4, second->record_hash, 1, clock_.now()));
    auto write = db_->acquire(db::Access::kWrite);
    ASSERT_OK(write);
    ASSERT_OK_AND_ASSIGN(const bool stored_other, store::insert_checkpoint(*write, other));
    EXPECT_FALSE(stored_other);
  }
  auto report = verify_chain(*db_, crypto_, keys_, lines);
  ASSERT_OK(report);
  EXPECT_TRUE(report->ok) << report->reason;
  EXPECT_EQ(report->checkpoints_checked, 4);
  EXPECT_EQ(report->last_checkpoint_id, 4);
}

TEST_F(CheckpointTest, TheLineFormatRoundTripsAndRefusesWhatIsNotOne) {
  ASSERT_OK_AND_ASSIGN(const Checkpoint c, sign_checkpoint(crypto_, keys_.signing_key_pem, 42,
                                                           std::string(64, 'a'), 7, clock_.now()));
  const std::string line = checkpoint_line(c);
  EXPECT_EQ(line.back(), '\n');
  ASSERT_OK_AND_ASSIGN(const Checkpoint back, parse_checkpoint_line(line));
  EXPECT_EQ(back.record_id, 42);
  EXPECT_EQ(back.keyed_from, 7);
  EXPECT_EQ(back.time, c.time);
  EXPECT_EQ(back.signature, c.signature);
  ASSERT_OK_AND_ASSIGN(const bool valid, signature_valid(crypto_, keys_.public_key_pem, back));
  EXPECT_TRUE(valid);
  Checkpoint edited = back;
  edited.keyed_from = 8;
  ASSERT_OK_AND_ASSIGN(const bool edited_valid,
                       signature_valid(crypto_, keys_.public_key_pem, edited));
  EXPECT_FALSE(edited_valid);
  edited = back;
  edited.signature = "zz";  // not hex: simply not valid
  ASSERT_OK_AND_ASSIGN(const bool garbage_valid,
                       signature_valid(crypto_, keys_.public_key_pem, edited));
  EXPECT_FALSE(garbage_valid);

  for (const char* bad :
       {"", "[]", "{}",
        R"({"record_id":0,"record_hash":"a","keyed_from":1,"time":"x","signature":"")"
        R"(})",
        R"({"record_id":1,"record_hash":"a","keyed_from":1,"time":"yesterday","signature":""})"}) {
    SCOPED_TRACE(bad);
    EXPECT_ERROR(parse_checkpoint_line(bad), "invalid_checkpoint");
  }
  std::filesystem::create_directories(dir_);
  std::ofstream(dir_ / "bad.ndjson") << line << "\nnot json\n";
  auto read = read_checkpoint_file(dir_ / "bad.ndjson");
  ASSERT_FALSE(read.ok());
  EXPECT_EQ(read.error().code, "invalid_checkpoint");
  EXPECT_NE(read.error().detail.find("line 3"), std::string::npos) << read.error().detail;
  EXPECT_ERROR(read_checkpoint_file(dir_ / "missing.ndjson"), "checkpoint_file_unreadable");
}

// A log written by the unkeyed chain (migrations to 102), then upgraded to 103. (The fixture's
// own database is not used: this test makes one migrated only to 102.)
class AuditUpgradeTest : public AuditDbTest {};

TEST_F(AuditUpgradeTest, AnUnkeyedChainVerifiesAfterTheUpgradeAndItsFirstCheckpointAnchorsIt) {
  ASSERT_OK_AND_ASSIGN(auto test_db, test::TestDatabase::create("aup"));
  ASSERT_OK_AND_ASSIGN(auto db, db::Database::open(test_db->url(), {.pool_size = 4}));
  auto all = db::foundation_migrations();
  for (auto& m : audit::migrations())
    all.push_back(std::move(m));
  std::vector<db::Migration> before;
  for (const db::Migration& m : all)
    if (m.version <= 102) before.push_back(m);
  ASSERT_OK(db::migrate(*db, before));

  // Five records as the old code wrote them: SM3 over prev ‖ encoding.
  core::OpenSslCryptoProvider crypto;
  std::string prev(kGenesisHash);
  {
    auto conn = db->acquire(db::Access::kWrite);
    ASSERT_OK(conn);
    for (std::int64_t id = 1; id <= 5; ++id) {
      AuditRecord r;
      r.id = id;
      r.time = std::chrono::floor<std::chrono::milliseconds>(core::SystemClock().now());
      r.entry = entry("auth.login", std::to_string(id));
      r.prev_hash = prev;
      ASSERT_OK_AND_ASSIGN(r.hash, chain_hash(crypto, prev, r));
      prev = r.hash;
      ASSERT_OK(store::insert(*conn, r));
    }
    ASSERT_OK(
        conn->exec("UPDATE audit_chain_head SET last_id = 5, last_hash = ? WHERE id = 1", prev));
  }
  ASSERT_OK(db::migrate(*db, all));

  core::SystemClock clock;
  const AuditKeys keys = test_keys(crypto);
  AuditLog log(*db, crypto, clock, keys);
  ASSERT_OK_AND_ASSIGN(auto report, verify_chain(*db, crypto, keys));
  EXPECT_TRUE(report.ok) << report.reason;
  EXPECT_EQ(report.keyed_from, 6);  // the records from before stay SM3
  EXPECT_EQ(report.records_checked, 5);

  // The first start's checkpoint, over the unkeyed records.
  AuditCheckpointer checkpointer(log, {});
  ASSERT_OK_AND_ASSIGN(auto anchor, checkpointer.checkpoint_now());
  ASSERT_TRUE(anchor);
  EXPECT_EQ(anchor->record_id, 5);
  ASSERT_OK(log.append(entry("person.read")));
  ASSERT_OK_AND_ASSIGN(report, verify_chain(*db, crypto, keys));
  EXPECT_TRUE(report.ok) << report.reason;
  EXPECT_EQ(report.records_checked, 6);

  // Someone rewrites the unkeyed records (record 3 edited, 3–5 recomputed with SM3) and, to
  // keep the keyed record 6 linked, its prev_hash: its MAC fails, and the checkpoint at 5 names
  // the rewrite even were record 6 not there.
  {
    auto conn = db->acquire(db::Access::kWrite);
    ASSERT_OK(conn);
    ASSERT_OK_AND_ASSIGN(auto records, store::page(*conn, 0, 100, 100));
    if (conn->backend() == db::Backend::kPostgres) {
      ASSERT_OK(conn->execute("ALTER TABLE audit_records DISABLE TRIGGER USER"));
    }
    records[2].entry.action.assign("nothing.happened");
    std::string link = records[1].hash;
    for (std::size_t i = 2; i < 5; ++i) {
      records[i].prev_hash = link;
      ASSERT_OK_AND_ASSIGN(records[i].hash, chain_hash(crypto, link, records[i]));
      link = records[i].hash;
      ASSERT_OK(conn->exec("DELETE FROM audit_records WHERE id = ?", records[i].id));
      ASSERT_OK(store::insert(*conn, records[i]));
    }
    ASSERT_OK(conn->exec("DELETE FROM audit_records WHERE id = 6"));
    ASSERT_OK(store::write_head(*conn, {5, link}));
  }
  ASSERT_OK_AND_ASSIGN(report, verify_chain(*db, crypto, keys));
  EXPECT_FALSE(report.ok);
  EXPECT_EQ(report.first_broken_id, 5);
  EXPECT_EQ(report.reason, "checkpoint_mismatch");
}

}  // namespace
}  // namespace zt::audit
