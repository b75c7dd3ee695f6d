#include "app/routes.h"

#include "audit/api.h"
#include "catalog/api.h"
#include "exchange/api.h"
#include "exchange/corrections/api.h"
#include "exchange/records/api.h"
#include "exchange/sharing/api.h"
#include "exchange/stats/api.h"
#include "exchange/subscriptions/api.h"
#include "http/identifier_routes.h"
#include "identity/api.h"
#include "registry/division_api.h"
#include "registry/registry_api.h"

namespace zt::app {

void add_routes(http::Router& router, const RouteDeps& deps) {
  http::add_system_routes(router, deps.build, deps.metrics, deps.ready);
  http::add_identifier_routes(router);
  if (deps.debug_sleep_route) http::add_debug_routes(router);
  if (deps.audit_log && deps.audit_writer) {
    audit::add_routes(router, *deps.audit_log, *deps.audit_writer);
  }
  if (deps.identity) identity::add_routes(router, *deps.identity);
  if (deps.catalog) catalog::add_routes(router, *deps.catalog);
  if (deps.exchange) exchange::add_routes(router, *deps.exchange);
  if (deps.sharing && deps.query) {
    exchange::add_sharing_routes(router, *deps.sharing);
    exchange::add_records_routes(router, *deps.query);
  }
  if (deps.subscriptions) exchange::add_subscription_routes(router, *deps.subscriptions);
  if (deps.corrections) exchange::add_correction_routes(router, *deps.corrections);
  if (deps.stats) exchange::add_stats_routes(router, *deps.stats);
  if (deps.divisions) registry::add_division_routes(router, *deps.divisions);
  if (deps.registries) registry::add_registry_routes(router, *deps.registries);
}

}  // namespace zt::app
