#include "http/access_log.h"

#include "core/json_text.h"
#include "core/time.h"

#include <fmt/format.h>

#include <unistd.h>
#include <cerrno>

namespace zt::http {

namespace {
constexpr std::size_t kFlushThreshold = 32 * 1024;
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
  append_json_escaped(line, e.target);
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
