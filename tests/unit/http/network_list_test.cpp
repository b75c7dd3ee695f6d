// NetworkList parsing and matching (CIDR blocks, single addresses, IPv4-mapped IPv6) and the
// default outbound rule for webhook deliveries.
#include "http/network_list.h"

#include <gtest/gtest.h>

namespace zt::http {
namespace {

boost::asio::ip::address ip(const char* text) {
  return boost::asio::ip::make_address(text);
}

TEST(NetworkList, MatchesAddressesInsideItsBlocks) {
  auto list = NetworkList::parse({"10.0.0.0/8", "192.168.1.20", "fd00::/8", "172.16.0.0/12"});
  ASSERT_TRUE(list.ok()) << list.error().detail;
  EXPECT_TRUE(list->contains(ip("10.255.1.2")));
  EXPECT_TRUE(list->contains(ip("192.168.1.20")));
  EXPECT_FALSE(list->contains(ip("192.168.1.21")));  // a single address is a /32
  EXPECT_TRUE(list->contains(ip("172.31.255.255")));
  EXPECT_FALSE(list->contains(ip("172.32.0.0")));  // /12 ends at 172.31
  EXPECT_TRUE(list->contains(ip("fd12:3456::1")));
  EXPECT_FALSE(list->contains(ip("fe80::1")));
  EXPECT_TRUE(list->contains(ip("::ffff:10.1.2.3")));  // IPv4-mapped: as its IPv4 address
  EXPECT_FALSE(list->contains(ip("11.0.0.1")));

  auto everything = NetworkList::parse({"0.0.0.0/0"});
  ASSERT_TRUE(everything.ok());
  EXPECT_TRUE(everything->contains(ip("203.0.113.7")));
  EXPECT_FALSE(everything->contains(ip("2001:db8::1")));  // IPv4 blocks hold IPv4 only
  EXPECT_TRUE(NetworkList{}.empty());
}

TEST(NetworkList, RefusesWhatIsNotANetwork) {
  for (const char* bad : {"", "10.0.0.0/33", "fd00::/129", "10.0.0.0/", "10.0.0.0/8x", "10.0.0/8",
                          "example.gov.cn", "10.0.0.0/-1", " 10.0.0.1"}) {
    auto list = NetworkList::parse({"127.0.0.1", bad});
    ASSERT_FALSE(list.ok()) << bad;
    EXPECT_EQ(list.error().code, "invalid_network");
    EXPECT_NE(list.error().detail.find(bad), std::string::npos) << list.error().detail;
  }
}

TEST(NetworkList, TheDefaultOutboundRuleRefusesInternalAddressClassesOnly) {
  const NetworkList none;
  for (const char* refused :
       {"127.0.0.1", "127.8.9.10", "::1", "0.0.0.0", "0.1.2.3", "::", "169.254.169.254", "fe80::1",
        "224.0.0.1", "ff02::1", "255.255.255.255", "::ffff:127.0.0.1"}) {
    EXPECT_FALSE(outbound_allowed(none, ip(refused))) << refused;
  }
  for (const char* allowed :
       {"10.1.2.3", "192.168.0.10", "172.20.1.1", "203.0.113.9", "fd00::5", "2001:db8::1"}) {
    EXPECT_TRUE(outbound_allowed(none, ip(allowed))) << allowed;
  }
  auto loopback = NetworkList::parse({"127.0.0.0/8"});
  ASSERT_TRUE(loopback.ok());
  EXPECT_TRUE(outbound_allowed(*loopback, ip("127.0.0.1")));  // a list admits exactly its own
  EXPECT_FALSE(outbound_allowed(*loopback, ip("10.1.2.3")));
}

}  // namespace
}  // namespace zt::http
