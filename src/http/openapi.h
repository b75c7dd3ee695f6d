// OpenAPI 3.1 document generated from the router's routes and their RouteDoc, so the document
// served at /api/openapi.json cannot drift from what the server routes.
#pragma once

#include "http/router.h"

#include <boost/json/array.hpp>
#include <boost/json/object.hpp>
#include <boost/json/value.hpp>

#include <initializer_list>
#include <string_view>

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

// Small JSON Schema builders for RouteDoc schemas, shared by the modules' api.cpp files.
namespace schema {
boost::json::object str();       // string
boost::json::object nstr();      // string or null
boost::json::object integer();   // integer
boost::json::object ninteger();  // integer or null
boost::json::object number();    // number
boost::json::object boolean();
boost::json::object strings();  // array of strings
boost::json::object enumeration(std::initializer_list<std::string_view> values);
boost::json::object array_of(boost::json::object item);
boost::json::object object(boost::json::object properties, boost::json::array required = {});
// {"items": [item], "next_cursor": string|null}
boost::json::object page(boost::json::object item);
}  // namespace schema

}  // namespace zt::http
