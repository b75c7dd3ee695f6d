// RequestContext: where a request came from, as the audit log records it.
//
// Made by the HTTP layer (http::Request::context()) or by a CLI command, and passed down to
// every service call that writes an audit entry (audit::AuditEntry::of). Thread-safety: a plain
// value.
#pragma once

#include <string>

namespace zt::core {

struct RequestContext {
  std::string remote_address;  // the client address the server trusts (X-Forwarded-For rules)
  std::string request_id;      // X-Request-Id, or the one the server assigned
};

}  // namespace zt::core
