#include "db/driver.h"

#include <algorithm>
#include <cctype>

namespace zt::db::detail {

Pool::Pool(std::size_t capacity, Factory factory)
    : capacity_(capacity == 0 ? 1 : capacity), factory_(std::move(factory)) {}

Pool::~Pool() = default;

Result<std::unique_ptr<ConnectionImpl>> Pool::take(std::chrono::milliseconds timeout) {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  std::unique_lock lock(mu_);
  if (waiters_.empty()) {  // nobody is ahead
    if (!idle_.empty()) {
      auto conn = std::move(idle_.back());
      idle_.pop_back();
      return conn;
    }
    if (open_ < capacity_) {
      ++open_;  // reserve the slot, connect without holding the lock
      return open_slot(lock);
    }
  }
  Waiter me;
  waiters_.push_back(&me);
  me.cv.wait_until(lock, deadline, [&] { return me.conn != nullptr || me.slot; });
  if (me.conn) return std::move(me.conn);
  if (me.slot) return open_slot(lock);
  // Timed out without being served: leave the queue (hand_on did not take us out).
  waiters_.erase(std::find(waiters_.begin(), waiters_.end(), &me));
  return Error::unavailable("database_busy", "no database connection free within " +
                                                 std::to_string(timeout.count()) + " ms");
}

Result<std::unique_ptr<ConnectionImpl>> Pool::open_slot(std::unique_lock<std::mutex>& lock) {
  lock.unlock();
  auto conn = factory_();
  if (!conn.ok()) {
    lock.lock();
    --open_;
    hand_on(nullptr);  // the slot is free again: the next waiter may try
  }
  return conn;
}

void Pool::hand_on(std::unique_ptr<ConnectionImpl> conn) {
  if (waiters_.empty() || (!conn && open_ >= capacity_)) {
    if (conn) idle_.push_back(std::move(conn));
    return;
  }
  Waiter* next = waiters_.front();
  waiters_.pop_front();
  if (conn) {
    next->conn = std::move(conn);
  } else {
    ++open_;  // the waiter opens it
    next->slot = true;
  }
  // Under the lock: once it is released the waiter may return and its Waiter be gone.
  next->cv.notify_one();
}

void Pool::give_back(std::unique_ptr<ConnectionImpl> conn) {
  bool reusable = conn->reset();
  if (!reusable) conn.reset();  // close outside the lock
  std::lock_guard lock(mu_);
  if (!reusable) --open_;
  hand_on(std::move(conn));
}

void Pool::add_idle(std::unique_ptr<ConnectionImpl> conn) {
  std::lock_guard lock(mu_);
  ++open_;
  hand_on(std::move(conn));
}

PoolStats Pool::stats() const {
  std::lock_guard lock(mu_);
  return {open_, open_ - idle_.size(), waiters_.size()};
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
