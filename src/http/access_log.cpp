#include "http/access_log.h"

#include "core/json_text.h"
#include "core/time.h"

#include <fmt/format.h>

#include <unistd.h>
#include <cerrno>

namespace zt::http {

namespace {

constexpr std::size_t kFlushThreshold = 32 * 1024;

bool is_digit(char c) {
  return c >= '0' && c <= '9';
}
bool is_alnum(char c) {
  return is_digit(c) || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

}  // namespace

std::string mask_id_numbers(std::string_view target) {
  constexpr std::size_t kLength = 18;
  std::string out(target);
  std::size_t i = 0;
  while (i < out.size()) {
    if (!is_alnum(out[i])) {
      ++i;
      continue;
    }
    std::size_t end = i;  // one run of letters and digits: [i, end)
    while (end < out.size() && is_alnum(out[end]))
      ++end;
    if (end - i == kLength) {
      bool id = true;
      for (std::size_t k = i; k < i + 17; ++k)
        id = id && is_digit(out[k]);
      const char last = out[i + 17];
      if (id && (is_digit(last) || last == 'X' || last == 'x')) out.replace(i + 6, 8, 8, '*');
    }
    i = end;
  }
  return out;
}

void append_json_escaped(std::string& out, std::string_view s) {
  core::append_json_string_body(out, s);
}

AccessLog::AccessLog(int fd, bool enabled) : fd_(fd), enabled_(enabled) {
  buffer_.reserve(2 * kFlushThreshold);
}

AccessLog::~AccessLog() {
  flush();
}

void AccessLog::write(const Entry& e) {
  if (!enabled_) return;
  std::string line;
  line.reserve(256);
  line += "{\"ts\":\"";
  line += core::format_iso8601(std::chrono::system_clock::now());
  line += "\",\"level\":\"info\",\"msg\":\"request\",\"request_id\":\"";
  append_json_escaped(line, e.request_id);
  line += "\",\"method\":\"";
  append_json_escaped(line, e.method);
  line += "\",\"target\":\"";
  append_json_escaped(line, mask_id_numbers(e.target));
  line += "\",\"route\":\"";
  append_json_escaped(line, e.route);
  fmt::format_to(std::back_inserter(line), "\",\"status\":{},\"bytes\":{},\"duration_ms\":{:.3f}",
                 e.status, e.bytes, std::chrono::duration<double, std::milli>(e.duration).count());
  line += ",\"remote\":\"";
  append_json_escaped(line, e.remote);
  line += "\"}\n";

  std::lock_guard lock(mutex_);
  buffer_ += line;
  if (buffer_.size() >= kFlushThreshold) flush_locked();
}

void AccessLog::flush() {
  std::lock_guard lock(mutex_);
  flush_locked();
}

void AccessLog::flush_locked() {
  std::size_t done = 0;
  while (done < buffer_.size()) {
    ssize_t n = ::write(fd_, buffer_.data() + done, buffer_.size() - done);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) break;  // a closed or full log must never stop serving; drop the rest
    done += static_cast<std::size_t>(n);
  }
  buffer_.clear();
}

}  // namespace zt::http
