#include "core/id_number.h"
#include "core/uscc.h"
#include "core/utf8.h"
#include "db/transaction.h"
#include "exchange/records/validate.h"
#include "identity/permissions.h"
#include "identity/scope.h"
#include "services/attachment_service.h"
#include "services/attachment_store.h"
#include "services/prefill.h"
#include "services/reminder_store.h"
#include "services/service.h"

#include <fmt/chrono.h>
#include <fmt/format.h>
#include <boost/json.hpp>

#include <algorithm>
#include <limits>

namespace zt::services {

namespace json = boost::json;
namespace perm = identity::permission;

namespace {

constexpr std::size_t kMaxReason = 2000;

bool one_of(std::string_view value, std::span<const std::string_view> values) {
  return std::find(values.begin(), values.end(), value) != values.end();
}

bool closed_step(std::string_view s) {
  return s == "returned" || s == "recalled" || s == "cancelled";
}

Error case_not_found(std::string_view number) {
  return Error::not_found("case_not_found", fmt::format("No case {}.", number));
}

Error invalid_transition(const Case& c, std::string_view action) {
  return Error::conflict(
      "invalid_transition",
      fmt::format("Case {} is {}: {} is not possible in that state.", c.number, c.state, action));
}

Error forbidden(std::string detail) {
  return Error::forbidden("forbidden", std::move(detail));
}

Error invalid_body(std::string detail) {
  return Error::invalid("invalid_body", std::move(detail));
}

exchange::RawValue raw_of(const json::value& v) {
  exchange::RawValue r;
  if (v.is_null()) {
    r.kind = exchange::RawValue::Kind::kNull;
  } else if (v.is_string()) {
    r.kind = exchange::RawValue::Kind::kString;
    r.text = std::string(v.get_string());
  } else if (v.is_bool()) {
    r.kind = exchange::RawValue::Kind::kBool;
    r.text = v.get_bool() ? "true" : "false";
  } else if (v.is_number()) {
    r.kind = exchange::RawValue::Kind::kNumber;
    r.text = json::serialize(v);
  } else {
    r.kind = exchange::RawValue::Kind::kString;
    r.text = json::serialize(v);
  }
  return r;
}

bool empty_value(const json::value* v) {
  return !v || v->is_null() || (v->is_string() && v->get_string().empty());
}

// The form values checked against the item's fields; `complete`: every required field set.
Status check_form(const ItemDraft& def, const json::object& form, bool complete,
                  std::chrono::year_month_day today) {
  for (const auto& [key, value] : form) {
    auto f = std::find_if(def.form.begin(), def.form.end(),
                          [&](const FormField& x) { return x.name == key; });
    if (f == def.form.end()) {
      return Error::invalid(
          "invalid_form", fmt::format("form: the item has no field '{}'.", std::string_view(key)));
    }
    if (value.is_object() || value.is_array()) {
      return Error::invalid("invalid_form", fmt::format("form.{}: a single value.", f->name));
    }
    catalog::Field field{.name = f->name,
                         .label = f->label,
                         .type = f->type,
                         .required = false,
                         .max_length = 2000,
                         .enum_values = f->enum_values};
    auto checked = exchange::validate_value(field, raw_of(value), today);
    if (!checked.ok()) {
      return Error::invalid("invalid_form",
                            fmt::format("form.{}: {}", f->name, checked.error().detail));
    }
  }
  if (complete) {
    for (const FormField& f : def.form) {
      if (f.required && empty_value(form.if_contains(f.name))) {
        return Error::invalid("invalid_form",
                              fmt::format("form.{} ({}) is required.", f.name, f.label));
      }
    }
  }
  return {};
}

Result<json::object> parse_object(std::string_view text) {
  boost::system::error_code ec;
  json::value v = json::parse(text, ec);
  if (ec || !v.is_object()) return Error::internal("database_error", "A stored case is invalid.");
  return std::move(v.get_object());
}

std::string value_text(const json::value& v) {
  if (v.is_string()) return std::string(v.get_string());
  if (v.is_null()) return {};
  return json::serialize(v);
}

// Marks each pre-filled form value of `c.prefill` edited when `form` no longer holds the value the
// registry gave: the form's value is then the applicant's own statement, and the entry keeps the
// registry's value, department and read time for the record. Success: the targets edited now.
Result<json::array> mark_edited(Case& c, const json::object& form) {
  boost::system::error_code ec;
  json::value v = json::parse(c.prefill, ec);
  if (ec || !v.is_array()) return Error::internal("database_error", "A stored case is invalid.");
  json::array edited;
  for (json::value& e : v.get_array()) {
    json::object* p = e.if_object();
    if (!p) continue;
    const json::value* target = p->if_contains("target");
    const json::value* found = p->if_contains("found");
    const json::value* value = p->if_contains("value");
    if (!target || !target->is_string() || !found || !found->is_bool() || !found->get_bool() ||
        !value || !value->is_string()) {
      continue;
    }
    const std::string_view t = target->get_string();
    if (t.substr(0, 5) != "form.") continue;
    const json::value* now = form.if_contains(t.substr(5));
    const bool changed = (now ? value_text(*now) : std::string()) != value->get_string();
    (*p)["edited"] = changed;
    if (changed) edited.emplace_back(t);
  }
  c.prefill = json::serialize(v);
  return edited;
}

// The live rows of the case's current step: not closed, of the newest round at that index.
std::vector<const CaseStep*> current_rows(const std::vector<CaseStep>& steps, std::int64_t index) {
  std::int64_t round = -1;
  for (const CaseStep& s : steps) {
    if (s.step_index == index && !closed_step(s.state)) round = std::max(round, s.round);
  }
  std::vector<const CaseStep*> out;
  for (const CaseStep& s : steps) {
    if (s.step_index == index && !closed_step(s.state) && s.round == round) out.push_back(&s);
  }
  return out;
}

bool active(const CaseStep& s) {
  return s.state == "waiting" || s.state == "claimed";
}

}  // namespace

std::string progress_of(const Case& c) {
  const std::string_view s = c.state;
  if (s == state::kDraft) return "草稿：尚未提交";
  if (s == state::kSubmitted) return "已提交，等待窗口受理";
  if (s == state::kCorrection) return "需要补正：请按告知补充材料后提交";
  if (s == state::kInReview) return "已受理，审查中";
  if (s == state::kSpecial) return "特别程序中（暂停计时）";
  if (s == state::kDeciding) return "审查完毕，等待作出决定";
  if (s == state::kDecided) return c.decision == "approve" ? "已作出准予决定" : "已作出不予决定";
  if (s == state::kConcluded) return "已办结，等待领取或寄送";
  if (s == state::kDelivered) return "已送达";
  if (s == state::kNotAccepted) return "不予受理";
  if (s == state::kWithdrawn) return "已撤回";
  return std::string(s);
}

CaseService::CaseService(db::Database& db, audit::AuditLog& audit,
                         identity::IdentityService& identity, calendar::CalendarService& calendar,
                         catalog::CatalogService& catalog, exchange::QueryService& query,
                         exchange::SharingService& sharing, ItemService& items,
                         const core::Clock& clock, int warning_days)
    : db_(db),
      audit_(audit),
      identity_(identity),
      calendar_(calendar),
      catalog_(catalog),
      query_(query),
      sharing_(sharing),
      items_(items),
      clock_(clock),
      warning_days_(warning_days) {}

Result<std::optional<CaseService::Applicant>> CaseService::applicant_of(
    const core::Principal& actor) {
  if (actor.kind != core::Principal::Kind::kUser ||
      (actor.user_kind != "citizen" && actor.user_kind != "enterprise")) {
    return std::optional<Applicant>();
  }
  ZT_ASSIGN_OR_RETURN(identity::User user, identity_.auth().me(actor));
  Applicant a{.user_id = user.id, .name = user.display_name};
  if (user.kind == identity::UserKind::kCitizen) {
    a.kind = "person";
    a.key = user.id_number.value_or("");
  } else {
    a.kind = "entity";
    a.key = user.uscc.value_or("");
  }
  return std::optional<Applicant>(std::move(a));
}

bool CaseService::acts_as_applicant(const std::optional<Applicant>& self,
                                    const core::Principal& actor, const Case& c) {
  return (self && (c.applicant_user_id == self->user_id ||
                   (!self->key.empty() && c.applicant_key == self->key))) ||
         (!self && c.filed_by == actor.id && c.state == state::kDraft) ||
         (!self && c.channel == "window" && actor.has_permission(perm::kCasesAccept));
}

Result<CaseParty> CaseService::party(db::Connection& conn, const core::Principal& actor,
                                     std::string_view number) {
  ZT_ASSIGN_OR_RETURN(auto found, store::find_case(conn, number));
  if (!found) return case_not_found(number);
  ZT_ASSIGN_OR_RETURN(bool may, visible(conn, actor, *found));
  if (!may) return case_not_found(number);
  ZT_ASSIGN_OR_RETURN(auto item, store::item_by_id(conn, found->item_id));
  if (!item) return Error::internal("database_error", "A case's item version is missing.");
  ZT_ASSIGN_OR_RETURN(auto self, applicant_of(actor));
  CaseParty p{.c = std::move(*found), .def = std::move(item->def)};
  p.applicant = acts_as_applicant(self, actor, p.c);
  p.item_officer = !self && actor.has_permission(perm::kCasesApprove) && actor.department_id &&
                   *actor.department_id == p.c.department_id;
  return p;
}

Result<bool> CaseService::visible(db::Connection& conn, const core::Principal& actor,
                                  const Case& c) {
  ZT_ASSIGN_OR_RETURN(auto applicant, applicant_of(actor));
  if (applicant) {
    return c.applicant_user_id == applicant->user_id ||
           (!applicant->key.empty() && c.applicant_key == applicant->key);
  }
  if (c.filed_by == actor.id && actor.kind == core::Principal::Kind::kUser) return true;
  if (c.state == state::kDraft) return false;
  if (identity::has_city_scope(actor)) return true;
  if (actor.has_permission(perm::kCasesAccept)) return true;
  if (!actor.department_id) return false;
  if (*actor.department_id == c.department_id) return true;
  return store::routed_to(conn, c.id, *actor.department_id);
}

Result<std::vector<PrefilledValue>> CaseService::prefill(const ItemDraft& def, const Case& c,
                                                         const core::RequestContext& context) {
  const ItemDraft* defs[] = {&def};
  ZT_ASSIGN_OR_RETURN(auto reads, Prefiller(identity_, catalog_, query_, clock_)
                                      .read(defs, c.applicant_key, def.purpose, c.number, context));
  return Prefiller::values(def, reads);
}

Result<CaseView> CaseService::file(const core::Principal& actor, FileInput input,
                                   const core::RequestContext& context) {
  ZT_ASSIGN_OR_RETURN(Item item, items_.published(input.item_code));
  ZT_ASSIGN_OR_RETURN(Case c, draft(actor, item, input));
  {
    ZT_ASSIGN_OR_RETURN(auto conn, db_.acquire(db::Access::kWrite));
    ZT_ASSIGN_OR_RETURN(auto tx, db::Transaction::begin(conn));
    ZT_TRY(insert_draft(conn, c, actor, input.consent, context));
    ZT_TRY(tx.commit());
  }
  if (input.consent) {
    ZT_ASSIGN_OR_RETURN(auto values, prefill(item.def, c, context));
    json::object form = input.form;
    for (PrefilledValue& p : values) {
      if (!p.found || p.target.rfind("form.", 0) != 0) continue;
      const std::string name = p.target.substr(5);
      if (!empty_value(form.if_contains(name))) continue;  // the applicant's own value stays
      form[name] = p.value;
      p.applied = true;
    }
    c.form = json::serialize(form);
    c.prefill = prefill_json(values);
    c.version = 1;
    ZT_ASSIGN_OR_RETURN(auto conn, db_.acquire(db::Access::kWrite));
    ZT_ASSIGN_OR_RETURN(auto tx, db::Transaction::begin(conn));
    ZT_ASSIGN_OR_RETURN(bool written, store::update_case(conn, c));
    if (!written) return Error::conflict("case_changed", "The case changed while pre-filling.");
    ZT_TRY(tx.commit());
  }
  return get(actor, c.number);
}

Result<Case> CaseService::draft(const core::Principal& actor, const Item& item,
                                const FileInput& input) {
  const std::int64_t now = core::to_millis(clock_.now());
  const auto today = core::china_date(clock_.now());
  ZT_ASSIGN_OR_RETURN(auto self, applicant_of(actor));
  Case c;
  if (self) {
    c.applicant_user_id = self->user_id;
    c.applicant_kind = self->kind;
    c.applicant_name = self->name;
    c.applicant_key = self->key;
    c.channel = "online";
  } else if (actor.has_permission(perm::kCasesAccept) &&
             actor.kind == core::Principal::Kind::kUser) {
    if (input.applicant_kind != "person" && input.applicant_kind != "entity") {
      return invalid_body("At a window, \"applicant\" names {kind: person|entity, name, key}.");
    }
    if (input.applicant_name.empty() || input.applicant_name.size() > 200 ||
        !core::valid_utf8(input.applicant_name)) {
      return invalid_body("\"applicant.name\" is 1 to 200 bytes.");
    }
    auto key = input.applicant_kind == "person" ? core::check_id_number(input.applicant_key, today)
                                                : core::check_uscc(input.applicant_key);
    if (!key.ok()) return invalid_body("\"applicant.key\": " + key.error().detail);
    c.applicant_kind = input.applicant_kind;
    c.applicant_name = input.applicant_name;
    c.applicant_key = *key;
    c.channel = "window";
  } else {
    return forbidden("Cases are filed by citizens and enterprises online, or by a window clerk.");
  }
  if ((item.def.applicant == ApplicantKind::kPerson && c.applicant_kind != "person") ||
      (item.def.applicant == ApplicantKind::kEntity && c.applicant_kind != "entity")) {
    return Error::forbidden("applicant_not_eligible",
                            fmt::format("Item {} is for applicants of kind {}.", item.def.code,
                                        kApplicantKindNames.name_of(item.def.applicant)));
  }
  if (std::find(item.def.channels.begin(), item.def.channels.end(), c.channel) ==
      item.def.channels.end()) {
    return Error::forbidden("channel_not_offered",
                            fmt::format("Item {} is not offered {}.", item.def.code, c.channel));
  }
  ZT_TRY(check_form(item.def, input.form, false, today));
  c.item_id = item.id;
  c.item_code = item.def.code;
  c.item_version = item.version;
  c.item_name = item.def.name;
  c.department_id = item.def.department_id;
  c.filed_by = actor.id;
  c.state = std::string(state::kDraft);
  c.form = json::serialize(input.form);
  c.prefill = "[]";
  c.statutory_limit = item.def.statutory_limit;
  c.promised_limit = item.def.promised_limit;
  c.created_at = c.updated_at = now;
  // A unique placeholder until the number, made from the id, is set in the same transaction.
  c.number = fmt::format("~{}-{}-{}", actor.id, now, sequence_.fetch_add(1));
  return c;
}

Status CaseService::insert_draft(db::Connection& conn, Case& c, const core::Principal& actor,
                                 bool consent, const core::RequestContext& context) {
  const auto today = core::china_date(clock_.now());
  const std::int64_t now = c.created_at;
  {
    ZT_ASSIGN_OR_RETURN(c.id, store::insert_case(conn, c));
    // 办件编号: the filing day (Beijing) and the case's id, readable on the phone.
    c.number = fmt::format("{:04}{:02}{:02}-{:07}", int(today.year()), unsigned(today.month()),
                           unsigned(today.day()), c.id);
    ZT_TRY(store::set_number(conn, c.id, c.number));
    ZT_TRY(store::insert_event(
        conn, CaseEvent{.case_id = c.id,
                        .at = now,
                        .action = "file",
                        .actor_name = actor.name,
                        .to_state = c.state,
                        .detail = json::serialize(json::object{{"channel", c.channel},
                                                               {"item_version", c.item_version},
                                                               {"consent", consent}})}));
    audit::AuditEntry e = audit::AuditEntry::of("services.case.file", "case", c.number, context);
    e.by(actor);
    e.detail = json::serialize(json::object{{"item", c.item_code},
                                            {"item_version", c.item_version},
                                            {"channel", c.channel},
                                            {"consent", consent}});
    ZT_TRY(audit_.append(conn, std::move(e)));
  }
  return {};
}

Result<CaseView> CaseService::view(db::Connection& conn, Case c,
                                   const calendar::CalendarSnapshot& snap) {
  CaseView v;
  ZT_ASSIGN_OR_RETURN(v.steps, store::steps(conn, c.id));
  ZT_ASSIGN_OR_RETURN(v.events, store::events(conn, c.id));
  const std::int64_t ids[] = {c.id};
  ZT_ASSIGN_OR_RETURN(v.pauses, store::pauses(conn, ids));
  v.clock = clock_of(c, v.pauses, *snap.calendar, core::to_millis(clock_.now()));
  v.progress = progress_of(c);
  v.c = std::move(c);
  return v;
}

std::string CaseService::alert_of(const Case& c, const CaseClock& clock, bool applicant) const {
  if (c.state != state::kInReview && c.state != state::kDeciding) return {};
  const core::Date today{core::china_date(clock_.now())};
  for (std::string_view kind : alerts_of(clock, today, c.promised_limit, warning_days_)) {
    if (!applicant || kind == "overdue") return std::string(kind);
  }
  return {};
}

Result<CaseView> CaseService::get(const core::Principal& actor, std::string_view number) {
  ZT_ASSIGN_OR_RETURN(auto snap, calendar_.snapshot());
  ZT_ASSIGN_OR_RETURN(auto conn, db_.acquire(db::Access::kRead));
  ZT_ASSIGN_OR_RETURN(auto found, store::find_case(conn, number));
  if (!found) return case_not_found(number);
  ZT_ASSIGN_OR_RETURN(bool may, visible(conn, actor, *found));
  if (!may) return case_not_found(number);
  ZT_ASSIGN_OR_RETURN(auto self, applicant_of(actor));
  const bool applicant = self && (found->applicant_user_id == self->user_id ||
                                  (!self->key.empty() && found->applicant_key == self->key));
  ZT_TRY(disclose(actor, applicant, *found));
  ZT_ASSIGN_OR_RETURN(CaseView v, view(conn, std::move(*found), snap));
  v.alert = alert_of(v.c, v.clock, applicant);
  return v;
}

Result<std::optional<std::string>> CaseService::stored_deadline(
    db::Connection& conn, const Case& c, const calendar::CalendarSnapshot& snap) {
  if (!c.accepted_at) return std::optional<std::string>();
  const std::int64_t ids[] = {c.id};
  ZT_ASSIGN_OR_RETURN(auto pauses, store::pauses(conn, ids));
  return clock_of(c, pauses, *snap.calendar, core::to_millis(clock_.now())).statutory_deadline;
}

Status CaseService::open_step(db::Connection& conn, const Case& c, const ItemDraft& def,
                              std::int64_t index, std::int64_t now) {
  if (index < 0 || index >= std::int64_t(def.steps.size())) {
    return Error::internal("bad_step", "A step the item does not have.");
  }
  ZT_ASSIGN_OR_RETURN(auto existing, store::steps(conn, c.id));
  std::int64_t round = 0;
  for (const CaseStep& s : existing)
    round = std::max(round, s.round);
  const Step& step = def.steps[std::size_t(index)];
  for (std::int64_t d : step.departments) {
    auto dept = identity_.departments().find_department(d);
    ZT_TRY(store::insert_step(conn, CaseStep{.case_id = c.id,
                                             .step_index = index,
                                             .round = round + 1,
                                             .name = step.name,
                                             .department_id = d,
                                             .department_name = dept.ok() ? dept->name : "",
                                             .state = "waiting",
                                             .created_at = now}));
  }
  return {};
}

Status CaseService::commit_transition(db::Connection& conn, Case& c, std::string_view from,
                                      std::string_view action, const core::Principal& actor,
                                      const std::string& reason, std::string detail,
                                      const core::RequestContext& context,
                                      const calendar::CalendarSnapshot& snap) {
  const std::int64_t now = core::to_millis(clock_.now());
  c.updated_at = now;
  ZT_ASSIGN_OR_RETURN(c.stored_deadline, stored_deadline(conn, c, snap));
  c.deadline_epoch = snap.epoch;
  ZT_ASSIGN_OR_RETURN(bool written, store::update_case(conn, c));
  if (!written) {
    return Error::conflict(
        "case_changed",
        fmt::format("Case {} was changed by someone else: read it again.", c.number));
  }
  ZT_TRY(store::insert_event(conn, CaseEvent{.case_id = c.id,
                                             .at = now,
                                             .action = std::string(action),
                                             .actor_name = actor.name,
                                             .from_state = std::string(from),
                                             .to_state = c.state,
                                             .reason = reason,
                                             .detail = detail.empty() ? "{}" : detail}));
  audit::AuditEntry e =
      audit::AuditEntry::of(fmt::format("services.case.{}", action), "case", c.number, context);
  e.by(actor);
  json::object d{{"from", from}, {"to", c.state}, {"reason", reason}};
  if (!detail.empty()) {
    auto extra = parse_object(detail);
    if (extra.ok()) d["detail"] = std::move(extra).value();
  }
  e.detail = json::serialize(d);
  ZT_TRY(audit_.append(conn, std::move(e)));
  // The reminders look at it again. Last, after the audit chain's lock, in the order the
  // services worker takes them too (no deadlock between the two on PostgreSQL).
  return store::watch_case(conn, c.id);
}

Result<CaseView> CaseService::act(const core::Principal& actor, std::string_view number,
                                  std::string_view action, const ActionInput& in,
                                  const core::RequestContext& context) {
  ZT_ASSIGN_OR_RETURN(auto snap, calendar_.snapshot());
  ZT_ASSIGN_OR_RETURN(auto self, applicant_of(actor));
  {
    ZT_ASSIGN_OR_RETURN(auto conn, db_.acquire(db::Access::kWrite));
    ZT_ASSIGN_OR_RETURN(auto tx, db::Transaction::begin(conn));
    ZT_TRY(act_on(conn, actor, self, snap, number, action, in, context));
    ZT_TRY(tx.commit());
  }
  return get(actor, number);
}

Status CaseService::act_on(db::Connection& conn, const core::Principal& actor,
                           const std::optional<Applicant>& self,
                           const calendar::CalendarSnapshot& snap, std::string_view number,
                           std::string_view action, const ActionInput& in,
                           const core::RequestContext& context) {
  const auto from_states = allowed_from(action);
  if (from_states.empty()) return Error::not_found("not_found", "No such transition.");
  if (in.reason.size() > kMaxReason || !core::valid_utf8(in.reason)) {
    return invalid_body(fmt::format("\"reason\" is at most {} bytes.", kMaxReason));
  }
  const std::int64_t now = core::to_millis(clock_.now());
  {
    ZT_ASSIGN_OR_RETURN(auto found, store::find_case(conn, number));
    if (!found) return case_not_found(number);
    Case c = std::move(*found);
    ZT_ASSIGN_OR_RETURN(bool may, visible(conn, actor, c));
    if (!may) return case_not_found(number);
    if (!one_of(c.state, from_states)) return invalid_transition(c, action);
    ZT_ASSIGN_OR_RETURN(auto item, store::item_by_id(conn, c.item_id));
    if (!item) return Error::internal("database_error", "A case's item version is missing.");
    const ItemDraft& def = item->def;
    ZT_ASSIGN_OR_RETURN(auto steps, store::steps(conn, c.id));
    const auto rows = current_rows(steps, c.step_index);
    const bool applicant = acts_as_applicant(self, actor, c);
    const bool officer =
        !self && actor.has_permission(perm::kCasesApprove) && actor.department_id.has_value();
    const bool item_department = officer && *actor.department_id == c.department_id;
    bool step_department = false;
    for (const CaseStep* s : rows) {
      if (officer && active(*s) && s->department_id == *actor.department_id) {
        step_department = true;
      }
    }
    const bool involved = item_department || step_department;
    const bool window = !self && actor.has_permission(perm::kCasesAccept);
    auto need = [](bool ok, std::string_view who) -> Status {
      if (!ok) return forbidden(fmt::format("Only {} may do this.", who));
      return {};
    };
    auto need_reason = [&]() -> Status {
      if (in.reason.empty()) return invalid_body("\"reason\" is required.");
      return {};
    };
    const std::string from(c.state);
    json::object detail;
    const auto today = core::china_date(clock_.now());

    if (action == "submit") {
      ZT_TRY(need(applicant, "the applicant (or the clerk who filed it)"));
      // The applicant may correct values before submitting, a pre-filled one too (then their
      // own statement, the registry's value kept beside it).
      ZT_ASSIGN_OR_RETURN(auto form, parse_object(c.form));
      if (in.form) {
        ZT_TRY(check_form(def, *in.form, false, today));
        for (const auto& [k, v] : *in.form)
          form[k] = v;
      }
      ZT_TRY(check_form(def, form, true, today));
      ZT_ASSIGN_OR_RETURN(auto edited, mark_edited(c, form));
      if (!edited.empty()) detail["edited"] = std::move(edited);
      c.form = json::serialize(form);
      ZT_TRY(submit_materials(conn, c, def, now));
      c.state = std::string(state::kSubmitted);
    } else if (action == "accept") {
      ZT_TRY(need(window, "a window clerk (services.cases.accept)"));
      c.accepted_at = now;
      c.step_index = 0;
      c.state = std::string(state::kInReview);
      ZT_TRY(open_step(conn, c, def, 0, now));
    } else if (action == "not_accept") {
      ZT_TRY(need(window, "a window clerk (services.cases.accept)"));
      ZT_TRY(need_reason());
      c.state = std::string(state::kNotAccepted);
    } else if (action == "request_correction") {
      if (c.state == state::kSubmitted) {
        ZT_TRY(need(window, "a window clerk (services.cases.accept)"));
      } else {
        ZT_TRY(need(involved, "an officer of the department handling the step"));
      }
      if (in.missing.empty()) {
        return invalid_body("\"missing\" lists what the applicant is to correct or add.");
      }
      c.correction = json::serialize(json::array(in.missing.begin(), in.missing.end()));
      c.resume_state = c.state;
      c.state = std::string(state::kCorrection);
      detail["missing"] = json::array(in.missing.begin(), in.missing.end());
      if (c.accepted_at) {
        ZT_TRY(store::open_pause(conn, c.id, "correction", c.correction, now));
      }
    } else if (action == "answer_correction") {
      ZT_TRY(need(applicant, "the applicant"));
      ZT_ASSIGN_OR_RETURN(auto form, parse_object(c.form));
      if (in.form) {
        ZT_TRY(check_form(def, *in.form, false, today));
        for (const auto& [k, v] : *in.form)
          form[k] = v;
      }
      ZT_TRY(check_form(def, form, true, today));
      ZT_ASSIGN_OR_RETURN(auto edited, mark_edited(c, form));
      if (!edited.empty()) detail["edited"] = std::move(edited);
      ZT_TRY(submit_materials(conn, c, def, now));
      c.form = json::serialize(form);
      c.correction = "[]";
      c.state = c.resume_state;
      c.resume_state.clear();
      ZT_TRY(store::close_pauses(conn, c.id, now));
    } else if (action == "withdraw") {
      ZT_TRY(need(applicant, "the applicant"));
      for (const CaseStep& s : steps) {
        if (active(s)) {
          const std::string_view any[] = {"waiting", "claimed"};
          ZT_TRY(store::set_step_state(conn, s.id, "cancelled", any));
        }
      }
      ZT_TRY(store::close_pauses(conn, c.id, now));
      c.state = std::string(state::kWithdrawn);
    } else if (action == "return") {
      ZT_TRY(need(involved, "an officer of the department handling the step"));
      ZT_TRY(need_reason());
      std::int64_t to = c.step_index - 1;
      if (c.state == state::kDeciding) to = c.step_index;
      if (to < 0) return invalid_transition(c, "return (there is no earlier step)");
      for (const CaseStep* s : rows) {
        if (active(*s)) {
          const std::string_view any[] = {"waiting", "claimed"};
          ZT_TRY(store::set_step_state(conn, s->id, "returned", any));
        }
      }
      c.step_index = to;
      c.review_outcome.clear();
      c.state = std::string(state::kInReview);
      ZT_TRY(open_step(conn, c, def, to, now));
      detail["to_step"] = def.steps[std::size_t(to)].name;
    } else if (action == "recall") {
      ZT_TRY(need(officer, "the officer who sent the case on"));
      // The sender's completed row of the step before the current one (or of the last step when
      // the case waits for its decision), while nobody has acted on what came next.
      const std::int64_t back = c.state == state::kDeciding ? c.step_index : c.step_index - 1;
      if (back < 0) return invalid_transition(c, "recall (there is no earlier step)");
      if (c.state == state::kInReview) {
        for (const CaseStep* s : rows) {
          if (s->state != "waiting") {
            return Error::conflict(
                "invalid_transition",
                fmt::format("Case {}: the next step has already acted.", c.number));
          }
        }
      }
      const auto previous = current_rows(steps, back);
      const CaseStep* mine = nullptr;
      for (const CaseStep* s : previous) {
        if (s->claimed_by == actor.id && (s->state == "approved" || s->state == "rejected")) {
          mine = s;
        }
      }
      if (!mine) return forbidden("Only the officer who completed the step before may recall.");
      if (c.state == state::kInReview) {
        for (const CaseStep* s : rows) {
          const std::string_view waiting[] = {"waiting"};
          ZT_ASSIGN_OR_RETURN(bool closed, store::set_step_state(conn, s->id, "recalled", waiting));
          if (!closed) {
            return Error::conflict("step_taken", "The next step was claimed meanwhile.");
          }
        }
      }
      ZT_TRY(store::set_step_state(conn, mine->id, "claimed", {}));
      c.step_index = back;
      c.review_outcome.clear();
      c.state = std::string(state::kInReview);
      detail["to_step"] = mine->name;
    } else if (action == "transfer") {
      ZT_TRY(need(step_department, "an officer of the department holding the step"));
      ZT_TRY(need_reason());
      if (!in.department_id) return invalid_body("\"department_id\" names where it goes.");
      auto target = identity_.departments().find_department(*in.department_id);
      if (!target.ok()) {
        return Error::not_found("department_not_found",
                                fmt::format("No department {}.", *in.department_id));
      }
      if (*in.department_id == *actor.department_id) {
        return invalid_body("A case is transferred to another department.");
      }
      bool moved = false;
      for (const CaseStep* s : rows) {
        if (!moved && active(*s) && s->department_id == *actor.department_id) {
          ZT_ASSIGN_OR_RETURN(moved, store::transfer_step(conn, s->id, target->id, target->name));
        }
      }
      if (!moved) return Error::conflict("step_taken", "The step moved meanwhile.");
      detail["department_id"] = target->id;
      detail["department"] = target->name;
    } else if (action == "start_special") {
      ZT_TRY(need(involved, "an officer of the department handling the case"));
      if (!one_of(in.special_kind, kSpecialKinds)) {
        return invalid_body(
            "\"kind\" is hearing (听证), inspection (检验检测), expert_review (专家评审) or "
            "publicity (公示).");
      }
      c.special_kind = in.special_kind;
      c.resume_state = c.state;
      c.state = std::string(state::kSpecial);
      detail["kind"] = in.special_kind;
      ZT_TRY(store::open_pause(conn, c.id, "special", in.special_kind, now));
    } else if (action == "end_special") {
      ZT_TRY(need(item_department || officer, "an officer of the department handling the case"));
      if (!item_department) {
        ZT_ASSIGN_OR_RETURN(bool routed, store::routed_to(conn, c.id, *actor.department_id));
        ZT_TRY(need(routed, "an officer of the department handling the case"));
      }
      detail["kind"] = c.special_kind;
      c.state = c.resume_state;
      c.resume_state.clear();
      c.special_kind.clear();
      ZT_TRY(store::close_pauses(conn, c.id, now));
    } else if (action == "decide") {
      ZT_TRY(need(item_department, "an officer of the item's department"));
      ZT_TRY(need_reason());
      if (!one_of(in.decision, kDecisions)) {
        return invalid_body("\"decision\" is approve (准予) or deny (不予).");
      }
      if (in.result_text.size() > 10000 || !core::valid_utf8(in.result_text)) {
        return invalid_body("\"result_text\" is at most 10000 bytes.");
      }
      ZT_TRY(attachment_store::submit_results(conn, c.id, in.attachments, now));
      if (!in.attachments.empty()) {
        detail["attachments"] = json::array(in.attachments.begin(), in.attachments.end());
      }
      c.decision = in.decision;
      c.decision_reason = in.reason;
      c.result_text = in.result_text;
      c.decided_at = now;
      c.state = std::string(state::kDecided);
      detail["decision"] = in.decision;
    } else if (action == "conclude") {
      ZT_TRY(need(item_department, "an officer of the item's department"));
      c.concluded_at = now;
      c.state = std::string(state::kConcluded);
    } else if (action == "deliver") {
      ZT_TRY(need(window || item_department, "a window clerk or the item's department"));
      json::object delivery{{"method", in.delivery_method}, {"at", now}};
      if (in.delivery_method == "courier") {
        if (in.address.empty() || in.tracking_number.empty() || in.address.size() > 500 ||
            in.tracking_number.size() > 64) {
          return invalid_body("By courier: \"address\" and \"tracking_number\" are required.");
        }
        delivery["address"] = in.address;
        delivery["tracking_number"] = in.tracking_number;
      } else if (in.delivery_method != "window") {
        return invalid_body("\"method\" is window (窗口领取) or courier (邮寄).");
      }
      c.delivery = json::serialize(delivery);
      c.state = std::string(state::kDelivered);
      detail = delivery;
    } else {
      return Error::not_found("not_found", "No such transition.");
    }
    ZT_TRY(commit_transition(conn, c, from, action, actor, in.reason,
                             detail.empty() ? std::string() : json::serialize(detail), context,
                             snap));
  }
  return {};
}

Result<CaseService::OwnStep> CaseService::own_step(db::Connection& conn,
                                                   const core::Principal& actor,
                                                   std::string_view number, std::int64_t step_id,
                                                   std::string_view action) {
  ZT_ASSIGN_OR_RETURN(auto found, store::find_case(conn, number));
  if (!found) return case_not_found(number);
  OwnStep own{.c = std::move(*found)};
  ZT_ASSIGN_OR_RETURN(bool may, visible(conn, actor, own.c));
  if (!may) return case_not_found(number);
  ZT_ASSIGN_OR_RETURN(own.steps, store::steps(conn, own.c.id));
  auto step = std::find_if(own.steps.begin(), own.steps.end(), [&](const CaseStep& s) {
    return s.id == step_id && s.department_id == *actor.department_id;
  });
  if (step == own.steps.end()) {
    return Error::not_found("step_not_found", fmt::format("No step {} of yours.", step_id));
  }
  if (own.c.state != state::kInReview) return invalid_transition(own.c, action);
  own.index = static_cast<std::size_t>(step - own.steps.begin());
  return own;
}

Result<CaseView> CaseService::claim(const core::Principal& actor, std::string_view number,
                                    std::int64_t step_id, const core::RequestContext& context) {
  if (!actor.has_permission(perm::kCasesApprove) || !actor.department_id) {
    return forbidden("Claiming a step needs services.cases.approve.");
  }
  ZT_ASSIGN_OR_RETURN(auto snap, calendar_.snapshot());
  const std::int64_t now = core::to_millis(clock_.now());
  {
    ZT_ASSIGN_OR_RETURN(auto conn, db_.acquire(db::Access::kWrite));
    ZT_ASSIGN_OR_RETURN(auto tx, db::Transaction::begin(conn));
    ZT_ASSIGN_OR_RETURN(auto own, own_step(conn, actor, number, step_id, "claim"));
    Case& c = own.c;
    std::vector<CaseStep>& steps = own.steps;
    CaseStep* step = &steps[own.index];
    if (step->state != "waiting") {
      return Error::conflict("step_taken", fmt::format("Step {} is {} (by {}).", step_id,
                                                       step->state, step->claimed_by_name));
    }
    ZT_ASSIGN_OR_RETURN(bool claimed, store::claim_step(conn, step_id, actor.id, actor.name, now));
    if (!claimed) return Error::conflict("step_taken", "Another officer claimed it first.");
    const std::string from(c.state);
    ZT_TRY(commit_transition(
        conn, c, from, "claim", actor, "",
        json::serialize(json::object{{"step_id", step_id}, {"step", step->name}}), context, snap));
    ZT_TRY(tx.commit());
  }
  return get(actor, number);
}

Result<CaseView> CaseService::complete(const core::Principal& actor, std::string_view number,
                                       std::int64_t step_id, const ActionInput& in,
                                       const core::RequestContext& context) {
  if (!actor.has_permission(perm::kCasesApprove) || !actor.department_id) {
    return forbidden("Completing a step needs services.cases.approve.");
  }
  if (in.reason.size() > kMaxReason || !core::valid_utf8(in.reason)) {
    return invalid_body(fmt::format("\"opinion\" is at most {} bytes.", kMaxReason));
  }
  if (!in.approve && in.reason.empty()) {
    return invalid_body("A rejection gives its reason in \"opinion\".");
  }
  ZT_ASSIGN_OR_RETURN(auto snap, calendar_.snapshot());
  const std::int64_t now = core::to_millis(clock_.now());
  {
    ZT_ASSIGN_OR_RETURN(auto conn, db_.acquire(db::Access::kWrite));
    ZT_ASSIGN_OR_RETURN(auto tx, db::Transaction::begin(conn));
    ZT_ASSIGN_OR_RETURN(auto own, own_step(conn, actor, number, step_id, "complete"));
    Case& c = own.c;
    std::vector<CaseStep>& steps = own.steps;
    CaseStep* step = &steps[own.index];
    if (step->state != "claimed" || step->claimed_by != actor.id) {
      return Error::conflict(
          "step_taken",
          fmt::format("Step {} is {}: complete a step you claimed.", step_id, step->state));
    }
    const std::string outcome = in.approve ? "approved" : "rejected";
    ZT_ASSIGN_OR_RETURN(bool done,
                        store::complete_step(conn, step_id, actor.id, outcome, in.reason, now));
    if (!done) return Error::conflict("step_taken", "The step changed meanwhile.");
    step->state = outcome;
    ZT_ASSIGN_OR_RETURN(auto item, store::item_by_id(conn, c.item_id));
    if (!item) return Error::internal("database_error", "A case's item version is missing.");
    // 并联: rejected when one rejects, done when all approve.
    const auto rows = current_rows(steps, c.step_index);
    bool rejected = false, pending = false;
    for (const CaseStep* s : rows) {
      if (s->state == "rejected") rejected = true;
      if (active(*s)) pending = true;
    }
    const std::string from(c.state);
    if (rejected) {
      for (const CaseStep* s : rows) {
        if (active(*s)) {
          const std::string_view any[] = {"waiting", "claimed"};
          ZT_TRY(store::set_step_state(conn, s->id, "cancelled", any));
        }
      }
      c.review_outcome = "rejected";
      c.state = std::string(state::kDeciding);
    } else if (!pending) {
      if (c.step_index + 1 < std::int64_t(item->def.steps.size())) {
        c.step_index += 1;
        ZT_TRY(open_step(conn, c, item->def, c.step_index, now));
      } else {
        c.review_outcome = "approved";
        c.state = std::string(state::kDeciding);
      }
    }
    ZT_TRY(commit_transition(conn, c, from, "complete", actor, in.reason,
                             json::serialize(json::object{
                                 {"step_id", step_id}, {"step", step->name}, {"outcome", outcome}}),
                             context, snap));
    ZT_TRY(tx.commit());
  }
  return get(actor, number);
}

Result<std::vector<CaseRow>> CaseService::rows(db::Connection& conn, std::vector<Case> cases) {
  ZT_ASSIGN_OR_RETURN(auto snap, calendar_.snapshot());
  std::vector<std::int64_t> ids;
  for (const Case& c : cases)
    ids.push_back(c.id);
  ZT_ASSIGN_OR_RETURN(auto all, store::pauses(conn, ids));
  const std::int64_t now = core::to_millis(clock_.now());
  std::vector<CaseRow> out;
  out.reserve(cases.size());
  for (Case& c : cases) {
    std::vector<CasePause> mine;
    for (const CasePause& p : all) {
      if (p.case_id == c.id) mine.push_back(p);
    }
    CaseRow r;
    r.clock = clock_of(c, mine, *snap.calendar, now);
    r.alert = alert_of(c, r.clock, false);
    r.progress = progress_of(c);
    r.cursor = c.id;
    r.c = std::move(c);
    out.push_back(std::move(r));
  }
  return out;
}

Result<CasePage> CaseService::window(const core::Principal& actor, store::CaseFilter filter) {
  if (!actor.has_permission(perm::kCasesAccept)) {
    return forbidden("The window's worklist needs services.cases.accept.");
  }
  ZT_ASSIGN_OR_RETURN(auto conn, db_.acquire(db::Access::kRead));
  ZT_ASSIGN_OR_RETURN(auto cases, store::window_cases(conn, filter));
  CasePage page;
  ZT_ASSIGN_OR_RETURN(page.items, rows(conn, std::move(cases)));
  if (int(page.items.size()) == filter.limit) page.next_cursor = page.items.back().cursor;
  return page;
}

Result<CasePage> CaseService::department(const core::Principal& actor, store::CaseFilter filter) {
  if (!actor.has_permission(perm::kCasesRead) || !actor.department_id) {
    return forbidden("A department's worklist is for its staff (services.cases.read).");
  }
  ZT_ASSIGN_OR_RETURN(auto conn, db_.acquire(db::Access::kRead));
  std::vector<std::int64_t> cursors;
  ZT_ASSIGN_OR_RETURN(auto cases,
                      store::department_cases(conn, *actor.department_id, filter, cursors));
  CasePage page;
  ZT_ASSIGN_OR_RETURN(page.items, rows(conn, std::move(cases)));
  for (std::size_t i = 0; i < page.items.size() && i < cursors.size(); ++i)
    page.items[i].cursor = cursors[i];
  if (int(page.items.size()) == filter.limit) page.next_cursor = page.items.back().cursor;
  return page;
}

Result<CasePage> CaseService::mine(const core::Principal& actor, store::CaseFilter filter) {
  ZT_ASSIGN_OR_RETURN(auto self, applicant_of(actor));
  if (!self) return forbidden("我的办件 is for citizens and enterprises.");
  ZT_ASSIGN_OR_RETURN(auto conn, db_.acquire(db::Access::kRead));
  ZT_ASSIGN_OR_RETURN(
      auto cases,
      store::applicant_cases(conn, self->user_id, self->key.empty() ? "\x01" : self->key, filter));
  CasePage page;
  ZT_ASSIGN_OR_RETURN(page.items, rows(conn, std::move(cases)));
  for (CaseRow& r : page.items) {
    // The applicant hears of the statutory deadline passing, not of the departments' warnings.
    r.alert = r.alert == "overdue" ? r.alert : "";
    if (!r.alert.empty()) r.progress += "（已超过法定办结时限，已向承办部门催办）";
  }
  if (int(page.items.size()) == filter.limit) page.next_cursor = page.items.back().cursor;
  return page;
}

Result<std::int64_t> CaseService::recompute_deadlines(bool every_running) {
  ZT_ASSIGN_OR_RETURN(auto snap, calendar_.snapshot());
  const std::int64_t older_than =
      every_running ? std::numeric_limits<std::int64_t>::max() : snap.epoch;
  std::int64_t after = 0, changed = 0;
  for (;;) {
    ZT_ASSIGN_OR_RETURN(auto conn, db_.acquire(db::Access::kWrite));
    ZT_ASSIGN_OR_RETURN(auto tx, db::Transaction::begin(conn));
    ZT_ASSIGN_OR_RETURN(auto batch, store::stale_cases(conn, older_than, after, 500));
    for (const Case& c : batch) {
      ZT_ASSIGN_OR_RETURN(auto d, stored_deadline(conn, c, snap));
      // A transition meanwhile wrote its own (newer) deadline: leave it.
      ZT_ASSIGN_OR_RETURN(bool written,
                          store::set_stored_deadline(conn, c.id, c.version, d, snap.epoch));
      if (written) {
        ZT_TRY(store::watch_case(conn, c.id));
        ++changed;
      }
      after = c.id;
    }
    ZT_TRY(tx.commit());
    if (batch.size() < 500) break;
  }
  return changed;
}

}  // namespace zt::services
