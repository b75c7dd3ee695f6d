// Streamed request bodies (RouteOptions::stream_body): uploads read piece by piece while they
// arrive, through POST /api/v1/debug/upload, which answers the size and FNV-1a 64 hash of what it
// read (or 400 debug_failure after ?fail_after=N bytes, leaving the rest unread).
#include "integration/server_test.h"

#include <dirent.h>
#include <unistd.h>

#include <cstdlib>
#include <fstream>
#include <sstream>
#include <thread>

namespace zt::test {
namespace {

using Clock = std::chrono::steady_clock;
using std::chrono::milliseconds;
using std::chrono::seconds;

using UploadTest = ServerTest;

constexpr std::string_view kUpload = "/api/v1/debug/upload";
constexpr std::size_t kMiB = 1 << 20;
constexpr std::size_t kLimit = 64 * kMiB;  // the debug route's body_limit

// FNV-1a 64, fed piece by piece.
struct Fnv1a64 {
  std::uint64_t hash = 0xcbf29ce484222325;
  void update(std::string_view bytes) {
    for (unsigned char c : bytes) {
      hash ^= c;
      hash *= 0x100000001b3;
    }
  }
  std::string hex() const { return fmt::format("{:016x}", hash); }
};

// `size` bytes that differ from one upload to the next (`seed`) and are not all text.
std::string make_body(std::size_t size, std::uint64_t seed) {
  std::string body(size, '\0');
  std::uint64_t x = seed * 0x9e3779b97f4a7c15 + 1;
  for (char& c : body) {
    x ^= x << 13;
    x ^= x >> 7;
    x ^= x << 17;
    c = static_cast<char>(x);
  }
  return body;
}

std::string upload_head(std::string_view target, std::string_view framing,
                        std::string_view type = "application/octet-stream") {
  return fmt::format("POST {} HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: {}\r\n{}\r\n\r\n",
                     target, type, framing);
}

// Sends `body` in pieces of `piece` bytes (the head must have been sent).
bool send_pieces(HttpClient& client, std::string_view body, std::size_t piece = 256 * 1024) {
  for (std::size_t at = 0; at < body.size(); at += piece) {
    if (!client.send(body.substr(at, piece))) return false;
  }
  return true;
}

// Sends `body` as chunks whose sizes cycle through `sizes`, then the last chunk.
bool send_chunked(HttpClient& client, std::string_view body,
                  const std::vector<std::size_t>& sizes) {
  std::size_t i = 0;
  while (!body.empty()) {
    const std::string_view chunk = body.substr(0, sizes[i++ % sizes.size()]);
    body.remove_prefix(chunk.size());
    if (!client.send(fmt::format("{:x}\r\n", chunk.size())) || !client.send(chunk) ||
        !client.send("\r\n")) {
      return false;
    }
  }
  return client.send("0\r\n\r\n");
}

// Whether `r` is the debug route's 200 for a body of `size` bytes with hash `hash`, in at least
// `min_pieces` pieces.
::testing::AssertionResult IsUploadSummary(const std::optional<HttpResponse>& r, std::size_t size,
                                           const std::string& hash, std::size_t min_pieces) {
  if (!r) return ::testing::AssertionFailure() << "no response";
  if (r->status != 200) {
    return ::testing::AssertionFailure() << "status " << r->status << ": " << r->body;
  }
  const auto json = r->json();
  const auto* object = json.if_object();
  if (object == nullptr || !object->contains("bytes") || !object->contains("pieces") ||
      !object->contains("fnv1a64")) {
    return ::testing::AssertionFailure() << "not a summary: " << r->body;
  }
  if (object->at("bytes").to_number<std::uint64_t>() != size) {
    return ::testing::AssertionFailure() << "expected " << size << " bytes: " << r->body;
  }
  if (object->at("fnv1a64") != hash.c_str()) {
    return ::testing::AssertionFailure() << "expected hash " << hash << ": " << r->body;
  }
  if (object->at("pieces").to_number<std::uint64_t>() < min_pieces) {
    return ::testing::AssertionFailure()
           << "expected at least " << min_pieces << " pieces: " << r->body;
  }
  return ::testing::AssertionSuccess();
}

std::string hash_of(std::string_view body) {
  Fnv1a64 h;
  h.update(body);
  return h.hex();
}

// The pid of this test's server: the child of this process named zhengtong; 0 if none.
pid_t server_pid() {
  const pid_t self = ::getpid();
  DIR* proc = ::opendir("/proc");
  if (proc == nullptr) return 0;
  pid_t found = 0;
  while (dirent* entry = ::readdir(proc)) {
    const pid_t pid = std::atoi(entry->d_name);
    if (pid <= 0) continue;
    std::ifstream stat(fmt::format("/proc/{}/stat", pid));
    std::string line;
    std::getline(stat, line);
    const auto open = line.find('('), close = line.rfind(')');
    if (open == std::string::npos || close == std::string::npos) continue;
    std::istringstream rest(line.substr(close + 2));
    char state = 0;
    pid_t parent = 0;
    rest >> state >> parent;
    if (parent == self && line.substr(open + 1, close - open - 1) == "zhengtong") found = pid;
  }
  ::closedir(proc);
  return found;
}

// The peak resident set size of process `pid` in KiB (VmHWM), or 0.
long peak_rss_kib(pid_t pid) {
  std::ifstream status(fmt::format("/proc/{}/status", pid));
  std::string line;
  while (std::getline(status, line)) {
    if (line.starts_with("VmHWM:")) return std::atol(line.c_str() + 6);
  }
  return 0;
}

TEST_F(UploadTest, ContentLengthUploadIsReadWholeInPieces) {
  ASSERT_TRUE(start());
  const std::string body = make_body(20 * kMiB, 1);
  auto client = connect();
  ASSERT_TRUE(client);
  ASSERT_TRUE(client->send(
      upload_head(kUpload, fmt::format("Content-Length: {}", body.size()), "text/csv")));
  ASSERT_TRUE(send_pieces(*client, body)) << client->last_error();
  auto r = client->read_response(false, seconds(60));
  ASSERT_TRUE(r) << client->last_error();
  EXPECT_TRUE(IsUploadSummary(r, body.size(), hash_of(body), body.size() / (64 * 1024)));
  EXPECT_NE(r->header("Connection"), "close");

  // The whole body was read: the connection serves the next request.
  auto next = client->request("GET", "/healthz");
  ASSERT_TRUE(next) << client->last_error();
  EXPECT_EQ(next->status, 200);
}

TEST_F(UploadTest, ChunkedUploadIsReadWhole) {
  ASSERT_TRUE(start());
  const std::string body = make_body(20 * kMiB + 12345, 2);
  auto client = connect();
  ASSERT_TRUE(client);
  ASSERT_TRUE(
      client->send(upload_head(kUpload, "Transfer-Encoding: chunked", "application/x-ndjson")));
  // A slow start: a few small chunks with pauses, so the handler reads pieces as they come.
  std::string_view rest = body;
  for (int i = 0; i < 5; ++i) {
    const auto chunk = rest.substr(0, 1000 + i);
    rest.remove_prefix(chunk.size());
    ASSERT_TRUE(client->send(fmt::format("{:x}\r\n{}\r\n", chunk.size(), chunk)));
    std::this_thread::sleep_for(milliseconds(50));
  }
  ASSERT_TRUE(send_chunked(*client, rest, {1, 70000, 65536, 3, 1 << 20, 4096}))
      << client->last_error();
  auto r = client->read_response(false, seconds(60));
  ASSERT_TRUE(r) << client->last_error();
  EXPECT_TRUE(IsUploadSummary(r, body.size(), hash_of(body), 5 + body.size() / (64 * 1024)));

  auto next = client->request("GET", "/healthz");
  ASSERT_TRUE(next) << client->last_error();
  EXPECT_EQ(next->status, 200);
}

TEST_F(UploadTest, EmptyAndExactlyAtTheLimitUploads) {
  ASSERT_TRUE(start());
  auto empty = fetch("POST", std::string(kUpload), {{"Content-Type", "text/csv"}});
  EXPECT_TRUE(IsUploadSummary(empty, 0, hash_of(""), 0));

  const std::string body = make_body(kLimit, 3);
  auto client = connect();
  ASSERT_TRUE(client);
  ASSERT_TRUE(client->send(upload_head(kUpload, fmt::format("Content-Length: {}", body.size()))));
  ASSERT_TRUE(send_pieces(*client, body)) << client->last_error();
  auto r = client->read_response(false, seconds(60));
  ASSERT_TRUE(r) << client->last_error();
  EXPECT_TRUE(IsUploadSummary(r, body.size(), hash_of(body), 1));
}

TEST_F(UploadTest, ContentLengthOverTheLimitIs413BeforeTheBody) {
  ASSERT_TRUE(start());
  auto client = connect();
  ASSERT_TRUE(client);
  ASSERT_TRUE(client->send(upload_head(kUpload, fmt::format("Content-Length: {}", kLimit + 1))));
  auto r = client->read_response(false, seconds(10));
  ASSERT_TRUE(r) << client->last_error();
  EXPECT_TRUE(IsProblem(r, 413, "body_too_large"));
  EXPECT_EQ(r->header("Connection"), "close");
  EXPECT_TRUE(client->is_closed_by_peer(seconds(10))) << client->last_error();
}

TEST_F(UploadTest, ChunkedOverTheLimitIs413) {
  ASSERT_TRUE(start());
  const std::string body = make_body(kLimit + kMiB, 4);
  auto client = connect();
  ASSERT_TRUE(client);
  ASSERT_TRUE(client->send(upload_head(kUpload, "Transfer-Encoding: chunked")));
  // The server stops taking the body at the limit; the rest may be refused.
  (void)send_chunked(*client, body, {kMiB});
  auto r = client->read_response(false, seconds(30));
  ASSERT_TRUE(r) << client->last_error();
  EXPECT_TRUE(IsProblem(r, 413, "body_too_large"));
  EXPECT_EQ(r->header("Connection"), "close");
  EXPECT_TRUE(client->is_closed_by_peer(seconds(10))) << client->last_error();

  auto health = fetch("GET", "/healthz");
  ASSERT_TRUE(health);
  EXPECT_EQ(health->status, 200);
}

TEST_F(UploadTest, MalformedChunkIs400) {
  ASSERT_TRUE(start());
  auto client = connect();
  ASSERT_TRUE(client);
  ASSERT_TRUE(client->send(upload_head(kUpload, "Transfer-Encoding: chunked")));
  ASSERT_TRUE(client->send("5\r\nhello\r\nzz\r\n"));
  auto r = client->read_response(false, seconds(10));
  ASSERT_TRUE(r) << client->last_error();
  EXPECT_TRUE(IsProblem(r, 400, "malformed_request"));
  EXPECT_TRUE(client->is_closed_by_peer(seconds(10))) << client->last_error();
}

TEST_F(UploadTest, EarlyAnswerClosesTheConnectionAndTheServerGoesOn) {
  ASSERT_TRUE(start());
  const std::string body = make_body(20 * kMiB, 5);
  auto client = connect();
  ASSERT_TRUE(client);
  ASSERT_TRUE(client->send(upload_head(fmt::format("{}?fail_after={}", kUpload, kMiB),
                                       fmt::format("Content-Length: {}", body.size()))));
  // A tenth of the body: the answer comes before the rest is sent.
  ASSERT_TRUE(send_pieces(*client, std::string_view(body).substr(0, 2 * kMiB)));
  auto r = client->read_response(false, seconds(10));
  ASSERT_TRUE(r) << client->last_error();
  EXPECT_TRUE(IsProblem(r, 400, "debug_failure"));
  EXPECT_EQ(r->header("Connection"), "close");
  // The unread body must not be taken for a next request: the server closes.
  EXPECT_TRUE(client->is_closed_by_peer(seconds(10))) << client->last_error();

  // New connections are served, uploads included.
  auto health = fetch("GET", "/healthz");
  ASSERT_TRUE(health);
  EXPECT_EQ(health->status, 200);
  const std::string small = make_body(300 * 1024, 6);
  auto again =
      fetch("POST", std::string(kUpload), {{"Content-Type", "application/octet-stream"}}, small);
  EXPECT_TRUE(IsUploadSummary(again, small.size(), hash_of(small), 1));
}

TEST_F(UploadTest, EarlyAnswerToASmallBodyComesOnce) {
  ASSERT_TRUE(start());
  auto client = connect();
  ASSERT_TRUE(client);
  // fail_after=0 answers before reading; the whole (tiny) body is already in the server's hands,
  // so the server may or may not keep the connection, but it must answer exactly once.
  auto r = client->request("POST", fmt::format("{}?fail_after=0", kUpload),
                           {{"Content-Type", "text/csv"}}, "a,b\n1,2\n");
  ASSERT_TRUE(r) << client->last_error();
  EXPECT_TRUE(IsProblem(r, 400, "debug_failure"));
  if (r->header("Connection") != "close") {
    auto next = client->request("GET", "/healthz");
    ASSERT_TRUE(next) << client->last_error();
    EXPECT_EQ(next->status, 200);
  }
}

TEST_F(UploadTest, UnacceptedMediaTypeIs415) {
  ASSERT_TRUE(start());
  auto r = fetch("POST", std::string(kUpload), {{"Content-Type", "application/json"}}, "{}");
  EXPECT_TRUE(IsProblem(r, 415, "unsupported_media_type"));
}

TEST_F(UploadTest, ClientLeavingMidBodyDoesNotHurtTheServer) {
  ASSERT_TRUE(start());
  const std::string body = make_body(5 * kMiB, 7);
  for (int i = 0; i < 3; ++i) {
    auto client = connect();
    ASSERT_TRUE(client);
    ASSERT_TRUE(
        client->send(upload_head(kUpload, fmt::format("Content-Length: {}", 4 * body.size()))));
    ASSERT_TRUE(send_pieces(*client, body));
  }  // closed with three quarters of the body missing
  {
    auto client = connect();
    ASSERT_TRUE(client);
    ASSERT_TRUE(client->send(upload_head(kUpload, "Transfer-Encoding: chunked")));
    ASSERT_TRUE(client->send("10000\r\n"));
    ASSERT_TRUE(client->send(std::string_view(body).substr(0, 1000)));
  }  // closed in the middle of a chunk
  for (int i = 0; i < 3; ++i) {
    auto health = fetch("GET", "/healthz");
    ASSERT_TRUE(health);
    EXPECT_EQ(health->status, 200);
  }
  server().terminate();
  EXPECT_EQ(server().wait_exit(seconds(30)), 0);
}

TEST_F(UploadTest, StalledBodyTimesOut) {
  ASSERT_TRUE(start({.body_timeout_ms = 1000}));
  auto client = connect();
  ASSERT_TRUE(client);
  ASSERT_TRUE(client->send(upload_head(kUpload, "Content-Length: 100000")));
  ASSERT_TRUE(client->send(std::string(50000, 'x')));
  const auto sent = Clock::now();
  EXPECT_TRUE(client->is_closed_by_peer(seconds(10))) << client->last_error();
  EXPECT_LT(Clock::now() - sent, seconds(5));
  auto health = fetch("GET", "/healthz");
  ASSERT_TRUE(health);
  EXPECT_EQ(health->status, 200);
}

TEST_F(UploadTest, GracefulStopWaitsForAnUploadInFlight) {
  ASSERT_TRUE(start());
  const std::string body = make_body(8 * kMiB, 8);
  auto client = connect();
  ASSERT_TRUE(client);
  ASSERT_TRUE(client->send(upload_head(kUpload, fmt::format("Content-Length: {}", body.size()))));
  ASSERT_TRUE(send_pieces(*client, std::string_view(body).substr(0, kMiB)));
  std::this_thread::sleep_for(milliseconds(300));  // the handler is reading
  server().terminate();
  std::this_thread::sleep_for(milliseconds(300));
  ASSERT_TRUE(send_pieces(*client, std::string_view(body).substr(kMiB))) << client->last_error();
  auto r = client->read_response(false, seconds(30));
  ASSERT_TRUE(r) << client->last_error();
  EXPECT_TRUE(IsUploadSummary(r, body.size(), hash_of(body), 1));
  EXPECT_EQ(r->header("Connection"), "close");
  EXPECT_EQ(server().wait_exit(seconds(30)), 0);
}

TEST_F(UploadTest, LargeUploadTakesConstantMemory) {
  ASSERT_TRUE(start());
  const pid_t pid = server_pid();
  if (pid == 0 || peak_rss_kib(pid) == 0) GTEST_SKIP() << "cannot read the server's VmHWM";
  // Warm up (threads, allocator arenas) with a small upload first.
  const std::string small = make_body(4 * kMiB, 9);
  auto warm = fetch("POST", std::string(kUpload), {{"Content-Type", "text/csv"}}, small);
  ASSERT_TRUE(IsUploadSummary(warm, small.size(), hash_of(small), 1));
  const long before = peak_rss_kib(pid);

  // A body at the route's limit, produced and hashed piece by piece on this side too.
  auto client = connect();
  ASSERT_TRUE(client);
  ASSERT_TRUE(client->send(upload_head(kUpload, fmt::format("Content-Length: {}", kLimit))));
  Fnv1a64 hash;
  for (std::size_t sent = 0; sent < kLimit; sent += 4 * kMiB) {
    const std::string piece = make_body(4 * kMiB, 100 + sent);
    hash.update(piece);
    ASSERT_TRUE(client->send(piece)) << client->last_error();
  }
  auto r = client->read_response(false, seconds(60));
  ASSERT_TRUE(r) << client->last_error();
  EXPECT_TRUE(IsUploadSummary(r, kLimit, hash.hex(), 1));
  const long after = peak_rss_kib(pid);
  EXPECT_LT(after - before, 16 * 1024) << "VmHWM grew from " << before << " KiB to " << after
                                       << " KiB for a " << kLimit / kMiB << " MiB upload";
}

}  // namespace
}  // namespace zt::test
