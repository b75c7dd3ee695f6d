#include "app/data_key.h"

#include <fmt/format.h>
#include <gtest/gtest.h>

#include <sys/stat.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>

#include "core/crypto_openssl.h"

namespace zt::app {
namespace {

namespace fs = std::filesystem;

class DataKeyTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir = fs::temp_directory_path() /
          ("zt-key-" + std::to_string(::getpid()) + "-" +
           ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::remove_all(dir);
  }
  void TearDown() override { fs::remove_all(dir); }
  fs::path dir;
  core::OpenSslCryptoProvider crypto;
};

TEST_F(DataKeyTest, CreatedOnFirstUseWithMode0600AndReadAfterwards) {
  const fs::path path = dir / "data" / "zhengtong.key";
  auto created = load_or_create_data_key(path, crypto);
  ASSERT_TRUE(created.ok()) << created.error().detail;
  EXPECT_EQ(created->size(), core::kSm4SealKeySize);
  struct stat st {};
  ASSERT_EQ(::stat(path.c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0600u);
  EXPECT_EQ(st.st_size, 32);
  auto again = load_or_create_data_key(path, crypto);
  ASSERT_TRUE(again.ok());
  EXPECT_EQ(*again, *created);  // loaded, not replaced

  auto other = load_or_create_data_key(dir / "other.key", crypto);
  ASSERT_TRUE(other.ok());
  EXPECT_NE(*other, *created);  // random
}

TEST_F(DataKeyTest, AFileOfTheWrongSizeIsRefused) {
  fs::create_directories(dir);
  for (std::size_t size : {0u, 31u, 33u, 64u}) {
    const fs::path path = dir / fmt::format("k{}", size);
    std::ofstream(path, std::ios::binary) << std::string(size, 'x');
    auto key = load_or_create_data_key(path, crypto);
    ASSERT_FALSE(key.ok()) << size;
    EXPECT_EQ(key.error().code, "invalid_data_key");
    EXPECT_EQ(fs::file_size(path), size) << "never overwritten";
  }
}

TEST_F(DataKeyTest, AuditKeysAreCreatedOnceAndOnlyWhenAsked) {
  const fs::path chain = dir / "data" / "audit.key";
  const fs::path signing = dir / "data" / "audit-signing.pem";
  auto missing = load_audit_keys(chain, signing, crypto, /*create=*/false);
  ASSERT_FALSE(missing.ok());
  EXPECT_EQ(missing.error().code, "invalid_audit_key");
  EXPECT_FALSE(fs::exists(chain));

  auto created = load_audit_keys(chain, signing, crypto, /*create=*/true);
  ASSERT_TRUE(created.ok()) << created.error().detail;
  EXPECT_EQ(created->chain_key.size(), audit::kChainKeySize);
  EXPECT_EQ(created->signing_key_pem.rfind("-----BEGIN PRIVATE KEY-----", 0), 0u);
  EXPECT_EQ(created->public_key_pem.rfind("-----BEGIN PUBLIC KEY-----", 0), 0u);
  for (const fs::path& path : {chain, signing}) {
    struct stat st {};
    ASSERT_EQ(::stat(path.c_str(), &st), 0);
    EXPECT_EQ(st.st_mode & 0777, 0600u) << path;
  }
  auto signature = crypto.sm2_sign(created->signing_key_pem, "m");
  ASSERT_TRUE(signature.ok());
  EXPECT_TRUE(*crypto.sm2_verify(created->public_key_pem, "m", *signature));

  auto again = load_audit_keys(chain, signing, crypto, /*create=*/false);
  ASSERT_TRUE(again.ok()) << again.error().detail;
  EXPECT_EQ(again->chain_key, created->chain_key);
  EXPECT_EQ(again->signing_key_pem, created->signing_key_pem);
  EXPECT_NE(created->chain_key, *load_or_create_data_key(dir / "data.key", crypto));

  std::ofstream(signing, std::ios::binary | std::ios::trunc) << "not a key";
  auto bad = load_audit_keys(chain, signing, crypto, /*create=*/true);
  ASSERT_FALSE(bad.ok());
  EXPECT_EQ(bad.error().code, "invalid_audit_signing_key");
}

}  // namespace
}  // namespace zt::app
