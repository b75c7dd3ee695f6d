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

}  // namespace
}  // namespace zt::app
