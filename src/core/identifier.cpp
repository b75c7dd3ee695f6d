#include "core/identifier.h"

#include "core/division_code.h"
#include "core/id_number.h"
#include "core/uscc.h"

namespace zt::core {

std::optional<IdentifierKind> parse_identifier_kind(std::string_view name) {
  if (name == "id_number" || name == "id-number") return IdentifierKind::kIdNumber;
  if (name == "uscc") return IdentifierKind::kUscc;
  if (name == "division_code" || name == "division-code") return IdentifierKind::kDivisionCode;
  return std::nullopt;
}

Result<std::string> check_identifier(IdentifierKind kind, std::string_view value,
                                     std::chrono::year_month_day today) {
  switch (kind) {
    case IdentifierKind::kIdNumber: return check_id_number(value, today);
    case IdentifierKind::kUscc: return check_uscc(value);
    case IdentifierKind::kDivisionCode: return check_division_code(value);
  }
  return Error::invalid("unknown_identifier_kind", "unknown identifier kind");
}

}  // namespace zt::core
