// Catalog value types (政务信息资源目录): information resources with GB/T 21063-style core
// metadata, their typed fields (信息项), their lifecycle and versions, and the rule that decides
// which field changes a published resource may take.
//
// Times are milliseconds since the Unix epoch (UTC), shown by the API as ISO 8601 with +08:00.
// Thread-safety: plain values and pure functions.
#pragma once

#include "core/enum_names.h"
#include "core/result.h"

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace zt::catalog {

enum class FieldType {
  kString,
  kInteger,
  kDecimal,
  kBoolean,
  kDate,      // YYYY-MM-DD
  kDatetime,  // ISO 8601; stored as Beijing time
  kEnum,      // one of Field::enum_values
  kIdNumber,  // 身份证号, GB 11643
  kUscc,      // 统一社会信用代码, GB 32100
  kDivisionCode,
  kPhone,  // mainland mobile (11 digits) or fixed line
  kEmail,
};

// How a personal field is shown to a reader whose grant does not unmask it (脱敏).
enum class MaskRule {
  kNone,      // shown as is (fields without personal data)
  kIdNumber,  // keep the first 6 and last 4 characters: 330302********1234
  kPhone,     // keep the first 3 and last 4: 138****5678
  kName,      // keep the surname (the first character): 张**
  kHidden,    // nothing shown: "******"
};

enum class ShareType { kUnconditional, kConditional, kNone };
enum class ShareMode { kApi, kTable, kFile };
enum class OpenType { kOpen, kConditional, kClosed };
enum class Category { kBase, kTheme, kDepartment };  // 基础 / 主题 / 部门
enum class UpdateCycle { kRealtime, kDaily, kWeekly, kMonthly, kQuarterly, kYearly, kIrregular };
enum class ResourceStatus { kDraft, kPublished, kRetired };

// The names of the enums, as the API and the database spell them: the one table that to_string,
// the parsers and the API document's enums (catalog/api.cpp) use.
inline constexpr auto kFieldTypeNames =
    core::enum_names<FieldType>({{FieldType::kString, "string"},
                                 {FieldType::kInteger, "integer"},
                                 {FieldType::kDecimal, "decimal"},
                                 {FieldType::kBoolean, "boolean"},
                                 {FieldType::kDate, "date"},
                                 {FieldType::kDatetime, "datetime"},
                                 {FieldType::kEnum, "enum"},
                                 {FieldType::kIdNumber, "id_number"},
                                 {FieldType::kUscc, "uscc"},
                                 {FieldType::kDivisionCode, "division_code"},
                                 {FieldType::kPhone, "phone"},
                                 {FieldType::kEmail, "email"}});
inline constexpr auto kMaskRuleNames =
    core::enum_names<MaskRule>({{MaskRule::kNone, "none"},
                                {MaskRule::kIdNumber, "id_number"},
                                {MaskRule::kPhone, "phone"},
                                {MaskRule::kName, "name"},
                                {MaskRule::kHidden, "hidden"}});
inline constexpr auto kShareTypeNames =
    core::enum_names<ShareType>({{ShareType::kUnconditional, "unconditional"},
                                 {ShareType::kConditional, "conditional"},
                                 {ShareType::kNone, "none"}});
inline constexpr auto kShareModeNames = core::enum_names<ShareMode>(
    {{ShareMode::kApi, "api"}, {ShareMode::kTable, "table"}, {ShareMode::kFile, "file"}});
inline constexpr auto kOpenTypeNames =
    core::enum_names<OpenType>({{OpenType::kOpen, "open"},
                                {OpenType::kConditional, "conditional"},
                                {OpenType::kClosed, "closed"}});
inline constexpr auto kCategoryNames =
    core::enum_names<Category>({{Category::kBase, "base"},
                                {Category::kTheme, "theme"},
                                {Category::kDepartment, "department"}});
inline constexpr auto kUpdateCycleNames =
    core::enum_names<UpdateCycle>({{UpdateCycle::kRealtime, "realtime"},
                                   {UpdateCycle::kDaily, "daily"},
                                   {UpdateCycle::kWeekly, "weekly"},
                                   {UpdateCycle::kMonthly, "monthly"},
                                   {UpdateCycle::kQuarterly, "quarterly"},
                                   {UpdateCycle::kYearly, "yearly"},
                                   {UpdateCycle::kIrregular, "irregular"}});
inline constexpr auto kResourceStatusNames =
    core::enum_names<ResourceStatus>({{ResourceStatus::kDraft, "draft"},
                                      {ResourceStatus::kPublished, "published"},
                                      {ResourceStatus::kRetired, "retired"}});

std::string_view to_string(FieldType v);
std::string_view to_string(MaskRule v);
std::string_view to_string(ShareType v);
std::string_view to_string(ShareMode v);
std::string_view to_string(OpenType v);
std::string_view to_string(Category v);
std::string_view to_string(UpdateCycle v);
std::string_view to_string(ResourceStatus v);
// The parsers accept exactly the names to_string gives; nullopt otherwise.
std::optional<FieldType> parse_field_type(std::string_view s);
std::optional<MaskRule> parse_mask_rule(std::string_view s);
std::optional<ShareType> parse_share_type(std::string_view s);
std::optional<ShareMode> parse_share_mode(std::string_view s);
std::optional<OpenType> parse_open_type(std::string_view s);
std::optional<Category> parse_category(std::string_view s);
std::optional<UpdateCycle> parse_update_cycle(std::string_view s);
std::optional<ResourceStatus> parse_resource_status(std::string_view s);

// The longest a resource may go without an update before it counts as stale; nullopt for
// kIrregular (never stale). Real-time resources are expected at least daily.
std::optional<std::int64_t> update_cycle_ms(UpdateCycle cycle);

inline constexpr std::size_t kMaxFields = 200;
inline constexpr std::size_t kMaxKeyFields = 4;
inline constexpr std::int64_t kMaxFieldLength = 65535;

// One field (信息项) of a resource.
struct Field {
  std::string name;   // snake_case ASCII, [a-z][a-z0-9_]{0,47}; never starts with '_'
  std::string label;  // Chinese label, e.g. 公民身份号码
  FieldType type = FieldType::kString;
  bool required = false;
  std::optional<std::int64_t> max_length;  // characters, for text types
  std::vector<std::string> enum_values;    // kEnum only
  bool key = false;                        // part of the primary key (then also required)
  bool indexed = false;                    // filterable; the key is always indexed
  bool personal = false;                   // holds personal data
  MaskRule mask = MaskRule::kNone;         // for personal fields; kNone otherwise

  bool operator==(const Field&) const = default;
};

// The mask a personal field of this type gets when none is given: id_number → kIdNumber, phone
// → kPhone, anything else → kHidden (a Chinese name field asks for kName explicitly).
MaskRule default_mask(FieldType type);

// Checks a field list: at least one field, at most kMaxFields, valid unique names, at least one
// and at most kMaxKeyFields key fields of a keyable type (not decimal, boolean), enum values
// present exactly for enums, lengths within 1..kMaxFieldLength. Fills the defaults: key fields
// become required and indexed; personal fields without a mask get default_mask(); non-personal
// fields get kNone. Failure: Error invalid "invalid_fields" with what is wrong.
Status normalise_fields(std::vector<Field>& fields);

// Whether `after` is a compatible change of the published field list `before`: every field of
// `before` is still there with the same type, key flag and required flag, a length at least as
// long, and every enum value kept; new fields are optional and not keys. Marking an existing
// field indexed, changing a label, the personal flag or the mask is allowed. Success: a list of
// readable change descriptions (empty when nothing changed). Failure: Error conflict
// "incompatible_change" whose detail lists every refused change.
Result<std::vector<std::string>> check_compatible(std::span<const Field> before,
                                                  std::span<const Field> after);

// One information resource with its metadata and current fields.
struct Resource {
  std::int64_t id = 0;
  std::string code;  // unique, e.g. 330300-GA-0001
  std::string name;
  std::int64_t department_id = 0;
  std::string department_name;  // filled on reads
  Category category = Category::kDepartment;
  std::string summary;
  std::string format = "数据库";  // 数据库 / 电子文件 / …
  ShareType share_type = ShareType::kConditional;
  std::string share_condition;
  ShareMode share_mode = ShareMode::kApi;
  OpenType open_type = OpenType::kClosed;
  std::string open_condition;
  UpdateCycle update_cycle = UpdateCycle::kDaily;
  std::optional<std::string> publish_date;  // YYYY-MM-DD, set on first publication
  std::vector<std::string> related;         // codes of related resources
  std::vector<std::string> keywords;
  std::vector<Field> fields;
  ResourceStatus status = ResourceStatus::kDraft;
  std::int64_t version = 1;  // +1 on every change; the history keeps each
  std::int64_t created_by = 0;
  std::int64_t created_at = 0;
  std::int64_t updated_at = 0;
  std::optional<std::int64_t> published_at;
  std::optional<std::int64_t> retired_at;

  // The field called `name`, or null.
  const Field* field(std::string_view field_name) const;
  // The key fields, in field order.
  std::vector<const Field*> key_fields() const;
};

// Checks a resource code: 3 to 64 characters of A-Z, 0-9 and '-', starting with a letter or
// digit. Failure: Error invalid "invalid_resource_code".
Status check_resource_code(std::string_view code);

}  // namespace zt::catalog
