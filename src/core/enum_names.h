// EnumNames: the one table of an enum's names as the API, the database and the documents spell
// them, so that to_string, the parser and the OpenAPI `enum` of a field (http::schema::
// enumeration(table.names)) cannot drift apart.
//
//   inline constexpr auto kShareTypeNames = core::enum_names<ShareType>(
//       {{ShareType::kUnconditional, "unconditional"}, {ShareType::kConditional, "conditional"}});
//   kShareTypeNames.name_of(ShareType::kConditional)  // "conditional"
//   kShareTypeNames.parse("none")                      // nullopt: not in the table
//
// Thread-safety: constexpr values, read-only.
#pragma once

#include <array>
#include <cstddef>
#include <optional>
#include <string_view>
#include <utility>

namespace zt::core {

template <typename E, std::size_t N>
struct EnumNames {
  std::array<E, N> values{};
  std::array<std::string_view, N> names{};  // names[i] is the name of values[i], in table order

  // The name of `value`; "unknown" for a value the table does not list.
  constexpr std::string_view name_of(E value) const {
    for (std::size_t i = 0; i < N; ++i) {
      if (values[i] == value) return names[i];
    }
    return "unknown";
  }
  // The value named exactly `name` (case-sensitive), or nullopt.
  constexpr std::optional<E> parse(std::string_view name) const {
    for (std::size_t i = 0; i < N; ++i) {
      if (names[i] == name) return values[i];
    }
    return std::nullopt;
  }
};

// The table of {value, name} pairs, in the order the documents list them.
template <typename E, std::size_t N>
constexpr EnumNames<E, N> enum_names(const std::pair<E, std::string_view> (&entries)[N]) {
  EnumNames<E, N> table;
  for (std::size_t i = 0; i < N; ++i) {
    table.values[i] = entries[i].first;
    table.names[i] = entries[i].second;
  }
  return table;
}

}  // namespace zt::core
