#include "http/static_files.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

namespace zt::http {
namespace {

namespace fs = std::filesystem;

class StaticFilesTest : public ::testing::Test {
 protected:
  void SetUp() override {
    root = fs::temp_directory_path() /
           ("zt-static-" + std::to_string(::getpid()) + "-" +
            ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::create_directories(root / "assets");
    write(root / "index.html", "<html>index</html>");
    write(root / "assets" / "index-1a2B3c4D.js", "console.log(1)");
    write(root / "favicon.ico", "ico");
    write(root.parent_path() / (root.filename().string() + "-secret.txt"), "secret");
  }
  void TearDown() override {
    fs::remove_all(root);
    fs::remove(root.parent_path() / (root.filename().string() + "-secret.txt"));
  }
  static void write(const fs::path& p, std::string_view content) {
    std::ofstream(p, std::ios::binary) << content;
  }
  std::string header(const Response& r, std::string_view name) {
    return std::string(r.find_header(name));
  }
  fs::path root;
};

TEST_F(StaticFilesTest, ServesIndexForRoot) {
  StaticFiles files(root);
  Response r = files.serve("/", std::nullopt);
  EXPECT_EQ(r.status, 200);
  EXPECT_EQ(r.content_type, "text/html; charset=utf-8");
  EXPECT_EQ(r.body, "<html>index</html>");
  EXPECT_EQ(header(r, "Cache-Control"), "no-cache");
}

TEST_F(StaticFilesTest, HashedAssetsAreImmutable) {
  StaticFiles files(root);
  Response r = files.serve("/assets/index-1a2B3c4D.js", std::nullopt);
  EXPECT_EQ(r.status, 200);
  EXPECT_EQ(r.content_type, "text/javascript; charset=utf-8");
  EXPECT_EQ(header(r, "Cache-Control"), "public, max-age=31536000, immutable");
  Response plain = files.serve("/favicon.ico", std::nullopt);
  EXPECT_EQ(plain.content_type, "image/x-icon");
  EXPECT_EQ(header(plain, "Cache-Control"), "no-cache");
}

TEST_F(StaticFilesTest, ClientRoutesGetIndexAndMissingFilesGet404) {
  StaticFiles files(root);
  EXPECT_EQ(files.serve("/console/catalog/330300-GA-0001", std::nullopt).body,
            "<html>index</html>");
  Response missing = files.serve("/assets/missing.js", std::nullopt);
  EXPECT_EQ(missing.status, 404);
  EXPECT_EQ(missing.content_type, "application/problem+json");
}

TEST_F(StaticFilesTest, EtagGives304) {
  StaticFiles files(root);
  Response first = files.serve("/favicon.ico", std::nullopt);
  const std::string etag = header(first, "ETag");
  ASSERT_FALSE(etag.empty());
  Response again = files.serve("/favicon.ico", etag);
  EXPECT_EQ(again.status, 304);
  EXPECT_TRUE(again.body.empty());
}

TEST_F(StaticFilesTest, TraversalNeverLeavesTheRoot) {
  StaticFiles files(root);
  const std::string secret = "/../" + root.filename().string() + "-secret.txt";
  for (std::string path : {secret, std::string("/..%2f") + root.filename().string() + "-secret.txt",
                           std::string("/%2e%2e/") + root.filename().string() + "-secret.txt"}) {
    Response r = files.serve(path, std::nullopt);
    EXPECT_NE(r.body, "secret") << path;
    EXPECT_EQ(r.status, 400) << path;
  }
  EXPECT_EQ(files.serve("/a%00b", std::nullopt).status, 400);
  EXPECT_EQ(files.serve("/%zz", std::nullopt).status, 400);
}

TEST_F(StaticFilesTest, SymlinksOutOfTheRootAreRefused) {
  const fs::path secret = root.parent_path() / (root.filename().string() + "-secret.txt");
  fs::create_symlink(secret, root / "leak.txt");
  fs::create_directory_symlink(root.parent_path(), root / "up");
  fs::create_symlink(root / "favicon.ico", root / "inside.ico");
  StaticFiles files(root);
  Response leak = files.serve("/leak.txt", std::nullopt);
  EXPECT_NE(leak.body, "secret");
  EXPECT_EQ(leak.status, 404);
  Response up = files.serve("/up/" + secret.filename().string(), std::nullopt);
  EXPECT_NE(up.body, "secret");
  EXPECT_EQ(up.status, 404);
  // A link that stays inside the root is served.
  Response inside = files.serve("/inside.ico", std::nullopt);
  EXPECT_EQ(inside.status, 200);
  EXPECT_EQ(inside.body, "ico");
  // An index.html that points out of the root is not served either.
  fs::remove(root / "index.html");
  fs::create_symlink(secret, root / "index.html");
  EXPECT_NE(files.serve("/", std::nullopt).body, "secret");
}

TEST_F(StaticFilesTest, PlaceholderWhenFrontEndIsNotBuilt) {
  StaticFiles files(root / "does-not-exist");
  Response r = files.serve("/", std::nullopt);
  EXPECT_EQ(r.status, 200);
  EXPECT_NE(r.body.find("Zhengtong"), std::string::npos);
  EXPECT_NE(r.body.find("/api/openapi.json"), std::string::npos);
}

TEST(ContentType, ByExtension) {
  EXPECT_EQ(StaticFiles::content_type("a.css"), "text/css; charset=utf-8");
  EXPECT_EQ(StaticFiles::content_type("a.woff2"), "font/woff2");
  EXPECT_EQ(StaticFiles::content_type("a.svg"), "image/svg+xml");
  EXPECT_EQ(StaticFiles::content_type("noext"), "application/octet-stream");
}

}  // namespace
}  // namespace zt::http
