#include "audit/model.h"

#include <fmt/format.h>

#include <chrono>

namespace zt::audit {

namespace {

std::string optional_int(const std::optional<std::int64_t>& value) {
  return value ? std::to_string(*value) : std::string();
}

// Reads exactly `n` digits at text[pos…] into `out`.
bool read_digits(std::string_view text, std::size_t& pos, std::size_t n, int& out) {
  if (pos + n > text.size()) return false;
  int value = 0;
  for (std::size_t i = 0; i < n; ++i) {
    char c = text[pos + i];
    if (c < '0' || c > '9') return false;
    value = value * 10 + (c - '0');
  }
  pos += n;
  out = value;
  return true;
}

bool expect(std::string_view text, std::size_t& pos, char c) {
  if (pos >= text.size() || text[pos] != c) return false;
  ++pos;
  return true;
}

}  // namespace

void append_netstring(std::string& out, std::string_view value) {
  fmt::format_to(std::back_inserter(out), "{}:", value.size());
  out.append(value);
  out.push_back(',');
}

AuditEntry AuditEntry::of(std::string action, std::string object_type, std::string object_id,
                          const core::RequestContext& context) {
  AuditEntry e;
  e.action = std::move(action);
  e.object_type = std::move(object_type);
  e.object_id = std::move(object_id);
  e.source_address = context.remote_address;
  e.request_id = context.request_id;
  return e;
}

AuditEntry& AuditEntry::by(const core::Principal& principal) {
  actor_kind = principal.kind == core::Principal::Kind::kUser ? "user" : "api_client";
  actor_id = principal.id;
  actor_name = principal.name;
  department_id = principal.department_id;
  return *this;
}

AuditEntry& AuditEntry::by_system(std::string name) {
  actor_kind = "system";
  actor_name = std::move(name);
  return *this;
}

std::string canonical_encoding(const AuditRecord& record) {
  const AuditEntry& e = record.entry;
  std::string out;
  out.reserve(256 + e.actor_name.size() + e.object_id.size() + e.detail.size() + e.purpose.size());
  append_netstring(out, "zt-audit-v1");
  append_netstring(out, std::to_string(record.id));
  append_netstring(out, core::format_iso8601(record.time));
  append_netstring(out, e.actor_kind);
  append_netstring(out, optional_int(e.actor_id));
  append_netstring(out, e.actor_name);
  append_netstring(out, optional_int(e.department_id));
  append_netstring(out, e.source_address);
  append_netstring(out, e.action);
  append_netstring(out, e.object_type);
  append_netstring(out, e.object_id);
  append_netstring(out, e.outcome);
  append_netstring(out, e.request_id);
  append_netstring(out, e.purpose);
  append_netstring(out, e.case_id);
  append_netstring(out, e.detail);
  return out;
}

Result<std::string> chain_hash(const core::CryptoProvider& crypto, std::string_view prev_hash,
                               const AuditRecord& record) {
  std::string message(prev_hash);
  message += canonical_encoding(record);
  auto digest = crypto.sm3(message);
  if (!digest.ok()) return std::move(digest).error();
  return core::to_hex(*digest);
}

Result<std::string> chain_mac(const core::CryptoProvider& crypto, std::string_view chain_key,
                              std::string_view prev_hash, const AuditRecord& record) {
  if (chain_key.size() != kChainKeySize) {
    return Error::internal("invalid_audit_key",
                           fmt::format("the audit chain key must be {} bytes, not {}",
                                       kChainKeySize, chain_key.size()));
  }
  std::string message(prev_hash);
  message += canonical_encoding(record);
  auto mac = crypto.hmac_sm3(chain_key, message);
  if (!mac.ok()) return std::move(mac).error();
  return core::to_hex(*mac);
}

Result<core::TimePoint> parse_time(std::string_view text) {
  using namespace std::chrono;
  auto bad = [&] {
    return Error::invalid("invalid_time", fmt::format("'{}' is not an ISO 8601 time such as "
                                                      "2026-11-23T08:00:00+08:00",
                                                      text.substr(0, 64)));
  };
  std::size_t pos = 0;
  int y = 0, mo = 0, d = 0, h = 0, mi = 0, s = 0;
  if (!read_digits(text, pos, 4, y) || !expect(text, pos, '-') || !read_digits(text, pos, 2, mo) ||
      !expect(text, pos, '-') || !read_digits(text, pos, 2, d)) {
    return bad();
  }
  const year_month_day ymd{year(y), month(static_cast<unsigned>(mo)),
                           day(static_cast<unsigned>(d))};
  if (!ymd.ok()) return bad();
  if (pos == text.size()) {  // a date alone: midnight in China Standard Time
    return core::TimePoint(sys_days(ymd)) - hours(8);
  }
  if (text[pos] != 'T' && text[pos] != 't' && text[pos] != ' ') return bad();
  ++pos;
  if (!read_digits(text, pos, 2, h) || !expect(text, pos, ':') || !read_digits(text, pos, 2, mi) ||
      !expect(text, pos, ':') || !read_digits(text, pos, 2, s) || h > 23 || mi > 59 || s > 59) {
    return bad();
  }
  int millis = 0;
  if (pos < text.size() && (text[pos] == '.' || text[pos] == ',')) {
    ++pos;
    std::size_t digits = 0;
    while (pos < text.size() && text[pos] >= '0' && text[pos] <= '9') {
      if (digits < 3) millis = millis * 10 + (text[pos] - '0');
      ++digits;
      ++pos;
    }
    if (digits == 0) return bad();
    for (std::size_t i = digits; i < 3; ++i)
      millis *= 10;
  }
  if (pos >= text.size()) return bad();  // an offset is required
  int offset_minutes = 0;
  if (text[pos] == 'Z' || text[pos] == 'z') {
    ++pos;
  } else if (text[pos] == '+' || text[pos] == '-') {
    const int sign = text[pos] == '-' ? -1 : 1;
    ++pos;
    int oh = 0, om = 0;
    if (!read_digits(text, pos, 2, oh)) return bad();
    if (pos < text.size()) {
      expect(text, pos, ':');
      if (!read_digits(text, pos, 2, om)) return bad();
    }
    if (oh > 23 || om > 59) return bad();
    offset_minutes = sign * (oh * 60 + om);
  } else {
    return bad();
  }
  if (pos != text.size()) return bad();
  return core::TimePoint(sys_days(ymd)) + hours(h) + minutes(mi) + seconds(s) +
         milliseconds(millis) - minutes(offset_minutes);
}

}  // namespace zt::audit
