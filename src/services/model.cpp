#include "services/model.h"

#include "core/time.h"
#include "core/utf8.h"

#include <fmt/format.h>
#include <boost/json.hpp>

#include <algorithm>

namespace zt::services {

namespace json = boost::json;

namespace {

constexpr std::size_t kMaxText = 2000;
constexpr std::size_t kMaxList = 200;

Error bad(std::string detail) {
  return Error::invalid("invalid_item", std::move(detail));
}

bool plain_name(std::string_view s) {
  if (s.empty() || s.size() > 64) return false;
  return std::all_of(s.begin(), s.end(), [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_';
  });
}

bool valid_code(std::string_view s) {
  if (s.empty() || s.size() > 64) return false;
  return std::all_of(s.begin(), s.end(), [](char c) {
    return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' ||
           c == '_' || c == '.';
  });
}

// obj[key] as text: required or "" when absent. Failure names the key.
Result<std::string> text(const json::object& o, std::string_view key, bool required,
                         std::string_view where, std::size_t max = kMaxText) {
  const json::value* v = o.if_contains(key);
  if (!v || v->is_null()) {
    if (required) return bad(fmt::format("{}\"{}\" is required.", where, key));
    return std::string();
  }
  if (!v->is_string()) return bad(fmt::format("{}\"{}\" is a string.", where, key));
  std::string s(v->get_string());
  if ((required && s.empty()) || s.size() > max || !core::valid_utf8(s)) {
    return bad(fmt::format("{}\"{}\" is text of 1 to {} bytes.", where, key, max));
  }
  return s;
}

Result<std::int64_t> integer(const json::object& o, std::string_view key, std::int64_t fallback,
                             std::int64_t lo, std::int64_t hi, std::string_view where = {}) {
  const json::value* v = o.if_contains(key);
  if (!v || v->is_null()) return fallback;
  if (!v->is_int64() || v->get_int64() < lo || v->get_int64() > hi) {
    return bad(fmt::format("{}\"{}\" is an integer {} to {}.", where, key, lo, hi));
  }
  return v->get_int64();
}

bool boolean_of(const json::object& o, std::string_view key, bool fallback) {
  const json::value* v = o.if_contains(key);
  return v && v->is_bool() ? v->get_bool() : fallback;
}

const json::array* array_of(const json::object& o, std::string_view key) {
  const json::value* v = o.if_contains(key);
  return v && v->is_array() ? &v->get_array() : nullptr;
}

Result<std::vector<std::string>> string_list(const json::object& o, std::string_view key,
                                             std::span<const std::string_view> allowed = {}) {
  std::vector<std::string> out;
  const json::value* v = o.if_contains(key);
  if (!v || v->is_null()) return out;
  if (!v->is_array() || v->get_array().size() > kMaxList) {
    return bad(fmt::format("\"{}\" is a list of strings.", key));
  }
  for (const json::value& e : v->get_array()) {
    if (!e.is_string() || e.get_string().empty() || e.get_string().size() > 200) {
      return bad(fmt::format("\"{}\" is a list of strings.", key));
    }
    std::string s(e.get_string());
    if (!allowed.empty() && std::find(allowed.begin(), allowed.end(), s) == allowed.end()) {
      return bad(fmt::format("\"{}\": '{}' is not one of the allowed values.", key, s));
    }
    if (std::find(out.begin(), out.end(), s) == out.end()) out.push_back(std::move(s));
  }
  return out;
}

Result<std::optional<RegistrySource>> source_of(const json::object& o, std::string_view where) {
  const json::value* v = o.if_contains("prefill");
  if (!v || v->is_null()) return std::optional<RegistrySource>();
  if (!v->is_object()) return bad(fmt::format("{}\"prefill\" is {{resource, field}}.", where));
  ZT_ASSIGN_OR_RETURN(std::string resource, text(v->get_object(), "resource", true, where, 64));
  ZT_ASSIGN_OR_RETURN(std::string field, text(v->get_object(), "field", true, where, 64));
  if (!valid_code(resource) || !plain_name(field)) {
    return bad(fmt::format("{}\"prefill\" names a resource code and a field name.", where));
  }
  return std::optional<RegistrySource>(RegistrySource{std::move(resource), std::move(field)});
}

json::value source_json(const std::optional<RegistrySource>& s) {
  if (!s) return nullptr;
  return json::object{{"resource", s->resource}, {"field", s->field}};
}

}  // namespace

std::string_view label_of(ItemType type) {
  for (std::size_t i = 0; i < kItemTypeNames.values.size(); ++i) {
    if (kItemTypeNames.values[i] == type) return kItemTypeLabels[i];
  }
  return {};
}

Result<ItemDraft> parse_item(const json::object& body, std::int64_t department_id) {
  ItemDraft d;
  ZT_ASSIGN_OR_RETURN(d.code, text(body, "code", true, "", 64));
  if (!valid_code(d.code)) return bad("\"code\" is 1 to 64 of A-Z a-z 0-9 - _ .");
  ZT_ASSIGN_OR_RETURN(d.name, text(body, "name", true, "", 200));
  ZT_ASSIGN_OR_RETURN(d.department_id, integer(body, "department_id", department_id, 1, INT64_MAX));
  ZT_ASSIGN_OR_RETURN(std::string type, text(body, "type", true, ""));
  auto t = kItemTypeNames.parse(type);
  if (!t) return bad("\"type\" is one of the eight item types.");
  d.type = *t;
  ZT_ASSIGN_OR_RETURN(std::string applicant, text(body, "applicant", true, ""));
  auto a = kApplicantKindNames.parse(applicant);
  if (!a) return bad("\"applicant\" is person, entity or both.");
  d.applicant = *a;
  ZT_ASSIGN_OR_RETURN(std::string kind, text(body, "kind", true, ""));
  auto k = kItemKindNames.parse(kind);
  if (!k) return bad("\"kind\" is instant or promised.");
  d.kind = *k;
  const std::int64_t min_limit = d.kind == ItemKind::kInstant ? 0 : 1;
  ZT_ASSIGN_OR_RETURN(auto statutory,
                      integer(body, "statutory_limit", -1, min_limit, core::kMaxWorkingDays));
  ZT_ASSIGN_OR_RETURN(auto promised,
                      integer(body, "promised_limit", statutory, min_limit, core::kMaxWorkingDays));
  if (statutory < 0) return bad("\"statutory_limit\" (working days) is required.");
  if (promised > statutory) return bad("\"promised_limit\" is at most the statutory limit.");
  d.statutory_limit = int(statutory);
  d.promised_limit = int(promised);
  ZT_ASSIGN_OR_RETURN(d.purpose, text(body, "purpose", false, "", 500));
  if (d.purpose.empty()) d.purpose = "办理" + d.name;
  ZT_ASSIGN_OR_RETURN(d.legal_basis, text(body, "legal_basis", false, ""));
  ZT_ASSIGN_OR_RETURN(d.channels, string_list(body, "channels", kChannels));
  if (d.channels.empty()) d.channels = {"online", "window"};
  ZT_ASSIGN_OR_RETURN(auto visits, integer(body, "visits", 0, 0, 1));
  d.visits = int(visits);
  ZT_ASSIGN_OR_RETURN(d.deliveries, string_list(body, "deliveries", kDeliveries));
  if (d.deliveries.empty()) d.deliveries = {"window"};
  ZT_ASSIGN_OR_RETURN(d.life_events, string_list(body, "life_events"));
  if (const json::array* fees = array_of(body, "fees")) {
    for (const json::value& f : *fees) {
      if (!f.is_object()) return bad("\"fees\" is a list of {name, amount}.");
      Fee fee;
      ZT_ASSIGN_OR_RETURN(fee.name, text(f.get_object(), "name", true, "fees: ", 200));
      ZT_ASSIGN_OR_RETURN(fee.amount, text(f.get_object(), "amount", true, "fees: ", 20));
      d.fees.push_back(std::move(fee));
    }
  }
  if (const json::array* form = array_of(body, "form")) {
    for (const json::value& f : *form) {
      if (!f.is_object()) return bad("\"form\" is a list of fields.");
      const json::object& o = f.get_object();
      FormField field;
      ZT_ASSIGN_OR_RETURN(field.name, text(o, "name", true, "form: ", 64));
      if (!plain_name(field.name)) return bad("form: a field's name is a-z, 0-9 and _.");
      for (const FormField& other : d.form) {
        if (other.name == field.name) return bad("form: '" + field.name + "' appears twice.");
      }
      const std::string where = "form." + field.name + ": ";
      ZT_ASSIGN_OR_RETURN(field.label, text(o, "label", true, where, 200));
      ZT_ASSIGN_OR_RETURN(std::string ftype, text(o, "type", true, where));
      auto ft = catalog::parse_field_type(ftype);
      if (!ft) return bad(where + "\"type\" is a catalog field type.");
      field.type = *ft;
      field.required = boolean_of(o, "required", false);
      ZT_ASSIGN_OR_RETURN(field.enum_values, string_list(o, "enum_values"));
      if (field.type == catalog::FieldType::kEnum && field.enum_values.empty()) {
        return bad(where + "an enum field lists its \"enum_values\".");
      }
      ZT_ASSIGN_OR_RETURN(field.prefill, source_of(o, where));
      d.form.push_back(std::move(field));
    }
  }
  if (const json::array* materials = array_of(body, "materials")) {
    for (const json::value& m : *materials) {
      if (!m.is_object()) return bad("\"materials\" is a list of materials.");
      const json::object& o = m.get_object();
      Material material;
      ZT_ASSIGN_OR_RETURN(material.name, text(o, "name", true, "materials: ", 200));
      const std::string where = "materials." + material.name + ": ";
      material.required = boolean_of(o, "required", true);
      ZT_ASSIGN_OR_RETURN(material.source, text(o, "source", false, where));
      if (material.source.empty()) material.source = "upload";
      if (std::find(kMaterialSources.begin(), kMaterialSources.end(), material.source) ==
          kMaterialSources.end()) {
        return bad(where + "\"source\" is upload or registry.");
      }
      ZT_ASSIGN_OR_RETURN(material.prefill, source_of(o, where));
      if (material.source == "registry" && !material.prefill) {
        return bad(where + "a 免提交 material names its registry attribute in \"prefill\".");
      }
      d.materials.push_back(std::move(material));
    }
  }
  const json::array* steps = array_of(body, "steps");
  if (!steps || steps->empty() || steps->size() > 20) {
    return bad("\"steps\" lists 1 to 20 steps after acceptance (审查, 决定, …).");
  }
  int share = 0;
  for (const json::value& s : *steps) {
    if (!s.is_object()) return bad("\"steps\" is a list of steps.");
    const json::object& o = s.get_object();
    Step step;
    ZT_ASSIGN_OR_RETURN(step.name, text(o, "name", true, "steps: ", 200));
    const std::string where = "steps." + step.name + ": ";
    if (const json::array* departments = array_of(o, "departments")) {
      for (const json::value& dv : *departments) {
        if (!dv.is_int64() || dv.get_int64() < 1) {
          return bad(where + "\"departments\" is a list of department ids.");
        }
        if (std::find(step.departments.begin(), step.departments.end(), dv.get_int64()) ==
            step.departments.end()) {
          step.departments.push_back(dv.get_int64());
        }
      }
    }
    if (step.departments.empty()) step.departments.push_back(d.department_id);
    ZT_ASSIGN_OR_RETURN(auto percent, integer(o, "share_percent", 0, 0, 100, where));
    step.share_percent = int(percent);
    share += step.share_percent;
    d.steps.push_back(std::move(step));
  }
  if (share > 100) return bad("The steps' share_percent add up to at most 100.");
  return d;
}

std::string definition_json(const ItemDraft& d) {
  json::array fees, form, materials, steps;
  for (const Fee& f : d.fees)
    fees.push_back(json::object{{"name", f.name}, {"amount", f.amount}});
  for (const FormField& f : d.form) {
    json::array values(f.enum_values.begin(), f.enum_values.end());
    form.push_back(json::object{{"name", f.name},
                                {"label", f.label},
                                {"type", catalog::to_string(f.type)},
                                {"required", f.required},
                                {"enum_values", std::move(values)},
                                {"prefill", source_json(f.prefill)}});
  }
  for (const Material& m : d.materials) {
    materials.push_back(json::object{{"name", m.name},
                                     {"required", m.required},
                                     {"source", m.source},
                                     {"prefill", source_json(m.prefill)}});
  }
  for (const Step& s : d.steps) {
    json::array departments(s.departments.begin(), s.departments.end());
    steps.push_back(json::object{{"name", s.name},
                                 {"departments", std::move(departments)},
                                 {"share_percent", s.share_percent}});
  }
  auto strings = [](const std::vector<std::string>& v) { return json::array(v.begin(), v.end()); };
  return json::serialize(json::object{{"purpose", d.purpose},
                                      {"legal_basis", d.legal_basis},
                                      {"fees", std::move(fees)},
                                      {"channels", strings(d.channels)},
                                      {"visits", d.visits},
                                      {"deliveries", strings(d.deliveries)},
                                      {"life_events", strings(d.life_events)},
                                      {"form", std::move(form)},
                                      {"materials", std::move(materials)},
                                      {"steps", std::move(steps)}});
}

Status read_definition(std::string_view stored, ItemDraft& d) {
  boost::system::error_code ec;
  json::value v = json::parse(stored, ec);
  if (ec || !v.is_object()) return Error::internal("database_error", "A stored item is not JSON.");
  json::object o = v.get_object();
  // The stored form is what parse_item wrote: parse it again with the columns' values.
  o["code"] = d.code;
  o["name"] = d.name;
  o["department_id"] = d.department_id;
  o["type"] = kItemTypeNames.name_of(d.type);
  o["applicant"] = kApplicantKindNames.name_of(d.applicant);
  o["kind"] = kItemKindNames.name_of(d.kind);
  o["statutory_limit"] = d.statutory_limit;
  o["promised_limit"] = d.promised_limit;
  auto parsed = parse_item(o, d.department_id);
  if (!parsed.ok()) return Error::internal("database_error", parsed.error().detail);
  d = std::move(parsed).value();
  return {};
}

std::span<const std::string_view> allowed_from(std::string_view action) {
  using namespace state;
  static constexpr std::array<std::string_view, 1> kFromDraft = {kDraft};
  static constexpr std::array<std::string_view, 1> kFromSubmitted = {kSubmitted};
  static constexpr std::array<std::string_view, 2> kCorrectable = {kSubmitted, kInReview};
  static constexpr std::array<std::string_view, 1> kFromCorrection = {kCorrection};
  static constexpr std::array<std::string_view, 6> kWithdrawable = {
      kDraft, kSubmitted, kCorrection, kInReview, kSpecial, kDeciding};
  static constexpr std::array<std::string_view, 2> kReviewing = {kInReview, kDeciding};
  static constexpr std::array<std::string_view, 1> kFromReview = {kInReview};
  static constexpr std::array<std::string_view, 1> kFromSpecial = {kSpecial};
  static constexpr std::array<std::string_view, 1> kFromDeciding = {kDeciding};
  static constexpr std::array<std::string_view, 1> kFromDecided = {kDecided};
  static constexpr std::array<std::string_view, 1> kFromConcluded = {kConcluded};
  if (action == "submit") return kFromDraft;
  if (action == "accept" || action == "not_accept") return kFromSubmitted;
  if (action == "request_correction") return kCorrectable;
  if (action == "answer_correction") return kFromCorrection;
  if (action == "withdraw") return kWithdrawable;
  if (action == "return" || action == "recall" || action == "start_special") return kReviewing;
  if (action == "transfer" || action == "claim" || action == "complete") return kFromReview;
  if (action == "end_special") return kFromSpecial;
  if (action == "decide") return kFromDeciding;
  if (action == "conclude") return kFromDecided;
  if (action == "deliver") return kFromConcluded;
  return {};
}

bool is_running(std::string_view s) {
  return s == state::kInReview || s == state::kCorrection || s == state::kSpecial ||
         s == state::kDeciding;
}

std::vector<core::Pause> calendar_pauses(std::span<const CasePause> pauses, core::Date today) {
  std::vector<core::Pause> out;
  for (const CasePause& p : pauses) {
    const core::Date first =
        core::Date(core::china_date(core::from_millis(p.started_at))) + std::chrono::days{1};
    const core::Date last =
        p.ended_at ? core::Date(core::china_date(core::from_millis(*p.ended_at))) : today;
    if (first <= last) out.push_back({first, last});
  }
  return out;
}

CaseClock clock_of(const Case& c, std::span<const CasePause> pauses,
                   const core::WorkingCalendar& calendar, std::int64_t now) {
  CaseClock out;
  if (!c.accepted_at) return out;
  out.running = true;
  const std::int64_t until = c.concluded_at.value_or(c.decided_at.value_or(now));
  const core::Date today = core::china_date(core::from_millis(std::min(now, until)));
  const core::Date accepted = core::china_date(core::from_millis(*c.accepted_at));
  for (const CasePause& p : pauses) {
    if (!p.ended_at) out.paused = true;
  }
  const std::vector<core::Pause> stops = calendar_pauses(pauses, today);
  auto one = [&](std::int64_t limit, std::optional<std::string>& deadline,
                 std::optional<std::int64_t>& remaining, bool statutory) {
    core::Date day = accepted;
    if (limit > 0) {
      auto d = calendar.deadline(accepted, int(limit), stops);
      if (!d.ok()) return;
      day = d->date;
      out.calendar_incomplete = out.calendar_incomplete || d->calendar_incomplete;
      if (statutory) out.paused_working_days = d->paused_working_days;
    }
    deadline = core::format_iso_date(day);
    remaining = today <= day ? calendar.working_days_between(today, day, stops)
                             : -calendar.working_days_between(day, today, stops);
  };
  one(c.statutory_limit, out.statutory_deadline, out.statutory_remaining, true);
  one(c.promised_limit, out.promised_deadline, out.promised_remaining, false);
  return out;
}

std::vector<std::string_view> alerts_of(const CaseClock& clock, core::Date today,
                                        std::int64_t promised_limit, int warning_days) {
  std::vector<std::string_view> out;
  if (!clock.running || clock.paused) return out;
  const std::string day = core::format_iso_date(today);
  // ISO dates compare as text.
  if (clock.statutory_deadline && day > *clock.statutory_deadline) out.push_back("overdue");
  if (clock.promised_deadline && day > *clock.promised_deadline) {
    out.push_back("promised_overdue");
  } else if (promised_limit > 0 && clock.promised_remaining &&
             *clock.promised_remaining <= warning_days) {
    out.push_back("warning");
  }
  return out;
}

}  // namespace zt::services
