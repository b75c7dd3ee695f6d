// AccessLog: one JSON line per answered request, written in batches.
//
// Lines are appended to a buffer and written to the file descriptor when the buffer passes
// 32 KiB, when flush() is called (the server does so every 200 ms and at shutdown), or on
// destruction, so the hot path never waits for a write(2) per request. ID numbers in the target
// are masked (mask_id_numbers).
// Thread-safety: write() and flush() may be called from any thread (one mutex).
#pragma once

#include <chrono>
#include <mutex>
#include <string>
#include <string_view>

namespace zt::http {

class AccessLog {
 public:
  // `fd` is not owned (usually 1, standard output). A disabled log writes nothing.
  AccessLog(int fd, bool enabled);
  ~AccessLog();
  AccessLog(const AccessLog&) = delete;
  AccessLog& operator=(const AccessLog&) = delete;

  struct Entry {
    std::string_view request_id;
    std::string_view method;
    std::string_view target;
    std::string_view route;  // the matched pattern, or empty
    int status = 0;
    std::size_t bytes = 0;  // response body bytes
    std::chrono::nanoseconds duration{0};
    std::string_view remote;
  };

  bool enabled() const { return enabled_; }
  void write(const Entry& entry);
  void flush();

 private:
  void flush_locked();

  const int fd_;
  const bool enabled_;
  std::mutex mutex_;  // guards buffer_
  std::string buffer_;
};

// `target` with every ID number in it (17 digits and a digit or X, not part of a longer run of
// letters and digits) masked as 330302********0019: the log keeps the division and the last four
// digits, never a whole number (GB/T 35273 minimisation; the access log is read by operators).
std::string mask_id_numbers(std::string_view target);

// Appends `s` to `out` as the inside of a JSON string (quotes not included).
void append_json_escaped(std::string& out, std::string_view s);

}  // namespace zt::http
