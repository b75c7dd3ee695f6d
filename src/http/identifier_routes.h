// POST /api/v1/identifiers/check: integrators validate 身份证号, 统一社会信用代码 and
// 行政区划代码 before they upload, with the same rules ingest applies.
#pragma once

#include "core/result.h"
#include "http/router.h"

#include <boost/json/object.hpp>

#include <string_view>

namespace zt::http {

// The JSON shape of one check, shared with the `zhengtong check` command:
// {"value","valid","normalized"(or null),"error"(or null),"code"(or null)}.
boost::json::object check_result_json(std::string_view value, const Result<std::string>& result);

void add_identifier_routes(Router& router);

}  // namespace zt::http
