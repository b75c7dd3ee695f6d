// What a module's route file (api.cpp) uses, in one include: the handler adapters (handler_of,
// respond), JSON bodies and paging, the API document's builders and answer shapes, problem+json,
// the router — and the three names every route file writes: json (Boost.JSON), schema (the
// OpenAPI schema builders) and shape (answer tables that give both encoder and schema).
// Include it from route files only; services and stores never see HTTP.
#pragma once

#include "http/handler.h"
#include "http/json_body.h"
#include "http/openapi.h"
#include "http/page.h"
#include "http/problem.h"
#include "http/router.h"
#include "http/shape.h"

#include <fmt/format.h>
#include <boost/json.hpp>

namespace zt {

namespace json = boost::json;
namespace schema = http::schema;
namespace shape = http::shape;

}  // namespace zt
