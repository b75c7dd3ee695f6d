// services::Module: one-stop services' bundle for the platform — the item, case and attachment
// services, their routes and migrations. It registers with the calendar so that a changed day
// recomputes the stored deadlines of running cases at once (the ones shown are computed on every
// read).
//
// Thread-safety: the services are thread-safe; construct, add_routes and destroy on one thread.
// Everything passed in must outlive the module.
#pragma once

#include "db/migration.h"
#include "http/router.h"
#include "services/attachment_service.h"
#include "services/service.h"

#include <vector>

namespace zt::services {

class Module {
 public:
  Module(db::Database& database, audit::AuditLog& audit, identity::IdentityService& identity,
         calendar::CalendarService& calendar, catalog::CatalogService& catalog,
         exchange::QueryService& query, const core::CryptoProvider& crypto,
         const core::Clock& clock, AttachmentOptions attachments = {});

  ItemService& items() { return items_; }
  CaseService& cases() { return cases_; }
  AttachmentService& attachments() { return attachments_; }

  // /api/v1/services/* (services/api.h).
  void add_routes(http::Router& router);
  // The services tables (versions 600-699).
  static std::vector<db::Migration> migrations();

 private:
  ItemService items_;
  CaseService cases_;
  AttachmentService attachments_;
};

}  // namespace zt::services
