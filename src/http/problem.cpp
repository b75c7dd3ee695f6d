#include "http/problem.h"

#include <boost/json.hpp>

#include <algorithm>
#include <string>

namespace zt::http {

int status_of(ErrorKind kind) {
  switch (kind) {
    case ErrorKind::kInvalidInput: return 400;
    case ErrorKind::kUnauthenticated: return 401;
    case ErrorKind::kForbidden: return 403;
    case ErrorKind::kNotFound: return 404;
    case ErrorKind::kConflict: return 409;
    case ErrorKind::kTooLarge: return 413;
    case ErrorKind::kUnsupported: return 415;
    case ErrorKind::kUnprocessable: return 422;
    case ErrorKind::kTooManyRequests: return 429;
    case ErrorKind::kUnavailable: return 503;
    case ErrorKind::kInternal: return 500;
  }
  return 500;
}

std::string_view reason_phrase(int status) {
  switch (status) {
    case 200: return "OK";
    case 201: return "Created";
    case 202: return "Accepted";
    case 204: return "No Content";
    case 304: return "Not Modified";
    case 400: return "Bad Request";
    case 401: return "Unauthorized";
    case 403: return "Forbidden";
    case 404: return "Not Found";
    case 405: return "Method Not Allowed";
    case 408: return "Request Timeout";
    case 409: return "Conflict";
    case 411: return "Length Required";
    case 413: return "Content Too Large";
    case 415: return "Unsupported Media Type";
    case 422: return "Unprocessable Content";
    case 429: return "Too Many Requests";
    case 431: return "Request Header Fields Too Large";
    case 500: return "Internal Server Error";
    case 501: return "Not Implemented";
    case 503: return "Service Unavailable";
    case 505: return "HTTP Version Not Supported";
  }
  return "Error";
}

Response problem(int status, std::string_view code, std::string_view detail) {
  boost::json::object body;
  body["type"] = "urn:zhengtong:problem:" + std::string(code);
  body["title"] = reason_phrase(status);
  body["status"] = status;
  body["detail"] = detail;
  body["code"] = code;
  Response response = Response::json(status, body);
  response.content_type = "application/problem+json";
  return response;
}

Response problem(const Error& error) {
  const int status = status_of(error.kind);
  Response response = problem(status, error.code, error.detail);
  if (status == 429 || status == 503) {
    response.header("Retry-After", std::to_string(std::max<std::int64_t>(
                                       1, error.retry_after_seconds.value_or(1))));
  }
  return response;
}

}  // namespace zt::http
