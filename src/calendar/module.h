// calendar::Module: the working-day calendar's bundle for the platform — the calendar service,
// its routes and migrations (app::Platform builds every module's bundle; no background worker).
//
// Thread-safety: the service is thread-safe; construct, add_routes and destroy on one thread.
// The database, audit log and clock must outlive the module.
#pragma once

#include "audit/service.h"
#include "calendar/service.h"
#include "db/migration.h"
#include "http/router.h"

#include <vector>

namespace zt::calendar {

class Module {
 public:
  Module(db::Database& database, audit::AuditLog& audit, const core::Clock& clock);

  CalendarService& service() { return service_; }

  // /api/v1/calendar/* (calendar/api.h).
  void add_routes(http::Router& router);
  // The calendar tables (versions 1100-1199).
  static std::vector<db::Migration> migrations();

 private:
  CalendarService service_;
};

}  // namespace zt::calendar
