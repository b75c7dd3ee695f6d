// The outbound client (webhook transport) against a raw loopback server on port 0: what it sends
// (request line, Host, Content-Length, the caller's headers, the exact body), the status it
// returns for 2xx and other answers, and each failure code — an https:// URL, a refused
// connection, a server that never answers (bounded by the timeout), an answer that is not
// HTTP, and a loopback address refused by the default outbound policy.
#include "http/client.h"

#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <mutex>
#include <string>
#include <thread>

namespace zt::http {
namespace {

using namespace std::chrono_literals;

// Accepts connections one at a time; reads each request (headers and Content-Length body), keeps
// it, and writes `answer` (nothing at all when it is empty: the client waits).
class RawServer {
 public:
  explicit RawServer(std::string answer) : answer_(std::move(answer)) {
    fd_ = ::socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    int one = 1;
    ::setsockopt(fd_, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
    if (::bind(fd_, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0 || ::listen(fd_, 8)) {
      ADD_FAILURE() << "cannot listen";
    }
    socklen_t len = sizeof addr;
    ::getsockname(fd_, reinterpret_cast<sockaddr*>(&addr), &len);
    port_ = ntohs(addr.sin_port);
    thread_ = std::thread([this] { run(); });
  }
  ~RawServer() {
    stop_ = true;
    thread_.join();
    ::close(fd_);
  }

  std::uint16_t port() const { return port_; }
  std::string request() {
    std::lock_guard lock(mutex_);
    return request_;
  }

 private:
  void run() {
    while (!stop_) {
      pollfd p{fd_, POLLIN, 0};
      if (::poll(&p, 1, 50) <= 0) continue;
      const int conn = ::accept(fd_, nullptr, nullptr);
      if (conn < 0) continue;
      std::string data;
      char buf[4096];
      for (;;) {
        const auto end = data.find("\r\n\r\n");
        if (end != std::string::npos) {
          const auto cl = data.find("Content-Length: ");
          const std::size_t body = cl == std::string::npos ? 0 : std::stoul(data.substr(cl + 16));
          if (data.size() >= end + 4 + body) break;
        }
        pollfd c{conn, POLLIN, 0};
        if (::poll(&c, 1, 2000) <= 0) break;
        const auto n = ::read(conn, buf, sizeof buf);
        if (n <= 0) break;
        data.append(buf, static_cast<std::size_t>(n));
      }
      {
        std::lock_guard lock(mutex_);
        request_ = data;
      }
      if (answer_.empty()) {
        while (!stop_)
          std::this_thread::sleep_for(10ms);
      } else {
        (void)!::write(conn, answer_.data(), answer_.size());
      }
      ::close(conn);
    }
  }

  std::string answer_;
  int fd_ = -1;
  std::uint16_t port_ = 0;
  std::atomic<bool> stop_{false};
  std::mutex mutex_;
  std::string request_;
  std::thread thread_;
};

std::string url(std::uint16_t port, std::string_view path = "/hook?x=1") {
  return "http://127.0.0.1:" + std::to_string(port) + std::string(path);
}

// The raw servers listen on loopback, which the default policy refuses: these clients allow it.
NetworkList loopback() {
  auto networks = NetworkList::parse({"127.0.0.0/8"});
  EXPECT_TRUE(networks.ok());
  return networks.ok() ? *networks : NetworkList{};
}

TEST(HttpClient, SendsTheRequestAndReturnsTheStatus) {
  RawServer server("HTTP/1.1 204 No Content\r\nConnection: close\r\n\r\n");
  Client client(loopback());
  const std::string body = R"({"changes":[{"seq":1}],"name":"张三"})";
  auto status = client.post(url(server.port()),
                            {{"Content-Type", "application/json"}, {"X-Zhengtong-Delivery", "7"}},
                            body, 2000ms);
  ASSERT_TRUE(status.ok()) << status.error().code << ": " << status.error().detail;
  EXPECT_EQ(*status, 204);
  const std::string request = server.request();
  EXPECT_EQ(request.rfind("POST /hook?x=1 HTTP/1.1\r\n", 0), 0u) << request;
  EXPECT_NE(request.find("Host: 127.0.0.1:" + std::to_string(server.port()) + "\r\n"),
            std::string::npos);
  EXPECT_NE(request.find("Content-Type: application/json\r\n"), std::string::npos);
  EXPECT_NE(request.find("X-Zhengtong-Delivery: 7\r\n"), std::string::npos);
  EXPECT_NE(request.find("Content-Length: " + std::to_string(body.size()) + "\r\n"),
            std::string::npos);
  EXPECT_NE(request.find("User-Agent: Zhengtong\r\n"), std::string::npos);
  EXPECT_EQ(request.substr(request.find("\r\n\r\n") + 4), body);
}

TEST(HttpClient, AnyStatusIsReturnedWithoutReadingTheBody) {
  RawServer server(
      "HTTP/1.1 500 Internal Server Error\r\nContent-Length: 5\r\nConnection: close\r\n\r\noops!");
  Client client(loopback());
  auto status = client.post(url(server.port(), ""), {}, "{}", 2000ms);
  ASSERT_TRUE(status.ok()) << status.error().detail;
  EXPECT_EQ(*status, 500);
  EXPECT_EQ(server.request().rfind("POST / HTTP/1.1\r\n", 0), 0u);  // an empty path is "/"
}

TEST(HttpClient, FailuresHaveStableCodes) {
  Client client(loopback());
  auto https = client.post("https://127.0.0.1/hook", {}, "{}", 1000ms);
  ASSERT_FALSE(https.ok());
  EXPECT_EQ(https.error().code, "invalid_url");
  EXPECT_FALSE(client.post("not a url", {}, "{}", 1000ms).ok());

  std::uint16_t closed_port = 0;
  {
    RawServer gone("x");
    closed_port = gone.port();
  }
  auto refused = client.post(url(closed_port), {}, "{}", 1000ms);
  ASSERT_FALSE(refused.ok());
  EXPECT_EQ(refused.error().code, "connection_failed") << refused.error().detail;

  RawServer garbage("SSH-2.0-OpenSSH_9.2\r\n\r\n");
  auto bad = client.post(url(garbage.port()), {}, "{}", 2000ms);
  ASSERT_FALSE(bad.ok());
  EXPECT_EQ(bad.error().code, "invalid_response") << bad.error().detail;
}

TEST(HttpClient, ASilentServerIsATimeoutWithinTheLimit) {
  RawServer silent("");
  Client client(loopback());
  const auto start = std::chrono::steady_clock::now();
  auto status = client.post(url(silent.port()), {}, "{}", 300ms);
  const auto took = std::chrono::steady_clock::now() - start;
  ASSERT_FALSE(status.ok());
  EXPECT_EQ(status.error().code, "timeout") << status.error().detail;
  EXPECT_EQ(status.error().kind, ErrorKind::kUnavailable);
  EXPECT_GE(took, 290ms);
  EXPECT_LT(took, 2000ms);
}

// By default the client never connects to loopback (nor link-local, multicast, unspecified):
// neither to an address nor to a name that resolves there. A subscription's URL is refused at
// once when its host is such an address.
TEST(HttpClient, TheDefaultPolicyRefusesLoopbackWithoutConnecting) {
  RawServer server("HTTP/1.1 204 No Content\r\nConnection: close\r\n\r\n");
  Client client;
  for (const std::string& target :
       {url(server.port()), "http://localhost:" + std::to_string(server.port()) + "/hook",
        std::string("http://[::1]:9/hook"), std::string("http://169.254.169.254/latest")}) {
    auto status = client.post(target, {}, "{}", 1000ms);
    ASSERT_FALSE(status.ok()) << target;
    EXPECT_EQ(status.error().code, "address_not_allowed")
        << target << ": " << status.error().detail;
  }
  EXPECT_EQ(client.check_destination(url(server.port())).error().code, "address_not_allowed");
  EXPECT_EQ(client.check_destination("http://0.0.0.0/x").error().code, "address_not_allowed");
  EXPECT_TRUE(client.check_destination("http://10.1.2.3:8080/hook").ok());
  EXPECT_TRUE(client.check_destination("http://hooks.example.gov.cn/x").ok());  // judged later

  // An operator's list admits exactly its networks.
  auto only_private = NetworkList::parse({"10.0.0.0/8"});
  ASSERT_TRUE(only_private.ok());
  Client strict(*only_private);
  EXPECT_TRUE(strict.check_destination("http://10.200.0.1/hook").ok());
  EXPECT_EQ(strict.check_destination("http://203.0.113.9/hook").error().code,
            "address_not_allowed");
  EXPECT_EQ(strict.post(url(server.port()), {}, "{}", 1000ms).error().code, "address_not_allowed");
  EXPECT_EQ(Client(loopback()).post(url(server.port()), {}, "{}", 2000ms).value(), 204);
}

}  // namespace
}  // namespace zt::http
