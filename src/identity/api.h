// The identity module's HTTP routes (library zt_identity_api, so that zt_identity never links
// http):
//
//   POST /api/v1/auth/login                   public: username, password[, totp] → token
//   POST /api/v1/auth/logout                  end this session
//   GET  /api/v1/auth/me                      the signed-in user, roles and permissions
//   POST /api/v1/auth/password                change the own password
//   POST /api/v1/auth/totp/setup              start TOTP enrolment → secret, otpauth URI
//   POST /api/v1/auth/totp/confirm            confirm it with a code
//   GET/POST /api/v1/departments, GET/PUT/DELETE /api/v1/departments/{id},
//   GET /api/v1/departments/{id}/history
//   GET/POST /api/v1/users, GET/PATCH /api/v1/users/{id}, POST /api/v1/users/{id}/disable,
//   PUT /api/v1/users/{id}/roles, POST /api/v1/users/{id}/password-reset
//   GET/POST /api/v1/api-clients, PUT /api/v1/api-clients/{id}/permissions,
//   POST /api/v1/api-clients/{id}/revoke
//   GET/PUT /api/v1/security/policy, GET /api/v1/security/policy/history (sec_admin only:
//   identity.policy.manage)
//
// The auth routes other than login are allowed while a password change is pending. Errors are
// the services', as problem+json; each operation's OpenAPI description names its permission and
// error codes. The routes of each concern are in <concern>_api.cpp (api_internal.h), one named
// handler per route beside its RouteDoc. Thread-safety: handlers run concurrently on the worker
// pool; the services are thread-safe and must outlive the router.
#pragma once

#include "http/router.h"
#include "identity/model.h"
#include "identity/service.h"

#include <boost/json/object.hpp>

namespace zt::identity {

void add_routes(http::Router& router, IdentityService& service);

// JSON forms of the values (times ISO 8601 +08:00).
boost::json::object to_json(const User& user);
boost::json::object to_json(const Department& department);
boost::json::object to_json(const ApiClient& client);
// {"version", "fields": {name: {"value", "source": "config"|"database", "config_value"}}}
boost::json::object to_json(const EffectivePolicy& policy);
boost::json::object to_json(const PolicyChange& change);

}  // namespace zt::identity
