// What issue 15 (point 7) asks the audit log to show: someone who can write the whole database —
// who knows the chain's algorithm (model.h) but holds neither the chain key nor the signing key,
// kept in files outside it — cannot hide a change from `audit verify`. Seventeen kinds of tamper,
// one test each, on both databases (on PostgreSQL the attacker first drops the append-only
// guards, as a database owner could): each is named by verify_chain, and several by the real
// `zhengtong audit verify` binary too. Five of them (Rechained…, DeletedAndRechained…,
// ForgedAppend…, CutTail…, EmptiedLog…) passed the unkeyed SM3 chain unnoticed before.
//
// Every test starts from ten records and one checkpoint at record 10, kept in the table and in
// the checkpoint file (the copy outside the database).
#include <sys/wait.h>

#include <fmt/format.h>

#include <boost/json.hpp>

#include <cstdio>
#include <filesystem>
#include <fstream>

#include "audit/checkpoint.h"
#include "audit/verify.h"
#include "db/transaction.h"
#include "unit/audit/audit_fixture.h"

namespace zt::audit {
namespace {

class AuditTamperTest : public testing::AuditDbTest {
 protected:
  void SetUp() override {
    AuditDbTest::SetUp();
    if (HasFatalFailure()) return;
    dir_ = std::filesystem::temp_directory_path() /
           ("zt-audit-tamper-" + core::to_hex(*crypto_.random_bytes(8)));
    std::filesystem::create_directories(dir_);
    checkpoint_file_ = dir_ / "checkpoints.ndjson";
    std::vector<AuditEntry> batch;
    for (int i = 1; i <= 10; ++i)
      batch.push_back(entry(i % 2 ? "auth.login" : "person.read", std::to_string(i)));
    ASSERT_OK(log_->append_batch(batch));
    AuditCheckpointer checkpointer(*log_, {.file = checkpoint_file_});
    auto checkpoint = checkpointer.checkpoint_now();
    ASSERT_OK(checkpoint);
    ASSERT_TRUE(*checkpoint);
    ASSERT_EQ((*checkpoint)->record_id, 10);
    VerifyReport report = verify();
    ASSERT_TRUE(report.ok) << report.reason;
    ASSERT_EQ(report.checkpoints_checked, 2);  // the table's and the file's
    ASSERT_EQ(report.last_checkpoint_id, 10);
    original_ = records();
    ASSERT_EQ(original_.size(), 10u);
  }

  void TearDown() override {
    AuditDbTest::TearDown();
    std::error_code ec;
    std::filesystem::remove_all(dir_, ec);
  }

  // verify_chain with the table's checkpoints and the checkpoint file's (pages of 3 records).
  VerifyReport verify(bool with_file = true) {
    std::vector<Checkpoint> external;
    if (with_file) {
      auto read = read_checkpoint_file(checkpoint_file_);
      EXPECT_TRUE(read.ok()) << read.error().detail;
      if (read.ok()) external = std::move(read).value();
    }
    auto report = verify_chain(*db_, crypto_, keys_, external, /*page_size=*/3);
    EXPECT_TRUE(report.ok()) << report.error().code << ": " << report.error().detail;
    return report.ok() ? *report : VerifyReport{};
  }

  void expect_named(const VerifyReport& report, std::int64_t id, std::string_view reason) {
    EXPECT_FALSE(report.ok);
    EXPECT_EQ(report.first_broken_id, id) << report.reason;
    EXPECT_EQ(report.reason, reason);
  }

  std::vector<AuditRecord> records() {
    auto conn = db_->acquire(db::Access::kRead);
    EXPECT_TRUE(conn.ok());
    if (!conn.ok()) return {};
    auto page = store::page(*conn, 0, 1'000'000, 1000);
    EXPECT_TRUE(page.ok());
    return page.ok() ? *page : std::vector<AuditRecord>{};
  }

  // The attacker's SQL. On PostgreSQL a database owner first drops the append-only guards.
  void attack(std::string_view script) {
    auto conn = db_->acquire(db::Access::kWrite);
    ASSERT_OK(conn);
    if (backend_ == db::Backend::kPostgres) {
      ASSERT_OK(
          conn->execute("ALTER TABLE audit_records DISABLE TRIGGER USER; "
                        "ALTER TABLE audit_chain_head DISABLE TRIGGER USER; "
                        "ALTER TABLE audit_checkpoints DISABLE TRIGGER USER"));
    }
    ASSERT_OK(conn->execute(script));
  }

  // The attacker rewrites the log as `records`: they know the algorithm but not the key, so from
  // `from_id` on they recompute every hash as the unkeyed chain did (SM3 of prev ‖ encoding);
  // records before keep their stored hashes. Then the head is set to the last record.
  void rewrite_as_attacker(std::vector<AuditRecord> rewritten, std::int64_t from_id) {
    std::string prev(kGenesisHash);
    for (AuditRecord& r : rewritten) {
      if (r.id >= from_id) {
        r.prev_hash = prev;
        ASSERT_OK_AND_ASSIGN(r.hash, chain_hash(crypto_, prev, r));
      }
      prev = r.hash;
    }
    ASSERT_NO_FATAL_FAILURE(attack("DELETE FROM audit_records"));
    auto conn = db_->acquire(db::Access::kWrite);
    ASSERT_OK(conn);
    auto tx = db::Transaction::begin(*conn);
    ASSERT_OK(tx);
    for (const AuditRecord& r : rewritten)
      ASSERT_OK(store::insert(*conn, r));
    ASSERT_OK(store::write_head(*conn, {rewritten.empty() ? 0 : rewritten.back().id, prev}));
    ASSERT_OK(tx->commit());
  }

  // A config for the binary: this test's database, key files and checkpoint file.
  std::filesystem::path write_config() {
    const std::filesystem::path key = dir_ / "audit.key";
    const std::filesystem::path signing = dir_ / "audit-signing.pem";
    std::ofstream(key, std::ios::binary) << keys_.chain_key;
    std::ofstream(signing, std::ios::binary) << keys_.signing_key_pem;
    const std::filesystem::path config = dir_ / "zhengtong.toml";
    std::ofstream(config) << "[database]\nurl = \"" << url_ << "\"\n"
                          << "[security]\naudit_key_file = \"" << key.string() << "\"\n"
                          << "audit_signing_key_file = \"" << signing.string() << "\"\n"
                          << "[audit]\ncheckpoint_file = \"" << checkpoint_file_.string() << "\"\n";
    return config;
  }

  struct Cli {
    int exit_code = -1;
    std::string output;
  };
  // Runs the real binary: `zhengtong audit verify [extra]` with this test's config.
  Cli run_cli(const std::string& extra = "") {
    close();  // nothing of this process holds the database while the binary reads it
    Cli cli;
    const std::string command = "cd '" + dir_.string() + "' && env -u ZT_DATABASE_URL '" +
                                ZT_BINARY + "' --config '" + write_config().string() +
                                "' audit verify " + extra + " 2>&1";
    FILE* pipe = popen(command.c_str(), "r");
    if (pipe != nullptr) {
      char buffer[4096];
      std::size_t n = 0;
      while ((n = fread(buffer, 1, sizeof buffer, pipe)) > 0)
        cli.output.append(buffer, n);
      const int status = pclose(pipe);
      cli.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
    }
    open();
    return cli;
  }

  void expect_cli_names(std::int64_t id, std::string_view reason) {
    Cli cli = run_cli();
    EXPECT_EQ(cli.exit_code, 1) << cli.output;
    boost::system::error_code ec;
    auto json = boost::json::parse(cli.output, ec);
    ASSERT_FALSE(ec) << cli.output;
    EXPECT_EQ(json.at("ok"), false) << cli.output;
    EXPECT_EQ(json.at("first_broken_id"), id) << cli.output;
    EXPECT_EQ(json.at("reason").as_string(), reason) << cli.output;
  }

  std::filesystem::path dir_;
  std::filesystem::path checkpoint_file_;
  std::vector<AuditRecord> original_;
};

TEST_F(AuditTamperTest, IntactChainVerifiesWithTheBinary) {
  Cli cli = run_cli();
  EXPECT_EQ(cli.exit_code, 0) << cli.output;
  EXPECT_EQ(boost::json::parse(cli.output),
            boost::json::parse(R"({"records_checked":10,"ok":true,"first_broken_id":null,)"
                               R"("reason":null,"head_id":10,"keyed_from":1,)"
                               R"("checkpoints_checked":2,"last_checkpoint_id":10})"))
      << cli.output;
}

// 1. A field edited in place.
TEST_F(AuditTamperTest, T01EditedFieldIsHashMismatch) {
  attack("UPDATE audit_records SET action = 'nothing.happened' WHERE id = 5");
  VerifyReport report = verify();
  expect_named(report, 5, "hash_mismatch");
  EXPECT_EQ(report.records_checked, 5);
  expect_cli_names(5, "hash_mismatch");
}

// 2. The time edited in place.
TEST_F(AuditTamperTest, T02EditedTimeIsHashMismatch) {
  attack("UPDATE audit_records SET time = '2020-01-01T00:00:00.000Z' WHERE id = 7");
  expect_named(verify(), 7, "hash_mismatch");
}

// 3. The stored hash overwritten (with the next record's, so that the link after it holds).
TEST_F(AuditTamperTest, T03EditedHashIsHashMismatch) {
  attack("UPDATE audit_records SET hash = '" + original_[5].hash + "' WHERE id = 5");
  expect_named(verify(), 5, "hash_mismatch");
}

// 4. A record edited and its own hash recomputed (SM3, without the key).
TEST_F(AuditTamperTest, T04RehashedRecordIsHashMismatch) {
  AuditRecord forged = original_[4];
  forged.entry.action.assign("nothing.happened");
  ASSERT_OK_AND_ASSIGN(const std::string hash, chain_hash(crypto_, forged.prev_hash, forged));
  attack("UPDATE audit_records SET action = 'nothing.happened', hash = '" + hash +
         "' WHERE id = 5");
  expect_named(verify(), 5, "hash_mismatch");
}

// 5. A record edited and the chain recomputed from it to the head (head fixed). Undetected by
// the unkeyed chain.
TEST_F(AuditTamperTest, T05RechainedEditIsHashMismatch) {
  std::vector<AuditRecord> rewritten = original_;
  rewritten[4].entry.action.assign("nothing.happened");
  ASSERT_NO_FATAL_FAILURE(rewrite_as_attacker(rewritten, 5));
  expect_named(verify(), 5, "hash_mismatch");
  expect_cli_names(5, "hash_mismatch");
}

// 6. A record in the middle deleted.
TEST_F(AuditTamperTest, T06DeletedMiddleRecordIsGap) {
  attack("DELETE FROM audit_records WHERE id = 4");
  expect_named(verify(), 4, "gap");
}

// 7. The first record deleted.
TEST_F(AuditTamperTest, T07DeletedFirstRecordIsGap) {
  attack("DELETE FROM audit_records WHERE id = 1");
  expect_named(verify(), 1, "gap");
}

// 8. The last record deleted, the head left alone.
TEST_F(AuditTamperTest, T08DeletedLastRecordIsHeadMismatch) {
  attack("DELETE FROM audit_records WHERE id = 10");
  VerifyReport report = verify();
  expect_named(report, 10, "head_mismatch");
  EXPECT_EQ(report.records_checked, 9);
}

// 9. A record deleted, the later ones renumbered and the chain recomputed (head fixed).
// Undetected by the unkeyed chain.
TEST_F(AuditTamperTest, T09DeletedAndRechainedIsHashMismatch) {
  std::vector<AuditRecord> rewritten = original_;
  rewritten.erase(rewritten.begin() + 3);
  for (std::size_t i = 3; i < rewritten.size(); ++i)
    rewritten[i].id = static_cast<std::int64_t>(i) + 1;
  ASSERT_NO_FATAL_FAILURE(rewrite_as_attacker(rewritten, 4));
  expect_named(verify(), 4, "hash_mismatch");
  expect_cli_names(4, "hash_mismatch");
}

// 10. The last records deleted and the head moved back to what remains. Undetected by the
// unkeyed chain; the checkpoint at record 10 says the log was longer.
TEST_F(AuditTamperTest, T10CutTailWithHeadMovedBackIsRecordsMissing) {
  attack(
      "DELETE FROM audit_records WHERE id > 7; UPDATE audit_chain_head SET last_id = 7, "
      "last_hash = '" +
      original_[6].hash + "' WHERE id = 1");
  VerifyReport report = verify(/*with_file=*/false);  // the table's checkpoint is enough here
  expect_named(report, 8, "records_missing");
  EXPECT_EQ(report.records_checked, 7);
  expect_cli_names(8, "records_missing");
}

// 11. The log emptied, the head reset and the table's checkpoints deleted too. Undetected by
// the unkeyed chain; the checkpoint file outside the database names it.
TEST_F(AuditTamperTest, T11EmptiedLogWithHeadResetIsNamedByTheFile) {
  attack(
      "DELETE FROM audit_records; DELETE FROM audit_checkpoints; UPDATE audit_chain_head SET "
      "last_id = 0, last_hash = '" +
      std::string(kGenesisHash) + "' WHERE id = 1");
  expect_named(verify(), 10, "checkpoint_missing");
  expect_cli_names(10, "checkpoint_missing");
}

// 12. A record forged at the end, chained to the last with a recomputed hash (head fixed).
// Undetected by the unkeyed chain.
TEST_F(AuditTamperTest, T12ForgedAppendIsHashMismatch) {
  std::vector<AuditRecord> rewritten = original_;
  AuditRecord forged = original_.back();
  forged.id = 11;
  forged.entry.action.assign("user.role_grant");
  rewritten.push_back(forged);
  ASSERT_NO_FATAL_FAILURE(rewrite_as_attacker(rewritten, 11));
  expect_named(verify(), 11, "hash_mismatch");
  expect_cli_names(11, "hash_mismatch");
}

// 13. Two records swapped (each keeps its stored hashes, under the other's id).
TEST_F(AuditTamperTest, T13SwappedRecordsAreNamed) {
  std::vector<AuditRecord> rewritten = original_;
  std::swap(rewritten[2].entry, rewritten[3].entry);
  std::swap(rewritten[2].time, rewritten[3].time);
  std::swap(rewritten[2].hash, rewritten[3].hash);
  std::swap(rewritten[2].prev_hash, rewritten[3].prev_hash);
  ASSERT_NO_FATAL_FAILURE(rewrite_as_attacker(rewritten, /*from_id=*/100));  // no rehash
  expect_named(verify(), 3, "prev_hash_mismatch");
}

// 14. The chain head edited.
TEST_F(AuditTamperTest, T14EditedHeadIsHeadMismatch) {
  attack("UPDATE audit_chain_head SET last_hash = '" + std::string(64, 'f') + "' WHERE id = 1");
  expect_named(verify(), 10, "head_mismatch");
}

// 15. The table's checkpoint deleted (the file outside the database still has it).
TEST_F(AuditTamperTest, T15DeletedCheckpointIsCheckpointMissing) {
  attack("DELETE FROM audit_checkpoints");
  expect_named(verify(), 10, "checkpoint_missing");
  expect_cli_names(10, "checkpoint_missing");
}

// 16. The tail cut and the table's checkpoint replaced by one over the shorter chain, signed
// with a key of the attacker's own.
TEST_F(AuditTamperTest, T16CheckpointSignedWithAnotherKeyIsSignatureInvalid) {
  ASSERT_OK_AND_ASSIGN(const core::Sm2KeyPair attacker, crypto_.generate_sm2_key());
  ASSERT_OK_AND_ASSIGN(
      const Checkpoint forged,
      sign_checkpoint(crypto_, attacker.private_pem, 7, original_[6].hash, 1, clock_.now()));
  ASSERT_OK_AND_ASSIGN(const bool valid_for_attacker,
                       signature_valid(crypto_, attacker.public_pem, forged));
  ASSERT_TRUE(valid_for_attacker);
  attack(
      "DELETE FROM audit_records WHERE id > 7; DELETE FROM audit_checkpoints; UPDATE "
      "audit_chain_head SET last_id = 7, last_hash = '" +
      original_[6].hash + "' WHERE id = 1");
  {
    auto conn = db_->acquire(db::Access::kWrite);
    ASSERT_OK(conn);
    ASSERT_OK(store::insert_checkpoint(*conn, forged));
  }
  // Named from the table alone: the platform's public key does not verify it.
  expect_named(verify(/*with_file=*/false), 7, "checkpoint_signature_invalid");
}

// 17. The checkpoint file edited to agree with a cut tail (its record_id and hash changed).
TEST_F(AuditTamperTest, T17EditedCheckpointFileIsSignatureInvalid) {
  ASSERT_OK_AND_ASSIGN(auto lines, read_checkpoint_file(checkpoint_file_));
  ASSERT_EQ(lines.size(), 1u);
  Checkpoint edited = lines[0];
  edited.record_id = 7;
  edited.record_hash = original_[6].hash;
  std::ofstream(checkpoint_file_, std::ios::trunc) << checkpoint_line(edited);
  attack(
      "DELETE FROM audit_records WHERE id > 7; DELETE FROM audit_checkpoints; UPDATE "
      "audit_chain_head SET last_id = 7, last_hash = '" +
      original_[6].hash + "' WHERE id = 1");
  expect_named(verify(), 7, "checkpoint_signature_invalid");
  expect_cli_names(7, "checkpoint_signature_invalid");
}

// Beyond the seventeen: keyed_from moved past the head so that SM3-only hashes (recomputed over
// an edit) would pass as records from before the keyed chain. Every checkpoint signs keyed_from.
TEST_F(AuditTamperTest, MovedKeyedFromIsKeyedFromMismatch) {
  std::vector<AuditRecord> rewritten = original_;
  rewritten[4].entry.action.assign("nothing.happened");
  ASSERT_NO_FATAL_FAILURE(rewrite_as_attacker(rewritten, 1));
  attack("UPDATE audit_chain_head SET keyed_from = 11 WHERE id = 1");
  expect_named(verify(/*with_file=*/false), 10, "keyed_from_mismatch");
  // And the checkpointer refuses to sign over the moved head.
  ASSERT_OK(log_->append(entry("after")));
  AuditCheckpointer checkpointer(*log_, {});
  EXPECT_ERROR(checkpointer.checkpoint_now(), "audit_keyed_from_changed");
}

// The emptied log with the table's checkpoint left: named from the table alone.
TEST_F(AuditTamperTest, EmptiedLogIsRecordsMissingFromTheTable) {
  attack("DELETE FROM audit_records; UPDATE audit_chain_head SET last_id = 0, last_hash = '" +
         std::string(kGenesisHash) + "' WHERE id = 1");
  VerifyReport report = verify(/*with_file=*/false);
  expect_named(report, 1, "records_missing");
  EXPECT_EQ(report.records_checked, 0);
}

// Verifying with another chain key (a key file replaced) names the first record.
TEST_F(AuditTamperTest, AnotherChainKeyIsHashMismatchAtTheFirstRecord) {
  keys_.chain_key = std::string(kChainKeySize, 'x');
  expect_named(verify(), 1, "hash_mismatch");
}

TEST_F(AuditTamperTest, PostgresRefusesChangesWhileItsGuardsStand) {
  if (backend_ != db::Backend::kPostgres) GTEST_SKIP() << "PostgreSQL's guards";
  {
    auto conn = db_->acquire(db::Access::kWrite);
    ASSERT_OK(conn);
    for (const char* sql :
         {"UPDATE audit_records SET action = 'nothing.happened' WHERE id = 5",
          "DELETE FROM audit_records WHERE id = 4", "TRUNCATE audit_records",
          "DELETE FROM audit_chain_head", "UPDATE audit_checkpoints SET record_id = 7",
          "DELETE FROM audit_checkpoints", "TRUNCATE audit_checkpoints"}) {
      SCOPED_TRACE(sql);
      auto changed = conn->exec(sql);
      ASSERT_FALSE(changed.ok());
      EXPECT_EQ(changed.error().code, "database_error");
      EXPECT_NE(changed.error().detail.find("audit log is append-only"), std::string::npos)
          << changed.error().detail;
      EXPECT_NE(changed.error().detail.find("42501"), std::string::npos) << changed.error().detail;
    }
  }
  EXPECT_EQ(count(), 10);
  EXPECT_TRUE(verify().ok);
  // Appending still works (the head may be updated), and so does the next checkpoint.
  ASSERT_OK(log_->append(entry("after")));
  AuditCheckpointer checkpointer(*log_, {.file = checkpoint_file_});
  ASSERT_OK(checkpointer.checkpoint_now());
  VerifyReport report = verify();
  EXPECT_TRUE(report.ok) << report.reason;
  EXPECT_EQ(report.last_checkpoint_id, 11);
}

}  // namespace
}  // namespace zt::audit
