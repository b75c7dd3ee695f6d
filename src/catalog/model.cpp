#include "catalog/model.h"

#include <fmt/format.h>

#include <algorithm>
#include <array>
#include <set>
#include <utility>

namespace zt::catalog {

namespace {

bool valid_field_name(std::string_view name) {
  if (name.empty() || name.size() > 48) return false;
  if (name.front() < 'a' || name.front() > 'z') return false;
  return std::all_of(name.begin(), name.end(), [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_';
  });
}

bool is_text_type(FieldType t) {
  return t != FieldType::kInteger && t != FieldType::kDecimal && t != FieldType::kBoolean &&
         t != FieldType::kDate && t != FieldType::kDatetime;
}

constexpr std::int64_t kDayMs = 24LL * 3600 * 1000;

}  // namespace

std::string_view to_string(FieldType v) {
  return kFieldTypeNames.name_of(v);
}
std::string_view to_string(MaskRule v) {
  return kMaskRuleNames.name_of(v);
}
std::string_view to_string(ShareType v) {
  return kShareTypeNames.name_of(v);
}
std::string_view to_string(ShareMode v) {
  return kShareModeNames.name_of(v);
}
std::string_view to_string(OpenType v) {
  return kOpenTypeNames.name_of(v);
}
std::string_view to_string(Category v) {
  return kCategoryNames.name_of(v);
}
std::string_view to_string(UpdateCycle v) {
  return kUpdateCycleNames.name_of(v);
}
std::string_view to_string(ResourceStatus v) {
  return kResourceStatusNames.name_of(v);
}
std::optional<FieldType> parse_field_type(std::string_view s) {
  return kFieldTypeNames.parse(s);
}
std::optional<MaskRule> parse_mask_rule(std::string_view s) {
  return kMaskRuleNames.parse(s);
}
std::optional<ShareType> parse_share_type(std::string_view s) {
  return kShareTypeNames.parse(s);
}
std::optional<ShareMode> parse_share_mode(std::string_view s) {
  return kShareModeNames.parse(s);
}
std::optional<OpenType> parse_open_type(std::string_view s) {
  return kOpenTypeNames.parse(s);
}
std::optional<Category> parse_category(std::string_view s) {
  return kCategoryNames.parse(s);
}
std::optional<UpdateCycle> parse_update_cycle(std::string_view s) {
  return kUpdateCycleNames.parse(s);
}
std::optional<ResourceStatus> parse_resource_status(std::string_view s) {
  return kResourceStatusNames.parse(s);
}

std::optional<std::int64_t> update_cycle_ms(UpdateCycle cycle) {
  switch (cycle) {
    case UpdateCycle::kRealtime:
    case UpdateCycle::kDaily: return kDayMs;
    case UpdateCycle::kWeekly: return 7 * kDayMs;
    case UpdateCycle::kMonthly: return 31 * kDayMs;
    case UpdateCycle::kQuarterly: return 92 * kDayMs;
    case UpdateCycle::kYearly: return 366 * kDayMs;
    case UpdateCycle::kIrregular: return std::nullopt;
  }
  return std::nullopt;
}

MaskRule default_mask(FieldType type) {
  switch (type) {
    case FieldType::kIdNumber: return MaskRule::kIdNumber;
    case FieldType::kPhone: return MaskRule::kPhone;
    default: return MaskRule::kHidden;
  }
}

Status normalise_fields(std::vector<Field>& fields) {
  std::vector<std::string> problems;
  if (fields.empty()) problems.push_back("a resource needs at least one field");
  if (fields.size() > kMaxFields) {
    problems.push_back(fmt::format("at most {} fields are allowed", kMaxFields));
  }
  std::set<std::string_view> names;
  std::size_t keys = 0;
  for (Field& f : fields) {
    if (!valid_field_name(f.name)) {
      problems.push_back(fmt::format(
          "field name '{}' must be 1-48 characters of a-z, 0-9 and _, starting with a letter",
          f.name));
    } else if (!names.insert(f.name).second) {
      problems.push_back(fmt::format("field '{}' appears twice", f.name));
    }
    if (f.label.size() > 200) problems.push_back(fmt::format("field '{}': label too long", f.name));
    if (f.type == FieldType::kEnum) {
      if (f.enum_values.empty()) {
        problems.push_back(fmt::format("enum field '{}' needs enum_values", f.name));
      }
      std::set<std::string_view> seen;
      for (const auto& v : f.enum_values) {
        if (v.empty() || !seen.insert(v).second) {
          problems.push_back(
              fmt::format("enum field '{}': values must be non-empty and unique", f.name));
          break;
        }
      }
    } else if (!f.enum_values.empty()) {
      problems.push_back(fmt::format("field '{}': enum_values only apply to enum fields", f.name));
    }
    if (f.max_length) {
      if (!is_text_type(f.type)) {
        problems.push_back(fmt::format("field '{}': max_length only applies to text", f.name));
      } else if (*f.max_length < 1 || *f.max_length > kMaxFieldLength) {
        problems.push_back(
            fmt::format("field '{}': max_length must be 1..{}", f.name, kMaxFieldLength));
      }
    }
    if (f.key) {
      ++keys;
      if (f.type == FieldType::kDecimal || f.type == FieldType::kBoolean) {
        problems.push_back(fmt::format("field '{}': a {} field cannot be part of the key", f.name,
                                       to_string(f.type)));
      }
      f.required = true;
      f.indexed = true;
    }
    if (!f.personal) {
      f.mask = MaskRule::kNone;
    } else if (f.mask == MaskRule::kNone) {
      f.mask = default_mask(f.type);
    }
  }
  if (!fields.empty() && keys == 0) {
    problems.push_back("mark at least one field as the key");
  }
  if (keys > kMaxKeyFields) {
    problems.push_back(fmt::format("at most {} key fields are allowed", kMaxKeyFields));
  }
  if (problems.empty()) return {};
  std::string detail = "The fields are not valid: ";
  for (std::size_t i = 0; i < problems.size(); ++i) {
    detail += (i ? "; " : "") + problems[i];
  }
  detail += ".";
  return Error::invalid("invalid_fields", std::move(detail));
}

Result<std::vector<std::string>> check_compatible(std::span<const Field> before,
                                                  std::span<const Field> after) {
  std::vector<std::string> refused;
  std::vector<std::string> changes;
  auto find = [](std::span<const Field> list, std::string_view name) -> const Field* {
    for (const Field& f : list) {
      if (f.name == name) return &f;
    }
    return nullptr;
  };
  for (const Field& old : before) {
    const Field* now = find(after, old.name);
    if (!now) {
      refused.push_back(fmt::format("field '{}' cannot be removed", old.name));
      continue;
    }
    if (now->type != old.type) {
      refused.push_back(fmt::format("field '{}' cannot change type from {} to {}", old.name,
                                    to_string(old.type), to_string(now->type)));
    }
    if (now->key != old.key) {
      refused.push_back(fmt::format("field '{}' cannot join or leave the key", old.name));
    }
    if (now->required != old.required) {
      refused.push_back(fmt::format("field '{}' cannot become {}", old.name,
                                    now->required ? "required" : "optional"));
    }
    const std::int64_t old_len = old.max_length.value_or(kMaxFieldLength + 1);
    const std::int64_t new_len = now->max_length.value_or(kMaxFieldLength + 1);
    if (new_len < old_len) {
      refused.push_back(fmt::format("field '{}' cannot be shortened", old.name));
    } else if (new_len > old_len) {
      changes.push_back(fmt::format("field '{}' widened to {}", old.name,
                                    now->max_length ? std::to_string(*now->max_length) : "any"));
    }
    for (const auto& v : old.enum_values) {
      if (std::find(now->enum_values.begin(), now->enum_values.end(), v) ==
          now->enum_values.end()) {
        refused.push_back(fmt::format("field '{}' cannot drop the value '{}'", old.name, v));
      }
    }
    if (now->enum_values.size() > old.enum_values.size()) {
      changes.push_back(fmt::format("field '{}' gained enum values", old.name));
    }
    if (old.indexed && !now->indexed) {
      refused.push_back(fmt::format("field '{}' cannot stop being indexed", old.name));
    } else if (!old.indexed && now->indexed) {
      changes.push_back(fmt::format("field '{}' is now indexed", old.name));
    }
    if (now->label != old.label) changes.push_back(fmt::format("field '{}' relabelled", old.name));
    if (now->personal != old.personal || now->mask != old.mask) {
      changes.push_back(fmt::format("field '{}' masking changed", old.name));
    }
  }
  for (const Field& f : after) {
    if (find(before, f.name)) continue;
    if (f.key || f.required) {
      refused.push_back(fmt::format("new field '{}' must be optional and not a key", f.name));
    } else {
      changes.push_back(fmt::format("field '{}' added", f.name));
    }
  }
  if (refused.empty()) return changes;
  std::string detail = "A published resource's fields may only change compatibly: ";
  for (std::size_t i = 0; i < refused.size(); ++i) {
    detail += (i ? "; " : "") + refused[i];
  }
  detail += ".";
  return Error::conflict("incompatible_change", std::move(detail));
}

const Field* Resource::field(std::string_view field_name) const {
  for (const Field& f : fields) {
    if (f.name == field_name) return &f;
  }
  return nullptr;
}

std::vector<const Field*> Resource::key_fields() const {
  std::vector<const Field*> out;
  for (const Field& f : fields) {
    if (f.key) out.push_back(&f);
  }
  return out;
}

Status check_resource_code(std::string_view code) {
  const bool ok = code.size() >= 3 && code.size() <= 64 && code.front() != '-' &&
                  std::all_of(code.begin(), code.end(), [](char c) {
                    return (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-';
                  });
  if (ok) return {};
  return Error::invalid("invalid_resource_code",
                        "A resource code is 3-64 characters of A-Z, 0-9 and '-' (e.g. "
                        "330300-GA-0001).");
}

}  // namespace zt::catalog
