#include "http/client_address.h"

#include <arpa/inet.h>

#include <algorithm>

namespace zt::http {

namespace {

std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t'))
    s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t'))
    s.remove_suffix(1);
  return s;
}

bool is_trusted(std::string_view address, const std::vector<std::string>& trusted) {
  return std::find(trusted.begin(), trusted.end(), address) != trusted.end();
}

}  // namespace

bool is_ip_address(std::string_view s) {
  if (s.empty() || s.size() > 45) return false;
  const std::string text(s);
  unsigned char buffer[16];
  return ::inet_pton(AF_INET, text.c_str(), buffer) == 1 ||
         ::inet_pton(AF_INET6, text.c_str(), buffer) == 1;
}

std::string client_address(std::string_view peer, std::optional<std::string_view> forwarded_for,
                           const std::vector<std::string>& trusted) {
  if (!forwarded_for || !is_trusted(peer, trusted)) return std::string(peer);
  // Walk from the nearest hop (the right end) towards the client.
  std::string_view rest = *forwarded_for;
  std::string_view client = peer;
  while (!rest.empty()) {
    const auto comma = rest.rfind(',');
    const std::string_view hop =
        trim(comma == std::string_view::npos ? rest : rest.substr(comma + 1));
    rest = comma == std::string_view::npos ? std::string_view() : rest.substr(0, comma);
    if (!is_ip_address(hop)) break;
    client = hop;
    if (!is_trusted(hop, trusted)) break;
  }
  return std::string(client);
}

}  // namespace zt::http
