// BundleService: bundles (一件事一次办) — several service items under one application, one merged
// form, one set of materials; the application creates a child case per member item, handled in
// parallel by each item's department with the ordinary case workflow, and shows the applicant one
// progress.
//
// Bundles. A department administrator (services.items.manage) of the bundle's lead department
// writes it: draft → published → retired, a published bundle changes only by a new version, like
// items. At publication every member must be a published item (409 bundle_member_not_published)
// and the members must merge (bundle_model.h merge_bundle: 409 bundle_form_conflict,
// bundle_material_conflict, bundle_applicant_conflict). Audited: services.bundle.create / .update /
// .publish / .retire. Public: the guide (members with their departments and limits, the merged
// form and materials) and search by name, life event, description and the members' names; the
// merge is made from the members' published versions at each read, so a member's new version
// shows at once (and one that no longer merges makes the bundle refuse applications with the same
// 409 codes).
//
// Applications. Filed online by a signed-in citizen or enterprise, or at a window by a window
// clerk for an applicant they name, as for a case: one transaction stores the application with
// its number (YJS-YYYYMMDD-NNNNNNN) and one draft child case per member under that member's
// published version (each checked as CaseService::file checks a case, audited
// services.case.file), audited services.bundle.apply. Tell us once: with consent, every registry
// attribute the members name is read once (one read per resource, Prefiller) with the bundle's
// purpose and the application's number as X-Case-Id — so the applicant's
// /api/v1/me/data-access shows the read under the number 我的办件 shows for the bundle — and each
// value fills the merged form and every child's fields and 免提交 materials. Submit sends every
// child to the window in one transaction (each through the ordinary submit, its form complete or
// 400 invalid_form); withdraw withdraws every child not yet decided in one transaction (409
// invalid_transition naming a child already decided), audited services.bundle.submit /
// .withdraw and each child's services.case.<action>.
//
// Who sees an application: its applicant (the filing account or the holder of the named id
// number / uscc), the clerk who filed it, window clerks once submitted, city-scope principals;
// everyone else 404 bundle_application_not_found. Departments see the child cases routed to them
// as any case.
//
// Errors: 400 invalid_bundle, invalid_body, invalid_form; 403 forbidden, applicant_not_eligible,
// channel_not_offered; 404 bundle_not_found, item_not_found, department_not_found,
// bundle_application_not_found; 409 bundle_exists, invalid_transition,
// bundle_member_not_published, bundle_form_conflict, bundle_material_conflict,
// bundle_applicant_conflict, case_changed.
//
// Thread-safety: all methods may be called from many threads at once.
#pragma once

#include "services/bundle_model.h"
#include "services/bundle_store.h"
#include "services/service.h"

#include <atomic>
#include <optional>
#include <string>
#include <vector>

namespace zt::services {

// A published bundle as the public sees it: the bundle, its members' published versions (with
// their departments' names) and their merge.
struct BundleGuide {
  Bundle bundle;
  std::vector<Item> members;
  MergedBundle merged;
};

// One child case as the applicant's one progress shows it.
struct BundleChild {
  CaseRow row;
  std::string department;  // the item's department
};

struct BundleApplicationView {
  BundleApplication a;
  std::vector<BundleChild> children;
  BundleProgress progress;
  std::vector<std::string> asked;  // what 补正 asks now, each "item name：what"
};

struct BundleApplicationPage {
  std::vector<BundleApplicationView> items;
  std::optional<std::int64_t> next_cursor;
};

// What applying says: the merged form's values (keys of the merged form), consent, and at a
// window the applicant.
struct BundleInput {
  std::string bundle_code;
  boost::json::object form;
  bool consent = false;
  std::string applicant_kind;
  std::string applicant_name;
  std::string applicant_key;
};

class BundleService {
 public:
  BundleService(db::Database& db, audit::AuditLog& audit, identity::IdentityService& identity,
                calendar::CalendarService& calendar, catalog::CatalogService& catalog,
                exchange::QueryService& query, ItemService& items, CaseService& cases,
                const core::Clock& clock);

  Result<Bundle> create(const core::Principal& actor, const boost::json::object& body,
                        const core::RequestContext& context);
  Result<Bundle> update(const core::Principal& actor, std::string_view code,
                        const boost::json::object& body, const core::RequestContext& context);
  Result<Bundle> publish(const core::Principal& actor, std::string_view code,
                         const core::RequestContext& context);
  Result<Bundle> retire(const core::Principal& actor, std::string_view code,
                        const core::RequestContext& context);
  // The latest version: its department's staff and city-scope principals (else 404).
  Result<Bundle> latest(const core::Principal& actor, std::string_view code);
  // Public.
  Result<BundleGuide> guide(std::string_view code);
  Result<std::vector<BundleGuide>> search(const store::BundleFilter& filter);

  Result<BundleApplicationView> apply(const core::Principal& actor, BundleInput input,
                                      const core::RequestContext& context);
  Result<BundleApplicationView> get(const core::Principal& actor, std::string_view number);
  Result<BundleApplicationView> submit(const core::Principal& actor, std::string_view number,
                                       const core::RequestContext& context);
  Result<BundleApplicationView> withdraw(const core::Principal& actor, std::string_view number,
                                         const std::string& reason,
                                         const core::RequestContext& context);
  // 我的办件: the caller's applications, newest first (`before`: keyset cursor, 0 for the first).
  Result<BundleApplicationPage> mine(const core::Principal& actor, std::int64_t before, int limit);

 private:
  Status may_manage(const core::Principal& actor, std::int64_t department);
  Result<std::string> department_name(std::int64_t id);
  Result<BundleGuide> guide_of(Bundle bundle);
  Status audit_bundle(db::Connection& conn, const core::Principal& actor, std::string action,
                      const Bundle& bundle, const core::RequestContext& context);
  Result<bool> visible(const core::Principal& actor, const BundleApplication& a,
                       std::span<const Case> children);
  Result<std::vector<Case>> children(db::Connection& conn, const BundleApplication& a);
  Result<BundleApplicationView> view(db::Connection& conn, BundleApplication a,
                                     std::vector<Case> children);
  // Loads the application `number` with its children for `actor` (404 unless visible).
  Result<std::pair<BundleApplication, std::vector<Case>>> load(db::Connection& conn,
                                                               const core::Principal& actor,
                                                               std::string_view number);

  db::Database& db_;
  audit::AuditLog& audit_;
  identity::IdentityService& identity_;
  calendar::CalendarService& calendar_;
  catalog::CatalogService& catalog_;
  exchange::QueryService& query_;
  ItemService& items_;
  CaseService& cases_;
  const core::Clock& clock_;
  std::atomic<std::uint64_t> sequence_{0};  // this node's filing placeholders
};

}  // namespace zt::services
