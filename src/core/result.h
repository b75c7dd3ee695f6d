// Result<T>: the value of an operation that may fail with an expected error.
//
// Modules return Result<T> across their boundaries instead of throwing. An Error carries a
// stable machine code (snake_case, e.g. "invalid_id_number", shown to API clients as the
// problem+json "code"), a readable detail, and a kind that the http layer maps to a status in
// one place (http/problem.cpp). Exceptions remain for programming errors only.
//
// Thread-safety: plain values; no shared state.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <variant>

namespace zt {

// What sort of failure an Error is; decides the HTTP status, nothing else.
enum class ErrorKind {
  kInvalidInput,     // 400: the caller sent something malformed or invalid
  kUnauthenticated,  // 401
  kForbidden,        // 403
  kNotFound,         // 404
  kConflict,         // 409: state does not allow it (duplicate, version clash)
  kTooLarge,         // 413
  kUnsupported,      // 415
  kUnprocessable,    // 422: well-formed, but contradicts what the request itself names
  kTooManyRequests,  // 429: a rate limit (e.g. sign-in attempts from one address)
  kUnavailable,      // 503: a dependency (database, worker pool) cannot serve now
  kInternal,         // 500: a bug or an unexpected failure of a dependency
};

struct Error {
  ErrorKind kind = ErrorKind::kInternal;
  std::string code;    // stable, snake_case
  std::string detail;  // readable, for people
  // kTooManyRequests / kUnavailable: when a retry may succeed, in seconds (the Retry-After
  // header). Unset: the http layer says 1 for a 503, and a 429 must always set it.
  std::optional<std::int64_t> retry_after_seconds;

  static Error invalid(std::string code, std::string detail) {
    return {ErrorKind::kInvalidInput, std::move(code), std::move(detail)};
  }
  static Error forbidden(std::string code, std::string detail) {
    return {ErrorKind::kForbidden, std::move(code), std::move(detail)};
  }
  static Error not_found(std::string code, std::string detail) {
    return {ErrorKind::kNotFound, std::move(code), std::move(detail)};
  }
  static Error conflict(std::string code, std::string detail) {
    return {ErrorKind::kConflict, std::move(code), std::move(detail)};
  }
  static Error unavailable(std::string code, std::string detail) {
    return {ErrorKind::kUnavailable, std::move(code), std::move(detail)};
  }
  static Error internal(std::string code, std::string detail) {
    return {ErrorKind::kInternal, std::move(code), std::move(detail)};
  }
};

// Either a T or an Error. Accessing the wrong alternative is a programming error
// (std::bad_variant_access).
template <typename T>
class [[nodiscard]] Result {
 public:
  Result(T value) : v_(std::move(value)) {}      // NOLINT: implicit by design
  Result(Error error) : v_(std::move(error)) {}  // NOLINT

  bool ok() const { return v_.index() == 0; }
  explicit operator bool() const { return ok(); }

  T& value() & { return std::get<0>(v_); }
  const T& value() const& { return std::get<0>(v_); }
  T&& value() && { return std::get<0>(std::move(v_)); }
  T& operator*() & { return value(); }
  const T& operator*() const& { return value(); }
  T* operator->() { return &value(); }
  const T* operator->() const { return &value(); }

  const Error& error() const& { return std::get<1>(v_); }
  Error&& error() && { return std::get<1>(std::move(v_)); }

 private:
  std::variant<T, Error> v_;
};

template <>
class [[nodiscard]] Result<void> {
 public:
  Result() = default;
  Result(Error error) : error_(std::move(error)) {}  // NOLINT

  bool ok() const { return !error_.has_value(); }
  explicit operator bool() const { return ok(); }
  const Error& error() const& { return *error_; }
  Error&& error() && { return std::move(*error_); }

 private:
  std::optional<Error> error_;
};

using Status = Result<void>;

}  // namespace zt

// Propagates an error out of the enclosing function returning a Result.
#define ZT_TRY(expr)                                                    \
  do {                                                                  \
    auto zt_try_result_ = (expr);                                       \
    if (!zt_try_result_.ok()) return std::move(zt_try_result_).error(); \
  } while (0)

// Declares or assigns `lhs` from a Result expression, or propagates its error out of the
// enclosing function: `ZT_ASSIGN_OR_RETURN(auto rows, conn.query(...));`. It expands to several
// statements (it must, to declare `lhs` in the enclosing scope): under an `if`, use braces.
#define ZT_ASSIGN_OR_RETURN(lhs, expr) \
  ZT_ASSIGN_OR_RETURN_IMPL_(ZT_CONCAT_(zt_assign_result_, __LINE__), lhs, expr)
#define ZT_ASSIGN_OR_RETURN_IMPL_(tmp, lhs, expr) \
  auto tmp = (expr);                              \
  if (!tmp.ok()) return std::move(tmp).error();   \
  lhs = std::move(tmp).value()
#define ZT_CONCAT_(a, b) ZT_CONCAT_INNER_(a, b)
#define ZT_CONCAT_INNER_(a, b) a##b
