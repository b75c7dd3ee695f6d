// The tables of one-stop services, the only file with their SQL (migrations 600-699):
//   service_item        every version of every item: columns for lists and search, the rest
//                       (form, materials, steps, fees, …) as JSON; (code, version) unique
//   service_case        one row per case (办件): state, current step, the optimistic `version`
//                       every transition moves, the form and prefill as JSON, the deadline as of
//                       the last change (for filters) with the calendar epoch it was computed in
//   service_case_step   the steps a case went through, one row per department of a step (并联),
//                       the closed ones kept
//   service_case_event  the timeline: every transition with actor, time, reason
//   service_case_pause  the clock's pauses (补正, special procedures)
// Times are milliseconds since the epoch; dates 'YYYY-MM-DD'.
//
// Thread-safety: free functions on a caller's connection.
#pragma once

#include "core/result.h"
#include "db/connection.h"
#include "db/migration.h"
#include "services/model.h"

#include <optional>
#include <string>
#include <vector>

namespace zt::services {

std::vector<db::Migration> migrations();

namespace store {

// `department`: the implementing department's name, searched with the rest.
Result<std::int64_t> insert_item(db::Connection& conn, const ItemDraft& def, std::int64_t version,
                                 std::int64_t created_by, std::int64_t now,
                                 std::string_view department);
Status update_item(db::Connection& conn, std::int64_t id, const ItemDraft& def,
                   std::string_view department);
Status set_item_status(db::Connection& conn, std::int64_t id, ItemStatus status,
                       std::optional<std::int64_t> published_at);
// The other published versions of `code` become retired (publishing a new version).
Status retire_published(db::Connection& conn, std::string_view code, std::int64_t except_id);
Result<std::optional<Item>> latest_item(db::Connection& conn, std::string_view code);
Result<std::optional<Item>> published_item(db::Connection& conn, std::string_view code);
Result<std::optional<Item>> item_by_id(db::Connection& conn, std::int64_t id);

struct ItemFilter {
  std::string q;  // name, code, type label, life event or legal basis contains it
  std::optional<std::int64_t> department_id;
  std::optional<ItemType> type;
  std::int64_t before = 0;  // keyset: ids below this
  int limit = 50;
};
// Published items, newest first.
Result<std::vector<Item>> search_items(db::Connection& conn, const ItemFilter& filter);

// The latest version of each item of a department (事项管理), whatever its status.
struct ManagedItem {
  Item item;                                      // the latest version
  std::optional<std::int64_t> published_version;  // the version in force, if any
};
// `status`: only codes whose latest version has it. Newest first by the latest version's id,
// keyset below `before` (0: from the newest).
Result<std::vector<ManagedItem>> managed_items(db::Connection& conn, std::int64_t department_id,
                                               std::optional<ItemStatus> status,
                                               std::int64_t before, int limit);

Result<std::int64_t> insert_case(db::Connection& conn, const Case& c);
Status set_number(db::Connection& conn, std::int64_t id, std::string_view number);
Result<std::optional<Case>> find_case(db::Connection& conn, std::string_view number);
// Writes every mutable column of `c` and moves its version by one, when the stored version is
// still c.version. Success: whether it was (false: someone else changed the case first).
Result<bool> update_case(db::Connection& conn, const Case& c);
// Only while the case is still at `version`: false when a transition moved it meanwhile.
Result<bool> set_stored_deadline(db::Connection& conn, std::int64_t id, std::int64_t version,
                                 const std::optional<std::string>& d, std::int64_t epoch);

Result<std::vector<CaseStep>> steps(db::Connection& conn, std::int64_t case_id);
Status insert_step(db::Connection& conn, const CaseStep& s);
// waiting → claimed by `user`; false when the step was not waiting any more.
Result<bool> claim_step(db::Connection& conn, std::int64_t step_id, std::int64_t user,
                        std::string_view user_name, std::int64_t now);
// claimed by `user` → approved / rejected; false when not so claimed any more.
Result<bool> complete_step(db::Connection& conn, std::int64_t step_id, std::int64_t user,
                           std::string_view outcome, std::string_view opinion, std::int64_t now);
// Any step row → `to` (closing or reopening it); from_states empty: any state.
Result<bool> set_step_state(db::Connection& conn, std::int64_t step_id, std::string_view to,
                            std::span<const std::string_view> from_states);
// An active step row moved to another department, waiting for its claim.
Result<bool> transfer_step(db::Connection& conn, std::int64_t step_id, std::int64_t department,
                           std::string_view department_name);
// Whether any step of the case was ever routed to `department`.
Result<bool> routed_to(db::Connection& conn, std::int64_t case_id, std::int64_t department);

Status insert_event(db::Connection& conn, const CaseEvent& e);
Result<std::vector<CaseEvent>> events(db::Connection& conn, std::int64_t case_id);

Status open_pause(db::Connection& conn, std::int64_t case_id, std::string_view kind,
                  std::string_view detail, std::int64_t now);
Status close_pauses(db::Connection& conn, std::int64_t case_id, std::int64_t now);
Result<std::vector<CasePause>> pauses(db::Connection& conn, std::span<const std::int64_t> cases);

// Worklists, newest first by case id (steps: by step row id), keyset paged.
struct CaseFilter {
  std::optional<std::string> item_code;
  std::optional<std::string> state;
  std::optional<std::string> due_before;  // stored statutory deadline on or before
  std::int64_t before = 0;
  int limit = 50;
};
Result<std::vector<Case>> window_cases(db::Connection& conn, const CaseFilter& filter);
// Cases with an active (waiting or claimed) step of `department`; each row's cursor is the
// step row's id, returned in `cursors`.
Result<std::vector<Case>> department_cases(db::Connection& conn, std::int64_t department,
                                           const CaseFilter& filter,
                                           std::vector<std::int64_t>& cursors);
// A citizen's or enterprise's cases: filed by their account or naming their id number / uscc;
// not the child cases of a bundle application (they are listed under it).
Result<std::vector<Case>> applicant_cases(db::Connection& conn, std::int64_t user,
                                          std::string_view key, const CaseFilter& filter);
// Running cases after `after` (by id) whose stored deadline was computed under an epoch before
// `epoch`, for recomputing them.
Result<std::vector<Case>> stale_cases(db::Connection& conn, std::int64_t epoch, std::int64_t after,
                                      int limit);

}  // namespace store

}  // namespace zt::services
