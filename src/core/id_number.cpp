#include "core/id_number.h"

#include <array>

#include <fmt/format.h>

#include "core/division_code.h"
#include "core/identifier_text.h"

namespace zt::core {
namespace {

constexpr std::string_view kCode = "invalid_id_number";
constexpr size_t kLength = 18;

// GB 11643-1999 / ISO 7064 MOD 11-2: weight of position i is 2^(17-i) mod 11.
constexpr std::array<int, 17> kWeights = {7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2};
constexpr std::string_view kCheckChars = "10X98765432";  // indexed by (weighted sum mod 11)

constexpr std::chrono::year_month_day kEarliestBirth{std::chrono::year{1900}, std::chrono::January,
                                                     std::chrono::day{1}};

Error invalid(std::string detail) {
  return Error::invalid(std::string(kCode), std::move(detail));
}

bool is_digit(char c) {
  return c >= '0' && c <= '9';
}

int digits_at(std::string_view s, size_t offset, size_t count) {
  int n = 0;
  for (size_t i = offset; i < offset + count; ++i)
    n = n * 10 + (s[i] - '0');
  return n;
}

}  // namespace

Result<std::string> check_id_number(std::string_view value, std::chrono::year_month_day today) {
  if (auto bad = screen_identifier_text(value, "ASCII digits")) return invalid(std::move(*bad));
  if (value.size() != kLength) {
    return invalid(fmt::format("must be 18 characters, got {}", value.size()));
  }
  for (size_t i = 0; i + 1 < kLength; ++i) {
    if (!is_digit(value[i])) {
      return invalid(
          fmt::format("non-digit {} at position {}; the first 17 characters must be digits",
                      describe_char(value[i]), i + 1));
    }
  }
  std::string number(value);
  if (number.back() == 'x') number.back() = 'X';
  if (!is_digit(number.back()) && number.back() != 'X') {
    return invalid(
        fmt::format("character 18 must be a digit or X, got {}", describe_char(number.back())));
  }

  // 83 is not a GB/T 2260 province but starts the numbers on residence permits of Taiwan
  // residents (港澳台居民居住证, 830000); they are real citizens' numbers and must validate.
  constexpr int kTaiwanResidencePermit = 83;
  int province = digits_at(number, 0, 2);
  if (!is_known_province_code(province) && province != kTaiwanResidencePermit) {
    return invalid(fmt::format("unknown province code {:02d} (positions 1-2)", province));
  }

  using namespace std::chrono;
  year_month_day birth{year{digits_at(number, 6, 4)},
                       month{static_cast<unsigned>(digits_at(number, 10, 2))},
                       day{static_cast<unsigned>(digits_at(number, 12, 2))}};
  if (!birth.ok()) return invalid("birth date (positions 7-14) is not a real calendar date");
  if (birth < kEarliestBirth) return invalid("birth date (positions 7-14) is before 1900-01-01");
  if (birth > today) return invalid("birth date (positions 7-14) is in the future");

  const char expected = *id_number_check_character(number.substr(0, kLength - 1));
  if (number.back() != expected) {
    return invalid(fmt::format("wrong check character (position 18): expected '{}', got '{}'",
                               expected, number.back()));
  }
  return number;
}

std::optional<char> id_number_check_character(std::string_view first17) {
  if (first17.size() + 1 != kLength) return std::nullopt;
  int sum = 0;
  for (size_t i = 0; i < first17.size(); ++i) {
    if (!is_digit(first17[i])) return std::nullopt;
    sum += (first17[i] - '0') * kWeights[i];
  }
  return kCheckChars[static_cast<size_t>(sum % 11)];
}

}  // namespace zt::core
