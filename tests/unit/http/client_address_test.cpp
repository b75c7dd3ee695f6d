#include "http/client_address.h"

#include <gtest/gtest.h>

namespace zt::http {
namespace {

const std::vector<std::string> kProxies = {"127.0.0.1", "10.0.0.2"};

TEST(ClientAddress, PeerWhenNotBehindATrustedProxy) {
  EXPECT_EQ(client_address("198.51.100.4", std::nullopt, kProxies), "198.51.100.4");
  // A client cannot choose its address by sending the header itself.
  EXPECT_EQ(client_address("198.51.100.4", "203.0.113.9", kProxies), "198.51.100.4");
  EXPECT_EQ(client_address("127.0.0.1", "203.0.113.9", {}), "127.0.0.1");
}

TEST(ClientAddress, NearestUntrustedHopBehindProxies) {
  EXPECT_EQ(client_address("127.0.0.1", "203.0.113.9", kProxies), "203.0.113.9");
  // Two proxies: nginx (10.0.0.2) in front of a local one (127.0.0.1).
  EXPECT_EQ(client_address("127.0.0.1", "203.0.113.9, 10.0.0.2", kProxies), "203.0.113.9");
  // What the client wrote itself (left of the first untrusted hop) is ignored.
  EXPECT_EQ(client_address("127.0.0.1", "1.2.3.4, 203.0.113.9", kProxies), "203.0.113.9");
  EXPECT_EQ(client_address("127.0.0.1", " 2001:db8::7 ", kProxies), "2001:db8::7");
}

TEST(ClientAddress, GarbageStopsTheWalk) {
  EXPECT_EQ(client_address("127.0.0.1", "not-an-ip", kProxies), "127.0.0.1");
  EXPECT_EQ(client_address("127.0.0.1", "203.0.113.9, junk", kProxies), "127.0.0.1");
  EXPECT_EQ(client_address("127.0.0.1", "", kProxies), "127.0.0.1");
  // Only trusted hops: the leftmost of them.
  EXPECT_EQ(client_address("127.0.0.1", "10.0.0.2", kProxies), "10.0.0.2");
}

TEST(ClientAddress, IpAddressForms) {
  EXPECT_TRUE(is_ip_address("127.0.0.1"));
  EXPECT_TRUE(is_ip_address("::1"));
  EXPECT_FALSE(is_ip_address("localhost"));
  EXPECT_FALSE(is_ip_address("1.2.3.4.5"));
  EXPECT_FALSE(is_ip_address(""));
}

}  // namespace
}  // namespace zt::http
