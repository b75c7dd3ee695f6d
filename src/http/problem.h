// RFC 9457 problem details: every error Zhengtong's API returns.
//
// The body is {"type","title","status","detail","code"} with Content-Type
// application/problem+json. `code` is stable and meant for programs; `detail` is for people.
// This file is the one place where an ErrorKind becomes an HTTP status.
#pragma once

#include "core/result.h"
#include "http/response.h"

#include <string_view>

namespace zt::http {

// The HTTP status for an error kind (kInvalidInput → 400, kNotFound → 404, …).
int status_of(ErrorKind kind);

// The standard reason phrase of a status ("Not Found"); "Error" for unknown ones.
std::string_view reason_phrase(int status);

// A problem+json response.
Response problem(int status, std::string_view code, std::string_view detail);
Response problem(const Error& error);

}  // namespace zt::http
