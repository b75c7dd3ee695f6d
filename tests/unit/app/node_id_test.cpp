// NodeId: the node file is created once and read afterwards, held by one process at a time,
// and refused when it holds no valid id.
#include "app/node_id.h"

#include <gtest/gtest.h>

#include <sys/stat.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>

#include "core/crypto_openssl.h"

namespace zt::app {
namespace {

namespace fs = std::filesystem;

class NodeIdTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir = fs::temp_directory_path() /
          ("zt-node-" + std::to_string(::getpid()) + "-" +
           ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::remove_all(dir);
  }
  void TearDown() override { fs::remove_all(dir); }
  void write(const fs::path& path, const std::string& text) {
    fs::create_directories(path.parent_path());
    std::ofstream(path, std::ios::binary) << text;
  }
  fs::path dir;
  core::OpenSslCryptoProvider crypto;
};

TEST_F(NodeIdTest, LivesBesideTheDataKey) {
  EXPECT_EQ(node_id_path("/var/lib/zhengtong/zhengtong.key"),
            fs::path("/var/lib/zhengtong/zhengtong.node"));
}

TEST_F(NodeIdTest, CreatedOnFirstStartAndTheSameAfterARestart) {
  const fs::path path = node_id_path(dir / "data" / "zhengtong.key");
  std::string first;
  {
    auto node = NodeId::claim(path, crypto);
    ASSERT_TRUE(node.ok()) << node.error().detail;
    first = node->id();
    EXPECT_EQ(first.size(), 16u);
    struct stat st {};
    ASSERT_EQ(::stat(path.c_str(), &st), 0);
    EXPECT_EQ(st.st_mode & 0777, 0600u);
  }
  auto again = NodeId::claim(path, crypto);
  ASSERT_TRUE(again.ok()) << again.error().detail;
  EXPECT_EQ(again->id(), first);
  // Another data directory is another node.
  auto other = NodeId::claim(node_id_path(dir / "other" / "zhengtong.key"), crypto);
  ASSERT_TRUE(other.ok()) << other.error().detail;
  EXPECT_NE(other->id(), first);
}

TEST_F(NodeIdTest, HeldByOneServerAtATime) {
  const fs::path path = dir / "zhengtong.node";
  auto held = NodeId::claim(path, crypto);
  ASSERT_TRUE(held.ok()) << held.error().detail;
  auto second = NodeId::claim(path, crypto);
  ASSERT_FALSE(second.ok());
  EXPECT_EQ(second.error().code, "node_id_in_use");
  // Moved, still held; released with its last owner.
  NodeId moved = std::move(held).value();
  EXPECT_FALSE(NodeId::claim(path, crypto).ok());
  const std::string id = moved.id();
  { NodeId gone = std::move(moved); }
  auto third = NodeId::claim(path, crypto);
  ASSERT_TRUE(third.ok()) << third.error().detail;
  EXPECT_EQ(third->id(), id);
}

TEST_F(NodeIdTest, AnOperatorsNameIsKeptAndABadOneRefused) {
  const fs::path path = dir / "zhengtong.node";
  write(path, "wenzhou-node-2\n");
  auto named = NodeId::claim(path, crypto);
  ASSERT_TRUE(named.ok()) << named.error().detail;
  EXPECT_EQ(named->id(), "wenzhou-node-2");
  const fs::path bad = dir / "bad.node";
  for (const std::string& text :
       {std::string("节点 2"), std::string(65, 'a'), std::string("a/b")}) {
    write(bad, text);
    auto refused = NodeId::claim(bad, crypto);
    ASSERT_FALSE(refused.ok()) << text;
    EXPECT_EQ(refused.error().code, "invalid_node_id") << text;
  }
}

}  // namespace
}  // namespace zt::app
