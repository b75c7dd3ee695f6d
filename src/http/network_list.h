// NetworkList: IP networks (CIDR blocks such as 10.0.0.0/8 or fd00::/8, or single addresses),
// and the rule for where Zhengtong's outbound requests (webhook deliveries) may connect.
//
// A subscriber chooses its callback URL, so without a rule any department could make the server
// POST to itself or to its neighbours' internal services (SSRF): the loopback interface, the
// cloud metadata address 169.254.169.254, and so on. outbound_allowed() refuses those address
// classes by default; an operator who lists networks ([exchange] webhook_allowed_networks)
// admits exactly those instead.
//
// Thread-safety: immutable after parse(); contains() and outbound_allowed() are const.
#pragma once

#include <boost/asio/ip/address.hpp>

#include <array>
#include <cstdint>
#include <string>
#include <vector>

#include "core/result.h"

namespace zt::http {

class NetworkList {
 public:
  NetworkList() = default;

  // Parses blocks "a.b.c.d/n" (n 0–32), "x:…:y/n" (n 0–128) or single addresses. Failure:
  // "invalid_network" naming the first block that is not one.
  static Result<NetworkList> parse(const std::vector<std::string>& blocks);

  bool empty() const { return networks_.empty(); }

  // Whether `address` lies in one of the networks. An IPv4-mapped IPv6 address
  // (::ffff:a.b.c.d) is matched as its IPv4 address.
  bool contains(const boost::asio::ip::address& address) const;

 private:
  struct Network {
    bool v4 = false;
    std::array<std::uint8_t, 16> bytes{};  // IPv4 in the first 4
    unsigned prefix = 0;
  };
  std::vector<Network> networks_;
};

// Where an outbound request may connect: inside `allowed` when it lists networks; otherwise
// anywhere except loopback, unspecified (0.0.0.0/8, ::), link-local (169.254.0.0/16, fe80::/10),
// multicast and the IPv4 broadcast address.
bool outbound_allowed(const NetworkList& allowed, const boost::asio::ip::address& address);

}  // namespace zt::http
