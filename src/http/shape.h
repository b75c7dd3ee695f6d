// Shapes: one table per response type saying which members its JSON answer has, in which order,
// how each is read from the struct and what JSON kind it is — from which both the encoder
// (`encode(value)`) and the documented JSON Schema (`schema()`) come, so that what a route answers
// and what /api/openapi.json says it answers cannot drift apart.
//
//   constexpr auto kCorrectionShape = http::shape::of<Correction>(
//       shape::integer("id", &Correction::id),
//       shape::str("resource", &Correction::resource_code),
//       shape::one_of("status", &Correction::status, kCorrectionStatuses),
//       shape::ntime("answered_at", &Correction::answered_at));
//   kCorrectionShape.encode(c)   // {"id": 1, "resource": "…", "status": "open", "answered_at":
//   null} kCorrectionShape.schema()    // {"type": "object", "properties": {…}, "required": [every
//   name]}
//
// A member is read with a member pointer or a small lambda; a lambda may take extra arguments
// that encode passes on (`encode(grant, now)` for a status that depends on the time). Every member
// is always present in the answer, so the schema lists every one as required; a nullable one
// documents its type as [x, "null"]. The kinds check at compile time that what is read fits
// (ntime wants an optional, time a plain number), so the table cannot claim a nullability the
// struct does not have.
//
// Encoding is one fold over a std::tuple: no virtual calls, no per-member allocation beyond the
// JSON values themselves, so it is fit for every row of a list.
//
// Thread-safety: shapes are immutable values (constexpr tables); encode and schema are pure.
#pragma once

#include "core/time.h"
#include "http/json_body.h"
#include "http/openapi.h"
#include "http/page.h"

#include <boost/json/array.hpp>
#include <boost/json/object.hpp>
#include <boost/json/value.hpp>

#include <cstdint>
#include <functional>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <tuple>
#include <type_traits>
#include <utility>
#include <vector>

namespace zt::http::shape {

namespace detail {

template <typename V>
struct IsOptional : std::false_type {};
template <typename V>
struct IsOptional<std::optional<V>> : std::true_type {};
template <typename V>
inline constexpr bool kIsOptional = IsOptional<std::remove_cvref_t<V>>::value;

// get(value, extra…) when the getter takes the extra arguments, else get(value) (a member
// pointer or a one-argument lambda).
template <typename Get, typename T, typename... Extra>
decltype(auto) read(const Get& get, const T& value, const Extra&... extra) {
  if constexpr (sizeof...(Extra) > 0 &&
                std::is_invocable_v<const Get&, const T&, const Extra&...>) {
    return std::invoke(get, value, extra...);
  } else {
    return std::invoke(get, value);
  }
}

}  // namespace detail

// The JSON kinds a member may have. Each turns what the getter reads into a JSON value and says
// how that is documented.
namespace kind {

struct Str {  // a string (std::string or anything that converts to std::string_view)
  boost::json::value encode(std::string_view s) const { return boost::json::value(s); }
  boost::json::object schema() const { return schema::str(); }
};
struct NStr {  // std::optional<std::string>: the string or null
  template <typename V>
  boost::json::value encode(const V& s) const {
    static_assert(detail::kIsOptional<V>, "nstr reads a std::optional");
    return s ? boost::json::value(std::string_view(*s)) : boost::json::value(nullptr);
  }
  boost::json::object schema() const { return schema::nstr(); }
};
struct EmptyAsNull {  // a std::string where "" means none: the string, or null when empty
  boost::json::value encode(std::string_view s) const {
    return s.empty() ? boost::json::value(nullptr) : boost::json::value(s);
  }
  boost::json::object schema() const { return schema::nstr(); }
};
struct Integer {
  template <typename V>
  boost::json::value encode(V v) const {
    static_assert(std::is_integral_v<V> && !std::is_same_v<V, bool>, "integer reads an integer");
    return boost::json::value(v);
  }
  boost::json::object schema() const { return schema::integer(); }
};
struct NInteger {  // std::optional of an integer: the number or null
  template <typename V>
  boost::json::value encode(const V& v) const {
    static_assert(detail::kIsOptional<V>, "ninteger reads a std::optional");
    return v ? boost::json::value(*v) : boost::json::value(nullptr);
  }
  boost::json::object schema() const { return schema::ninteger(); }
};
struct Number {
  boost::json::value encode(double v) const { return boost::json::value(v); }
  boost::json::object schema() const { return schema::number(); }
};
struct Boolean {
  template <typename V>
  boost::json::value encode(V v) const {
    static_assert(std::is_same_v<V, bool>, "boolean reads a bool");
    return boost::json::value(v);
  }
  boost::json::object schema() const { return schema::boolean(); }
};
struct Strings {
  boost::json::value encode(const std::vector<std::string>& v) const { return string_array(v); }
  boost::json::object schema() const { return schema::strings(); }
};
// A time: milliseconds since the epoch or a core::TimePoint, always set: an ISO 8601 string
// (http::iso_time_or_null, core::format_iso8601).
struct Time {
  template <typename V>
  boost::json::value encode(const V& t) const {
    static_assert(!detail::kIsOptional<V>, "time reads a plain time; ntime an optional");
    if constexpr (std::is_integral_v<V>) {
      return iso_time_or_null(t);
    } else {
      return boost::json::value(core::format_iso8601(t));
    }
  }
  boost::json::object schema() const {
    boost::json::object s = schema::str();
    s["format"] = "date-time";
    return s;
  }
};
struct NTime {  // a std::optional of either: the ISO 8601 string or null
  template <typename V>
  boost::json::value encode(const V& t) const {
    static_assert(detail::kIsOptional<V>, "ntime reads a std::optional");
    if (!t) return boost::json::value(nullptr);
    return Time{}.encode(*t);
  }
  boost::json::object schema() const {
    boost::json::object s = schema::nstr();
    s["format"] = "date-time";
    return s;
  }
};
struct OneOf {  // a string that is one of `values` (a status kept as text)
  std::span<const std::string_view> values;
  boost::json::value encode(std::string_view s) const { return boost::json::value(s); }
  boost::json::object schema() const { return schema::enumeration(values); }
};
template <typename Table>
struct Named {  // an enum, by its core::EnumNames table
  const Table* table;
  template <typename E>
  boost::json::value encode(E v) const {
    return boost::json::value(table->name_of(v));
  }
  boost::json::object schema() const { return schema::enumeration(table->names); }
};
template <typename Shape>
struct Object {  // a nested struct, by its own shape
  const Shape* shape;
  template <typename V>
  boost::json::value encode(const V& v) const {
    return shape->encode(v);
  }
  boost::json::object schema() const { return shape->schema(); }
};
template <typename Shape>
struct ArrayOf {  // a std::vector of structs, each by its shape
  const Shape* shape;
  template <typename V>
  boost::json::value encode(const std::vector<V>& items) const {
    return encode_all(items, *shape);
  }
  boost::json::object schema() const { return schema::array_of(shape->schema()); }
};
struct Raw {  // a value the getter builds itself, documented by `describe`
  boost::json::object (*describe)();
  boost::json::value encode(boost::json::value v) const { return v; }
  boost::json::object schema() const { return describe(); }
};

}  // namespace kind

// One member: its name in the answer, how to read it, its kind and an optional description.
template <typename Get, typename Kind>
struct Member {
  std::string_view name;
  Get get;
  Kind kind;
  std::string_view description;
};

// The table of a response type T: its members in the order the answer lists them.
template <typename T, typename... Members>
class Shape {
 public:
  constexpr explicit Shape(Members... members) : members_(std::move(members)...) {}

  // {name: value, …} in table order. `extra` is passed to getters that take it.
  template <typename... Extra>
  boost::json::object encode(const T& value, const Extra&... extra) const {
    boost::json::object out;
    out.reserve(sizeof...(Members));
    std::apply(
        [&](const Members&... m) {
          (out.emplace(m.name, m.kind.encode(detail::read(m.get, value, extra...))), ...);
        },
        members_);
    return out;
  }

  // encode(value), so that a shape serves where an encoder is passed (http::respond,
  // http::page_json).
  boost::json::object operator()(const T& value) const { return encode(value); }

  // The JSON Schema of encode's answer: every member documented, and required.
  boost::json::object schema() const {
    boost::json::object properties;
    boost::json::array required;
    properties.reserve(sizeof...(Members));
    required.reserve(sizeof...(Members));
    std::apply(
        [&](const Members&... m) {
          ((properties.emplace(m.name, described(m.kind.schema(), m.description)),
            required.emplace_back(m.name)),
           ...);
        },
        members_);
    return schema::object(std::move(properties), std::move(required));
  }

 private:
  static boost::json::object described(boost::json::object s, std::string_view description) {
    if (!description.empty()) s["description"] = description;
    return s;
  }

  std::tuple<Members...> members_;
};

// The shape of T from its members.
template <typename T, typename... Members>
constexpr Shape<T, Members...> of(Members... members) {
  return Shape<T, Members...>(std::move(members)...);
}

// A getter for a member of a member: via(&Record::entry, &Entry::actor_name).
template <typename Outer, typename Inner>
constexpr auto via(Outer outer, Inner inner) {
  return [outer, inner](const auto& value) -> decltype(auto) {
    return std::invoke(inner, std::invoke(outer, value));
  };
}

// The members, by kind: str("name", &T::name, "optional description"). `get` is a member pointer
// or a lambda taking the struct.
template <typename Kind>
struct MemberOf {
  template <typename Get>
  constexpr Member<Get, Kind> operator()(std::string_view name, Get get,
                                         std::string_view description = {}) const {
    return {name, get, {}, description};
  }
};
inline constexpr MemberOf<kind::Str> str{};
inline constexpr MemberOf<kind::NStr> nstr{};
inline constexpr MemberOf<kind::EmptyAsNull> str_or_null{};
inline constexpr MemberOf<kind::Integer> integer{};
inline constexpr MemberOf<kind::NInteger> ninteger{};
inline constexpr MemberOf<kind::Number> number{};
inline constexpr MemberOf<kind::Boolean> boolean{};
inline constexpr MemberOf<kind::Strings> strings{};
inline constexpr MemberOf<kind::Time> time{};
inline constexpr MemberOf<kind::NTime> ntime{};

// The kinds that take an argument: the names a status may have, the enum's table, the nested
// shape, or the function that documents a raw value.
template <typename Get>
constexpr auto one_of(std::string_view name, Get get, std::span<const std::string_view> values,
                      std::string_view description = {}) {
  return Member<Get, kind::OneOf>{name, get, {values}, description};
}
template <typename Get, typename Table>
constexpr auto named(std::string_view name, Get get, const Table& table,
                     std::string_view description = {}) {
  return Member<Get, kind::Named<Table>>{name, get, {&table}, description};
}
template <typename Get, typename S>
constexpr auto object(std::string_view name, Get get, const S& shape,
                      std::string_view description = {}) {
  return Member<Get, kind::Object<S>>{name, get, {&shape}, description};
}
template <typename Get, typename S>
constexpr auto array_of(std::string_view name, Get get, const S& shape,
                        std::string_view description = {}) {
  return Member<Get, kind::ArrayOf<S>>{name, get, {&shape}, description};
}
template <typename Get>
constexpr auto raw(std::string_view name, Get get, boost::json::object (*describe)(),
                   std::string_view description = {}) {
  return Member<Get, kind::Raw>{name, get, {describe}, description};
}

}  // namespace zt::http::shape
