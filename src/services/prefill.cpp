#include "services/prefill.h"

#include "identity/permissions.h"

#include <boost/json.hpp>

#include <algorithm>

namespace zt::services {

namespace json = boost::json;

namespace {

std::string value_text(const json::value& v) {
  if (v.is_string()) return std::string(v.get_string());
  if (v.is_null()) return {};
  return json::serialize(v);
}

// Every source `def` names, as (target, source).
std::vector<std::pair<std::string, RegistrySource>> sources_of(const ItemDraft& def) {
  std::vector<std::pair<std::string, RegistrySource>> out;
  for (const FormField& f : def.form) {
    if (f.prefill) out.push_back({"form." + f.name, *f.prefill});
  }
  for (const Material& m : def.materials) {
    if (m.prefill) out.push_back({"material." + m.name, *m.prefill});
  }
  return out;
}

}  // namespace

Result<std::vector<RegistryRead>> Prefiller::read(std::span<const ItemDraft* const> defs,
                                                  std::string_view key, std::string_view purpose,
                                                  std::string_view case_number,
                                                  const core::RequestContext& context) {
  // The fields wanted of each resource, in the order the items name them.
  std::vector<std::pair<std::string, std::vector<std::string>>> by_res;
  for (const ItemDraft* def : defs) {
    for (const auto& [target, s] : sources_of(*def)) {
      auto it = std::find_if(by_res.begin(), by_res.end(),
                             [&](const auto& e) { return e.first == s.resource; });
      if (it == by_res.end()) {
        by_res.push_back({s.resource, {}});
        it = by_res.end() - 1;
      }
      if (std::find(it->second.begin(), it->second.end(), s.field) == it->second.end()) {
        it->second.push_back(s.field);
      }
    }
  }
  std::vector<RegistryRead> out;
  for (const auto& [code, fields] : by_res) {
    RegistryRead r{.resource = code, .read_at = core::to_millis(clock_.now())};
    auto resource = catalog_.find(code);
    if (resource.ok() && !key.empty()) {
      auto d = identity_.departments().find_department(resource->department_id);
      if (d.ok()) r.department = d->name;
      // The providing department's system reader: the applicant reads their own values in full
      // (as in 我的档案), and the read is audited like any other, with purpose and case.
      core::Principal reader;
      reader.kind = core::Principal::Kind::kApiClient;
      reader.name = "services";
      reader.department_id = resource->department_id;
      reader.permissions = {std::string(identity::permission::kExchangeQuery)};
      exchange::ReadContext read{
          .purpose = std::string(purpose), .case_id = std::string(case_number), .request = context};
      auto text = query_.record(reader, code, key, fields, read);
      if (text.ok()) {
        boost::system::error_code ec;
        json::value v = json::parse(*text, ec);
        if (!ec && v.is_object()) r.record = std::move(v.get_object());
      } else if (text.error().kind != ErrorKind::kNotFound &&
                 text.error().kind != ErrorKind::kInvalidInput &&
                 text.error().kind != ErrorKind::kForbidden) {
        return std::move(text).error();
      }
    }
    out.push_back(std::move(r));
  }
  return out;
}

std::vector<PrefilledValue> Prefiller::values(const ItemDraft& def,
                                              std::span<const RegistryRead> reads) {
  std::vector<PrefilledValue> out;
  // Grouped by resource in the order of the reads, as a single item's prefill always was.
  for (const RegistryRead& r : reads) {
    for (const auto& [target, source] : sources_of(def)) {
      if (source.resource != r.resource) continue;
      PrefilledValue p{.target = target,
                       .resource = r.resource,
                       .field = source.field,
                       .department = r.department,
                       .read_at = r.read_at};
      if (r.record) {
        if (const json::value* v = r.record->if_contains(source.field); v && !v->is_null()) {
          p.value = value_text(*v);
          p.found = true;
        }
      }
      out.push_back(std::move(p));
    }
  }
  return out;
}

std::string prefill_json(std::span<const PrefilledValue> values) {
  json::array out;
  for (const PrefilledValue& p : values) {
    json::object o{{"target", p.target},         {"resource", p.resource}, {"field", p.field},
                   {"department", p.department}, {"read_at", p.read_at},   {"value", p.value},
                   {"found", p.found},           {"applied", p.applied}};
    // Form values only: the applicant may change them before submitting (mark_edited).
    if (p.target.rfind("form.", 0) == 0) o["edited"] = false;
    out.push_back(std::move(o));
  }
  return json::serialize(out);
}

}  // namespace zt::services
