// CSV cells (RFC 4180) for the exports people open in a spreadsheet.
//
// A cell is quoted when it holds a comma, a quote or a line break. A text that starts like a
// formula (= + - @, tab or CR) is quoted with a leading apostrophe, so that Excel and WPS show it
// as text instead of running it (CSV injection, OWASP). Numbers are written by their callers
// and never pass through here, so "-5" in a number column stays a number.
// Thread-safety: pure functions.
#pragma once

#include <string>
#include <string_view>

namespace zt::core {

// Whether append_csv_cell would write `text` other than as it is.
bool csv_cell_needs_care(std::string_view text);

// Appends `text` as one CSV cell, quoted and guarded as above.
void append_csv_cell(std::string& out, std::string_view text);

}  // namespace zt::core
