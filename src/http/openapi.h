// OpenAPI 3.1 document generated from the router's routes and their RouteDoc, so the document
// served at /api/openapi.json cannot drift from what the server routes.
#pragma once

#include "http/router.h"

#include <boost/json/array.hpp>
#include <boost/json/object.hpp>
#include <boost/json/value.hpp>

#include <initializer_list>
#include <span>
#include <string>
#include <string_view>

namespace zt::http {

struct ApiInfo {
  std::string title = "Zhengtong API";
  std::string version;
  std::string description =
      "政通 Zhengtong: data sharing and exchange hub and public services for a city. Sign in "
      "with POST /api/v1/auth/login and send the token as Authorization: Bearer, or call as a "
      "department system with X-API-Key; an operation's description (and x-permission) "
      "names the permission it needs. Errors are RFC 9457 problem+json with a stable code.";
  std::string contact_name = "Zhengtong (政通) maintainers";
  std::string license = "Apache-2.0";  // SPDX identifier, as LICENSE says
};

// A tag operations are grouped by (RouteDoc::tag), with what the group is about.
struct TagDoc {
  std::string_view name;
  std::string_view description;
};

// Every tag a route may carry, in the order the document lists them. A route's tag must be one of
// these (tests/unit/app/openapi_test.cpp checks it).
std::span<const TagDoc> api_tags();

// The whole document. Every route appears under its pattern and method; path parameters are
// taken from the pattern (described by a RouteDoc param with in = "path", if any); the tags the
// operations use are declared with their descriptions; the server is the document's own origin
// ("/"). Every operation documents its problem+json errors: 401 and 403 when it needs sign-in,
// 4XX and default for the rest; a public operation says so with an empty security list.
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
// A string with one of `values`; pass a core::EnumNames table's names() so the document lists
// exactly the names the code parses.
boost::json::object enumeration(std::initializer_list<std::string_view> values);
boost::json::object enumeration(std::span<const std::string_view> values);
boost::json::object array_of(boost::json::object item);
boost::json::object object(boost::json::object properties, boost::json::array required = {});
// One page of a list (http/page.h): {"items": [item], "next_cursor": string|null, more…}, both
// required; `more` adds members after them (the catalog search's "total" and "facets").
boost::json::object page(boost::json::object item, boost::json::object more = {});
// A whole list in one answer: {"items": [item]}.
boost::json::object list_of(boost::json::object item);
}  // namespace schema

}  // namespace zt::http
