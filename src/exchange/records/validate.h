// Row validation of ingest: a raw row (as the reader produced it) checked against the resource's
// fields and turned into typed values in their canonical form.
//
// Canonical forms: integer → int64; boolean → bool (accepts true/false, 1/0, 是/否, Y/N);
// decimal → its digits without leading zeros or trailing fractional zeros ("012.50" →
// "12.5", exact to 38 digits); date → YYYY-MM-DD (also
// accepts YYYYMMDD and YYYY/MM/DD); datetime → YYYY-MM-DDTHH:MM:SS+08:00 (an ISO 8601 time with
// an offset or Z is converted to Beijing time; one without is taken as Beijing time); id_number
// → upper-case X; text types as sent. An empty string is null except for string and enum fields.
// A field absent from an upsert row is null (a row is the whole record).
//
// Per-field reasons: "required", "too_long", "not_in_enum", "wrong_type", "invalid_integer",
// "invalid_decimal", "invalid_boolean", "invalid_date", "invalid_datetime", "invalid_id_number",
// "invalid_uscc", "invalid_division_code", "invalid_phone", "invalid_email". Details never repeat
// the value (it may be personal data).
//
// Thread-safety: a Validator is immutable after construction and may be shared.
#pragma once

#include "catalog/model.h"
#include "exchange/format/row_reader.h"
#include "exchange/records/model.h"

#include <chrono>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace zt::exchange {

class Validator {
 public:
  // `today` decides which birth dates in ID numbers lie in the future.
  Validator(const std::vector<catalog::Field>& fields, std::chrono::year_month_day today);

  // Validates `raw` into `out` (reusing its storage). Success: true. Failure: false, with one
  // FieldError per bad field appended to `errors` (the reader's row error becomes one "_row"
  // error).
  bool validate(const RawRow& raw, TypedRow& out, std::vector<FieldError>& errors) const;

  const std::vector<catalog::Field>& fields() const { return fields_; }

 private:
  std::vector<catalog::Field> fields_;
  std::chrono::year_month_day today_;
};

// One value checked against one field; exposed for tests and the query filters of part 2.
// Success: the canonical value (kNull for null/absent/empty when allowed). Failure: the reason.
Result<TypedValue> validate_value(const catalog::Field& field, const RawValue& raw,
                                  std::chrono::year_month_day today);

// Appends one key value to a row's key bytes: its canonical text (integers in decimal) with a
// length prefix, so that no two different composite keys share their bytes.
void append_key(std::string& out, const TypedValue& value);

// The record's JSON object: every field of an upsert row, the key fields of a delete.
void append_row_json(std::string& out, const std::vector<catalog::Field>& fields,
                     const TypedRow& row);

// The JSON text of a typed value: numbers for integers and decimals (decimal text kept exact),
// true/false, strings escaped, null.
void append_json(std::string& out, const catalog::Field& field, const TypedValue& value);

}  // namespace zt::exchange
