#include "catalog/json.h"

#include "core/time.h"

#include <boost/json.hpp>

#include <fmt/format.h>
#include <fmt/ranges.h>

#include <chrono>

namespace zt::catalog {

namespace json = boost::json;

namespace {

json::array strings(const std::vector<std::string>& items) {
  json::array out;
  for (const auto& s : items)
    out.emplace_back(s);
  return out;
}

json::value time_or_null(std::optional<std::int64_t> ms) {
  if (!ms) return nullptr;
  return json::value(core::format_iso8601(core::TimePoint(
      std::chrono::duration_cast<core::TimePoint::duration>(std::chrono::milliseconds(*ms)))));
}

Error bad(std::string_view detail) {
  return Error::invalid("invalid_body", std::string(detail));
}

// Typed reads of an object's members; absent or null members leave `out` alone.
class Reader {
 public:
  explicit Reader(const json::object& o) : o_(o) {}
  Status string(std::string_view key, std::string& out, bool required = false) {
    const json::value* v = find(key);
    if (!v) return required ? bad(fmt::format("\"{}\" is required.", key)) : Status{};
    if (!v->is_string()) return bad(fmt::format("\"{}\" must be a string.", key));
    out = std::string(v->get_string());
    return {};
  }
  Status boolean(std::string_view key, bool& out) {
    const json::value* v = find(key);
    if (!v) return {};
    if (!v->is_bool()) return bad(fmt::format("\"{}\" must be true or false.", key));
    out = v->get_bool();
    return {};
  }
  Status strings(std::string_view key, std::vector<std::string>& out) {
    const json::value* v = find(key);
    if (!v) return {};
    if (!v->is_array()) return bad(fmt::format("\"{}\" must be an array of strings.", key));
    out.clear();
    for (const auto& item : v->get_array()) {
      if (!item.is_string()) return bad(fmt::format("\"{}\" must be an array of strings.", key));
      out.emplace_back(item.get_string());
    }
    return {};
  }
  template <typename E, std::size_t N>
  Status choice(std::string_view key, E& out, const core::EnumNames<E, N>& names) {
    std::string text;
    ZT_TRY(string(key, text));
    if (text.empty()) return {};
    auto parsed = names.parse(text);
    if (!parsed) {
      return bad(fmt::format("\"{}\" must be one of {}.", key, fmt::join(names.names, ", ")));
    }
    out = *parsed;
    return {};
  }
  const json::value* find(std::string_view key) const {
    const json::value* v = o_.if_contains(key);
    return v && !v->is_null() ? v : nullptr;
  }

 private:
  const json::object& o_;
};

Result<Field> field_from_json(const json::value& value, std::size_t index) {
  const json::object* o = value.if_object();
  auto fail = [&](const Error& e) {
    return Error::invalid("invalid_fields", fmt::format("fields[{}]: {}", index, e.detail));
  };
  if (!o) return fail(bad("each field must be an object."));
  Reader r(*o);
  Field f;
  std::string type = "string";
  std::string mask;
  Status s = r.string("name", f.name, true);
  if (s.ok()) s = r.string("label", f.label);
  if (s.ok()) s = r.string("type", type);
  if (s.ok()) s = r.boolean("required", f.required);
  if (s.ok()) s = r.strings("enum_values", f.enum_values);
  if (s.ok()) s = r.boolean("key", f.key);
  if (s.ok()) s = r.boolean("indexed", f.indexed);
  if (s.ok()) s = r.boolean("personal", f.personal);
  if (s.ok()) s = r.string("mask", mask);
  if (!s.ok()) return fail(s.error());
  auto parsed_type = parse_field_type(type);
  if (!parsed_type) {
    return fail(bad(
        fmt::format("type '{}' is not one of {}.", type, fmt::join(kFieldTypeNames.names, ", "))));
  }
  f.type = *parsed_type;
  if (!mask.empty()) {
    auto m = parse_mask_rule(mask);
    if (!m) {
      return fail(
          bad(fmt::format("mask must be one of {}.", fmt::join(kMaskRuleNames.names, ", "))));
    }
    f.mask = *m;
  }
  if (const json::value* len = r.find("max_length")) {
    if (!len->is_int64()) return fail(bad("max_length must be an integer."));
    f.max_length = len->get_int64();
  }
  return f;
}

}  // namespace

json::object to_json(const Field& f) {
  json::object o{{"name", f.name},
                 {"label", f.label},
                 {"type", to_string(f.type)},
                 {"required", f.required},
                 {"max_length", f.max_length ? json::value(*f.max_length) : json::value(nullptr)},
                 {"key", f.key},
                 {"indexed", f.indexed},
                 {"personal", f.personal},
                 {"mask", to_string(f.mask)}};
  if (f.type == FieldType::kEnum) o["enum_values"] = strings(f.enum_values);
  return o;
}

json::array to_json(const std::vector<Field>& fields) {
  json::array out;
  for (const Field& f : fields)
    out.push_back(to_json(f));
  return out;
}

json::object to_json(const Resource& r) {
  return json::object{
      {"id", r.id},
      {"code", r.code},
      {"name", r.name},
      {"department_id", r.department_id},
      {"department_name", r.department_name},
      {"category", to_string(r.category)},
      {"summary", r.summary},
      {"format", r.format},
      {"share_type", to_string(r.share_type)},
      {"share_condition", r.share_condition},
      {"share_mode", to_string(r.share_mode)},
      {"open_type", to_string(r.open_type)},
      {"open_condition", r.open_condition},
      {"update_cycle", to_string(r.update_cycle)},
      {"publish_date", r.publish_date ? json::value(*r.publish_date) : json::value(nullptr)},
      {"related", strings(r.related)},
      {"keywords", strings(r.keywords)},
      {"fields", to_json(r.fields)},
      {"status", to_string(r.status)},
      {"version", r.version},
      {"created_by", r.created_by},
      {"created_at", time_or_null(r.created_at)},
      {"updated_at", time_or_null(r.updated_at)},
      {"published_at", time_or_null(r.published_at)},
      {"retired_at", time_or_null(r.retired_at)},
  };
}

Result<std::vector<Field>> fields_from_json(const json::value& value) {
  const json::array* a = value.if_array();
  if (!a) return Error::invalid("invalid_fields", "\"fields\" must be an array of fields.");
  std::vector<Field> out;
  out.reserve(a->size());
  for (std::size_t i = 0; i < a->size(); ++i) {
    ZT_ASSIGN_OR_RETURN(Field f, field_from_json((*a)[i], i));
    out.push_back(std::move(f));
  }
  return out;
}

Result<Resource> resource_from_json(const json::object& o) {
  Reader r(o);
  Resource res;
  ZT_TRY(r.string("code", res.code));
  ZT_TRY(r.string("name", res.name));
  if (const json::value* d = r.find("department_id")) {
    if (!d->is_int64()) return bad("\"department_id\" must be an integer.");
    res.department_id = d->get_int64();
  }
  ZT_TRY(r.choice("category", res.category, kCategoryNames));
  ZT_TRY(r.string("summary", res.summary));
  ZT_TRY(r.string("format", res.format));
  ZT_TRY(r.choice("share_type", res.share_type, kShareTypeNames));
  ZT_TRY(r.string("share_condition", res.share_condition));
  ZT_TRY(r.choice("share_mode", res.share_mode, kShareModeNames));
  ZT_TRY(r.choice("open_type", res.open_type, kOpenTypeNames));
  ZT_TRY(r.string("open_condition", res.open_condition));
  ZT_TRY(r.choice("update_cycle", res.update_cycle, kUpdateCycleNames));
  ZT_TRY(r.strings("related", res.related));
  ZT_TRY(r.strings("keywords", res.keywords));
  if (const json::value* f = r.find("fields")) {
    ZT_ASSIGN_OR_RETURN(res.fields, fields_from_json(*f));
  }
  return res;
}

std::string string_list_json(const std::vector<std::string>& items) {
  return json::serialize(strings(items));
}

std::vector<std::string> parse_string_list(std::string_view text) {
  std::vector<std::string> out;
  boost::system::error_code ec;
  json::value v = json::parse(text, ec);
  if (ec || !v.is_array()) return out;
  for (const auto& item : v.get_array()) {
    if (item.is_string()) out.emplace_back(item.get_string());
  }
  return out;
}

}  // namespace zt::catalog
