#include "core/csv.h"

#include <array>

namespace zt::core {
namespace {

// The bytes that make a cell quoted.
constexpr std::array<bool, 256> kQuoted = [] {
  std::array<bool, 256> special{};
  for (unsigned char c : {',', '"', '\r', '\n'})
    special[c] = true;
  return special;
}();

bool starts_like_formula(std::string_view text) {
  if (text.empty()) return false;
  const char c = text.front();
  return c == '=' || c == '+' || c == '-' || c == '@' || c == '\t' || c == '\r';
}

}  // namespace

bool csv_cell_needs_care(std::string_view text) {
  if (starts_like_formula(text)) return true;
  for (char c : text) {
    if (kQuoted[static_cast<unsigned char>(c)]) return true;
  }
  return false;
}

void append_csv_cell(std::string& out, std::string_view text) {
  if (!csv_cell_needs_care(text)) {
    out.append(text);
    return;
  }
  out.push_back('"');
  if (starts_like_formula(text)) out.push_back('\'');
  for (char c : text) {
    if (c == '"') out.push_back('"');
    out.push_back(c);
  }
  out.push_back('"');
}

}  // namespace zt::core
