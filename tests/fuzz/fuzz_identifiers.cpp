// libFuzzer target for the identifier checks: check_id_number, check_uscc, check_division_code.
//
// Feeds the raw input to all three checks and aborts when an invariant breaks:
//  - a failure is Error{kInvalidInput, <the check's code>, non-empty detail};
//  - a success is a normalized value of the right length and alphabet that validates again to
//    itself (normalization is idempotent);
//  - for credit codes, the upper-cased input validates to the same value (case does not matter).
// Sanitizers (address, undefined) catch crashes and out-of-bounds reads.
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <string_view>

#include "core/division_code.h"
#include "core/id_number.h"
#include "core/result.h"
#include "core/uscc.h"

namespace {

using namespace std::chrono;

constexpr year_month_day kToday{year{2024}, June, day{15}};

void require(bool condition, const char* what) {
  if (!condition) {
    std::fprintf(stderr, "invariant broken: %s\n", what);
    std::abort();
  }
}

bool all_of_chars(std::string_view s, std::string_view allowed) {
  return s.find_first_not_of(allowed) == std::string_view::npos;
}

void require_failure_shape(const zt::Error& e, std::string_view code) {
  require(e.kind == zt::ErrorKind::kInvalidInput, "error kind is kInvalidInput");
  require(e.code == code, "error code is the check's code");
  require(!e.detail.empty(), "error detail is not empty");
}

void fuzz_id_number(std::string_view input) {
  // Inputs of 22 bytes or more also pick `today` (bytes 19-22) so the future-date rule gets
  // exercised, and their first 18 bytes are checked on their own.
  year_month_day today = kToday;
  if (input.size() >= 22) {
    unsigned days = 0;
    for (size_t i = 18; i < 22; ++i)
      days = days * 256 + static_cast<unsigned char>(input[i]);
    today = year_month_day{sys_days{year{1890} / January / 1} + std::chrono::days{days % 60000}};
  }
  std::string_view value = input.size() >= 22 ? input.substr(0, 18) : input;
  for (std::string_view v : {input, value}) {
    zt::Result<std::string> r = zt::core::check_id_number(v, today);
    if (!r.ok()) {
      require_failure_shape(r.error(), "invalid_id_number");
      continue;
    }
    const std::string& id = r.value();
    require(id.size() == 18, "id number is 18 characters");
    require(all_of_chars(id.substr(0, 17), "0123456789"), "id number starts with 17 digits");
    require(all_of_chars(id.substr(17), "0123456789X"), "id number ends with a digit or X");
    zt::Result<std::string> again = zt::core::check_id_number(id, today);
    require(again.ok() && again.value() == id, "normalized id number validates to itself");
  }
}

void fuzz_uscc(std::string_view input) {
  zt::Result<std::string> r = zt::core::check_uscc(input);
  if (!r.ok()) {
    require_failure_shape(r.error(), "invalid_uscc");
    return;
  }
  const std::string& code = r.value();
  require(code.size() == 18, "credit code is 18 characters");
  require(all_of_chars(code, "0123456789ABCDEFGHJKLMNPQRTUWXY"), "credit code alphabet");
  zt::Result<std::string> again = zt::core::check_uscc(code);
  require(again.ok() && again.value() == code, "normalized credit code validates to itself");
}

void fuzz_division_code(std::string_view input) {
  zt::Result<std::string> r = zt::core::check_division_code(input);
  if (!r.ok()) {
    require_failure_shape(r.error(), "invalid_division_code");
    return;
  }
  const std::string& code = r.value();
  require(code.size() == 6 || code.size() == 9 || code.size() == 12, "division code length");
  require(all_of_chars(code, "0123456789"), "division code is digits");
  require(zt::core::is_known_province_code((code[0] - '0') * 10 + (code[1] - '0')),
          "division code province is known");
  zt::Result<std::string> again = zt::core::check_division_code(code);
  require(again.ok() && again.value() == code, "division code validates to itself");
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view input(reinterpret_cast<const char*>(data), size);
  fuzz_id_number(input);
  fuzz_uscc(input);
  fuzz_division_code(input);
  // Six-digit prefixes of valid identity numbers and credit codes are often division codes;
  // feeding them here lets the fuzzer reach the division rules from either kind of seed.
  if (size >= 8) fuzz_division_code(input.substr(2, 6));
  return 0;
}
