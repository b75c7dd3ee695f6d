#include "services/worker.h"

namespace zt::services {

namespace {

constexpr int kBatch = 200;

}  // namespace

ServicesWorker::ServicesWorker(CaseService& cases, ReminderService& reminders,
                               std::chrono::milliseconds interval,
                               std::function<void(const Error&)> on_error,
                               const db::WorkerLease* lease)
    : cases_(cases),
      reminders_(reminders),
      on_error_(std::move(on_error)),
      lease_(lease),
      worker_({.name = "services-clock",
               .period = interval,
               .claim =
                   [this, lease] {
                     if (lease == nullptr) return true;
                     auto held = lease->claim();
                     if (!held.ok()) {
                       if (on_error_) on_error_(held.error());
                       return false;
                     }
                     return *held;
                   },
               .idle_at_start = false},
              [this] { return pass(); }) {}

ServicesWorker::~ServicesWorker() {
  worker_.stop();
  if (lease_ != nullptr) (void)lease_->release();
}

core::BackgroundWorker::Next ServicesWorker::pass() {
  // Deadlines first: the reminders read the clock the recomputation marked due.
  if (auto recomputed = cases_.recompute_deadlines(); !recomputed.ok() && on_error_) {
    on_error_(recomputed.error());
  }
  auto looked = reminders_.issue_due(kBatch);
  if (!looked.ok()) {
    if (on_error_) on_error_(looked.error());
    return core::BackgroundWorker::Next::idle();
  }
  if (*looked >= kBatch && !worker_.stopping()) return core::BackgroundWorker::Next::again();
  return core::BackgroundWorker::Next::idle();
}

}  // namespace zt::services
