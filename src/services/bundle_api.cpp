// The routes of bundles (一件事一次办) under /api/v1/services (api.h lists them).
#include "identity/permissions.h"
#include "services/api.h"
#include "services/api_shapes.h"

namespace zt::services {

namespace {

using namespace api_shapes;

const std::string kTag = "services";
constexpr int kMaxPage = 200;

// --- shapes -------------------------------------------------------------------------------------

json::object codes_schema() {
  return schema::strings();
}
json::value target_codes(const std::vector<MergedTarget>& targets) {
  json::array out;
  for (const MergedTarget& t : targets)
    out.emplace_back(t.item_code);
  return out;
}

template <typename M>
constexpr auto bd(M member) {
  return shape::via(&Bundle::def, member);
}

// The whole bundle as its department administrators write it.
constexpr auto kBundleShape = shape::of<Bundle>(
    shape::integer("id", &Bundle::id), shape::str("code", bd(&BundleDraft::code)),
    shape::integer("version", &Bundle::version),
    shape::named("status", &Bundle::status, kItemStatusNames),
    shape::str("name", bd(&BundleDraft::name)),
    shape::integer("department_id", bd(&BundleDraft::department_id), "The lead department."),
    shape::str("department", &Bundle::department_name),
    shape::str("description", bd(&BundleDraft::description)),
    shape::str("purpose", bd(&BundleDraft::purpose),
               "The purpose of the one registry read (用途)."),
    shape::strings("life_events", bd(&BundleDraft::life_events)),
    shape::strings("members", bd(&BundleDraft::members), "The member items' codes, in order."),
    shape::time("created_at", &Bundle::created_at),
    shape::ntime("published_at", &Bundle::published_at));

constexpr auto kMergedFieldShape = shape::of<MergedField>(
    shape::str("name", shape::via(&MergedField::field, &FormField::name)),
    shape::str("label", shape::via(&MergedField::field, &FormField::label)),
    shape::named("type", shape::via(&MergedField::field, &FormField::type),
                 catalog::kFieldTypeNames),
    shape::boolean("required", shape::via(&MergedField::field, &FormField::required),
                   "Required when any member requires it."),
    shape::strings("enum_values", shape::via(&MergedField::field, &FormField::enum_values)),
    shape::raw(
        "prefill", [](const MergedField& f) { return source_value(f.field.prefill); },
        source_schema),
    shape::raw(
        "items", [](const MergedField& f) { return target_codes(f.targets); }, codes_schema,
        "The members that ask it: asked once for all of them."));

constexpr auto kMergedMaterialShape = shape::of<MergedMaterial>(
    shape::str("name", shape::via(&MergedMaterial::material, &Material::name)),
    shape::boolean("required", shape::via(&MergedMaterial::material, &Material::required)),
    shape::one_of("source", shape::via(&MergedMaterial::material, &Material::source),
                  kMaterialSources),
    shape::raw(
        "prefill", [](const MergedMaterial& m) { return source_value(m.material.prefill); },
        source_schema),
    shape::raw(
        "items", [](const MergedMaterial& m) { return target_codes(m.targets); }, codes_schema,
        "The members that need it."));

template <typename M>
constexpr auto it(M member) {
  return shape::via(&Item::def, member);
}

// A member as the guide shows it: who handles it and its limits.
constexpr auto kMemberShape = shape::of<Item>(
    shape::str("code", it(&ItemDraft::code)), shape::integer("version", &Item::version),
    shape::str("name", it(&ItemDraft::name)),
    shape::integer("department_id", it(&ItemDraft::department_id)),
    shape::str("department", &Item::department_name),
    shape::named("type", it(&ItemDraft::type), kItemTypeNames),
    shape::named("kind", it(&ItemDraft::kind), kItemKindNames),
    shape::integer("statutory_limit", it(&ItemDraft::statutory_limit), "working days"),
    shape::integer("promised_limit", it(&ItemDraft::promised_limit), "working days"),
    shape::integer("visits", it(&ItemDraft::visits)));

template <typename M>
constexpr auto gb(M member) {
  return shape::via(&BundleGuide::bundle, shape::via(&Bundle::def, member));
}

constexpr auto kBundleGuideShape = shape::of<BundleGuide>(
    shape::str("code", gb(&BundleDraft::code)),
    shape::integer("version", shape::via(&BundleGuide::bundle, &Bundle::version)),
    shape::str("name", gb(&BundleDraft::name)),
    shape::integer("department_id", gb(&BundleDraft::department_id)),
    shape::str("department", shape::via(&BundleGuide::bundle, &Bundle::department_name),
               "The lead department (牵头部门)."),
    shape::str("description", gb(&BundleDraft::description)),
    shape::strings("life_events", gb(&BundleDraft::life_events)),
    shape::named("applicant", shape::via(&BundleGuide::merged, &MergedBundle::applicant),
                 kApplicantKindNames, "Who may apply to every member."),
    shape::strings("channels", shape::via(&BundleGuide::merged, &MergedBundle::channels),
                   "Offered by every member."),
    shape::array_of("members", &BundleGuide::members, kMemberShape),
    shape::array_of("form", shape::via(&BundleGuide::merged, &MergedBundle::form),
                    kMergedFieldShape),
    shape::array_of("materials", shape::via(&BundleGuide::merged, &MergedBundle::materials),
                    kMergedMaterialShape),
    shape::ntime("published_at", shape::via(&BundleGuide::bundle, &Bundle::published_at)));

template <typename M>
constexpr auto ch(M member) {
  return shape::via(&BundleChild::row, shape::via(&CaseRow::c, member));
}

constexpr auto kChildShape = shape::of<BundleChild>(
    shape::str("number", ch(&Case::number), "The child case's 办件编号."),
    shape::str("item_code", ch(&Case::item_code)),
    shape::integer("item_version", ch(&Case::item_version)),
    shape::str("item_name", ch(&Case::item_name)),
    shape::integer("department_id", ch(&Case::department_id)),
    shape::str("department", &BundleChild::department),
    shape::one_of("state", ch(&Case::state), kCaseStates),
    shape::str("progress", shape::via(&BundleChild::row, &CaseRow::progress)),
    shape::raw(
        "asked", [](const BundleChild& c) { return parsed_json(c.row.c.correction); },
        schema::strings),
    shape::object("clock", shape::via(&BundleChild::row, &CaseRow::clock), kClockShape));

template <typename M>
constexpr auto ap(M member) {
  return shape::via(&BundleApplicationView::a, member);
}

constexpr auto kApplicationShape = shape::of<BundleApplicationView>(
    shape::str("number", ap(&BundleApplication::number), "The 一件事 number."),
    shape::str("bundle_code", ap(&BundleApplication::bundle_code)),
    shape::integer("bundle_version", ap(&BundleApplication::bundle_version)),
    shape::str("bundle_name", ap(&BundleApplication::bundle_name)),
    shape::str("applicant_kind", ap(&BundleApplication::applicant_kind)),
    shape::str("applicant_name", ap(&BundleApplication::applicant_name)),
    shape::str("applicant_key", ap(&BundleApplication::applicant_key)),
    shape::str("channel", ap(&BundleApplication::channel)),
    shape::one_of("state", shape::via(&BundleApplicationView::progress, &BundleProgress::state),
                  kBundleStates,
                  "draft, in_progress, correction (a child waits for the applicant), done (every "
                  "child ended), withdrawn."),
    shape::str("progress", shape::via(&BundleApplicationView::progress, &BundleProgress::progress),
               "The one progress in plain words."),
    shape::strings("asked", &BundleApplicationView::asked,
                   "What 补正 asks of the applicant now, each as \"item：what\"."),
    shape::raw(
        "form", [](const BundleApplicationView& v) { return parsed_json(v.a.form); }, any_object,
        "The merged form as applied."),
    shape::raw(
        "prefill", [](const BundleApplicationView& v) { return parsed_json(v.a.prefill); },
        prefill_schema, "Each pre-filled value with its source department and read time."),
    shape::array_of("children", &BundleApplicationView::children, kChildShape),
    shape::time("created_at", ap(&BundleApplication::created_at)),
    shape::time("updated_at", ap(&BundleApplication::updated_at)));

http::ParamDoc code_param() {
  return {.name = "code", .in = "path", .description = "The bundle's code."};
}
http::ParamDoc number_param() {
  return {.name = "number",
          .in = "path",
          .description = "The 一件事 number, e.g. YJS-20261207-0000042."};
}

const char* kBundleErrors =
    "Errors: 400 invalid_bundle (naming the first problem); 403 forbidden (another department's "
    "bundle); 404 bundle_not_found, department_not_found; 409 bundle_exists, invalid_transition.";

// --- bundles ------------------------------------------------------------------------------------

http::Response search_bundles(BundleService& bundles, const http::Request& request) {
  auto page = http::page_of(request, kMaxPage);
  if (!page) return http::bad_page(kMaxPage);
  store::BundleFilter f{.q = std::string(request.query_param("q").value_or("")),
                        .before = page->after,
                        .limit = page->limit};
  if (f.q.size() > 100) return http::problem(400, "invalid_query", "q is at most 100 bytes.");
  auto found = bundles.search(f);
  if (!found.ok()) return http::problem(found.error());
  return http::Response::json(200,
                              http::page_json(*found, page->limit, kBundleGuideShape,
                                              [](const BundleGuide& g) { return g.bundle.id; }));
}

http::RouteDoc search_bundles_doc() {
  return {.summary = "Search the published bundles (一件事)",
          .description =
              "Published bundles, newest first, each as its guide: q matches the code, name, life "
              "events (人生事件, e.g. 出生), description and the members' names.\n\nWho: "
              "public.\n\nErrors: 400 invalid_query, invalid_paging.",
          .tag = kTag,
          .params = http::with_paging(
              {{.name = "q", .description = "Words of the name, life event, members (中文)."}},
              kMaxPage),
          .responses = {{200, "Published bundles", schema::page(kBundleGuideShape.schema())}}};
}

http::Response get_bundle_guide(BundleService& bundles, const http::Request& request) {
  return http::respond(200, bundles.guide(request.param("code")), kBundleGuideShape);
}

http::RouteDoc get_bundle_guide_doc() {
  return {.summary = "A bundle's guide (一件事指南)",
          .description =
              "The published bundle: its members (each with its department and limits), the one "
              "merged form (a field several members share asked once, with the members that ask "
              "it) and the one set of materials (required when any member requires it), merged "
              "from the members' published versions now.\n\nWho: public.\n\nErrors: 404 "
              "bundle_not_found; 409 bundle_member_not_published, bundle_form_conflict, "
              "bundle_material_conflict, bundle_applicant_conflict (a member changed since).",
          .tag = kTag,
          .params = {code_param()},
          .responses = {{200, "The guide", kBundleGuideShape.schema()}}};
}

json::object bundle_body_schema() {
  return schema::object({{"code", schema::str()},
                         {"name", schema::str()},
                         {"department_id", schema::integer()},
                         {"description", schema::str()},
                         {"purpose", schema::str()},
                         {"life_events", schema::strings()},
                         {"members", schema::strings()}},
                        {"code", "name", "members"});
}

template <Result<Bundle> (BundleService::*Write)(const core::Principal&, std::string_view,
                                                 const core::RequestContext&)>
http::Response bundle_step(BundleService& bundles, const http::Request& request) {
  return http::respond(
      200, (bundles.*Write)(*request.principal(), request.param("code"), request.context()),
      kBundleShape);
}

http::Response create_bundle(BundleService& bundles, const http::Request& request) {
  http::JsonBody body(request);
  if (!body.ok()) return body.problem();
  if (!body.object()) return http::problem(400, "invalid_body", "The body is a JSON object.");
  return http::respond(201, bundles.create(*request.principal(), *body.object(), request.context()),
                       kBundleShape);
}

http::Response update_bundle(BundleService& bundles, const http::Request& request) {
  http::JsonBody body(request);
  if (!body.ok()) return body.problem();
  if (!body.object()) return http::problem(400, "invalid_body", "The body is a JSON object.");
  return http::respond(200,
                       bundles.update(*request.principal(), request.param("code"), *body.object(),
                                      request.context()),
                       kBundleShape);
}

http::Response latest_bundle(BundleService& bundles, const http::Request& request) {
  return http::respond(200, bundles.latest(*request.principal(), request.param("code")),
                       kBundleShape);
}

http::RouteDoc manage_doc(std::string summary, std::string what, int status, bool body = false,
                          bool code = true) {
  http::RouteDoc d{.summary = std::move(summary),
                   .description = what +
                                  "\n\nWho: services.items.manage (dept_admin of the "
                                  "bundle's lead department).\n\n" +
                                  kBundleErrors,
                   .tag = kTag,
                   .responses = {{status, "The bundle", kBundleShape.schema()}}};
  if (code) d.params = {code_param()};
  if (body) d.request_schema = bundle_body_schema();
  return d;
}

// --- applications -------------------------------------------------------------------------------

http::Response apply_bundle(BundleService& bundles, const http::Request& request) {
  http::JsonBody body(request);
  auto code = body.string("bundle_code", true);
  auto consent = body.boolean("consent");
  if (!body.ok()) return body.problem();
  BundleInput in{.bundle_code = std::move(*code), .consent = consent.value_or(false)};
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
  return http::respond(201, bundles.apply(*request.principal(), std::move(in), request.context()),
                       kApplicationShape);
}

http::RouteDoc apply_bundle_doc() {
  return {
      .summary = "Apply for a bundle (一件事一次办)",
      .description =
          "One application for every member of the published bundle: in one transaction the "
          "application (with its 一件事 number) and one draft child case per member under the "
          "member's published version, each routed to its own department. \"form\" takes the "
          "merged form's keys; a shared field is given once. With \"consent\": true every registry "
          "attribute the members name is read once through the exchange read path with the "
          "bundle's purpose and the 一件事 number as X-Case-Id (shown under the applicant's "
          "/api/v1/me/data-access with that number) and fills the merged form and every child. "
          "Online: a signed-in citizen or enterprise; at a window: a window clerk "
          "(services.cases.accept) for the applicant named in \"applicant\". Audited as "
          "services.bundle.apply and services.case.file per child.\n\nWho: citizens, "
          "enterprises, window clerks.\n\nErrors: 400 invalid_body, invalid_form (naming the "
          "field); 403 forbidden, applicant_not_eligible, channel_not_offered; 404 "
          "bundle_not_found; 409 bundle_member_not_published, bundle_form_conflict, "
          "bundle_material_conflict, bundle_applicant_conflict.",
      .tag = kTag,
      .request_schema = schema::object(
          {{"bundle_code", schema::str()},
           {"consent", schema::boolean()},
           {"form", any_object()},
           {"applicant", schema::object({{"kind", schema::enumeration({"person", "entity"})},
                                         {"name", schema::str()},
                                         {"key", schema::str()}})}},
          {"bundle_code"}),
      .responses = {{201, "The application", kApplicationShape.schema()}}};
}

http::Response get_application(BundleService& bundles, const http::Request& request) {
  return http::respond(200, bundles.get(*request.principal(), request.param("number")),
                       kApplicationShape);
}

const char* kApplicationWho =
    "Who: the applicant; the clerk who filed it; window clerks once submitted; city-scope "
    "principals.";

http::RouteDoc get_application_doc() {
  return {.summary = "A bundle application with its one progress",
          .description = std::string("The application, its overall state and progress in plain "
                                     "words, what 补正 asks now, and each child case with its "
                                     "department, state and clock.\n\n") +
                         kApplicationWho +
                         "\n\nErrors: 404 bundle_application_not_found (also for one the "
                         "caller may not see).",
          .tag = kTag,
          .params = {number_param()},
          .responses = {{200, "The application", kApplicationShape.schema()}}};
}

http::Response submit_application(BundleService& bundles, const http::Request& request) {
  return http::respond(
      200, bundles.submit(*request.principal(), request.param("number"), request.context()),
      kApplicationShape);
}

http::RouteDoc submit_application_doc() {
  return {.summary = "Submit a bundle application (提交)",
          .description =
              "Every child case is submitted to the window in one transaction (each form "
              "complete, or nothing is submitted). Audited as services.bundle.submit and "
              "services.case.submit per child.\n\nWho: the applicant, or the clerk who filed "
              "it.\n\nErrors: 400 invalid_form (naming the field); 403 forbidden; 404 "
              "bundle_application_not_found; 409 invalid_transition (a child is not a draft), "
              "case_changed.",
          .tag = kTag,
          .params = {number_param()},
          .responses = {{200, "The application", kApplicationShape.schema()}}};
}

http::Response withdraw_application(BundleService& bundles, const http::Request& request) {
  std::string reason;
  if (!request.body().empty()) {
    http::JsonBody body(request);
    auto r = body.string("reason");
    if (!body.ok()) return body.problem();
    reason = r.value_or("");
  }
  return http::respond(
      200,
      bundles.withdraw(*request.principal(), request.param("number"), reason, request.context()),
      kApplicationShape);
}

http::RouteDoc withdraw_application_doc() {
  return {.summary = "Withdraw a whole bundle application (撤回申请)",
          .description =
              "Every child not yet ended is withdrawn in one transaction, before any decision "
              "(a child decided, concluded or delivered: nothing is withdrawn). Audited as "
              "services.bundle.withdraw and services.case.withdraw per child.\n\nWho: the "
              "applicant.\n\nErrors: 400 invalid_body; 403 forbidden; 404 "
              "bundle_application_not_found; 409 invalid_transition (naming the child and its "
              "state), case_changed.",
          .tag = kTag,
          .params = {number_param()},
          .request_schema = schema::object({{"reason", schema::str()}}),
          .responses = {{200, "The application", kApplicationShape.schema()}}};
}

http::Response my_applications(BundleService& bundles, const http::Request& request) {
  auto page = http::page_of(request, kMaxPage);
  if (!page) return http::bad_page(kMaxPage);
  auto found = bundles.mine(*request.principal(), page->after, page->limit);
  if (!found.ok()) return http::problem(found.error());
  return http::Response::json(200,
                              http::page_json(found->items, found->next_cursor, kApplicationShape));
}

http::RouteDoc my_applications_doc() {
  return {.summary = "My bundle applications (我的办件: 一件事)",
          .description =
              "The caller's bundle applications, newest first, each as one entry with its "
              "children, its one progress and what is asked now. Their child cases are not in "
              "/api/v1/services/my-cases.\n\nWho: citizens and enterprises.\n\nErrors: 400 "
              "invalid_paging; 403 forbidden.",
          .tag = kTag,
          .params = http::paging_params(kMaxPage),
          .responses = {{200, "Applications", schema::page(kApplicationShape.schema())}}};
}

}  // namespace

void add_bundle_routes(http::Router& router, BundleService& bundles) {
  const http::RouteOptions pub{.access = http::Access::kPublic};
  const std::string manage(identity::permission::kItemsManage);
  const http::RouteOptions manage_body{
      .permission = manage, .body_limit = 64 * 1024, .accepts = {"application/json"}};
  const http::RouteOptions json_body{.body_limit = 256 * 1024, .accepts = {"application/json"}};
  router.add(http::Method::kGet, "/api/v1/services/bundles",
             http::handler_of(search_bundles, bundles), pub, search_bundles_doc());
  router.add(http::Method::kGet, "/api/v1/services/bundles/{code}",
             http::handler_of(get_bundle_guide, bundles), pub, get_bundle_guide_doc());
  router.add(http::Method::kPost, "/api/v1/services/bundles",
             http::handler_of(create_bundle, bundles), manage_body,
             manage_doc("Define a bundle (draft)",
                        "A new bundle of the administrator's department, draft version 1: code, "
                        "name, life events, description, purpose and 2 to 20 member item codes. "
                        "Audited as services.bundle.create.",
                        201, true, false));
  router.add(http::Method::kGet, "/api/v1/services/bundles/{code}/latest",
             http::handler_of(latest_bundle, bundles), {},
             {.summary = "A bundle's latest version",
              .description = "The newest version (draft, published or retired).\n\nWho: staff of "
                             "the bundle's department, city-scope principals.\n\nErrors: 404 "
                             "bundle_not_found.",
              .tag = kTag,
              .params = {code_param()},
              .responses = {{200, "The bundle", kBundleShape.schema()}}});
  router.add(http::Method::kPut, "/api/v1/services/bundles/{code}",
             http::handler_of(update_bundle, bundles), manage_body,
             manage_doc("Change a bundle (its draft, or a new version)",
                        "Replaces the draft; when the latest version is published or retired, "
                        "starts draft version N+1 (applications keep their version). Audited as "
                        "services.bundle.update.",
                        200, true));
  router.add(http::Method::kPost, "/api/v1/services/bundles/{code}/publish",
             http::handler_of(bundle_step<&BundleService::publish>, bundles),
             {.permission = manage},
             manage_doc("Publish a bundle's draft",
                        "Every member must be a published item (409 "
                        "bundle_member_not_published) and the members must merge: one key with "
                        "two definitions is 409 bundle_form_conflict, one material name from two "
                        "sources bundle_material_conflict, members no applicant may apply to "
                        "together bundle_applicant_conflict. An earlier published version "
                        "retires. Audited as services.bundle.publish.",
                        200));
  router.add(http::Method::kPost, "/api/v1/services/bundles/{code}/retire",
             http::handler_of(bundle_step<&BundleService::retire>, bundles), {.permission = manage},
             manage_doc("Retire a bundle",
                        "No new applications; running ones go on. Audited as "
                        "services.bundle.retire.",
                        200));
  router.add(http::Method::kPost, "/api/v1/services/bundle-applications",
             http::handler_of(apply_bundle, bundles), json_body, apply_bundle_doc());
  router.add(http::Method::kGet, "/api/v1/services/bundle-applications/{number}",
             http::handler_of(get_application, bundles), {}, get_application_doc());
  router.add(http::Method::kPost, "/api/v1/services/bundle-applications/{number}/submit",
             http::handler_of(submit_application, bundles), json_body, submit_application_doc());
  router.add(http::Method::kPost, "/api/v1/services/bundle-applications/{number}/withdraw",
             http::handler_of(withdraw_application, bundles), json_body,
             withdraw_application_doc());
  router.add(http::Method::kGet, "/api/v1/services/my-bundle-applications",
             http::handler_of(my_applications, bundles), {}, my_applications_doc());
}

}  // namespace zt::services
