// The web front end: files from web_root, client-side routes, caching, path traversal and the
// placeholder page when the front end has not been built.
#include "integration/server_test.h"

namespace zt::test {
namespace {

using StaticFilesTest = ServerTest;

constexpr std::string_view kIndex =
    "<!doctype html><html><head><title>政通 console</title></head><body>index</body></html>\n";
constexpr std::string_view kAsset = "console.log('政通');\n";
constexpr std::string_view kAssetPath = "/assets/app-1a2b3c4d.js";

ServerOptions with_front_end() {
  ServerOptions options;
  options.web_files = {{"index.html", std::string(kIndex)},
                       {"assets/app-1a2b3c4d.js", std::string(kAsset)},
                       {"robots.txt", "User-agent: *\n"}};
  return options;
}

TEST_F(StaticFilesTest, RootIsTheIndex) {
  ASSERT_TRUE(start(with_front_end()));
  auto r = fetch("GET", "/");
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 200);
  EXPECT_EQ(r->header("Content-Type"), "text/html; charset=utf-8");
  EXPECT_EQ(r->header("Cache-Control"), "no-cache");
  EXPECT_EQ(r->body, kIndex);
}

TEST_F(StaticFilesTest, ClientRouteGetsTheIndex) {
  ASSERT_TRUE(start(with_front_end()));
  auto r = fetch("GET", "/console/users");
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 200);
  EXPECT_EQ(r->header("Content-Type"), "text/html; charset=utf-8");
  EXPECT_EQ(r->body, kIndex);
}

TEST_F(StaticFilesTest, HashedAssetIsImmutable) {
  ASSERT_TRUE(start(with_front_end()));
  auto r = fetch("GET", kAssetPath);
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 200);
  EXPECT_EQ(r->header("Content-Type"), "text/javascript; charset=utf-8");
  EXPECT_EQ(r->header("Cache-Control"), "public, max-age=31536000, immutable");
  EXPECT_EQ(r->body, kAsset);
}

TEST_F(StaticFilesTest, UnhashedFileMustBeRevalidated) {
  ASSERT_TRUE(start(with_front_end()));
  auto r = fetch("GET", "/robots.txt");
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 200);
  EXPECT_EQ(r->header("Content-Type"), "text/plain; charset=utf-8");
  EXPECT_EQ(r->header("Cache-Control"), "no-cache");
  EXPECT_TRUE(r->header("ETag"));
}

TEST_F(StaticFilesTest, MissingFileIs404Problem) {
  ASSERT_TRUE(start(with_front_end()));
  EXPECT_TRUE(IsProblem(fetch("GET", "/missing.js"), 404, "not_found"));
}

TEST_F(StaticFilesTest, HeadOfAFileHasNoBody) {
  ASSERT_TRUE(start(with_front_end()));
  auto client = connect();
  ASSERT_TRUE(client);
  auto head = client->request("HEAD", kAssetPath);
  ASSERT_TRUE(head) << client->last_error();
  EXPECT_EQ(head->status, 200);
  EXPECT_EQ(head->header("Content-Length"), std::to_string(kAsset.size()));
  auto next = client->request("GET", "/healthz");
  ASSERT_TRUE(next) << client->last_error();
  EXPECT_EQ(next->status, 200);
}

TEST_F(StaticFilesTest, MatchingEtagIs304) {
  ASSERT_TRUE(start(with_front_end()));
  for (std::string_view path : {kAssetPath, std::string_view("/")}) {
    auto first = fetch("GET", path);
    ASSERT_TRUE(first);
    const auto etag = first->header("ETag");
    ASSERT_TRUE(etag) << path;
    auto again = fetch("GET", path, {{"If-None-Match", *etag}});
    ASSERT_TRUE(again);
    EXPECT_EQ(again->status, 304) << path;
    EXPECT_TRUE(again->body.empty()) << path;
    EXPECT_EQ(again->header("ETag"), etag) << path;
    auto stale = fetch("GET", path, {{"If-None-Match", "W/\"0-0\""}});
    ASSERT_TRUE(stale);
    EXPECT_EQ(stale->status, 200) << path;
  }
}

TEST_F(StaticFilesTest, TraversalNeverLeavesTheWebRoot) {
  ASSERT_TRUE(start(with_front_end()));
  // The config file lies one level above web_root, /etc/passwd further up.
  const std::string config_file = (server().dir() / "zhengtong.toml").string();
  for (std::string_view target :
       {"/..%2f..%2fetc/passwd", "/%2e%2e/%2e%2e/etc/passwd", "/../../etc/passwd",
        "/..%2fzhengtong.toml", "/%2e%2e/zhengtong.toml", "/assets/..%2f..%2fzhengtong.toml",
        "/%2e%2e%2f%2e%2e%2f%2e%2e%2f%2e%2e%2fetc%2fpasswd", "/..\\zhengtong.toml",
        "/%2e%2e%5czhengtong.toml"}) {
    auto client = connect();
    ASSERT_TRUE(client);
    auto r = client->request("GET", target);
    if (!r) continue;  // refused outright: also fine
    EXPECT_TRUE(r->status == 400 || r->status == 404) << target << " → " << r->status;
    EXPECT_EQ(r->body.find("root:"), std::string::npos) << target;
    EXPECT_EQ(r->body.find("[database]"), std::string::npos) << target;
    EXPECT_EQ(r->header("Content-Type"), "application/problem+json") << target;
  }
}

TEST_F(StaticFilesTest, PlaceholderWhenTheFrontEndIsNotBuilt) {
  ASSERT_TRUE(start());  // an empty web_root
  for (std::string_view path : {"/", "/console/users"}) {
    auto r = fetch("GET", path);
    ASSERT_TRUE(r);
    EXPECT_EQ(r->status, 200) << path;
    EXPECT_EQ(r->header("Content-Type"), "text/html; charset=utf-8") << path;
    EXPECT_NE(r->body.find("Zhengtong"), std::string::npos) << path;
    EXPECT_NE(r->body.find("href=\"/api/openapi.json\""), std::string::npos) << path;
  }
  EXPECT_TRUE(IsProblem(fetch("GET", "/missing.js"), 404, "not_found"));
}

TEST_F(StaticFilesTest, ApiPathsAreNeverStaticFiles) {
  ServerOptions options = with_front_end();
  options.web_files["api/v1/file.txt"] = "not served";
  ASSERT_TRUE(start(options));
  EXPECT_TRUE(IsProblem(fetch("GET", "/api/v1/file.txt"), 404, "route_not_found"));
  EXPECT_TRUE(IsProblem(fetch("GET", "/api/console"), 404, "route_not_found"));
}

}  // namespace
}  // namespace zt::test
