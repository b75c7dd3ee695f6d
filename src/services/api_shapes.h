// The answer shapes and schemas the services' route files share (api.cpp, bundle_api.cpp): a
// form field, a material, a registry source, the pre-filled values and a case's clock.
// Include it from route files only.
#pragma once

#include "http/route_file.h"
#include "services/model.h"

#include <optional>
#include <string_view>

namespace zt::services::api_shapes {

inline json::value parsed_json(std::string_view text) {
  boost::system::error_code ec;
  json::value v = json::parse(text, ec);
  if (ec) return nullptr;
  return v;
}

inline json::object any_object() {
  return json::object{{"type", "object"}};
}
inline json::object source_schema() {
  json::object s = schema::object({{"resource", schema::str()}, {"field", schema::str()}},
                                  {"resource", "field"});
  s["type"] = json::array{"object", "null"};
  return s;
}
inline json::value source_value(const std::optional<RegistrySource>& s) {
  if (!s) return nullptr;
  return json::object{{"resource", s->resource}, {"field", s->field}};
}
inline json::object integers_schema() {
  return schema::array_of(schema::integer());
}
inline json::object prefill_schema() {
  json::object edited = schema::boolean();
  edited["description"] =
      "Form values only: the applicant changed the value before submitting (or in a correction), "
      "so the form's value is their own statement; value, department and read_at stay the "
      "registry's, for the record. Absent on materials.";
  json::object disclosure = schema::enumeration({"full", "masked", "withheld"});
  disclosure["description"] =
      "On a case: how the caller is shown the value — in full (the applicant), or through their "
      "department's grant on the source: masked, or withheld (value empty) for `reason`.";
  return schema::array_of(schema::object(
      {{"target", schema::str()},
       {"resource", schema::str()},
       {"field", schema::str()},
       {"department", schema::str()},
       {"read_at", schema::integer()},
       {"value", schema::str()},
       {"found", schema::boolean()},
       {"edited", std::move(edited)},
       {"applied", schema::boolean()},
       {"disclosure", std::move(disclosure)},
       {"reason",
        schema::enumeration({"", "no_grant", "field_not_granted", "not_shared", "no_department"})}},
      {"target", "resource", "field", "department", "read_at", "value", "found"}));
}

inline constexpr auto kFormFieldShape = shape::of<FormField>(
    shape::str("name", &FormField::name), shape::str("label", &FormField::label),
    shape::named("type", &FormField::type, catalog::kFieldTypeNames),
    shape::boolean("required", &FormField::required),
    shape::strings("enum_values", &FormField::enum_values),
    shape::raw(
        "prefill", [](const FormField& f) { return source_value(f.prefill); }, source_schema,
        "The registry attribute the field is pre-filled from, after the applicant consents."));
inline constexpr auto kMaterialShape = shape::of<Material>(
    shape::str("name", &Material::name), shape::boolean("required", &Material::required),
    shape::one_of("source", &Material::source, kMaterialSources,
                  "upload: the applicant uploads it; registry: 免提交, taken from the registry."),
    shape::raw(
        "prefill", [](const Material& m) { return source_value(m.prefill); }, source_schema));
inline constexpr auto kClockShape = shape::of<CaseClock>(
    shape::boolean("running", &CaseClock::running, "Accepted: the limits run."),
    shape::boolean("paused", &CaseClock::paused, "补正 or a special procedure stops it now."),
    shape::nstr("statutory_deadline", &CaseClock::statutory_deadline),
    shape::nstr("promised_deadline", &CaseClock::promised_deadline),
    shape::ninteger("statutory_remaining", &CaseClock::statutory_remaining,
                    "Working days left (negative: overdue)."),
    shape::ninteger("promised_remaining", &CaseClock::promised_remaining),
    shape::integer("paused_working_days", &CaseClock::paused_working_days,
                   "Working days the pauses took: the deadline moved by this many."),
    shape::boolean("calendar_incomplete", &CaseClock::calendar_incomplete));

}  // namespace zt::services::api_shapes
