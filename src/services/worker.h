// ServicesWorker: one-stop services' background work, lease-claimed like the registry syncer —
// a core::BackgroundWorker "services-clock" whose every pass, on the node holding the
// db::WorkerLease "services-clock", (a) recomputes the stored statutory deadline (the worklists'
// due_before filter) of each running case computed under an older calendar epoch than the one in
// force, whichever node changed the calendar, and (b) issues the reminders that fall due
// (ReminderService). Several nodes on one PostgreSQL: one does the work at a time; a node whose
// claim fails skips the pass. It runs every `interval` and at once when woken (a calendar change
// on this node); a pass with a full batch asks for another at once. Errors go to `on_error` and
// the next pass tries again. Time is the platform's clock (the fake clock in tests).
//
// Thread-safety: construct and destroy on one thread; the services and the lease must outlive it.
#pragma once

#include "core/background_worker.h"
#include "db/worker_lease.h"
#include "services/reminder_service.h"
#include "services/service.h"

#include <chrono>
#include <functional>

namespace zt::services {

class ServicesWorker {
 public:
  // Starts with worker().start(). `lease`: may be null (a single node).
  ServicesWorker(CaseService& cases, ReminderService& reminders, std::chrono::milliseconds interval,
                 std::function<void(const Error&)> on_error, const db::WorkerLease* lease);
  ~ServicesWorker();  // stops, joins and frees the lease (another node need not wait its ttl)
  ServicesWorker(const ServicesWorker&) = delete;
  ServicesWorker& operator=(const ServicesWorker&) = delete;

  core::BackgroundWorker& worker() { return worker_; }

 private:
  core::BackgroundWorker::Next pass();

  CaseService& cases_;
  ReminderService& reminders_;
  const std::function<void(const Error&)> on_error_;
  const db::WorkerLease* lease_;
  core::BackgroundWorker worker_;  // last: starts once the members above exist
};

}  // namespace zt::services
