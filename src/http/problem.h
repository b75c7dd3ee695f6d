// RFC 9457 problem details: every error Zhengtong's API returns.
//
// The body is {"type","title","status","detail","code"} with Content-Type
// application/problem+json. `code` is stable and meant for programs; `detail` is for people.
// This file is the one place where an ErrorKind becomes an HTTP status.
#pragma once

#include "core/result.h"
#include "http/response.h"

#include <boost/json/object.hpp>

#include <string_view>
#include <type_traits>

namespace zt::http {

// The HTTP status for an error kind (kInvalidInput → 400, kNotFound → 404, …).
int status_of(ErrorKind kind);

// The standard reason phrase of a status ("Not Found"); "Error" for unknown ones.
std::string_view reason_phrase(int status);

// A problem+json response.
Response problem(int status, std::string_view code, std::string_view detail);
Response problem(const Error& error);

// The answer to a service call, the last step of most handlers: `status` with encode(*result)
// as its JSON body, or problem(result.error()). `encode` is a function (an overloaded to_json
// resolves to the one for T) or a lambda without captures.
template <typename T>
Response respond(int status, const Result<T>& result,
                 boost::json::object (*encode)(const std::type_identity_t<T>&)) {
  if (!result.ok()) return problem(result.error());
  return Response::json(status, encode(*result));
}

// The same with an encoder object that is not a function (an http::shape table).
template <typename T, typename Encode>
requires(!std::is_function_v<Encode> && !std::is_pointer_v<Encode>) Response
    respond(int status, const Result<T>& result, const Encode& encode) {
  if (!result.ok()) return problem(result.error());
  return Response::json(status, encode(*result));
}

}  // namespace zt::http
