// The registries' HTTP routes (library zt_registry_api):
//
//   GET  /api/v1/registry/persons/{id_number}         a person's golden record (grant, masking,
//   GET  /api/v1/registry/entities/{uscc}             audit as any shared read) with provenance
//   GET  /api/v1/registry/persons?name=&division=     search by name within a division
//   GET  /api/v1/registry/entities?name=&division=
//   GET  /api/v1/registry/figures/{registry}          counts by county (age band × gender;
//                                                      industry × status)
//   GET  /api/v1/registry/conflicts?registry=&status=&key=   the stewards' list
//   POST /api/v1/registry/conflicts/{id}/resolve      keep a value
//   GET  /api/v1/registry/configs/{registry}          golden resource and mappings
//   PUT  /api/v1/registry/configs/{registry}
//   POST /api/v1/registry/configs/{registry}/sync     consume the feeds now
//   POST /api/v1/registry/configs/{registry}/rebuild  start again from the feeds
//   GET  /api/v1/me/record                            my own golden record (citizen, enterprise)
//   GET  /api/v1/me/data-access                       谁用了我的数据: reads of my records
//
// {registry} is person or entity. Thread-safety: handlers run concurrently on the worker pool;
// the service must outlive the router.
#pragma once

#include "http/router.h"
#include "registry/registry_service.h"

namespace zt::registry {

void add_registry_routes(http::Router& router, RegistryService& service);

}  // namespace zt::registry
