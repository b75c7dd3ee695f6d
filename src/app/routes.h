// Every HTTP route of the platform, registered in one place so the server and the tests that
// check the API document see the same set. A module with routes adds its call here.
#pragma once

#include "core/result.h"
#include "http/metrics.h"
#include "http/router.h"
#include "http/system_routes.h"

#include <functional>

namespace zt::audit {
class AuditLog;
class AuditWriter;
}  // namespace zt::audit
namespace zt::identity {
class IdentityService;
}  // namespace zt::identity
namespace zt::catalog {
class CatalogService;
}  // namespace zt::catalog
namespace zt::exchange {
class ExchangeService;
class SharingService;
class QueryService;
class SubscriptionService;
class CorrectionService;
class StatsService;
}  // namespace zt::exchange

namespace zt::registry {
class DivisionService;
class RegistryService;
}  // namespace zt::registry

namespace zt::app {

struct RouteDeps {
  http::BuildInfo build;
  http::Metrics& metrics;
  std::function<Status()> ready;  // /readyz: the database answers
  bool debug_sleep_route = false;
  // The audit routes are registered when both are set (serve always sets them).
  audit::AuditLog* audit_log = nullptr;
  audit::AuditWriter* audit_writer = nullptr;
  // The identity routes (auth, departments, users, API clients) are registered when set.
  identity::IdentityService* identity = nullptr;
  // The catalog and the exchange routes, when set.
  catalog::CatalogService* catalog = nullptr;
  exchange::ExchangeService* exchange = nullptr;
  // Sharing requests, grants and shared reads, when both are set.
  exchange::SharingService* sharing = nullptr;
  exchange::QueryService* query = nullptr;
  // The webhook subscription routes, when set.
  exchange::SubscriptionService* subscriptions = nullptr;
  // Correction reports (纠错) and the exchange figures, each when set.
  exchange::CorrectionService* corrections = nullptr;
  exchange::StatsService* stats = nullptr;
  // The administrative divisions (public reference data), when set.
  registry::DivisionService* divisions = nullptr;
  // The person and entity registries and 谁用了我的数据, when set.
  registry::RegistryService* registries = nullptr;
};

void add_routes(http::Router& router, const RouteDeps& deps);

}  // namespace zt::app
