// The catalog's HTTP routes (library zt_catalog_api, so that zt_catalog never links http):
//
//   GET  /api/v1/catalog/resources                   search with facets (?q=&department_id=&
//                                                    category=&share_type=&open_type=&
//                                                    update_cycle=&status=&limit=&cursor=)
//   POST /api/v1/catalog/resources                   create a draft
//   GET  /api/v1/catalog/resources/{code}            one resource
//   PUT  /api/v1/catalog/resources/{code}            replace metadata and fields
//   POST /api/v1/catalog/resources/{code}/publish    draft → published
//   POST /api/v1/catalog/resources/{code}/retire     published → retired
//   GET  /api/v1/catalog/resources/{code}/versions   the version history, newest first
//
// Errors are the service's, as problem+json. Thread-safety: handlers run concurrently on the
// worker pool; the service is thread-safe and must outlive the router.
#pragma once

#include "catalog/service.h"
#include "http/router.h"

#include <boost/json/object.hpp>

namespace zt::catalog {

void add_routes(http::Router& router, CatalogService& service);

// The OpenAPI schema of a resource, for other modules' documents.
boost::json::object resource_schema();

}  // namespace zt::catalog
