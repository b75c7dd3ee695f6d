#include "services/bundle_model.h"

#include "core/utf8.h"

#include <fmt/format.h>
#include <boost/json.hpp>

#include <algorithm>

namespace zt::services {

namespace json = boost::json;

namespace {

constexpr std::size_t kMaxMembers = 20;

Error bad(std::string detail) {
  return Error::invalid("invalid_bundle", std::move(detail));
}

bool valid_code(std::string_view s) {
  if (s.empty() || s.size() > 64) return false;
  return std::all_of(s.begin(), s.end(), [](char c) {
    return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' ||
           c == '_' || c == '.';
  });
}

Result<std::string> text(const json::object& o, std::string_view key, bool required,
                         std::size_t max) {
  const json::value* v = o.if_contains(key);
  if (!v || v->is_null()) {
    if (required) return bad(fmt::format("\"{}\" is required.", key));
    return std::string();
  }
  if (!v->is_string()) return bad(fmt::format("\"{}\" is a string.", key));
  std::string s(v->get_string());
  if ((required && s.empty()) || s.size() > max || !core::valid_utf8(s)) {
    return bad(fmt::format("\"{}\" is text of 1 to {} bytes.", key, max));
  }
  return s;
}

Result<std::vector<std::string>> strings(const json::object& o, std::string_view key,
                                         std::size_t max_items) {
  std::vector<std::string> out;
  const json::value* v = o.if_contains(key);
  if (!v || v->is_null()) return out;
  if (!v->is_array() || v->get_array().size() > max_items) {
    return bad(fmt::format("\"{}\" is a list of at most {} strings.", key, max_items));
  }
  for (const json::value& e : v->get_array()) {
    if (!e.is_string() || e.get_string().empty() || e.get_string().size() > 200 ||
        !core::valid_utf8(e.get_string())) {
      return bad(fmt::format("\"{}\" is a list of strings.", key));
    }
    out.emplace_back(e.get_string());
  }
  return out;
}

bool same_source(const std::optional<RegistrySource>& a, const std::optional<RegistrySource>& b) {
  return a && b && a->resource == b->resource && a->field == b->field;
}

std::string source_text(const std::optional<RegistrySource>& s) {
  return s ? fmt::format("{}.{}", s->resource, s->field) : "none";
}

Error form_conflict(std::string_view key, std::string_view first, std::string_view second,
                    std::string_view what) {
  return Error::conflict("bundle_form_conflict",
                         fmt::format("Form field '{}' of {} and of {} differ in {}: a bundle asks "
                                     "one key once, with one definition.",
                                     key, first, second, what));
}

}  // namespace

Result<BundleDraft> parse_bundle(const json::object& body, std::int64_t department_id) {
  BundleDraft d;
  ZT_ASSIGN_OR_RETURN(d.code, text(body, "code", true, 64));
  if (!valid_code(d.code)) return bad("\"code\" is 1 to 64 of A-Z a-z 0-9 - _ .");
  ZT_ASSIGN_OR_RETURN(d.name, text(body, "name", true, 200));
  d.department_id = department_id;
  if (const json::value* v = body.if_contains("department_id"); v && !v->is_null()) {
    if (!v->is_int64() || v->get_int64() < 1) return bad("\"department_id\" is a department.");
    d.department_id = v->get_int64();
  }
  ZT_ASSIGN_OR_RETURN(d.description, text(body, "description", false, 4000));
  ZT_ASSIGN_OR_RETURN(d.purpose, text(body, "purpose", false, 500));
  if (d.purpose.empty()) d.purpose = "办理" + d.name;
  ZT_ASSIGN_OR_RETURN(d.life_events, strings(body, "life_events", 50));
  ZT_ASSIGN_OR_RETURN(d.members, strings(body, "members", kMaxMembers));
  if (d.members.size() < 2) {
    return bad(fmt::format("\"members\" lists 2 to {} item codes.", kMaxMembers));
  }
  for (std::size_t i = 0; i < d.members.size(); ++i) {
    if (!valid_code(d.members[i])) return bad("\"members\" are item codes.");
    if (std::find(d.members.begin(), d.members.begin() + std::ptrdiff_t(i), d.members[i]) !=
        d.members.begin() + std::ptrdiff_t(i)) {
      return bad(fmt::format("\"members\": {} is listed twice.", d.members[i]));
    }
  }
  return d;
}

std::string bundle_definition_json(const BundleDraft& d) {
  return json::serialize(
      json::object{{"life_events", json::array(d.life_events.begin(), d.life_events.end())},
                   {"description", d.description},
                   {"purpose", d.purpose},
                   {"members", json::array(d.members.begin(), d.members.end())}});
}

Status read_bundle_definition(std::string_view text, BundleDraft& d) {
  boost::system::error_code ec;
  json::value v = json::parse(text, ec);
  if (ec || !v.is_object()) return Error::internal("database_error", "A stored bundle is invalid.");
  const json::object& o = v.get_object();
  auto list = [&](std::string_view key) {
    std::vector<std::string> out;
    if (const json::value* a = o.if_contains(key); a && a->is_array()) {
      for (const json::value& e : a->get_array())
        if (e.is_string()) out.emplace_back(e.get_string());
    }
    return out;
  };
  auto str = [&](std::string_view key) {
    const json::value* s = o.if_contains(key);
    return s && s->is_string() ? std::string(s->get_string()) : std::string();
  };
  d.life_events = list("life_events");
  d.members = list("members");
  d.description = str("description");
  d.purpose = str("purpose");
  return {};
}

Result<MergedBundle> merge_bundle(std::span<const Item> members) {
  MergedBundle m;
  bool person = true, entity = true;
  for (std::size_t i = 0; i < members.size(); ++i) {
    const Item& item = members[i];
    person = person && item.def.applicant != ApplicantKind::kEntity;
    entity = entity && item.def.applicant != ApplicantKind::kPerson;
    if (i == 0) {
      m.channels = item.def.channels;
    } else {
      std::erase_if(m.channels, [&](const std::string& c) {
        return std::find(item.def.channels.begin(), item.def.channels.end(), c) ==
               item.def.channels.end();
      });
    }
    for (const FormField& f : item.def.form) {
      auto by_key = std::find_if(m.form.begin(), m.form.end(),
                                 [&](const MergedField& x) { return x.field.name == f.name; });
      auto merged = by_key;
      if (merged == m.form.end() && f.prefill) {
        merged = std::find_if(m.form.begin(), m.form.end(), [&](const MergedField& x) {
          return same_source(x.field.prefill, f.prefill);
        });
      }
      if (merged == m.form.end()) {
        m.form.push_back({.field = f, .targets = {{item.def.code, f.name}}});
        continue;
      }
      FormField& g = merged->field;
      const std::string_view first = merged->targets.front().item_code;
      if (g.type != f.type) {
        return form_conflict(f.name, first, item.def.code,
                             fmt::format("type ({} / {})", catalog::kFieldTypeNames.name_of(g.type),
                                         catalog::kFieldTypeNames.name_of(f.type)));
      }
      if (g.enum_values != f.enum_values) {
        return form_conflict(f.name, first, item.def.code, "enum values");
      }
      if (by_key != m.form.end() && g.prefill && f.prefill && !same_source(g.prefill, f.prefill)) {
        return form_conflict(f.name, first, item.def.code,
                             fmt::format("registry attribute ({} / {})", source_text(g.prefill),
                                         source_text(f.prefill)));
      }
      if (!g.prefill) g.prefill = f.prefill;
      g.required = g.required || f.required;
      merged->targets.push_back({item.def.code, f.name});
    }
    for (const Material& x : item.def.materials) {
      auto same =
          std::find_if(m.materials.begin(), m.materials.end(), [&](const MergedMaterial& y) {
            return y.material.name == x.name ||
                   (x.source == "registry" && y.material.source == x.source &&
                    same_source(y.material.prefill, x.prefill));
          });
      if (same == m.materials.end()) {
        m.materials.push_back({.material = x, .targets = {{item.def.code, x.name}}});
        continue;
      }
      if (same->material.source != x.source ||
          (x.source == "registry" && !same_source(same->material.prefill, x.prefill))) {
        return Error::conflict(
            "bundle_material_conflict",
            fmt::format("Material '{}' of {} and of {} comes from different sources ({} / {}): "
                        "name one of them differently.",
                        x.name, same->targets.front().item_code, item.def.code,
                        same->material.source, x.source));
      }
      same->material.required = same->material.required || x.required;
      same->targets.push_back({item.def.code, x.name});
    }
  }
  if (person && entity) {
    m.applicant = ApplicantKind::kBoth;
  } else if (person) {
    m.applicant = ApplicantKind::kPerson;
  } else if (entity) {
    m.applicant = ApplicantKind::kEntity;
  } else {
    return Error::conflict("bundle_applicant_conflict",
                           "Some members are for persons only and some for legal entities only: "
                           "nobody may apply to all of them.");
  }
  return m;
}

json::object member_form(const MergedBundle& merged, std::string_view item_code,
                         const json::object& form) {
  json::object out;
  for (const MergedField& f : merged.form) {
    const json::value* v = form.if_contains(f.field.name);
    if (!v) continue;
    for (const MergedTarget& t : f.targets) {
      if (t.item_code == item_code) out[t.name] = *v;
    }
  }
  return out;
}

const MergedField* merged_field_of(const MergedBundle& merged, std::string_view item_code,
                                   std::string_view name) {
  for (const MergedField& f : merged.form) {
    for (const MergedTarget& t : f.targets) {
      if (t.item_code == item_code && t.name == name) return &f;
    }
  }
  return nullptr;
}

BundleProgress bundle_progress(std::span<const std::string> states) {
  auto count = [&](auto pred) {
    return std::size_t(std::count_if(states.begin(), states.end(), pred));
  };
  const std::size_t n = states.size();
  const std::size_t drafts = count([](const std::string& s) { return s == state::kDraft; });
  const std::size_t withdrawn = count([](const std::string& s) { return s == state::kWithdrawn; });
  const std::size_t correction =
      count([](const std::string& s) { return s == state::kCorrection; });
  const std::size_t ended = count([](const std::string& s) {
    return s == state::kConcluded || s == state::kDelivered || s == state::kNotAccepted ||
           s == state::kWithdrawn;
  });
  if (n > 0 && drafts == n) return {"draft", "草稿：尚未提交"};
  if (n > 0 && withdrawn == n) return {"withdrawn", "已撤回"};
  if (correction > 0) {
    return {"correction", fmt::format("{} 项事项需要补正：请按告知补充材料后提交", correction)};
  }
  if (n > 0 && ended == n) return {"done", fmt::format("已全部办结（共 {} 项）", n)};
  return {"in_progress", fmt::format("共 {} 项，已办结 {} 项，{} 项办理中", n, ended, n - ended)};
}

}  // namespace zt::services
