// Identifier kinds by name, for callers that check "some identifier" chosen at run time
// (the `zhengtong check` command, POST /api/v1/identifiers/check, later ingest validation).
//
// Thread-safety: pure functions.
#pragma once

#include <chrono>
#include <optional>
#include <string>
#include <string_view>

#include "core/result.h"

namespace zt::core {

enum class IdentifierKind { kIdNumber, kUscc, kDivisionCode };

// "id_number" / "id-number", "uscc", "division_code" / "division-code"; nullopt otherwise.
std::optional<IdentifierKind> parse_identifier_kind(std::string_view name);

// Runs the check for `kind` (check_id_number, check_uscc or check_division_code).
Result<std::string> check_identifier(IdentifierKind kind, std::string_view value,
                                     std::chrono::year_month_day today);

}  // namespace zt::core
