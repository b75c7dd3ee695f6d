// Which address a request comes from, when the server sits behind reverse proxies (nginx in
// front of several zhengtong nodes): the TCP peer, unless that peer is a trusted proxy, in which
// case the nearest address in X-Forwarded-For that is not itself a trusted proxy.
//
// It matters for security: sign-in rate limits per address and the audit log's source address.
// X-Forwarded-For is only believed from the proxies listed in [server] trusted_proxies; from
// anyone else it is ignored, so a client cannot choose its own address.
// Thread-safety: pure function.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace zt::http {

// `peer` is the TCP peer's address; `forwarded_for` the X-Forwarded-For header, if any;
// `trusted` the proxies' addresses (exact textual IP addresses). Entries of the header that are
// not IP addresses make the header untrustworthy from that point on: the answer is then the
// nearest trusted hop's view, i.e. the last valid address before them (or the peer).
std::string client_address(std::string_view peer, std::optional<std::string_view> forwarded_for,
                           const std::vector<std::string>& trusted);

// Whether `s` is an IPv4 or IPv6 address in text form.
bool is_ip_address(std::string_view s);

}  // namespace zt::http
