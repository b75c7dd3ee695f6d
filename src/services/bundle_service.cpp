#include "services/bundle_service.h"
#include "db/transaction.h"
#include "identity/permissions.h"
#include "identity/scope.h"
#include "services/prefill.h"

#include <fmt/format.h>
#include <boost/json.hpp>

#include <algorithm>
#include <map>

namespace zt::services {

namespace json = boost::json;
namespace perm = identity::permission;

namespace {

Error bundle_not_found(std::string_view code) {
  return Error::not_found("bundle_not_found", fmt::format("No bundle {}.", code));
}

Error application_not_found(std::string_view number) {
  return Error::not_found("bundle_application_not_found",
                          fmt::format("No bundle application {}.", number));
}

// What ?q= matches: code, name, life events, description and the members' names.
std::string search_text(const BundleDraft& d, std::span<const Item> members) {
  std::string s = d.code + " " + d.name + " " + d.description;
  for (const std::string& e : d.life_events)
    s += " " + e;
  for (const Item& i : members)
    s += " " + i.def.name;
  return s;
}

// The merged form and materials as one item definition, for pre-filling them like an item's.
ItemDraft merged_definition(const MergedBundle& m) {
  ItemDraft d;
  for (const MergedField& f : m.form)
    d.form.push_back(f.field);
  for (const MergedMaterial& x : m.materials)
    d.materials.push_back(x.material);
  return d;
}

bool empty_value(const json::value* v) {
  return !v || v->is_null() || (v->is_string() && v->get_string().empty());
}

}  // namespace

BundleService::BundleService(db::Database& db, audit::AuditLog& audit,
                             identity::IdentityService& identity,
                             calendar::CalendarService& calendar, catalog::CatalogService& catalog,
                             exchange::QueryService& query, ItemService& items, CaseService& cases,
                             const core::Clock& clock)
    : db_(db),
      audit_(audit),
      identity_(identity),
      calendar_(calendar),
      catalog_(catalog),
      query_(query),
      items_(items),
      cases_(cases),
      clock_(clock) {}

Status BundleService::may_manage(const core::Principal& actor, std::int64_t department) {
  if (!actor.has_permission(perm::kItemsManage)) {
    return Error::forbidden("forbidden", "Managing bundles needs services.items.manage.");
  }
  if (actor.department_id != department) {
    return Error::forbidden("forbidden",
                            "A department administrator manages its own department's bundles.");
  }
  return {};
}

Result<std::string> BundleService::department_name(std::int64_t id) {
  auto d = identity_.departments().find_department(id);
  if (!d.ok()) {
    if (d.error().kind == ErrorKind::kNotFound) {
      return Error::not_found("department_not_found", fmt::format("No department {}.", id));
    }
    return std::move(d).error();
  }
  return d->name;
}

Status BundleService::audit_bundle(db::Connection& conn, const core::Principal& actor,
                                   std::string action, const Bundle& bundle,
                                   const core::RequestContext& context) {
  audit::AuditEntry e =
      audit::AuditEntry::of(std::move(action), "service_bundle", bundle.def.code, context);
  e.by(actor);
  e.detail = json::serialize(
      json::object{{"version", bundle.version},
                   {"status", kItemStatusNames.name_of(bundle.status)},
                   {"members", json::array(bundle.def.members.begin(), bundle.def.members.end())}});
  ZT_TRY(audit_.append(conn, std::move(e)));
  return {};
}

Result<Bundle> BundleService::create(const core::Principal& actor, const json::object& body,
                                     const core::RequestContext& context) {
  ZT_ASSIGN_OR_RETURN(BundleDraft def, parse_bundle(body, actor.department_id.value_or(0)));
  ZT_TRY(may_manage(actor, def.department_id));
  ZT_ASSIGN_OR_RETURN(std::string department, department_name(def.department_id));
  const std::int64_t now = core::to_millis(clock_.now());
  Bundle b{.version = 1, .status = ItemStatus::kDraft, .def = def, .created_at = now};
  {
    ZT_ASSIGN_OR_RETURN(auto conn, db_.acquire(db::Access::kWrite));
    ZT_ASSIGN_OR_RETURN(auto tx, db::Transaction::begin(conn));
    ZT_ASSIGN_OR_RETURN(auto existing, store::latest_bundle(conn, def.code));
    if (existing) {
      return Error::conflict("bundle_exists",
                             fmt::format("Bundle {} exists: change it with PUT.", def.code));
    }
    ZT_ASSIGN_OR_RETURN(b.id,
                        store::insert_bundle(conn, def, 1, actor.id, now, search_text(def, {})));
    ZT_TRY(audit_bundle(conn, actor, "services.bundle.create", b, context));
    ZT_TRY(tx.commit());
  }
  b.department_name = std::move(department);
  return b;
}

Result<Bundle> BundleService::update(const core::Principal& actor, std::string_view code,
                                     const json::object& body,
                                     const core::RequestContext& context) {
  json::object with_code = body;
  with_code["code"] = code;
  ZT_ASSIGN_OR_RETURN(BundleDraft def, parse_bundle(with_code, actor.department_id.value_or(0)));
  ZT_TRY(may_manage(actor, def.department_id));
  ZT_ASSIGN_OR_RETURN(std::string department, department_name(def.department_id));
  const std::int64_t now = core::to_millis(clock_.now());
  Bundle b{.status = ItemStatus::kDraft, .def = def, .created_at = now};
  {
    ZT_ASSIGN_OR_RETURN(auto conn, db_.acquire(db::Access::kWrite));
    ZT_ASSIGN_OR_RETURN(auto tx, db::Transaction::begin(conn));
    ZT_ASSIGN_OR_RETURN(auto latest, store::latest_bundle(conn, code));
    if (!latest) return bundle_not_found(code);
    ZT_TRY(may_manage(actor, latest->def.department_id));
    if (latest->status == ItemStatus::kDraft) {
      b.id = latest->id;
      b.version = latest->version;
      b.created_at = latest->created_at;
      ZT_TRY(store::update_bundle(conn, b.id, def, search_text(def, {})));
    } else {
      b.version = latest->version + 1;
      ZT_ASSIGN_OR_RETURN(
          b.id, store::insert_bundle(conn, def, b.version, actor.id, now, search_text(def, {})));
    }
    ZT_TRY(audit_bundle(conn, actor, "services.bundle.update", b, context));
    ZT_TRY(tx.commit());
  }
  b.department_name = std::move(department);
  return b;
}

Result<Bundle> BundleService::publish(const core::Principal& actor, std::string_view code,
                                      const core::RequestContext& context) {
  std::optional<Bundle> latest;
  {
    ZT_ASSIGN_OR_RETURN(auto conn, db_.acquire(db::Access::kRead));
    ZT_ASSIGN_OR_RETURN(latest, store::latest_bundle(conn, code));
  }
  if (!latest) return bundle_not_found(code);
  ZT_TRY(may_manage(actor, latest->def.department_id));
  if (latest->status != ItemStatus::kDraft) {
    return Error::conflict(
        "invalid_transition",
        fmt::format("Bundle {} version {} is {}: only a draft is published.", code, latest->version,
                    kItemStatusNames.name_of(latest->status)));
  }
  // Every member published, and the members merge.
  std::vector<Item> members;
  for (const std::string& m : latest->def.members) {
    auto item = items_.published(m);
    if (!item.ok()) {
      if (item.error().kind != ErrorKind::kNotFound) return std::move(item).error();
      return Error::conflict(
          "bundle_member_not_published",
          fmt::format("Member {} of bundle {} is not a published item.", m, code));
    }
    members.push_back(std::move(item).value());
  }
  ZT_TRY(merge_bundle(members));
  const std::int64_t now = core::to_millis(clock_.now());
  {
    ZT_ASSIGN_OR_RETURN(auto conn, db_.acquire(db::Access::kWrite));
    ZT_ASSIGN_OR_RETURN(auto tx, db::Transaction::begin(conn));
    ZT_ASSIGN_OR_RETURN(auto again, store::latest_bundle(conn, code));
    if (!again || again->id != latest->id || again->status != ItemStatus::kDraft) {
      return Error::conflict("invalid_transition",
                             fmt::format("Bundle {} changed meanwhile: read it again.", code));
    }
    ZT_TRY(store::update_bundle(conn, latest->id, latest->def, search_text(latest->def, members)));
    ZT_TRY(store::retire_published_bundles(conn, code, latest->id));
    ZT_TRY(store::set_bundle_status(conn, latest->id, ItemStatus::kPublished, now));
    latest->status = ItemStatus::kPublished;
    latest->published_at = now;
    ZT_TRY(audit_bundle(conn, actor, "services.bundle.publish", *latest, context));
    ZT_TRY(tx.commit());
  }
  ZT_ASSIGN_OR_RETURN(latest->department_name, department_name(latest->def.department_id));
  return std::move(*latest);
}

Result<Bundle> BundleService::retire(const core::Principal& actor, std::string_view code,
                                     const core::RequestContext& context) {
  std::optional<Bundle> b;
  {
    ZT_ASSIGN_OR_RETURN(auto conn, db_.acquire(db::Access::kWrite));
    ZT_ASSIGN_OR_RETURN(auto tx, db::Transaction::begin(conn));
    ZT_ASSIGN_OR_RETURN(b, store::published_bundle(conn, code));
    if (!b) {
      ZT_ASSIGN_OR_RETURN(auto latest, store::latest_bundle(conn, code));
      if (!latest) return bundle_not_found(code);
      ZT_TRY(may_manage(actor, latest->def.department_id));
      return Error::conflict("invalid_transition",
                             fmt::format("Bundle {} has no published version to retire.", code));
    }
    ZT_TRY(may_manage(actor, b->def.department_id));
    ZT_TRY(store::set_bundle_status(conn, b->id, ItemStatus::kRetired, std::nullopt));
    b->status = ItemStatus::kRetired;
    ZT_TRY(audit_bundle(conn, actor, "services.bundle.retire", *b, context));
    ZT_TRY(tx.commit());
  }
  ZT_ASSIGN_OR_RETURN(b->department_name, department_name(b->def.department_id));
  return std::move(*b);
}

Result<Bundle> BundleService::latest(const core::Principal& actor, std::string_view code) {
  std::optional<Bundle> b;
  {
    ZT_ASSIGN_OR_RETURN(auto conn, db_.acquire(db::Access::kRead));
    ZT_ASSIGN_OR_RETURN(b, store::latest_bundle(conn, code));
  }
  if (!b) return bundle_not_found(code);
  if (!identity::has_city_scope(actor) && actor.department_id != b->def.department_id) {
    return bundle_not_found(code);
  }
  ZT_ASSIGN_OR_RETURN(b->department_name, department_name(b->def.department_id));
  return std::move(*b);
}

Result<BundleGuide> BundleService::guide_of(Bundle bundle) {
  BundleGuide g;
  ZT_ASSIGN_OR_RETURN(bundle.department_name, department_name(bundle.def.department_id));
  for (const std::string& m : bundle.def.members) {
    auto item = items_.published(m);
    if (!item.ok()) {
      if (item.error().kind != ErrorKind::kNotFound) return std::move(item).error();
      return Error::conflict(
          "bundle_member_not_published",
          fmt::format("Member {} of bundle {} is no longer a published item.", m, bundle.def.code));
    }
    g.members.push_back(std::move(item).value());
  }
  ZT_ASSIGN_OR_RETURN(g.merged, merge_bundle(g.members));
  g.bundle = std::move(bundle);
  return g;
}

Result<BundleGuide> BundleService::guide(std::string_view code) {
  std::optional<Bundle> b;
  {
    ZT_ASSIGN_OR_RETURN(auto conn, db_.acquire(db::Access::kRead));
    ZT_ASSIGN_OR_RETURN(b, store::published_bundle(conn, code));
  }
  if (!b) return bundle_not_found(code);
  return guide_of(std::move(*b));
}

Result<std::vector<BundleGuide>> BundleService::search(const store::BundleFilter& filter) {
  std::vector<Bundle> found;
  {
    ZT_ASSIGN_OR_RETURN(auto conn, db_.acquire(db::Access::kRead));
    ZT_ASSIGN_OR_RETURN(found, store::search_bundles(conn, filter));
  }
  std::vector<BundleGuide> out;
  for (Bundle& b : found) {
    auto g = guide_of(std::move(b));
    // A bundle whose members no longer merge stays out of the list (its guide says why).
    if (!g.ok()) {
      if (g.error().kind == ErrorKind::kConflict) continue;
      return std::move(g).error();
    }
    out.push_back(std::move(g).value());
  }
  return out;
}

// --- applications --------------------------------------------------------------------------------

Result<BundleApplicationView> BundleService::apply(const core::Principal& actor, BundleInput in,
                                                   const core::RequestContext& context) {
  ZT_ASSIGN_OR_RETURN(BundleGuide g, guide(in.bundle_code));
  for (const auto& [key, value] : in.form) {
    const bool known = std::any_of(g.merged.form.begin(), g.merged.form.end(),
                                   [&](const MergedField& f) { return f.field.name == key; });
    if (!known) {
      return Error::invalid("invalid_form", fmt::format("form: the bundle has no field '{}'.",
                                                        std::string_view(key)));
    }
  }
  // One draft child per member, each checked as a case of that item is.
  std::vector<Case> kids;
  for (const Item& item : g.members) {
    FileInput fi{.item_code = item.def.code,
                 .form = member_form(g.merged, item.def.code, in.form),
                 .consent = in.consent,
                 .applicant_kind = in.applicant_kind,
                 .applicant_name = in.applicant_name,
                 .applicant_key = in.applicant_key};
    ZT_ASSIGN_OR_RETURN(Case c, cases_.draft(actor, item, fi));
    kids.push_back(std::move(c));
  }
  const std::int64_t now = core::to_millis(clock_.now());
  const auto today = core::china_date(clock_.now());
  BundleApplication a{.bundle_id = g.bundle.id,
                      .bundle_code = g.bundle.def.code,
                      .bundle_version = g.bundle.version,
                      .bundle_name = g.bundle.def.name,
                      .applicant_user_id = kids.front().applicant_user_id,
                      .applicant_kind = kids.front().applicant_kind,
                      .applicant_name = kids.front().applicant_name,
                      .applicant_key = kids.front().applicant_key,
                      .filed_by = actor.id,
                      .channel = kids.front().channel,
                      .form = json::serialize(in.form),
                      .created_at = now,
                      .updated_at = now};
  a.number = fmt::format("~{}-{}-{}", actor.id, now, sequence_.fetch_add(1));
  {
    ZT_ASSIGN_OR_RETURN(auto conn, db_.acquire(db::Access::kWrite));
    ZT_ASSIGN_OR_RETURN(auto tx, db::Transaction::begin(conn));
    ZT_ASSIGN_OR_RETURN(a.id, store::insert_application(conn, a));
    // 一件事 number: YJS, the filing day (Beijing) and the application's id.
    a.number = fmt::format("YJS-{:04}{:02}{:02}-{:07}", int(today.year()), unsigned(today.month()),
                           unsigned(today.day()), a.id);
    ZT_TRY(store::set_application_number(conn, a.id, a.number));
    json::array numbers;
    for (std::size_t i = 0; i < kids.size(); ++i) {
      ZT_TRY(cases_.insert_draft(conn, kids[i], actor, in.consent, context));
      ZT_TRY(store::insert_child(conn, a.id, kids[i].id, std::int64_t(i)));
      numbers.emplace_back(kids[i].number);
    }
    audit::AuditEntry e =
        audit::AuditEntry::of("services.bundle.apply", "bundle_application", a.number, context);
    e.by(actor);
    e.detail = json::serialize(json::object{{"bundle", a.bundle_code},
                                            {"bundle_version", a.bundle_version},
                                            {"channel", a.channel},
                                            {"consent", in.consent},
                                            {"cases", std::move(numbers)}});
    ZT_TRY(audit_.append(conn, std::move(e)));
    ZT_TRY(tx.commit());
  }
  if (in.consent) {
    // Each attribute read once for all the members, under the application's number.
    std::vector<const ItemDraft*> defs;
    for (const Item& item : g.members)
      defs.push_back(&item.def);
    ZT_ASSIGN_OR_RETURN(auto reads,
                        Prefiller(identity_, catalog_, query_, clock_)
                            .read(defs, a.applicant_key, g.bundle.def.purpose, a.number, context));
    const auto merged_values = Prefiller::values(merged_definition(g.merged), reads);
    json::object form = in.form;
    for (const PrefilledValue& p : merged_values) {
      if (!p.found || p.target.rfind("form.", 0) != 0) continue;
      const std::string name = p.target.substr(5);
      if (!empty_value(form.if_contains(name))) continue;  // the applicant's own value stays
      form[name] = p.value;
    }
    a.form = json::serialize(form);
    a.prefill = prefill_json(merged_values);
    a.updated_at = core::to_millis(clock_.now());
    ZT_ASSIGN_OR_RETURN(auto conn, db_.acquire(db::Access::kWrite));
    ZT_ASSIGN_OR_RETURN(auto tx, db::Transaction::begin(conn));
    ZT_TRY(store::update_application(conn, a));
    for (std::size_t i = 0; i < kids.size(); ++i) {
      Case& c = kids[i];
      const json::object kid_form = member_form(g.merged, c.item_code, form);
      c.form = json::serialize(kid_form);
      auto values = Prefiller::values(g.members[i].def, reads);
      // Put into the child's form: the merged form holds the registry's value for that field.
      for (PrefilledValue& p : values) {
        if (!p.found || p.target.rfind("form.", 0) != 0) continue;
        const json::value* v = kid_form.if_contains(p.target.substr(5));
        p.applied =
            v && (v->is_string() ? std::string(v->get_string()) : json::serialize(*v)) == p.value;
      }
      c.prefill = prefill_json(values);
      c.version = 1;
      ZT_ASSIGN_OR_RETURN(bool written, store::update_case(conn, c));
      if (!written) return Error::conflict("case_changed", "A case changed while pre-filling.");
    }
    ZT_TRY(tx.commit());
  }
  return get(actor, a.number);
}

Result<std::vector<Case>> BundleService::children(db::Connection& conn,
                                                  const BundleApplication& a) {
  ZT_ASSIGN_OR_RETURN(auto numbers, store::child_numbers(conn, a.id));
  std::vector<Case> out;
  for (const std::string& n : numbers) {
    ZT_ASSIGN_OR_RETURN(auto c, store::find_case(conn, n));
    if (c) out.push_back(std::move(*c));
  }
  return out;
}

Result<bool> BundleService::visible(const core::Principal& actor, const BundleApplication& a,
                                    std::span<const Case> kids) {
  ZT_ASSIGN_OR_RETURN(auto self, cases_.applicant_of(actor));
  if (self) {
    return a.applicant_user_id == self->user_id ||
           (!self->key.empty() && a.applicant_key == self->key);
  }
  if (actor.kind == core::Principal::Kind::kUser && a.filed_by == actor.id) return true;
  const bool submitted =
      std::any_of(kids.begin(), kids.end(), [](const Case& c) { return c.state != state::kDraft; });
  if (!submitted) return false;
  return identity::has_city_scope(actor) || actor.has_permission(perm::kCasesAccept);
}

Result<std::pair<BundleApplication, std::vector<Case>>> BundleService::load(
    db::Connection& conn, const core::Principal& actor, std::string_view number) {
  ZT_ASSIGN_OR_RETURN(auto found, store::find_application(conn, number));
  if (!found) return application_not_found(number);
  ZT_ASSIGN_OR_RETURN(auto kids, children(conn, *found));
  ZT_ASSIGN_OR_RETURN(bool may, visible(actor, *found, kids));
  if (!may) return application_not_found(number);
  return std::pair{std::move(*found), std::move(kids)};
}

Result<BundleApplicationView> BundleService::view(db::Connection& conn, BundleApplication a,
                                                  std::vector<Case> kids) {
  BundleApplicationView v;
  std::vector<std::string> states;
  for (const Case& c : kids)
    states.push_back(c.state);
  v.progress = bundle_progress(states);
  ZT_ASSIGN_OR_RETURN(auto rows, cases_.rows(conn, std::move(kids)));
  std::map<std::int64_t, std::string> names;
  for (CaseRow& r : rows) {
    auto name = names.find(r.c.department_id);
    if (name == names.end()) {
      ZT_ASSIGN_OR_RETURN(std::string n, department_name(r.c.department_id));
      name = names.emplace(r.c.department_id, std::move(n)).first;
    }
    if (r.c.state == state::kCorrection) {
      boost::system::error_code ec;
      json::value asked = json::parse(r.c.correction, ec);
      if (!ec && asked.is_array()) {
        for (const json::value& x : asked.get_array()) {
          if (x.is_string()) {
            v.asked.push_back(
                fmt::format("{}：{}", r.c.item_name, std::string_view(x.get_string())));
          }
        }
      }
    }
    v.children.push_back({.row = std::move(r), .department = name->second});
  }
  v.a = std::move(a);
  return v;
}

Result<BundleApplicationView> BundleService::get(const core::Principal& actor,
                                                 std::string_view number) {
  ZT_ASSIGN_OR_RETURN(auto conn, db_.acquire(db::Access::kRead));
  ZT_ASSIGN_OR_RETURN(auto loaded, load(conn, actor, number));
  return view(conn, std::move(loaded.first), std::move(loaded.second));
}

Result<BundleApplicationView> BundleService::submit(const core::Principal& actor,
                                                    std::string_view number,
                                                    const core::RequestContext& context) {
  ZT_ASSIGN_OR_RETURN(auto snap, calendar_.snapshot());
  ZT_ASSIGN_OR_RETURN(auto self, cases_.applicant_of(actor));
  {
    ZT_ASSIGN_OR_RETURN(auto conn, db_.acquire(db::Access::kWrite));
    ZT_ASSIGN_OR_RETURN(auto tx, db::Transaction::begin(conn));
    ZT_ASSIGN_OR_RETURN(auto loaded, load(conn, actor, number));
    auto& [a, kids] = loaded;
    for (const Case& c : kids) {
      if (c.state != state::kDraft) {
        return Error::conflict(
            "invalid_transition",
            fmt::format("Bundle application {}: case {} ({}) is {}: submit is possible only "
                        "while every case is a draft.",
                        a.number, c.number, c.item_name, c.state));
      }
    }
    json::array numbers;
    for (const Case& c : kids) {
      ZT_TRY(cases_.act_on(conn, actor, self, snap, c.number, "submit", {}, context));
      numbers.emplace_back(c.number);
    }
    audit::AuditEntry e =
        audit::AuditEntry::of("services.bundle.submit", "bundle_application", a.number, context);
    e.by(actor);
    e.detail = json::serialize(json::object{{"cases", std::move(numbers)}});
    ZT_TRY(audit_.append(conn, std::move(e)));
    ZT_TRY(tx.commit());
  }
  return get(actor, number);
}

Result<BundleApplicationView> BundleService::withdraw(const core::Principal& actor,
                                                      std::string_view number,
                                                      const std::string& reason,
                                                      const core::RequestContext& context) {
  ZT_ASSIGN_OR_RETURN(auto snap, calendar_.snapshot());
  ZT_ASSIGN_OR_RETURN(auto self, cases_.applicant_of(actor));
  {
    ZT_ASSIGN_OR_RETURN(auto conn, db_.acquire(db::Access::kWrite));
    ZT_ASSIGN_OR_RETURN(auto tx, db::Transaction::begin(conn));
    ZT_ASSIGN_OR_RETURN(auto loaded, load(conn, actor, number));
    auto& [a, kids] = loaded;
    const auto withdrawable = allowed_from("withdraw");
    json::array numbers;
    for (const Case& c : kids) {
      if (c.state == state::kWithdrawn || c.state == state::kNotAccepted) continue;
      if (std::find(withdrawable.begin(), withdrawable.end(), c.state) == withdrawable.end()) {
        return Error::conflict(
            "invalid_transition",
            fmt::format("Bundle application {}: case {} ({}) is {}: a bundle is withdrawn only "
                        "before decisions.",
                        a.number, c.number, c.item_name, c.state));
      }
      numbers.emplace_back(c.number);
    }
    if (numbers.empty()) {
      return Error::conflict(
          "invalid_transition",
          fmt::format("Bundle application {} has no case left to withdraw.", a.number));
    }
    ActionInput in{.reason = reason};
    for (const json::value& n : numbers) {
      ZT_TRY(cases_.act_on(conn, actor, self, snap, n.get_string(), "withdraw", in, context));
    }
    audit::AuditEntry e =
        audit::AuditEntry::of("services.bundle.withdraw", "bundle_application", a.number, context);
    e.by(actor);
    e.detail = json::serialize(json::object{{"reason", reason}, {"cases", std::move(numbers)}});
    ZT_TRY(audit_.append(conn, std::move(e)));
    ZT_TRY(tx.commit());
  }
  return get(actor, number);
}

Result<BundleApplicationPage> BundleService::mine(const core::Principal& actor, std::int64_t before,
                                                  int limit) {
  ZT_ASSIGN_OR_RETURN(auto self, cases_.applicant_of(actor));
  if (!self) return Error::forbidden("forbidden", "我的办件 is for citizens and enterprises.");
  ZT_ASSIGN_OR_RETURN(auto conn, db_.acquire(db::Access::kRead));
  ZT_ASSIGN_OR_RETURN(
      auto apps, store::applicant_applications(
                     conn, self->user_id, self->key.empty() ? "\x01" : self->key, before, limit));
  BundleApplicationPage page;
  for (BundleApplication& a : apps) {
    ZT_ASSIGN_OR_RETURN(auto kids, children(conn, a));
    const std::int64_t id = a.id;
    ZT_ASSIGN_OR_RETURN(auto v, view(conn, std::move(a), std::move(kids)));
    page.items.push_back(std::move(v));
    if (int(page.items.size()) == limit) page.next_cursor = id;
  }
  return page;
}

}  // namespace zt::services
