// ItemService and CaseService: one-stop services (一网通办) — service items (事项) and their
// public guide, and cases (办件) with their workflow and statutory clock.
//
// Items. A department administrator (services.items.manage) writes its own department's items:
// a draft, published (the earlier published version of the code retires), retired. A published
// item changes only by a new version: writing to it makes draft version N+1, and a case keeps the
// version it was filed under. Public: the guide (办事指南) of every published item without the
// internal step settings, search, the power list (权力清单) by department. Audited:
// services.item.create / .update / .publish / .retire.
//
// Cases. Filed online by a signed-in citizen or enterprise (for themselves), or at the window by
// a window clerk (services.cases.accept) for an applicant they name (受审分离). Every transition
// is one transaction that checks the state (409 "invalid_transition" naming the state), the
// actor's right, writes the case with its optimistic version (409 "case_changed" when someone
// else moved it first), the timeline event and the audit record (services.case.<action>, with
// reason). Steps: an officer (services.cases.approve) of a step's department claims it (签收;
// two at once: one wins, the other 409 "step_taken") and completes it; a step of several
// departments (并联) is done when all approve and rejected when one rejects; either way, after
// the last step, the case waits for the decision.
//
// Who sees a case: its applicant (the filing account or the holder of the named id number /
// uscc), window clerks once it is submitted, officers of the item's department and of any
// department a step was routed to, and city-scope principals; everyone else 404
// "case_not_found", as if it did not exist.
//
// Clock (core::WorkingCalendar through calendar::CalendarService): the statutory and promised
// deadlines count working days from the day after acceptance; 补正 and special procedures pause
// it (model.h calendar_pauses). Deadlines are computed on every read from the stored pauses and
// the calendar in force, so a change of a day moves them at once on every node. The statutory
// deadline is also stored (with the calendar epoch) for the worklists' due_before filter: written
// at each transition and, for running cases computed under an older epoch, recomputed by the
// services worker (worker.h: lease-claimed, whichever node changed the calendar).
//
// Alerts: every worklist row and case names the most severe reminder condition that holds now
// (model.h alerts_of: overdue 超期, promised_overdue, warning 预警), the same rule the worker
// issues reminders by; the applicant's 我的办件 shows only the overdue ones, in its progress too.
//
// Tell us once: with the applicant's consent at filing, the form fields and 免提交 materials
// that name a registry attribute are read through the exchange read path (QueryService::record)
// as the providing department's system reader, with the item's purpose and the case number as
// X-Case-Id — audited, and listed under the applicant's /api/v1/me/data-access — each value kept
// with its source department and time. The read is the applicant's own, made for them with
// their consent (as in 我的档案), so it returns their values in full. Everyone else who sees the
// case reads those values only as far as their own department's access to the source resource
// goes (exchange SharingService::access_for_department, the rules of exchange/records/access.h):
// a field it does not read is withheld (with a reason: no_grant, field_not_granted, not_shared,
// no_department), a personal field it does not unmask is masked by the field's rule. Values the
// applicant typed are their statement and shown as given (disclosure.cpp).
//
// Errors: 400 "invalid_item", "invalid_body", "invalid_form" (naming the field); 403
// "forbidden"; 404 "item_not_found", "case_not_found", "step_not_found",
// "department_not_found"; 409 "item_exists", "invalid_transition", "case_changed", "step_taken",
// "item_not_published"; 422 "materials_missing" (submit and answer_correction while a required
// upload material has no attachment: attachment_service.h).
//
// Thread-safety: all methods may be called from many threads at once.
#pragma once

#include "audit/service.h"
#include "calendar/service.h"
#include "catalog/service.h"
#include "core/principal.h"
#include "core/request_context.h"
#include "db/database.h"
#include "exchange/records/service.h"
#include "exchange/sharing/service.h"
#include "identity/service.h"
#include "services/model.h"
#include "services/store.h"

#include <boost/json/object.hpp>

#include <atomic>
#include <optional>
#include <string>
#include <vector>

namespace zt::services {

class ItemService {
 public:
  ItemService(db::Database& db, audit::AuditLog& audit, identity::IdentityService& identity,
              const core::Clock& clock);

  // A new item, draft version 1, of the body's department (the actor's by default).
  Result<Item> create(const core::Principal& actor, const boost::json::object& body,
                      const core::RequestContext& context);
  // Replaces the draft, or starts draft version N+1 when the latest is published or retired.
  Result<Item> update(const core::Principal& actor, std::string_view code,
                      const boost::json::object& body, const core::RequestContext& context);
  Result<Item> publish(const core::Principal& actor, std::string_view code,
                       const core::RequestContext& context);
  Result<Item> retire(const core::Principal& actor, std::string_view code,
                      const core::RequestContext& context);
  // The latest version, with its internal settings: its department's administrators and
  // city-scope principals.
  Result<Item> latest(const core::Principal& actor, std::string_view code);
  // Public: the published version (404 item_not_found when none).
  Result<Item> published(std::string_view code);
  Result<Item> version(std::int64_t id);
  // Public search among published items.
  Result<std::vector<Item>> search(store::ItemFilter filter);
  // 事项管理: the latest version of each item of `department` (the actor's when unset) —
  // drafts, published and retired alike, with the version in force. Its department's staff and
  // city-scope principals; others 403 forbidden.
  Result<std::vector<store::ManagedItem>> managed(const core::Principal& actor,
                                                  std::optional<std::int64_t> department,
                                                  std::optional<ItemStatus> status,
                                                  std::int64_t before, int limit);

 private:
  Status may_manage(const core::Principal& actor, std::int64_t department);
  // Every department the item names exists. Success: the implementing department's name.
  Result<std::string> check_departments(const ItemDraft& def);
  Status audit_item(db::Connection& conn, const core::Principal& actor, std::string action,
                    const Item& item, const core::RequestContext& context);
  Result<std::string> department_name(std::int64_t id);

  db::Database& db_;
  audit::AuditLog& audit_;
  identity::IdentityService& identity_;
  const core::Clock& clock_;
};

// A case as the routes show it: the case, its clock now, steps, timeline and pauses.
struct CaseView {
  Case c;
  CaseClock clock;
  std::string alert;  // the most severe of alerts_of now, "" when none
  std::vector<CaseStep> steps;
  std::vector<CaseEvent> events;
  std::vector<CasePause> pauses;
  std::string progress;  // in plain words (中文)
};

// One row of a worklist.
struct CaseRow {
  Case c;
  CaseClock clock;
  std::string alert;  // as CaseView::alert
  std::string progress;
  std::int64_t cursor = 0;
};
struct CasePage {
  std::vector<CaseRow> items;
  std::optional<std::int64_t> next_cursor;
};

// What filing a case says.
struct FileInput {
  std::string item_code;
  boost::json::object form;
  bool consent = false;  // to pre-fill from the registries (告知承诺 / 授权)
  // At a window: the applicant's kind (person, entity), name and id number / uscc.
  std::string applicant_kind;
  std::string applicant_name;
  std::string applicant_key;
};

// The inputs a transition may take (each action reads the ones it needs).
struct ActionInput {
  std::string reason;
  std::vector<std::string> missing;           // request_correction: what is missing
  std::optional<boost::json::object> form;    // answer_correction: corrected values
  std::optional<std::int64_t> department_id;  // transfer
  std::string special_kind;                   // start_special
  std::string decision;                       // decide: approve, deny
  std::string result_text;                    // decide
  std::string delivery_method;                // deliver: window, courier
  std::string address;                        // deliver by courier
  std::string tracking_number;                // deliver by courier
  bool approve = true;                        // complete a step
  std::vector<std::int64_t> attachments;      // decide: the result files it references
};

// Who the caller is to one case (CaseService::party), for the case's attachments.
struct CaseParty {
  Case c;
  ItemDraft def;              // the item version the case was filed under
  bool applicant = false;     // acts as the applicant (as for submit: the applicant, the window)
  bool item_officer = false;  // an officer of the item's department (who decides)
};

class CaseService {
 public:
  CaseService(db::Database& db, audit::AuditLog& audit, identity::IdentityService& identity,
              calendar::CalendarService& calendar, catalog::CatalogService& catalog,
              exchange::QueryService& query, exchange::SharingService& sharing, ItemService& items,
              const core::Clock& clock, int warning_days = kDefaultWarningDays);

  // A new case (draft) under the published version of the item; pre-filled when consented.
  Result<CaseView> file(const core::Principal& actor, FileInput input,
                        const core::RequestContext& context);
  Result<CaseView> get(const core::Principal& actor, std::string_view number);
  // One of kActions.
  Result<CaseView> act(const core::Principal& actor, std::string_view number,
                       std::string_view action, const ActionInput& input,
                       const core::RequestContext& context);
  // 签收 and completion of a step row.
  Result<CaseView> claim(const core::Principal& actor, std::string_view number,
                         std::int64_t step_id, const core::RequestContext& context);
  Result<CaseView> complete(const core::Principal& actor, std::string_view number,
                            std::int64_t step_id, const ActionInput& input,
                            const core::RequestContext& context);

  // Worklists: the window's submissions (services.cases.accept), a department's cases waiting
  // for its step (the actor's department), the applicant's own (我的办件).
  Result<CasePage> window(const core::Principal& actor, store::CaseFilter filter);
  Result<CasePage> department(const core::Principal& actor, store::CaseFilter filter);
  Result<CasePage> mine(const core::Principal& actor, store::CaseFilter filter);

  // Recomputes the stored deadline of the running cases computed under an older calendar epoch
  // than the one in force (the services worker), each only if the case did not change meanwhile,
  // and marks them for the reminders; `every_running`: every running case's (the demo seeder,
  // after moving its clock). Success: how many were rewritten.
  Result<std::int64_t> recompute_deadlines(bool every_running = false);

  // The case `number` and who `actor` is to it, on `conn` (the caller's transaction): 404
  // case_not_found unless the actor sees the case (the rule above).
  Result<CaseParty> party(db::Connection& conn, const core::Principal& actor,
                          std::string_view number);

 private:
  // A bundle application (bundle_service.h) files its child cases in its own transaction and
  // moves them (submit, withdraw) through the same rules, so it uses the pieces below.
  friend class BundleService;

  struct Applicant {
    std::int64_t user_id = 0;
    std::string kind;  // person, entity
    std::string key;
    std::string name;
  };
  Result<std::optional<Applicant>> applicant_of(const core::Principal& actor);
  // The draft case `actor` files under the published `item` (checked: who applies, the channel,
  // the form's values), with a placeholder number; nothing stored.
  Result<Case> draft(const core::Principal& actor, const Item& item, const FileInput& input);
  // Stores a draft on conn (the caller's transaction): its 办件编号, the file event and the
  // audit record services.case.file.
  Status insert_draft(db::Connection& conn, Case& c, const core::Principal& actor, bool consent,
                      const core::RequestContext& context);
  // One of kActions on conn (the caller's transaction), with the rules of act().
  Status act_on(db::Connection& conn, const core::Principal& actor,
                const std::optional<Applicant>& self, const calendar::CalendarSnapshot& snap,
                std::string_view number, std::string_view action, const ActionInput& in,
                const core::RequestContext& context);
  // Whether `actor` (`self` when a citizen or enterprise) acts as the applicant of `c`: the
  // applicant themselves, the clerk who filed the draft, or a window clerk for a window case.
  static bool acts_as_applicant(const std::optional<Applicant>& self, const core::Principal& actor,
                                const Case& c);
  // Whether `actor` may see `c` (the rule above), on conn.
  Result<bool> visible(db::Connection& conn, const core::Principal& actor, const Case& c);
  Result<CaseView> view(db::Connection& conn, Case c, const calendar::CalendarSnapshot& snap);
  // The alert of a case with `clock` now (CaseView::alert); `applicant`: only overdue ones.
  std::string alert_of(const Case& c, const CaseClock& clock, bool applicant) const;
  // The pre-filled values of `c` (its form and prefill) as `actor` may see them: in full for
  // the applicant, through the actor's department's access otherwise (disclosure.cpp).
  Status disclose(const core::Principal& actor, bool applicant, Case& c);
  // The case `number` with its steps and the index of step `step_id`, on conn, for claiming or
  // completing it: 404 case_not_found unless `actor` sees the case, 404 step_not_found unless the
  // step is of the actor's department, 409 invalid_transition (`action`) unless in review.
  struct OwnStep {
    Case c;
    std::vector<CaseStep> steps;
    std::size_t index = 0;
  };
  Result<OwnStep> own_step(db::Connection& conn, const core::Principal& actor,
                           std::string_view number, std::int64_t step_id, std::string_view action);
  Result<std::vector<CaseRow>> rows(db::Connection& conn, std::vector<Case> cases);
  Result<std::vector<PrefilledValue>> prefill(const ItemDraft& def, const Case& c,
                                              const core::RequestContext& context);
  // The stored statutory deadline of `c` given its pauses.
  Result<std::optional<std::string>> stored_deadline(db::Connection& conn, const Case& c,
                                                     const calendar::CalendarSnapshot& snap);
  Status open_step(db::Connection& conn, const Case& c, const ItemDraft& def,
                   std::int64_t step_index, std::int64_t now);
  // Writes c (optimistic), the event and the audit record.
  Status commit_transition(db::Connection& conn, Case& c, std::string_view from,
                           std::string_view action, const core::Principal& actor,
                           const std::string& reason, std::string detail,
                           const core::RequestContext& context,
                           const calendar::CalendarSnapshot& snap);

  db::Database& db_;
  audit::AuditLog& audit_;
  identity::IdentityService& identity_;
  calendar::CalendarService& calendar_;
  catalog::CatalogService& catalog_;
  exchange::QueryService& query_;
  exchange::SharingService& sharing_;
  ItemService& items_;
  const core::Clock& clock_;
  const int warning_days_;
  std::atomic<std::uint64_t> sequence_{0};  // this node's filing placeholders
};

// The state in plain words for the applicant and the worklists (中文).
std::string progress_of(const Case& c);

}  // namespace zt::services
