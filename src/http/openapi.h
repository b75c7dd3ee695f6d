// OpenAPI 3.1 document generated from the router's routes and their RouteDoc, so the document
// served at /api/openapi.json cannot drift from what the server routes.
#pragma once

#include "http/router.h"

#include <boost/json/value.hpp>

#include <string>

namespace zt::http {

struct ApiInfo {
  std::string title = "Zhengtong API";
  std::string version;
  std::string description;
};

// The whole document. Every route appears under its pattern and method; path parameters are
// taken from the pattern; every operation also documents the problem+json error response.
boost::json::value openapi_document(const Router& router, const ApiInfo& info);

}  // namespace zt::http
