#include "calendar/module.h"

#include "calendar/api.h"
#include "calendar/store.h"

namespace zt::calendar {

Module::Module(db::Database& database, audit::AuditLog& audit, const core::Clock& clock)
    : service_(database, audit, clock) {}

void Module::add_routes(http::Router& router) {
  calendar::add_routes(router, service_);
}

std::vector<db::Migration> Module::migrations() {
  return calendar::migrations();
}

}  // namespace zt::calendar
