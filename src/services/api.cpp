#include "services/api.h"

#include "identity/permissions.h"
#include "services/api_shapes.h"

#include <charconv>

namespace zt::services {

namespace {

using namespace api_shapes;

const std::string kTag = "services";
constexpr int kMaxPage = 200;

// --- shapes -------------------------------------------------------------------------------------

json::object alert_schema() {
  json::object s = schema::enumeration(kReminderKinds);
  s["type"] = json::array{"string", "null"};
  s["enum"].as_array().push_back(nullptr);
  return s;
}
json::value alert_value(const std::string& alert) {
  if (alert.empty()) return nullptr;
  return json::value(alert);
}

constexpr auto kFeeShape =
    shape::of<Fee>(shape::str("name", &Fee::name), shape::str("amount", &Fee::amount, "yuan"));
constexpr auto kStepShape = shape::of<Step>(
    shape::str("name", &Step::name),
    shape::raw(
        "departments",
        [](const Step& s) {
          return json::value(json::array(s.departments.begin(), s.departments.end()));
        },
        integers_schema, "Several: 并联审批, done when all approve, rejected when one rejects."),
    shape::integer("share_percent", &Step::share_percent));
constexpr auto kGuideStepShape = shape::of<Step>(shape::str("name", &Step::name));

template <typename M>
constexpr auto def(M member) {
  return shape::via(&Item::def, member);
}

// The whole item, with its internal step settings (department administrators).
constexpr auto kItemShape = shape::of<Item>(
    shape::integer("id", &Item::id), shape::str("code", def(&ItemDraft::code)),
    shape::integer("version", &Item::version),
    shape::named("status", &Item::status, kItemStatusNames),
    shape::str("name", def(&ItemDraft::name)),
    shape::integer("department_id", def(&ItemDraft::department_id)),
    shape::str("department", &Item::department_name),
    shape::named("type", def(&ItemDraft::type), kItemTypeNames),
    shape::str("type_label", [](const Item& i) { return label_of(i.def.type); }),
    shape::named("applicant", def(&ItemDraft::applicant), kApplicantKindNames),
    shape::named("kind", def(&ItemDraft::kind), kItemKindNames),
    shape::integer("statutory_limit", def(&ItemDraft::statutory_limit), "working days"),
    shape::integer("promised_limit", def(&ItemDraft::promised_limit), "working days"),
    shape::str("purpose", def(&ItemDraft::purpose)),
    shape::str("legal_basis", def(&ItemDraft::legal_basis)),
    shape::array_of("fees", def(&ItemDraft::fees), kFeeShape),
    shape::strings("channels", def(&ItemDraft::channels)),
    shape::integer("visits", def(&ItemDraft::visits)),
    shape::strings("deliveries", def(&ItemDraft::deliveries)),
    shape::strings("life_events", def(&ItemDraft::life_events)),
    shape::array_of("form", def(&ItemDraft::form), kFormFieldShape),
    shape::array_of("materials", def(&ItemDraft::materials), kMaterialShape),
    shape::array_of("steps", def(&ItemDraft::steps), kStepShape),
    shape::time("created_at", &Item::created_at),
    shape::ntime("published_at", &Item::published_at));

// The guide (办事指南): the published item without its internal step settings.
constexpr auto kGuideShape = shape::of<Item>(
    shape::str("code", def(&ItemDraft::code)), shape::integer("version", &Item::version),
    shape::str("name", def(&ItemDraft::name)),
    shape::integer("department_id", def(&ItemDraft::department_id)),
    shape::str("department", &Item::department_name),
    shape::named("type", def(&ItemDraft::type), kItemTypeNames),
    shape::str("type_label", [](const Item& i) { return label_of(i.def.type); }),
    shape::named("applicant", def(&ItemDraft::applicant), kApplicantKindNames),
    shape::named("kind", def(&ItemDraft::kind), kItemKindNames),
    shape::integer("statutory_limit", def(&ItemDraft::statutory_limit), "working days"),
    shape::integer("promised_limit", def(&ItemDraft::promised_limit), "working days"),
    shape::str("legal_basis", def(&ItemDraft::legal_basis)),
    shape::array_of("fees", def(&ItemDraft::fees), kFeeShape),
    shape::strings("channels", def(&ItemDraft::channels)),
    shape::integer("visits", def(&ItemDraft::visits), "最多跑一次: 0 or 1"),
    shape::strings("deliveries", def(&ItemDraft::deliveries)),
    shape::strings("life_events", def(&ItemDraft::life_events)),
    shape::array_of("form", def(&ItemDraft::form), kFormFieldShape),
    shape::array_of("materials", def(&ItemDraft::materials), kMaterialShape),
    shape::array_of("steps", def(&ItemDraft::steps), kGuideStepShape),
    shape::ntime("published_at", &Item::published_at));

// One entry of the power list (权力清单).
constexpr auto kPowerShape = shape::of<Item>(
    shape::str("code", def(&ItemDraft::code)), shape::str("name", def(&ItemDraft::name)),
    shape::named("type", def(&ItemDraft::type), kItemTypeNames),
    shape::str("type_label", [](const Item& i) { return label_of(i.def.type); }),
    shape::str("department", &Item::department_name),
    shape::str("legal_basis", def(&ItemDraft::legal_basis)),
    shape::integer("statutory_limit", def(&ItemDraft::statutory_limit)),
    shape::integer("promised_limit", def(&ItemDraft::promised_limit)));

constexpr auto kCaseStepShape = shape::of<CaseStep>(
    shape::integer("id", &CaseStep::id), shape::integer("step_index", &CaseStep::step_index),
    shape::integer("round", &CaseStep::round), shape::str("name", &CaseStep::name),
    shape::integer("department_id", &CaseStep::department_id),
    shape::str("department", &CaseStep::department_name),
    shape::one_of("state", &CaseStep::state, kStepStates),
    shape::str_or_null("claimed_by", &CaseStep::claimed_by_name),
    shape::ntime("claimed_at", &CaseStep::claimed_at),
    shape::ntime("completed_at", &CaseStep::completed_at),
    shape::str("opinion", &CaseStep::opinion), shape::time("created_at", &CaseStep::created_at));

constexpr auto kEventShape = shape::of<CaseEvent>(
    shape::time("at", &CaseEvent::at), shape::str("action", &CaseEvent::action),
    shape::str("actor", &CaseEvent::actor_name),
    shape::str_or_null("from_state", &CaseEvent::from_state),
    shape::str("to_state", &CaseEvent::to_state), shape::str("reason", &CaseEvent::reason),
    shape::raw(
        "detail", [](const CaseEvent& e) { return parsed_json(e.detail); }, any_object));

constexpr auto kPauseShape = shape::of<CasePause>(
    shape::one_of("kind", &CasePause::kind, kPauseKinds), shape::str("detail", &CasePause::detail),
    shape::time("started_at", &CasePause::started_at),
    shape::ntime("ended_at", &CasePause::ended_at));

template <typename M>
constexpr auto cv(M member) {
  return shape::via(&CaseView::c, member);
}

constexpr auto kCaseShape = shape::of<CaseView>(
    shape::str("number", cv(&Case::number), "办件编号"),
    shape::str("item_code", cv(&Case::item_code)),
    shape::integer("item_version", cv(&Case::item_version)),
    shape::str("item_name", cv(&Case::item_name)),
    shape::integer("department_id", cv(&Case::department_id)),
    shape::str("applicant_kind", cv(&Case::applicant_kind)),
    shape::str("applicant_name", cv(&Case::applicant_name)),
    shape::str("applicant_key", cv(&Case::applicant_key), "The id number or uscc."),
    shape::str("channel", cv(&Case::channel)),
    shape::one_of("state", cv(&Case::state), kCaseStates),
    shape::str("progress", &CaseView::progress, "The state in plain words."),
    shape::raw(
        "alert", [](const CaseView& v) { return alert_value(v.alert); }, alert_schema,
        "The most severe reminder condition now: overdue (超期), promised_overdue, warning "
        "(预警); null when none. The applicant sees only overdue."),
    shape::integer("step_index", cv(&Case::step_index)),
    shape::integer("version", cv(&Case::version)),
    shape::raw(
        "form", [](const CaseView& v) { return parsed_json(v.c.form); }, any_object),
    shape::raw(
        "prefill", [](const CaseView& v) { return parsed_json(v.c.prefill); }, prefill_schema,
        "Each pre-filled value with its source department and the time it was read. The applicant "
        "sees their values in full; anyone else through their department's access to the source "
        "resource: disclosure masked (by the field's rule), or withheld (value \"\", the form's "
        "copy null) with the reason — no_grant, field_not_granted, not_shared, no_department. "
        "applied: the value was put into the form (the applicant had not given that field)."),
    shape::raw(
        "asked", [](const CaseView& v) { return parsed_json(v.c.correction); }, schema::strings,
        "What 补正 asks of the applicant now."),
    shape::str_or_null("special_kind", cv(&Case::special_kind)),
    shape::str_or_null("review_outcome", cv(&Case::review_outcome)),
    shape::str_or_null("decision", cv(&Case::decision)),
    shape::str("decision_reason", cv(&Case::decision_reason)),
    shape::str("result_text", cv(&Case::result_text)),
    shape::raw(
        "delivery", [](const CaseView& v) { return parsed_json(v.c.delivery); }, any_object),
    shape::object("clock", &CaseView::clock, kClockShape),
    shape::ntime("accepted_at", cv(&Case::accepted_at)),
    shape::ntime("decided_at", cv(&Case::decided_at)),
    shape::ntime("concluded_at", cv(&Case::concluded_at)),
    shape::time("created_at", cv(&Case::created_at)),
    shape::time("updated_at", cv(&Case::updated_at)),
    shape::array_of("steps", &CaseView::steps, kCaseStepShape),
    shape::array_of("events", &CaseView::events, kEventShape),
    shape::array_of("pauses", &CaseView::pauses, kPauseShape));

template <typename M>
constexpr auto rc(M member) {
  return shape::via(&CaseRow::c, member);
}

constexpr auto kRowShape = shape::of<CaseRow>(
    shape::str("number", rc(&Case::number)), shape::str("item_code", rc(&Case::item_code)),
    shape::str("item_name", rc(&Case::item_name)),
    shape::integer("department_id", rc(&Case::department_id)),
    shape::str("applicant_name", rc(&Case::applicant_name)),
    shape::str("channel", rc(&Case::channel)),
    shape::one_of("state", rc(&Case::state), kCaseStates),
    shape::str("progress", &CaseRow::progress),
    shape::raw(
        "alert", [](const CaseRow& r) { return alert_value(r.alert); }, alert_schema,
        "overdue (超期), promised_overdue, warning (预警) or null, as on the case."),
    shape::raw(
        "asked", [](const CaseRow& r) { return parsed_json(r.c.correction); }, schema::strings),
    shape::object("clock", &CaseRow::clock, kClockShape),
    shape::ntime("accepted_at", rc(&Case::accepted_at)),
    shape::time("created_at", rc(&Case::created_at)),
    shape::time("updated_at", rc(&Case::updated_at)));

const std::string kErrorsCases =
    "Errors: 404 case_not_found (also for a case not routed to the caller); 409 "
    "invalid_transition (naming the state), case_changed; 400 invalid_body; 403 forbidden; 422 "
    "materials_missing (submit and answer-correction, naming the required upload materials "
    "without an attachment). decide takes \"attachments\": the ids of the result files "
    "uploaded for it (kind=result), which the applicant then sees.";

http::ParamDoc number_param() {
  return {.name = "number", .in = "path", .description = "The 办件编号, e.g. 20261207-0000042."};
}
http::ParamDoc code_param() {
  return {.name = "code", .in = "path", .description = "The item code (实施编码)."};
}

// --- items --------------------------------------------------------------------------------------

http::Response search_items(ItemService& items, const http::Request& request) {
  auto page = http::page_of(request, kMaxPage);
  if (!page) return http::bad_page(kMaxPage);
  store::ItemFilter f{.q = std::string(request.query_param("q").value_or("")),
                      .before = page->after,
                      .limit = page->limit};
  if (f.q.size() > 100) return http::problem(400, "invalid_query", "q is at most 100 bytes.");
  if (auto d = request.query_param("department_id")) {
    auto id = http::parse_id(*d);
    if (!id) return http::problem(400, "invalid_query", "department_id is a department's id.");
    f.department_id = *id;
  }
  if (auto t = request.query_param("type")) {
    auto type = kItemTypeNames.parse(*t);
    if (!type) {
      // The Chinese name works too (行政许可, 公共服务, …).
      for (std::size_t i = 0; i < kItemTypeLabels.size(); ++i) {
        if (kItemTypeLabels[i] == *t) type = kItemTypeNames.values[i];
      }
    }
    if (!type) return http::problem(400, "invalid_query", "type is one of the eight item types.");
    f.type = *type;
  }
  auto found = items.search(f);
  if (!found.ok()) return http::problem(found.error());
  return http::Response::json(
      200, http::page_json(*found, page->limit, kGuideShape, [](const Item& i) { return i.id; }));
}

http::RouteDoc search_items_doc() {
  return {.summary = "Search the published service items (办事大厅)",
          .description =
              "Published items, newest first: q matches the name, code, type (in Chinese: "
              "行政许可, 公共服务 …), department name, life events and legal basis; filters by "
              "department and "
              "type. Each item as its guide.\n\nWho: public.\n\nErrors: 400 invalid_query, "
              "invalid_paging.",
          .tag = kTag,
          .params = http::with_paging(
              {{.name = "q", .description = "Words of the name, type, life event (中文)."},
               {.name = "department_id",
                .description = "The implementing department.",
                .schema = schema::integer()},
               {.name = "type",
                .description = "An item type: its name or its Chinese name.",
                .schema = schema::str()}},
              kMaxPage),
          .responses = {{200, "Published items", schema::page(kGuideShape.schema())}}};
}

http::Response get_guide(ItemService& items, const http::Request& request) {
  return http::respond(200, items.published(request.param("code")), kGuideShape);
}

http::RouteDoc get_guide_doc() {
  return {.summary = "An item's guide (办事指南)",
          .description =
              "The published version of the item: who may apply, limits, legal basis, fees, "
              "channels, visits, delivery, the form and the materials, and the steps' names "
              "(their departments and shares are internal).\n\nWho: public.\n\nErrors: 404 "
              "item_not_found.",
          .tag = kTag,
          .params = {code_param()},
          .responses = {{200, "The guide", kGuideShape.schema()}}};
}

http::Response power_list(ItemService& items, const http::Request& request) {
  auto d = http::parse_id(request.query_param("department_id").value_or(""));
  if (!d) return http::problem(400, "invalid_query", "department_id is required.");
  json::array out;
  std::int64_t before = 0;
  for (;;) {
    auto page = items.search({.department_id = *d, .before = before, .limit = kMaxPage});
    if (!page.ok()) return http::problem(page.error());
    for (const Item& i : *page)
      out.push_back(kPowerShape.encode(i));
    if (int(page->size()) < kMaxPage || out.size() >= 5000) break;
    before = page->back().id;
  }
  return http::Response::json(200, json::object{{"items", std::move(out)}});
}

http::RouteDoc power_list_doc() {
  return {.summary = "A department's power list (权力清单)",
          .description =
              "Every published item of the department with its type, legal basis and limits: the "
              "power list and responsibility list as published.\n\nWho: public.\n\nErrors: 400 "
              "invalid_query.",
          .tag = kTag,
          .params = {{.name = "department_id",
                      .description = "The department.",
                      .required = true,
                      .schema = schema::integer()}},
          .responses = {{200, "The department's items", schema::list_of(kPowerShape.schema())}}};
}

json::object item_body_schema() {
  json::object source = schema::object({{"resource", schema::str()}, {"field", schema::str()}},
                                       {"resource", "field"});
  return schema::object(
      {{"code", schema::str()},
       {"name", schema::str()},
       {"department_id", schema::integer()},
       {"type", schema::enumeration(kItemTypeNames.names)},
       {"applicant", schema::enumeration(kApplicantKindNames.names)},
       {"kind", schema::enumeration(kItemKindNames.names)},
       {"statutory_limit", schema::integer()},
       {"promised_limit", schema::integer()},
       {"purpose", schema::str()},
       {"legal_basis", schema::str()},
       {"fees",
        schema::array_of(schema::object({{"name", schema::str()}, {"amount", schema::str()}}))},
       {"channels", schema::array_of(schema::enumeration(kChannels))},
       {"visits", schema::integer()},
       {"deliveries", schema::array_of(schema::enumeration(kDeliveries))},
       {"life_events", schema::strings()},
       {"form", schema::array_of(
                    schema::object({{"name", schema::str()},
                                    {"label", schema::str()},
                                    {"type", schema::enumeration(catalog::kFieldTypeNames.names)},
                                    {"required", schema::boolean()},
                                    {"enum_values", schema::strings()},
                                    {"prefill", source}}))},
       {"materials",
        schema::array_of(schema::object({{"name", schema::str()},
                                         {"required", schema::boolean()},
                                         {"source", schema::enumeration(kMaterialSources)},
                                         {"prefill", source}}))},
       {"steps", schema::array_of(schema::object({{"name", schema::str()},
                                                  {"departments", integers_schema()},
                                                  {"share_percent", schema::integer()}}))}},
      {"code", "name", "type", "applicant", "kind", "statutory_limit", "steps"});
}

const char* kItemErrors =
    "Errors: 400 invalid_item (naming the first problem); 403 forbidden (another department's "
    "item); 404 item_not_found, department_not_found; 409 item_exists, invalid_transition.";

http::Response create_item(ItemService& items, const http::Request& request) {
  http::JsonBody body(request);
  if (!body.ok()) return body.problem();
  if (!body.object()) return http::problem(400, "invalid_body", "The body is a JSON object.");
  return http::respond(201, items.create(*request.principal(), *body.object(), request.context()),
                       kItemShape);
}

http::RouteDoc create_item_doc() {
  return {
      .summary = "Define a service item (draft)",
      .description = std::string("A new item of the administrator's department, draft version 1. "
                                 "Audited as services.item.create.\n\nWho: services.items.manage "
                                 "(dept_admin of the item's department).\n\n") +
                     kItemErrors,
      .tag = kTag,
      .request_schema = item_body_schema(),
      .responses = {{201, "The draft", kItemShape.schema()}}};
}

http::Response latest_item(ItemService& items, const http::Request& request) {
  return http::respond(200, items.latest(*request.principal(), request.param("code")), kItemShape);
}

http::RouteDoc latest_item_doc() {
  return {.summary = "An item's latest version with its internal settings",
          .description =
              "The newest version (draft, published or retired) with the steps' departments and "
              "shares.\n\nWho: staff of the item's department, city-scope principals.\n\nErrors: "
              "404 item_not_found.",
          .tag = kTag,
          .params = {code_param()},
          .responses = {{200, "The item", kItemShape.schema()}}};
}

template <typename M>
constexpr auto managed(M member) {
  return shape::via(&store::ManagedItem::item, member);
}

// One row of 事项管理: the latest version of an item, whatever its status.
constexpr auto kManagedItemShape = shape::of<store::ManagedItem>(
    shape::integer("id", managed(&Item::id)), shape::str("code", managed(def(&ItemDraft::code))),
    shape::integer("version", managed(&Item::version), "The latest version."),
    shape::named("status", managed(&Item::status), kItemStatusNames,
                 "The latest version's status."),
    shape::ninteger("published_version", &store::ManagedItem::published_version,
                    "The version in force (published), if any: a draft of version N+1 may be "
                    "under way beside it."),
    shape::str("name", managed(def(&ItemDraft::name))),
    shape::str("department", managed(&Item::department_name)),
    shape::named("type", managed(def(&ItemDraft::type)), kItemTypeNames),
    shape::integer("statutory_limit", managed(def(&ItemDraft::statutory_limit)), "working days"),
    shape::integer("promised_limit", managed(def(&ItemDraft::promised_limit)), "working days"),
    shape::time("created_at", managed(&Item::created_at)),
    shape::ntime("published_at", managed(&Item::published_at)));

http::Response managed_items(ItemService& items, const http::Request& request) {
  auto page = http::page_of(request, kMaxPage);
  if (!page) return http::bad_page(kMaxPage);
  std::optional<std::int64_t> department;
  if (auto d = request.query_param("department_id")) {
    department = http::parse_id(*d);
    if (!department) {
      return http::problem(400, "invalid_query", "department_id is a department's id.");
    }
  }
  std::optional<ItemStatus> status;
  if (auto s = request.query_param("status"); s && !s->empty()) {
    status = kItemStatusNames.parse(*s);
    if (!status)
      return http::problem(400, "invalid_query", "status is draft, published or retired.");
  }
  auto found = items.managed(*request.principal(), department, status, page->after, page->limit);
  if (!found.ok()) return http::problem(found.error());
  return http::Response::json(
      200, http::page_json(*found, page->limit, kManagedItemShape,
                           [](const store::ManagedItem& m) { return m.item.id; }));
}

http::RouteDoc managed_items_doc() {
  return {.summary = "A department's items in every status (事项管理)",
          .description =
              "The latest version of each item of the department — drafts, published and "
              "retired — newest first, with the version in force beside a draft of the next one; "
              "?status= keeps the items whose latest version has that status.\n\nWho: staff of "
              "the department (the caller's by default), city-scope principals.\n\nErrors: 400 "
              "invalid_query, invalid_paging; 403 forbidden (another department's); 404 "
              "department_not_found.",
          .tag = kTag,
          .params = http::with_paging(
              {{.name = "department_id",
                .description = "The department (default: the caller's).",
                .schema = schema::integer()},
               {.name = "status",
                .description = "draft, published or retired: the latest version's status.",
                .schema = schema::enumeration(kItemStatusNames.names)}},
              kMaxPage),
          .responses = {{200, "The items", schema::page(kManagedItemShape.schema())}}};
}

http::Response update_item(ItemService& items, const http::Request& request) {
  http::JsonBody body(request);
  if (!body.ok()) return body.problem();
  if (!body.object()) return http::problem(400, "invalid_body", "The body is a JSON object.");
  return http::respond(
      200,
      items.update(*request.principal(), request.param("code"), *body.object(), request.context()),
      kItemShape);
}

http::RouteDoc update_item_doc() {
  return {.summary = "Change an item (its draft, or a new version)",
          .description =
              std::string("Replaces the draft; when the latest version is published or retired, "
                          "starts draft version N+1 (the published one stays in force until "
                          "that is published; cases keep their version). Audited as "
                          "services.item.update.\n\nWho: services.items.manage (own "
                          "department).\n\n") +
              kItemErrors,
          .tag = kTag,
          .params = {code_param()},
          .request_schema = item_body_schema(),
          .responses = {{200, "The draft", kItemShape.schema()}}};
}

http::Response publish_item(ItemService& items, const http::Request& request) {
  return http::respond(
      200, items.publish(*request.principal(), request.param("code"), request.context()),
      kItemShape);
}

http::RouteDoc publish_item_doc() {
  return {.summary = "Publish an item's draft",
          .description =
              std::string("The draft becomes the published version; an earlier published version "
                          "retires. Audited as services.item.publish.\n\nWho: "
                          "services.items.manage (own department).\n\n") +
              kItemErrors,
          .tag = kTag,
          .params = {code_param()},
          .responses = {{200, "The published item", kItemShape.schema()}}};
}

http::Response retire_item(ItemService& items, const http::Request& request) {
  return http::respond(200,
                       items.retire(*request.principal(), request.param("code"), request.context()),
                       kItemShape);
}

http::RouteDoc retire_item_doc() {
  return {.summary = "Retire an item",
          .description =
              std::string("The published version retires: no new cases; running cases go on under "
                          "their version. Audited as services.item.retire.\n\nWho: "
                          "services.items.manage (own department).\n\n") +
              kItemErrors,
          .tag = kTag,
          .params = {code_param()},
          .responses = {{200, "The retired item", kItemShape.schema()}}};
}

// --- cases --------------------------------------------------------------------------------------

http::Response file_case(CaseService& cases, const http::Request& request) {
  http::JsonBody body(request);
  auto code = body.string("item_code", true);
  auto consent = body.boolean("consent");
  if (!body.ok()) return body.problem();
  FileInput in{.item_code = std::move(*code), .consent = consent.value_or(false)};
  const json::object& o = *body.object();
  if (const json::value* f = o.if_contains("form"); f && !f->is_null()) {
    if (!f->is_object()) return http::problem(400, "invalid_body", "\"form\" is an object.");
    in.form = f->get_object();
  }
  if (const json::value* a = o.if_contains("applicant"); a && a->is_object()) {
    auto text = [&](const char* key) {
      const json::value* v = a->get_object().if_contains(key);
      return v && v->is_string() ? std::string(v->get_string()) : std::string();
    };
    in.applicant_kind = text("kind");
    in.applicant_name = text("name");
    in.applicant_key = text("key");
  }
  return http::respond(201, cases.file(*request.principal(), std::move(in), request.context()),
                       kCaseShape);
}

http::RouteDoc file_case_doc() {
  return {
      .summary = "File a case (申报)",
      .description =
          "A new case (draft) under the published version of the item, with a 办件编号. Online: "
          "a signed-in citizen or enterprise for themselves. At a window: a window clerk "
          "(services.cases.accept) for the applicant named in \"applicant\" (受审分离). With "
          "\"consent\": true the form fields and 免提交 materials that name a registry attribute "
          "are pre-filled through the exchange read path (audited with the item's purpose and "
          "the case number, shown under the applicant's /api/v1/me/data-access); values the "
          "applicant gave stay. Audited as services.case.file.\n\nWho: citizens, enterprises, "
          "window clerks.\n\nErrors: 400 invalid_body, invalid_form (naming the field); 403 "
          "forbidden, applicant_not_eligible, channel_not_offered; 404 item_not_found.",
      .tag = kTag,
      .request_schema = schema::object(
          {{"item_code", schema::str()},
           {"consent", schema::boolean()},
           {"form", any_object()},
           {"applicant", schema::object({{"kind", schema::enumeration({"person", "entity"})},
                                         {"name", schema::str()},
                                         {"key", schema::str()}})}},
          {"item_code"}),
      .responses = {{201, "The case", kCaseShape.schema()}}};
}

http::Response get_case(CaseService& cases, const http::Request& request) {
  return http::respond(200, cases.get(*request.principal(), request.param("number")), kCaseShape);
}

http::RouteDoc get_case_doc() {
  return {.summary = "A case with its clock, steps and timeline",
          .description =
              "The case, its statutory and promised deadlines and remaining working days "
              "(computed now from the pauses and the calendar in force), its steps, its timeline "
              "and pauses.\n\nWho: the applicant; window clerks; officers of the item's department "
              "and of departments a step was routed to; city-scope principals.\n\nErrors: 404 "
              "case_not_found (also for a case the caller may not see).",
          .tag = kTag,
          .params = {number_param()},
          .responses = {{200, "The case", kCaseShape.schema()}}};
}

// The transitions, with what each takes and who may do it.
struct Transition {
  std::string_view action;
  std::string_view path;
  std::string_view summary;
  std::string_view who;
};
constexpr std::array<Transition, 14> kTransitions = {{
    {"submit", "submit",
     "Submit a case (提交), with the applicant's corrections of its values (\"form\"): a "
     "pre-filled value changed is marked edited, the registry's kept beside it",
     "the applicant, or the clerk who filed it"},
    {"accept", "accept", "Accept a case (受理): the clock starts the next day",
     "window clerks (services.cases.accept)"},
    {"not_accept", "not-accept", "Refuse to accept (不予受理), with reason",
     "window clerks (services.cases.accept)"},
    {"request_correction", "request-correction",
     "Ask for corrected or missing materials (补正): the clock stops",
     "window clerks before acceptance; officers of the step's department after"},
    {"answer_correction", "answer-correction",
     "Answer a request for correction: the clock runs again", "the applicant"},
    {"withdraw", "withdraw", "Withdraw a case (撤回申请), before the decision", "the applicant"},
    {"return", "return", "Return the case to the step before (退回), with reason",
     "officers of the current step's department"},
    {"recall", "recall", "Take a step back before the next one acts (撤回)",
     "the officer who completed the step"},
    {"transfer", "transfer", "Transfer the step to another department (转办)",
     "officers of the step's department"},
    {"start_special", "start-special",
     "Start a special procedure (听证, 检验检测, 专家评审, 公示): the clock stops",
     "officers of the item's or the step's department"},
    {"end_special", "end-special", "End the special procedure: the clock runs again",
     "officers of a department handling the case"},
    {"decide", "decide",
     "Decide (准予 / 不予), with reason, result text and the result files it references",
     "officers of the item's department (services.cases.approve)"},
    {"conclude", "conclude", "Conclude the case (办结)", "officers of the item's department"},
    {"deliver", "deliver", "Deliver the result (窗口领取 / 邮寄)",
     "window clerks and officers of the item's department"},
}};

json::object action_body_schema() {
  return schema::object({{"reason", schema::str()},
                         {"missing", schema::strings()},
                         {"form", any_object()},
                         {"department_id", schema::integer()},
                         {"kind", schema::enumeration(kSpecialKinds)},
                         {"decision", schema::enumeration(kDecisions)},
                         {"result_text", schema::str()},
                         {"method", schema::enumeration(kDeliveries)},
                         {"address", schema::str()},
                         {"tracking_number", schema::str()},
                         {"attachments", integers_schema()}});
}

// The body of a transition; an empty body is an empty object.
std::optional<http::Response> read_action(const http::Request& request, ActionInput& in) {
  if (request.body().empty()) return std::nullopt;
  http::JsonBody body(request);
  auto reason = body.string("reason");
  auto missing = body.strings("missing");
  auto department = body.integer("department_id");
  auto kind = body.string("kind");
  auto decision = body.string("decision");
  auto result = body.string("result_text");
  auto method = body.string("method");
  auto address = body.string("address");
  auto tracking = body.string("tracking_number");
  auto opinion = body.string("opinion");
  auto approve = body.boolean("approve");
  if (!body.ok()) return body.problem();
  in.reason = reason.value_or(opinion.value_or(""));
  in.missing = missing.value_or(std::vector<std::string>{});
  in.department_id = department;
  in.special_kind = kind.value_or("");
  in.decision = decision.value_or("");
  in.result_text = result.value_or("");
  in.delivery_method = method.value_or("");
  in.address = address.value_or("");
  in.tracking_number = tracking.value_or("");
  in.approve = approve.value_or(true);
  if (const json::value* f = body.object()->if_contains("form"); f && f->is_object()) {
    in.form = f->get_object();
  }
  // decide: the result files it references, each once.
  if (const json::value* a = body.object()->if_contains("attachments"); a && !a->is_null()) {
    if (!a->is_array()) {
      return http::problem(400, "invalid_body", "\"attachments\" is an array of attachment ids.");
    }
    for (const json::value& id : a->get_array()) {
      if (!id.is_int64() || id.get_int64() <= 0) {
        return http::problem(400, "invalid_body", "\"attachments\" holds attachment ids.");
      }
      if (std::find(in.attachments.begin(), in.attachments.end(), id.get_int64()) ==
          in.attachments.end()) {
        in.attachments.push_back(id.get_int64());
      }
    }
  }
  return std::nullopt;
}

http::RouteDoc transition_doc(const Transition& t) {
  return {.summary = std::string(t.summary),
          .description = fmt::format(
              "Valid only from {} (otherwise 409 invalid_transition naming the state). One "
              "transaction: the case (optimistic version), the timeline event and the audit "
              "record services.case.{} with actor, time and reason.\n\nWho: {}.\n\n{}",
              [&] {
                std::string s;
                for (std::string_view from : allowed_from(t.action)) {
                  if (!s.empty()) s += ", ";
                  s += from;
                }
                return s;
              }(),
              t.action, t.who, kErrorsCases),
          .tag = kTag,
          .params = {number_param()},
          .request_schema = action_body_schema(),
          .responses = {{200, "The case after the transition", kCaseShape.schema()}}};
}

std::optional<std::int64_t> step_id_of(const http::Request& request) {
  return http::parse_id(request.param("step_id"));
}

http::Response claim_step(CaseService& cases, const http::Request& request) {
  auto id = step_id_of(request);
  if (!id) return http::problem(404, "step_not_found", "No such step.");
  return http::respond(
      200, cases.claim(*request.principal(), request.param("number"), *id, request.context()),
      kCaseShape);
}

http::RouteDoc claim_step_doc() {
  return {.summary = "Claim a step (签收)",
          .description =
              "The step row of the officer's department becomes theirs. Two officers "
              "at once: one wins, the other gets 409 step_taken.\n\nWho: "
              "services.cases.approve, of the step's department.\n\nErrors: 404 "
              "case_not_found, step_not_found; 409 step_taken, invalid_transition, "
              "case_changed; 403 forbidden.",
          .tag = kTag,
          .params = {number_param(),
                     {.name = "step_id",
                      .in = "path",
                      .description = "The step row's id.",
                      .schema = schema::integer()}},
          .responses = {{200, "The case", kCaseShape.schema()}}};
}

http::Response complete_step(CaseService& cases, const http::Request& request) {
  auto id = step_id_of(request);
  if (!id) return http::problem(404, "step_not_found", "No such step.");
  ActionInput in;
  if (auto bad = read_action(request, in)) return *bad;
  return http::respond(
      200,
      cases.complete(*request.principal(), request.param("number"), *id, in, request.context()),
      kCaseShape);
}

http::RouteDoc complete_step_doc() {
  return {.summary = "Complete a claimed step (approve or reject, with opinion)",
          .description =
              "approve: true (default) or false with an opinion. A step of several departments "
              "(并联) is done when all approve and rejected when one rejects; after the last step, "
              "or a rejection, the case waits for the decision.\n\nWho: the officer who claimed "
              "it.\n\nErrors: 400 invalid_body; 404 case_not_found, step_not_found; 409 "
              "step_taken, invalid_transition, case_changed.",
          .tag = kTag,
          .params = {number_param(),
                     {.name = "step_id",
                      .in = "path",
                      .description = "The step row's id.",
                      .schema = schema::integer()}},
          .request_schema =
              schema::object({{"approve", schema::boolean()}, {"opinion", schema::str()}}),
          .responses = {{200, "The case", kCaseShape.schema()}}};
}

// ?item=&state=&due_before=&cursor=&limit=
std::optional<http::Response> read_filter(const http::Request& request, store::CaseFilter& f) {
  auto page = http::page_of(request, kMaxPage);
  if (!page) return http::bad_page(kMaxPage);
  f.before = page->after;
  f.limit = page->limit;
  if (auto item = request.query_param("item")) f.item_code = std::string(*item);
  if (auto s = request.query_param("state")) {
    if (std::find(kCaseStates.begin(), kCaseStates.end(), *s) == kCaseStates.end()) {
      return http::problem(400, "invalid_query", "state is a case state.");
    }
    f.state = std::string(*s);
  }
  if (auto due = request.query_param("due_before")) {
    if (!core::parse_iso_date(*due)) {
      return http::problem(400, "invalid_query", "due_before is a date YYYY-MM-DD.");
    }
    f.due_before = std::string(*due);
  }
  return std::nullopt;
}

std::vector<http::ParamDoc> filter_params() {
  return http::with_paging(
      {{.name = "item", .description = "An item code."},
       {.name = "state",
        .description = "A case state.",
        .schema = schema::enumeration(kCaseStates)},
       {.name = "due_before",
        .description = "Statutory deadline on or before this day (YYYY-MM-DD).",
        .schema = json::object{{"type", "string"}, {"format", "date"}}}},
      kMaxPage);
}

http::Response page_response(Result<CasePage> page) {
  if (!page.ok()) return http::problem(page.error());
  return http::Response::json(200, http::page_json(page->items, page->next_cursor, kRowShape));
}

// A worklist: the filter of the query, then the page the service gives the caller.
template <Result<CasePage> (CaseService::*List)(const core::Principal&, store::CaseFilter)>
http::Response case_list(CaseService& cases, const http::Request& request) {
  store::CaseFilter f;
  if (auto bad = read_filter(request, f)) return *bad;
  return page_response((cases.*List)(*request.principal(), f));
}

// A worklist's document: its summary and what it lists; the rest is the same for every list.
http::RouteDoc case_list_doc(std::string summary, std::string description) {
  return {.summary = std::move(summary),
          .description = std::move(description),
          .tag = kTag,
          .params = filter_params(),
          .responses = {{200, "Cases", schema::page(kRowShape.schema())}}};
}

http::RouteDoc window_list_doc() {
  return case_list_doc("The window's worklist (待受理)",
                       "Submitted cases waiting for acceptance (or another state with "
                       "?state=), newest first, each with its deadlines and remaining working "
                       "days.\n\nWho: services.cases.accept (window clerks).\n\nErrors: 400 "
                       "invalid_query, invalid_paging; 403 forbidden.");
}

http::RouteDoc department_list_doc() {
  return case_list_doc("A department's worklist (待办)",
                       "Cases whose current step waits for (or was claimed in) the caller's "
                       "department, newest step first, with deadlines and remaining working "
                       "days.\n\nWho: services.cases.read with a department.\n\nErrors: 400 "
                       "invalid_query, invalid_paging; 403 forbidden.");
}

http::RouteDoc my_cases_doc() {
  return case_list_doc("My cases (我的办件)",
                       "The caller's own cases — filed online or at a window in their name — "
                       "with progress in plain words, what is asked of them now (补正) and the "
                       "deadlines.\n\nWho: citizens and enterprises.\n\nErrors: 400 "
                       "invalid_query, invalid_paging; 403 forbidden.");
}

// --- reminders ----------------------------------------------------------------------------------

constexpr auto kReminderShape = shape::of<Reminder>(
    shape::integer("id", &Reminder::id), shape::str("number", &Reminder::case_number, "办件编号"),
    shape::str("item_code", &Reminder::item_code), shape::str("item_name", &Reminder::item_name),
    shape::integer("step_index", &Reminder::step_index, "The step; -1: the decision (决定)."),
    shape::str("step", &Reminder::step_name),
    shape::one_of("kind", &Reminder::kind, kReminderKinds,
                  "warning: 预警, the promised deadline is near; promised_overdue: the promised "
                  "deadline passed; overdue: 超期, the statutory deadline passed."),
    shape::str("deadline", &Reminder::deadline, "The deadline it is about (YYYY-MM-DD)."),
    shape::time("issued_at", &Reminder::issued_at));

http::Response list_reminders(ReminderService& reminders, const http::Request& request) {
  auto page = http::page_of(request, kMaxPage);
  if (!page) return http::bad_page(kMaxPage);
  store::ReminderFilter f{.before = page->after, .limit = page->limit};
  if (auto kind = request.query_param("kind")) {
    if (std::find(kReminderKinds.begin(), kReminderKinds.end(), *kind) == kReminderKinds.end()) {
      return http::problem(400, "invalid_query", "kind is warning, promised_overdue or overdue.");
    }
    f.kind = std::string(*kind);
  }
  if (auto number = request.query_param("number")) f.case_number = std::string(*number);
  auto found = reminders.list(*request.principal(), f);
  if (!found.ok()) return http::problem(found.error());
  return http::Response::json(200, http::page_json(*found, page->limit, kReminderShape,
                                                   [](const Reminder& r) { return r.id; }));
}

http::RouteDoc list_reminders_doc() {
  return {.summary = "Reminders for my department (催办 / 预警)",
          .description =
              "The reminders the services worker issued for the caller's department, newest "
              "first: 预警 (warning) when a running case's promised deadline is the configured "
              "number of working days away ([services] warning_working_days, default 2), "
              "promised_overdue when it passed, 超期 (overdue) when the statutory deadline passed "
              "— each once per case, step and kind, for the step's departments and the item's. "
              "City-scope principals see every department's.\n\nWho: services.cases.read with a "
              "department; city scope.\n\nErrors: 400 invalid_query, invalid_paging; 403 "
              "forbidden.",
          .tag = kTag,
          .params =
              http::with_paging({{.name = "kind",
                                  .description = "Only this kind.",
                                  .schema = schema::enumeration(kReminderKinds)},
                                 {.name = "number", .description = "Only this case's (办件编号)."}},
                                kMaxPage),
          .responses = {{200, "Reminders", schema::page(kReminderShape.schema())}}};
}

}  // namespace

void add_routes(http::Router& router, ItemService& items, CaseService& cases,
                ReminderService& reminders) {
  const http::RouteOptions pub{.access = http::Access::kPublic};
  const http::RouteOptions json_body{.body_limit = 256 * 1024, .accepts = {"application/json"}};
  const std::string manage(identity::permission::kItemsManage);
  router.add(http::Method::kGet, "/api/v1/services/items", http::handler_of(search_items, items),
             pub, search_items_doc());
  router.add(http::Method::kGet, "/api/v1/services/items/{code}",
             http::handler_of(get_guide, items), pub, get_guide_doc());
  router.add(http::Method::kGet, "/api/v1/services/power-list", http::handler_of(power_list, items),
             pub, power_list_doc());
  router.add(http::Method::kPost, "/api/v1/services/items", http::handler_of(create_item, items),
             {.permission = manage, .body_limit = 256 * 1024, .accepts = {"application/json"}},
             create_item_doc());
  router.add(http::Method::kGet, "/api/v1/services/managed-items",
             http::handler_of(managed_items, items), {}, managed_items_doc());
  router.add(http::Method::kGet, "/api/v1/services/items/{code}/latest",
             http::handler_of(latest_item, items), {}, latest_item_doc());
  router.add(http::Method::kPut, "/api/v1/services/items/{code}",
             http::handler_of(update_item, items),
             {.permission = manage, .body_limit = 256 * 1024, .accepts = {"application/json"}},
             update_item_doc());
  router.add(http::Method::kPost, "/api/v1/services/items/{code}/publish",
             http::handler_of(publish_item, items), {.permission = manage}, publish_item_doc());
  router.add(http::Method::kPost, "/api/v1/services/items/{code}/retire",
             http::handler_of(retire_item, items), {.permission = manage}, retire_item_doc());

  router.add(http::Method::kPost, "/api/v1/services/cases", http::handler_of(file_case, cases),
             json_body, file_case_doc());
  router.add(http::Method::kGet, "/api/v1/services/cases/{number}",
             http::handler_of(get_case, cases), {}, get_case_doc());
  for (const Transition& t : kTransitions) {
    const std::string action(t.action);
    router.add(
        http::Method::kPost, fmt::format("/api/v1/services/cases/{{number}}/{}", t.path),
        [&cases, action](const http::Request& request) {
          ActionInput in;
          if (auto bad = read_action(request, in)) return *bad;
          return http::respond(200,
                               cases.act(*request.principal(), request.param("number"), action, in,
                                         request.context()),
                               kCaseShape);
        },
        json_body, transition_doc(t));
  }
  router.add(http::Method::kPost, "/api/v1/services/cases/{number}/steps/{step_id}/claim",
             http::handler_of(claim_step, cases), {}, claim_step_doc());
  router.add(http::Method::kPost, "/api/v1/services/cases/{number}/steps/{step_id}/complete",
             http::handler_of(complete_step, cases), json_body, complete_step_doc());
  router.add(http::Method::kGet, "/api/v1/services/worklists/window",
             http::handler_of(case_list<&CaseService::window>, cases), {}, window_list_doc());
  router.add(http::Method::kGet, "/api/v1/services/worklists/department",
             http::handler_of(case_list<&CaseService::department>, cases), {},
             department_list_doc());
  router.add(http::Method::kGet, "/api/v1/services/my-cases",
             http::handler_of(case_list<&CaseService::mine>, cases), {}, my_cases_doc());
  router.add(http::Method::kGet, "/api/v1/services/reminders",
             http::handler_of(list_reminders, reminders), {}, list_reminders_doc());
}

}  // namespace zt::services
