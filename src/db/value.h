// Param: one value bound to a `?` placeholder, and the value types the db layer speaks.
//
// A Param is a cheap, non-owning view: text and blob parameters point into the caller's
// objects, which must outlive the call that binds them (a full expression, in the usual
// `conn.query(sql, a, b)` form). Binding types: null (std::nullopt / nullptr), bool, signed
// integers up to 64 bits and unsigned up to 32 bits, double, text (string_view / string /
// const char*), blobs (Blob or a span of bytes) and std::optional<T> of any of these.
//
// Thread-safety: plain values; no shared state.
#pragma once

#include <concepts>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <type_traits>
#include <vector>

namespace zt::db {

// Owned bytes, as read back from a BLOB / BYTEA column.
using Blob = std::vector<std::uint8_t>;

// What a stored value or a parameter is.
enum class ValueType : std::uint8_t { kNull, kBool, kInt, kDouble, kText, kBlob };

class Param {
 public:
  Param() = default;        // null
  Param(std::nullopt_t) {}  // NOLINT: implicit by design, like every constructor below
  Param(std::nullptr_t) {}  // NOLINT
  Param(bool v) : type_(ValueType::kBool) { i_ = v ? 1 : 0; }  // NOLINT
  template <std::integral T>
  requires(!std::same_as<T, bool> && !std::same_as<T, char> && !std::same_as<T, char8_t> &&
           (std::is_signed_v<T> || sizeof(T) < 8)) Param(T v)
      : type_(ValueType::kInt) {  // NOLINT
    i_ = static_cast<std::int64_t>(v);
  }
  Param(double v) : type_(ValueType::kDouble) { d_ = v; }  // NOLINT
  Param(std::string_view v)
      : type_(ValueType::kText), data_(v.data()), size_(v.size()) {}  // NOLINT
  Param(const std::string& v) : Param(std::string_view(v)) {}         // NOLINT
  Param(const char* v) {  // NOLINT: a null pointer binds NULL
    if (v != nullptr) *this = Param(std::string_view(v));
  }
  Param(std::span<const std::uint8_t> v)  // NOLINT
      : type_(ValueType::kBlob), data_(reinterpret_cast<const char*>(v.data())), size_(v.size()) {}
  Param(std::span<const std::byte> v)  // NOLINT
      : type_(ValueType::kBlob), data_(reinterpret_cast<const char*>(v.data())), size_(v.size()) {}
  Param(const Blob& v) : Param(std::span<const std::uint8_t>(v)) {}  // NOLINT
  template <typename T>
  requires std::constructible_from<Param, const T&> Param(const std::optional<T>& v) {  // NOLINT
    if (v.has_value()) *this = Param(*v);
  }

  ValueType type() const { return type_; }
  bool is_null() const { return type_ == ValueType::kNull; }
  bool as_bool() const { return i_ != 0; }
  std::int64_t as_int() const { return i_; }
  double as_double() const { return d_; }
  std::string_view as_text() const { return {data_, size_}; }
  std::span<const std::uint8_t> as_blob() const {
    return {reinterpret_cast<const std::uint8_t*>(data_), size_};
  }

 private:
  ValueType type_ = ValueType::kNull;
  union {
    std::int64_t i_ = 0;
    double d_;
  };
  const char* data_ = nullptr;
  std::size_t size_ = 0;
};

// True when T can be bound as a parameter.
template <typename T>
concept Bindable = std::constructible_from<Param, const T&>;

}  // namespace zt::db
