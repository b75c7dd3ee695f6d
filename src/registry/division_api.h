// The divisions' HTTP routes (library zt_registry_api, so that zt_registry never links http):
//
//   GET /api/v1/registry/divisions?parent=&level=&limit=&cursor=   current divisions, by code
//   GET /api/v1/registry/divisions/{code}                           one code with its ancestors
//
// Public (no sign-in): the divisions are reference data, and address pickers need them before
// anyone signs in. A well-formed code not in the table answers 200 with known=false and a
// warning; only a malformed one is 400 invalid_division_code (problem+json).
// Thread-safety: handlers run concurrently on the worker pool; the service is thread-safe and
// must outlive the router.
#pragma once

#include "http/router.h"
#include "registry/division_service.h"

namespace zt::registry {

void add_division_routes(http::Router& router, DivisionService& service);

}  // namespace zt::registry
