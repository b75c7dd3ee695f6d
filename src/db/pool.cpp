#include "db/driver.h"

#include <cctype>

namespace zt::db::detail {

Pool::Pool(std::size_t capacity, Factory factory)
    : capacity_(capacity == 0 ? 1 : capacity), factory_(std::move(factory)) {}

Pool::~Pool() = default;

Result<std::unique_ptr<ConnectionImpl>> Pool::take(std::chrono::milliseconds timeout) {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  std::unique_lock lock(mu_);
  ++waiting_;
  bool ready = cv_.wait_until(lock, deadline, [&] { return !idle_.empty() || open_ < capacity_; });
  --waiting_;
  if (!ready) {
    return Error::unavailable("database_busy", "no database connection free within " +
                                                   std::to_string(timeout.count()) + " ms");
  }
  if (!idle_.empty()) {
    auto conn = std::move(idle_.back());
    idle_.pop_back();
    return conn;
  }
  ++open_;  // reserve the slot, connect without holding the lock
  lock.unlock();
  auto conn = factory_();
  if (!conn.ok()) {
    lock.lock();
    --open_;
    lock.unlock();
    cv_.notify_one();
  }
  return conn;
}

void Pool::give_back(std::unique_ptr<ConnectionImpl> conn) {
  bool reusable = conn->reset();
  if (!reusable) conn.reset();  // close outside the lock
  {
    std::lock_guard lock(mu_);
    if (reusable) {
      idle_.push_back(std::move(conn));
    } else {
      --open_;
    }
  }
  cv_.notify_one();
}

void Pool::add_idle(std::unique_ptr<ConnectionImpl> conn) {
  {
    std::lock_guard lock(mu_);
    idle_.push_back(std::move(conn));
    ++open_;
  }
  cv_.notify_one();
}

PoolStats Pool::stats() const {
  std::lock_guard lock(mu_);
  return {open_, open_ - idle_.size(), waiting_};
}

Result<std::string> quote_identifier(std::string_view name) {
  std::string out;
  std::size_t part_start = 0;
  for (std::size_t i = 0; i <= name.size(); ++i) {
    if (i == name.size() || name[i] == '.') {
      std::string_view part = name.substr(part_start, i - part_start);
      bool ok = !part.empty() && !std::isdigit(static_cast<unsigned char>(part[0]));
      for (char c : part)
        ok = ok && (std::isalnum(static_cast<unsigned char>(c)) || c == '_');
      if (!ok) {
        std::string detail(name);  // (not "'" + ...: g++ 12 -O2 warns falsely, PR105651)
        detail += " is not a plain SQL identifier";
        return Error::invalid("invalid_identifier", std::move(detail));
      }
      if (!out.empty()) out += '.';
      out += '"';
      out += part;
      out += '"';
      part_start = i + 1;
    }
  }
  return out;
}

}  // namespace zt::db::detail
