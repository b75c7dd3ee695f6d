// What someone other than the applicant is shown of a case's pre-filled values (service.h, "Tell
// us once"): each value read from a registry for the applicant is shown through the viewer's
// department's access to the source resource — the exchange's own decision and masking rules,
// through SharingService, never its tables.
#include "catalog/mask.h"
#include "services/service.h"

#include <boost/json.hpp>

#include <map>

namespace zt::services {

namespace json = boost::json;

namespace {

// What one viewer may see of one source resource.
struct SourceAccess {
  std::optional<catalog::Resource> resource;
  std::optional<exchange::Access> access;
  std::string refused;  // why nothing is readable: no_grant, not_shared, no_department
};

std::string text_of(const json::value& v) {
  if (v.is_string()) return std::string(v.get_string());
  if (v.is_null()) return {};
  return json::serialize(v);
}

}  // namespace

Status CaseService::disclose(const core::Principal& actor, bool applicant, Case& c) {
  boost::system::error_code ec;
  json::value prefill = json::parse(c.prefill, ec);
  if (ec || !prefill.is_array()) return {};  // nothing pre-filled that we can read
  json::value form_value = json::parse(c.form, ec);
  if (ec || !form_value.is_object()) return {};
  json::object& form = form_value.get_object();

  std::map<std::string, SourceAccess> sources;
  auto source = [&](const std::string& code) -> const SourceAccess& {
    auto it = sources.find(code);
    if (it != sources.end()) return it->second;
    SourceAccess a;
    if (!actor.department_id) {
      a.refused = "no_department";
    } else if (auto r = catalog_.find(code); !r.ok()) {
      a.refused = "not_shared";
    } else {
      auto access = sharing_.access_for_department(*actor.department_id, *r);
      if (access.ok()) {
        a.resource = std::move(r).value();
        a.access = std::move(access).value();
      } else {
        a.refused = access.error().code == "grant_required" ? "no_grant" : "not_shared";
      }
    }
    return sources.emplace(code, std::move(a)).first->second;
  };

  for (json::value& entry : prefill.get_array()) {
    if (!entry.is_object()) continue;
    json::object& e = entry.get_object();
    std::string disclosure = "full", reason;
    const std::string value = e.contains("value") ? text_of(e.at("value")) : "";
    std::string shown = value;
    if (!applicant && e.contains("resource") && e.at("resource").is_string()) {
      const SourceAccess& a = source(std::string(e.at("resource").get_string()));
      const std::string field = e.contains("field") ? text_of(e.at("field")) : "";
      std::optional<std::size_t> index;
      if (a.resource) {
        for (std::size_t i = 0; i < a.resource->fields.size(); ++i) {
          if (a.resource->fields[i].name == field) index = i;
        }
      }
      if (!a.access) {
        disclosure = "withheld";
        reason = a.refused;
      } else if (!index || !a.access->can_read(*index)) {
        disclosure = "withheld";
        reason = "field_not_granted";
      } else if (a.access->masks(*a.resource, *index)) {
        disclosure = "masked";
        shown = catalog::mask_value(a.resource->fields[*index].mask, value);
      }
      if (disclosure == "withheld") shown.clear();
      e["value"] = shown;
    }
    e["disclosure"] = disclosure;
    e["reason"] = reason;
    // The form's copy of the value, when the form took it from the registry (not when the
    // applicant gave their own).
    const std::string target = e.contains("target") ? text_of(e.at("target")) : "";
    if (applicant || disclosure == "full" || target.rfind("form.", 0) != 0) continue;
    const std::string name = target.substr(5);
    json::value* in_form = form.if_contains(name);
    if (!in_form) continue;
    const json::value* applied = e.if_contains("applied");
    const bool from_registry =
        applied ? applied->is_bool() && applied->get_bool() : text_of(*in_form) == value;
    if (!from_registry || text_of(*in_form) != value) continue;
    if (disclosure == "withheld") {
      *in_form = nullptr;
    } else {
      *in_form = shown;
    }
  }
  c.prefill = json::serialize(prefill);
  c.form = json::serialize(form_value);
  return {};
}

}  // namespace zt::services
