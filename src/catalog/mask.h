// Masking (脱敏): how a personal field's value is shown to a reader whose grant does not unmask
// it, by the field's MaskRule. Characters, not bytes: a Chinese name keeps its first character.
//
//   kIdNumber  330302********1234   first 6 and last 4 kept
//   kPhone     138****5678          first 3 and last 4 kept
//   kName      张**                 the first character (the surname) kept
//   kHidden    ******               nothing kept, not even the length
//   kNone      the value unchanged
//
// A value too short to keep both ends is masked whole (every character '*').
// Thread-safety: pure functions.
#pragma once

#include "catalog/model.h"

#include <string>
#include <string_view>

namespace zt::catalog {

std::string mask_value(MaskRule rule, std::string_view value);

// The same, appended to `out` without allocating anything else (exports mask every row).
void append_masked(std::string& out, MaskRule rule, std::string_view value);

}  // namespace zt::catalog
