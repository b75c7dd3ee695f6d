// services::Module: one-stop services' bundle for the platform — the item, case, bundle (一件事),
// attachment and reminder services, their routes and migrations, and the lease-claimed worker
// (worker.h) that recomputes stored deadlines after a calendar change and issues reminders. A
// calendar change on this node wakes the worker at once; other nodes' workers see the newer epoch
// at their next pass.
//
// Thread-safety: the services are thread-safe; construct, add_routes and destroy on one thread.
// Everything passed in must outlive the module.
#pragma once

#include "core/background_worker.h"
#include "db/migration.h"
#include "db/worker_lease.h"
#include "http/router.h"
#include "services/attachment_service.h"
#include "services/bundle_service.h"
#include "services/reminder_service.h"
#include "services/service.h"
#include "services/worker.h"

#include <chrono>
#include <functional>
#include <string>
#include <vector>

namespace zt::services {

struct ModuleOptions {
  // [services] worker_interval_ms: how often the worker looks for work.
  std::chrono::milliseconds worker_interval{60'000};
  // [services] warning_working_days: 预警 this many working days before the promised deadline.
  int warning_days = kDefaultWarningDays;
  std::string node_id;  // this process's name as a lease holder
  std::function<void(const Error&)> on_worker_error;
  AttachmentOptions attachments;  // [services] attachment_max_bytes and the uploads at once
};

class Module {
 public:
  Module(db::Database& database, audit::AuditLog& audit, identity::IdentityService& identity,
         calendar::CalendarService& calendar, catalog::CatalogService& catalog,
         exchange::QueryService& query, exchange::SharingService& sharing,
         const core::CryptoProvider& crypto, const core::Clock& clock, ModuleOptions options = {});

  ItemService& items() { return items_; }
  CaseService& cases() { return cases_; }
  ReminderService& reminders() { return reminders_; }
  BundleService& bundles() { return bundles_; }
  AttachmentService& attachments() { return attachments_; }

  // /api/v1/services/* (services/api.h).
  void add_routes(http::Router& router);
  // The services tables (versions 600-699).
  static std::vector<db::Migration> migrations();
  // The services worker.
  std::vector<core::BackgroundWorker*> workers() { return {&worker_.worker()}; }

 private:
  ItemService items_;
  CaseService cases_;
  BundleService bundles_;
  AttachmentService attachments_;
  ReminderService reminders_;
  db::WorkerLease lease_;
  ServicesWorker worker_;  // last: stops before the services go
};

}  // namespace zt::services
