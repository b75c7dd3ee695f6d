#include "http/network_list.h"

#include <fmt/format.h>

#include <charconv>

namespace zt::http {

namespace {

namespace ip = boost::asio::ip;

// IPv4-mapped IPv6 addresses are their IPv4 address.
ip::address unmapped(const ip::address& a) {
  if (a.is_v6() && a.to_v6().is_v4_mapped()) {
    return ip::make_address_v4(ip::v4_mapped, a.to_v6());
  }
  return a;
}

// The address's bytes, IPv4 in the first 4.
std::array<std::uint8_t, 16> bytes_of(const ip::address& a) {
  if (a.is_v6()) return a.to_v6().to_bytes();
  std::array<std::uint8_t, 16> bytes{};
  const auto b = a.to_v4().to_bytes();
  std::copy(b.begin(), b.end(), bytes.begin());
  return bytes;
}

bool prefix_matches(const std::uint8_t* a, const std::uint8_t* b, unsigned prefix) {
  const unsigned whole = prefix / 8;
  for (unsigned i = 0; i < whole; ++i) {
    if (a[i] != b[i]) return false;
  }
  const unsigned rest = prefix % 8;
  if (rest == 0) return true;
  const auto mask = static_cast<std::uint8_t>(0xFF << (8 - rest));
  return (a[whole] & mask) == (b[whole] & mask);
}

}  // namespace

Result<NetworkList> NetworkList::parse(const std::vector<std::string>& blocks) {
  NetworkList out;
  for (const std::string& block : blocks) {
    auto bad = [&] {
      return Error::invalid("invalid_network",
                            fmt::format("'{}' is not an IP network such as 10.0.0.0/8, "
                                        "fd00::/8 or 192.168.1.20",
                                        block));
    };
    const std::size_t slash = block.find('/');
    boost::system::error_code ec;
    const ip::address address = ip::make_address(block.substr(0, slash), ec);
    if (ec) return bad();
    Network n;
    n.v4 = address.is_v4();
    const unsigned max = n.v4 ? 32 : 128;
    n.prefix = max;
    if (slash != std::string::npos) {
      const char* first = block.data() + slash + 1;
      const char* last = block.data() + block.size();
      auto [end, err] = std::from_chars(first, last, n.prefix);
      if (first == last || err != std::errc() || end != last || n.prefix > max) return bad();
    }
    n.bytes = bytes_of(address);
    out.networks_.push_back(n);
  }
  return out;
}

bool NetworkList::contains(const ip::address& address) const {
  const ip::address a = unmapped(address);
  const std::array<std::uint8_t, 16> bytes = bytes_of(a);
  for (const Network& n : networks_) {
    if (n.v4 == a.is_v4() && prefix_matches(n.bytes.data(), bytes.data(), n.prefix)) return true;
  }
  return false;
}

bool outbound_allowed(const NetworkList& allowed, const ip::address& address) {
  if (!allowed.empty()) return allowed.contains(address);
  const ip::address a = unmapped(address);
  if (a.is_loopback() || a.is_unspecified() || a.is_multicast()) return false;
  if (a.is_v4()) {
    const auto b = a.to_v4().to_bytes();
    if (b[0] == 0) return false;                                                 // 0.0.0.0/8
    if (b[0] == 169 && b[1] == 254) return false;                                // link-local
    if (b[0] == 255 && b[1] == 255 && b[2] == 255 && b[3] == 255) return false;  // broadcast
    return true;
  }
  return !a.to_v6().is_link_local();
}

}  // namespace zt::http
