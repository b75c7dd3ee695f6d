#include "services/store.h"

#include "db/rows.h"

#include <fmt/format.h>

namespace zt::services {

std::vector<db::Migration> migrations() {
  return {{.version = 600, .name = "create_service_tables", .sql = R"sql(
CREATE TABLE service_item (
  id {{id}},
  code TEXT NOT NULL,
  version BIGINT NOT NULL,
  name TEXT NOT NULL,
  department_id BIGINT NOT NULL,
  item_type TEXT NOT NULL,
  applicant TEXT NOT NULL,
  kind TEXT NOT NULL,
  statutory_limit BIGINT NOT NULL,
  promised_limit BIGINT NOT NULL,
  status TEXT NOT NULL,
  definition TEXT NOT NULL,
  search_text TEXT NOT NULL,
  created_by BIGINT NOT NULL,
  created_at BIGINT NOT NULL,
  published_at BIGINT,
  UNIQUE (code, version)
);
CREATE INDEX service_item_status ON service_item (status, id);
CREATE INDEX service_item_department ON service_item (department_id, status, id);
CREATE TABLE service_case (
  id {{id}},
  number TEXT NOT NULL UNIQUE,
  item_id BIGINT NOT NULL REFERENCES service_item (id),
  item_code TEXT NOT NULL,
  item_version BIGINT NOT NULL,
  item_name TEXT NOT NULL,
  department_id BIGINT NOT NULL,
  applicant_user_id BIGINT,
  applicant_kind TEXT NOT NULL,
  applicant_name TEXT NOT NULL,
  applicant_key TEXT NOT NULL,
  filed_by BIGINT NOT NULL,
  channel TEXT NOT NULL,
  state TEXT NOT NULL,
  resume_state TEXT NOT NULL,
  step_index BIGINT NOT NULL,
  version BIGINT NOT NULL,
  form TEXT NOT NULL,
  prefill TEXT NOT NULL,
  correction TEXT NOT NULL,
  special_kind TEXT NOT NULL,
  review_outcome TEXT NOT NULL,
  decision TEXT NOT NULL,
  decision_reason TEXT NOT NULL,
  result_text TEXT NOT NULL,
  delivery TEXT NOT NULL,
  statutory_limit BIGINT NOT NULL,
  promised_limit BIGINT NOT NULL,
  statutory_deadline TEXT,
  deadline_epoch BIGINT NOT NULL,
  accepted_at BIGINT,
  decided_at BIGINT,
  concluded_at BIGINT,
  created_at BIGINT NOT NULL,
  updated_at BIGINT NOT NULL
);
CREATE INDEX service_case_state ON service_case (state, id);
CREATE INDEX service_case_applicant ON service_case (applicant_user_id, id);
CREATE INDEX service_case_applicant_key ON service_case (applicant_key, id);
CREATE TABLE service_case_step (
  id {{id}},
  case_id BIGINT NOT NULL REFERENCES service_case (id),
  step_index BIGINT NOT NULL,
  round BIGINT NOT NULL,
  name TEXT NOT NULL,
  department_id BIGINT NOT NULL,
  department_name TEXT NOT NULL,
  state TEXT NOT NULL,
  claimed_by BIGINT,
  claimed_by_name TEXT NOT NULL,
  claimed_at BIGINT,
  completed_at BIGINT,
  opinion TEXT NOT NULL,
  created_at BIGINT NOT NULL
);
CREATE INDEX service_case_step_case ON service_case_step (case_id, id);
CREATE INDEX service_case_step_routed ON service_case_step (department_id, case_id);
CREATE INDEX service_case_step_active ON service_case_step (department_id, id)
  WHERE state IN ('waiting', 'claimed');
CREATE TABLE service_case_event (
  id {{id}},
  case_id BIGINT NOT NULL REFERENCES service_case (id),
  at BIGINT NOT NULL,
  action TEXT NOT NULL,
  actor_name TEXT NOT NULL,
  from_state TEXT NOT NULL,
  to_state TEXT NOT NULL,
  reason TEXT NOT NULL,
  detail TEXT NOT NULL
);
CREATE INDEX service_case_event_case ON service_case_event (case_id, id);
CREATE TABLE service_case_pause (
  id {{id}},
  case_id BIGINT NOT NULL REFERENCES service_case (id),
  kind TEXT NOT NULL,
  detail TEXT NOT NULL,
  started_at BIGINT NOT NULL,
  ended_at BIGINT
);
CREATE INDEX service_case_pause_case ON service_case_pause (case_id, id);
)sql"},
          // The worklists' due_before filter: the cases of a state due on or before a day, in
          // one range of this index (store::window_cases, store::department_cases).
          {.version = 640, .name = "index_service_case_due", .sql = R"sql(
CREATE INDEX service_case_due ON service_case (state, statutory_deadline);
)sql"}};
}

namespace store {

namespace {

constexpr std::string_view kItemColumns =
    "id, code, version, name, department_id, item_type, applicant, kind, statutory_limit, "
    "promised_limit, status, definition, created_at, published_at";

Result<Item> item_of(const db::Row& row) {
  Item it;
  std::string type, applicant, kind, status, definition;
  std::int64_t statutory = 0, promised = 0;
  db::into(row, it.id, it.def.code, it.version, it.def.name, it.def.department_id, type, applicant,
           kind, statutory, promised, status, definition, it.created_at, it.published_at);
  auto t = kItemTypeNames.parse(type);
  auto a = kApplicantKindNames.parse(applicant);
  auto k = kItemKindNames.parse(kind);
  auto s = kItemStatusNames.parse(status);
  if (!t || !a || !k || !s) return Error::internal("database_error", "A stored item is invalid.");
  it.def.type = *t;
  it.def.applicant = *a;
  it.def.kind = *k;
  it.status = *s;
  it.def.statutory_limit = int(statutory);
  it.def.promised_limit = int(promised);
  ZT_TRY(read_definition(definition, it.def));
  return it;
}

// What ?q= matches: code, name, the type's Chinese name, the department, legal basis, life events.
std::string search_text(const ItemDraft& d, std::string_view department) {
  std::string s = d.code + " " + d.name + " " + std::string(label_of(d.type)) + " " +
                  std::string(department) + " " + d.legal_basis;
  for (const std::string& e : d.life_events)
    s += " " + e;
  return s;
}

// The case columns, each prefixed (`c.` in joins).
std::string case_columns(std::string_view p = "") {
  return fmt::format(
      "{0}id, {0}number, {0}item_id, {0}item_code, {0}item_version, {0}item_name, "
      "{0}department_id, {0}applicant_user_id, {0}applicant_kind, {0}applicant_name, "
      "{0}applicant_key, {0}filed_by, {0}channel, {0}state, {0}resume_state, {0}step_index, "
      "{0}version, {0}form, {0}prefill, {0}correction, {0}special_kind, {0}review_outcome, "
      "{0}decision, {0}decision_reason, {0}result_text, {0}delivery, {0}statutory_limit, "
      "{0}promised_limit, {0}statutory_deadline, {0}deadline_epoch, {0}accepted_at, "
      "{0}decided_at, {0}concluded_at, {0}created_at, {0}updated_at",
      p);
}

Case case_of(const db::Row& row) {
  Case c;
  db::into(row, c.id, c.number, c.item_id, c.item_code, c.item_version, c.item_name,
           c.department_id, c.applicant_user_id, c.applicant_kind, c.applicant_name,
           c.applicant_key, c.filed_by, c.channel, c.state, c.resume_state, c.step_index, c.version,
           c.form, c.prefill, c.correction, c.special_kind, c.review_outcome, c.decision,
           c.decision_reason, c.result_text, c.delivery, c.statutory_limit, c.promised_limit,
           c.stored_deadline, c.deadline_epoch, c.accepted_at, c.decided_at, c.concluded_at,
           c.created_at, c.updated_at);
  return c;
}

constexpr std::string_view kStepColumns =
    "id, case_id, step_index, round, name, department_id, department_name, state, claimed_by, "
    "claimed_by_name, claimed_at, completed_at, opinion, created_at";

CaseStep step_of(const db::Row& row) {
  CaseStep s;
  db::into(row, s.id, s.case_id, s.step_index, s.round, s.name, s.department_id, s.department_name,
           s.state, s.claimed_by, s.claimed_by_name, s.claimed_at, s.completed_at, s.opinion,
           s.created_at);
  return s;
}

CaseEvent event_of(const db::Row& row) {
  CaseEvent e;
  db::into(row, e.id, e.case_id, e.at, e.action, e.actor_name, e.from_state, e.to_state, e.reason,
           e.detail);
  return e;
}

CasePause pause_of(const db::Row& row) {
  CasePause p;
  db::into(row, p.id, p.case_id, p.kind, p.detail, p.started_at, p.ended_at);
  return p;
}

// " AND …" for a worklist's filters on the case (alias `c`), their parameters appended.
std::string case_conditions(const CaseFilter& f, std::vector<db::Param>& params) {
  std::string sql;
  if (f.item_code) {
    sql += " AND c.item_code = ?";
    params.emplace_back(*f.item_code);
  }
  if (f.state) {
    sql += " AND c.state = ?";
    params.emplace_back(*f.state);
  }
  if (f.due_before) {
    sql += " AND c.statutory_deadline <= ?";
    params.emplace_back(*f.due_before);
  }
  return sql;
}

std::int64_t bound(std::int64_t before) {
  return before > 0 ? before : std::numeric_limits<std::int64_t>::max();
}

}  // namespace

Result<std::int64_t> insert_item(db::Connection& conn, const ItemDraft& d, std::int64_t version,
                                 std::int64_t created_by, std::int64_t now,
                                 std::string_view department) {
  return db::scalar<std::int64_t>(conn.query(
      "INSERT INTO service_item (code, version, name, department_id, item_type, applicant, kind, "
      "statutory_limit, promised_limit, status, definition, search_text, created_by, created_at) "
      "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, 'draft', ?, ?, ?, ?) RETURNING id",
      d.code, version, d.name, d.department_id, kItemTypeNames.name_of(d.type),
      kApplicantKindNames.name_of(d.applicant), kItemKindNames.name_of(d.kind),
      std::int64_t(d.statutory_limit), std::int64_t(d.promised_limit), definition_json(d),
      search_text(d, department), created_by, now));
}

Status update_item(db::Connection& conn, std::int64_t id, const ItemDraft& d,
                   std::string_view department) {
  return db::done(conn.exec(
      "UPDATE service_item SET name = ?, department_id = ?, item_type = ?, applicant = ?, "
      "kind = ?, statutory_limit = ?, promised_limit = ?, definition = ?, search_text = ? "
      "WHERE id = ? AND status = 'draft'",
      d.name, d.department_id, kItemTypeNames.name_of(d.type),
      kApplicantKindNames.name_of(d.applicant), kItemKindNames.name_of(d.kind),
      std::int64_t(d.statutory_limit), std::int64_t(d.promised_limit), definition_json(d),
      search_text(d, department), id));
}

Status set_item_status(db::Connection& conn, std::int64_t id, ItemStatus status,
                       std::optional<std::int64_t> published_at) {
  return db::done(conn.exec(
      "UPDATE service_item SET status = ?, published_at = COALESCE(?, published_at) WHERE id = ?",
      kItemStatusNames.name_of(status), published_at, id));
}

Status retire_published(db::Connection& conn, std::string_view code, std::int64_t except_id) {
  return db::done(conn.exec(
      "UPDATE service_item SET status = 'retired' WHERE code = ? AND status = 'published' AND "
      "id <> ?",
      code, except_id));
}

Result<std::optional<Item>> latest_item(db::Connection& conn, std::string_view code) {
  return db::first_row<Item>(
      conn.query(fmt::format("SELECT {} FROM service_item WHERE code = ? ORDER BY version DESC "
                             "LIMIT 1",
                             kItemColumns),
                 code),
      item_of);
}

Result<std::optional<Item>> published_item(db::Connection& conn, std::string_view code) {
  return db::first_row<Item>(
      conn.query(fmt::format("SELECT {} FROM service_item WHERE code = ? AND status = "
                             "'published' ORDER BY version DESC LIMIT 1",
                             kItemColumns),
                 code),
      item_of);
}

Result<std::optional<Item>> item_by_id(db::Connection& conn, std::int64_t id) {
  return db::first_row<Item>(
      conn.query(fmt::format("SELECT {} FROM service_item WHERE id = ?", kItemColumns), id),
      item_of);
}

Result<std::vector<Item>> search_items(db::Connection& conn, const ItemFilter& f) {
  std::vector<db::Param> params;
  std::string sql = fmt::format("SELECT {} FROM service_item WHERE status = 'published' AND id < ?",
                                kItemColumns);
  params.emplace_back(bound(f.before));
  if (f.department_id) {
    sql += " AND department_id = ?";
    params.emplace_back(*f.department_id);
  }
  if (f.type) {
    sql += " AND item_type = ?";
    params.emplace_back(kItemTypeNames.name_of(*f.type));
  }
  std::string like;
  if (!f.q.empty()) {
    like = "%" + f.q + "%";
    sql += " AND search_text LIKE ?";
    params.emplace_back(like);
  }
  sql += " ORDER BY id DESC LIMIT " + std::to_string(f.limit);
  return db::map_rows<Item>(conn.query(sql, std::span<const db::Param>(params)), item_of);
}

Result<std::vector<ManagedItem>> managed_items(db::Connection& conn, std::int64_t department_id,
                                               std::optional<ItemStatus> status,
                                               std::int64_t before, int limit) {
  std::vector<db::Param> params;
  std::string sql = fmt::format(
      "SELECT {}, (SELECT MAX(p.version) FROM service_item p WHERE p.code = i.code AND "
      "p.status = 'published') FROM service_item i WHERE i.department_id = ? AND i.id < ? AND "
      "i.version = (SELECT MAX(v.version) FROM service_item v WHERE v.code = i.code)",
      kItemColumns);
  params.emplace_back(department_id);
  params.emplace_back(bound(before));
  if (status) {
    sql += " AND i.status = ?";
    params.emplace_back(kItemStatusNames.name_of(*status));  // static text: Param does not own
  }
  sql += fmt::format(" ORDER BY i.id DESC LIMIT {}", limit);
  return db::map_rows<ManagedItem>(conn.query(sql, std::span<const db::Param>(params)),
                                   [](const db::Row& row) -> Result<ManagedItem> {
                                     ZT_ASSIGN_OR_RETURN(Item item, item_of(row));
                                     ManagedItem m{.item = std::move(item)};
                                     constexpr std::size_t kPublished = 14;  // after kItemColumns
                                     if (!row.is_null(kPublished))
                                       m.published_version = row.get<std::int64_t>(kPublished);
                                     return m;
                                   });
}

Result<std::int64_t> insert_case(db::Connection& conn, const Case& c) {
  return db::scalar<std::int64_t>(conn.query(
      "INSERT INTO service_case (number, item_id, item_code, item_version, item_name, "
      "department_id, applicant_user_id, applicant_kind, applicant_name, applicant_key, "
      "filed_by, channel, state, resume_state, step_index, version, form, prefill, correction, "
      "special_kind, review_outcome, decision, decision_reason, result_text, delivery, "
      "statutory_limit, promised_limit, statutory_deadline, deadline_epoch, created_at, "
      "updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, '', 0, 1, ?, ?, '[]', '', '', "
      "'', '', '', '{}', ?, ?, NULL, 0, ?, ?) RETURNING id",
      c.number, c.item_id, c.item_code, c.item_version, c.item_name, c.department_id,
      c.applicant_user_id, c.applicant_kind, c.applicant_name, c.applicant_key, c.filed_by,
      c.channel, c.state, c.form, c.prefill, c.statutory_limit, c.promised_limit, c.created_at,
      c.updated_at));
}

Status set_number(db::Connection& conn, std::int64_t id, std::string_view number) {
  return db::done(conn.exec("UPDATE service_case SET number = ? WHERE id = ?", number, id));
}

Result<std::optional<Case>> find_case(db::Connection& conn, std::string_view number) {
  return db::first_row<Case>(
      conn.query(fmt::format("SELECT {} FROM service_case WHERE number = ?", case_columns()),
                 number),
      case_of);
}

Result<bool> update_case(db::Connection& conn, const Case& c) {
  ZT_ASSIGN_OR_RETURN(
      auto n,
      conn.exec("UPDATE service_case SET state = ?, resume_state = ?, step_index = ?, "
                "version = version + 1, form = ?, prefill = ?, correction = ?, special_kind = ?, "
                "review_outcome = ?, decision = ?, decision_reason = ?, result_text = ?, "
                "delivery = ?, statutory_deadline = ?, deadline_epoch = ?, accepted_at = ?, "
                "decided_at = ?, concluded_at = ?, updated_at = ? WHERE id = ? AND version = ?",
                c.state, c.resume_state, c.step_index, c.form, c.prefill, c.correction,
                c.special_kind, c.review_outcome, c.decision, c.decision_reason, c.result_text,
                c.delivery, c.stored_deadline, c.deadline_epoch, c.accepted_at, c.decided_at,
                c.concluded_at, c.updated_at, c.id, c.version));
  return n > 0;
}

Result<bool> set_stored_deadline(db::Connection& conn, std::int64_t id, std::int64_t version,
                                 const std::optional<std::string>& d, std::int64_t epoch) {
  ZT_ASSIGN_OR_RETURN(auto n, conn.exec("UPDATE service_case SET statutory_deadline = ?, "
                                        "deadline_epoch = ? WHERE id = ? AND version = ?",
                                        d, epoch, id, version));
  return n > 0;
}

Result<std::vector<CaseStep>> steps(db::Connection& conn, std::int64_t case_id) {
  return db::map_rows<CaseStep>(
      conn.query(fmt::format("SELECT {} FROM service_case_step WHERE case_id = ? ORDER BY id",
                             kStepColumns),
                 case_id),
      step_of);
}

Status insert_step(db::Connection& conn, const CaseStep& s) {
  return db::done(conn.exec(
      "INSERT INTO service_case_step (case_id, step_index, round, name, department_id, "
      "department_name, state, claimed_by, claimed_by_name, claimed_at, completed_at, opinion, "
      "created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, NULL, '', ?)",
      s.case_id, s.step_index, s.round, s.name, s.department_id, s.department_name, s.state,
      s.claimed_by, s.claimed_by_name, s.claimed_at, s.created_at));
}

Result<bool> claim_step(db::Connection& conn, std::int64_t step_id, std::int64_t user,
                        std::string_view user_name, std::int64_t now) {
  ZT_ASSIGN_OR_RETURN(auto n, conn.exec("UPDATE service_case_step SET state = 'claimed', "
                                        "claimed_by = ?, claimed_by_name = ?, claimed_at = ? "
                                        "WHERE id = ? AND state = 'waiting'",
                                        user, user_name, now, step_id));
  return n > 0;
}

Result<bool> complete_step(db::Connection& conn, std::int64_t step_id, std::int64_t user,
                           std::string_view outcome, std::string_view opinion, std::int64_t now) {
  ZT_ASSIGN_OR_RETURN(auto n, conn.exec("UPDATE service_case_step SET state = ?, opinion = ?, "
                                        "completed_at = ? WHERE id = ? AND state = 'claimed' AND "
                                        "claimed_by = ?",
                                        outcome, opinion, now, step_id, user));
  return n > 0;
}

Result<bool> set_step_state(db::Connection& conn, std::int64_t step_id, std::string_view to,
                            std::span<const std::string_view> from_states) {
  std::vector<db::Param> params{db::Param(to), db::Param(step_id)};
  std::string sql = "UPDATE service_case_step SET state = ?";
  if (to == "claimed") sql += ", completed_at = NULL";
  sql += " WHERE id = ?";
  if (!from_states.empty()) {
    sql += " AND state IN (";
    for (std::size_t i = 0; i < from_states.size(); ++i) {
      sql += i == 0 ? "?" : ", ?";
      params.emplace_back(from_states[i]);
    }
    sql += ")";
  }
  ZT_ASSIGN_OR_RETURN(auto n, conn.exec(sql, std::span<const db::Param>(params)));
  return n > 0;
}

Result<bool> transfer_step(db::Connection& conn, std::int64_t step_id, std::int64_t department,
                           std::string_view department_name) {
  ZT_ASSIGN_OR_RETURN(
      auto n, conn.exec("UPDATE service_case_step SET department_id = ?, department_name = ?, "
                        "state = 'waiting', claimed_by = NULL, claimed_by_name = '', claimed_at = "
                        "NULL WHERE id = ? AND state IN ('waiting', 'claimed')",
                        department, department_name, step_id));
  return n > 0;
}

Result<bool> routed_to(db::Connection& conn, std::int64_t case_id, std::int64_t department) {
  ZT_ASSIGN_OR_RETURN(auto rows, conn.query("SELECT 1 FROM service_case_step WHERE "
                                            "department_id = ? AND case_id = ? LIMIT 1",
                                            department, case_id));
  return rows.size() > 0;
}

Status insert_event(db::Connection& conn, const CaseEvent& e) {
  return db::done(conn.exec(
      "INSERT INTO service_case_event (case_id, at, action, actor_name, from_state, to_state, "
      "reason, detail) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
      e.case_id, e.at, e.action, e.actor_name, e.from_state, e.to_state, e.reason, e.detail));
}

Result<std::vector<CaseEvent>> events(db::Connection& conn, std::int64_t case_id) {
  return db::map_rows<CaseEvent>(
      conn.query("SELECT id, case_id, at, action, actor_name, from_state, to_state, reason, "
                 "detail FROM service_case_event WHERE case_id = ? ORDER BY id",
                 case_id),
      event_of);
}

Status open_pause(db::Connection& conn, std::int64_t case_id, std::string_view kind,
                  std::string_view detail, std::int64_t now) {
  return db::done(conn.exec(
      "INSERT INTO service_case_pause (case_id, kind, detail, started_at) VALUES (?, ?, ?, ?)",
      case_id, kind, detail, now));
}

Status close_pauses(db::Connection& conn, std::int64_t case_id, std::int64_t now) {
  return db::done(
      conn.exec("UPDATE service_case_pause SET ended_at = ? WHERE case_id = ? AND ended_at IS NULL",
                now, case_id));
}

Result<std::vector<CasePause>> pauses(db::Connection& conn, std::span<const std::int64_t> cases) {
  if (cases.empty()) return std::vector<CasePause>{};
  std::string sql =
      "SELECT id, case_id, kind, detail, started_at, ended_at FROM service_case_pause WHERE "
      "case_id IN (";
  std::vector<db::Param> params;
  for (std::size_t i = 0; i < cases.size(); ++i) {
    sql += i == 0 ? "?" : ", ?";
    params.emplace_back(cases[i]);
  }
  sql += ") ORDER BY case_id, id";
  return db::map_rows<CasePause>(conn.query(sql, std::span<const db::Param>(params)), pause_of);
}

namespace {

// With due_before, a worklist walks the cases due (service_case_due) instead of the newest ones
// when fewer than this many are due: a rare match then costs a short range and a sort of it, not
// a scan of every case of the state; a common one keeps the newest-first walk, which finds its
// page early. The count stops at this many.
constexpr int kDueProbe = 5000;

// Whether fewer than kDueProbe cases in `states_sql` (" IN (…)" or " = ?", its parameters in
// `params`) are due on or before `due`.
Result<bool> few_due(db::Connection& conn, std::string_view states_sql,
                     std::vector<db::Param> params, const std::string& due) {
  params.emplace_back(due);
  ZT_ASSIGN_OR_RETURN(
      std::int64_t n,
      db::scalar<std::int64_t>(conn.query(
          fmt::format("SELECT count(*) FROM (SELECT 1 FROM service_case WHERE state{} AND "
                      "statutory_deadline <= ? LIMIT {}) AS due",
                      states_sql, kDueProbe),
          std::span<const db::Param>(params))));
  return n < kDueProbe;
}

// The states a case with a waiting or claimed step can be in.
constexpr std::string_view kRunningStates =
    " IN ('in_review', 'correction', 'special', 'deciding')";

}  // namespace

Result<std::vector<Case>> window_cases(db::Connection& conn, const CaseFilter& f) {
  const std::string wanted = f.state.value_or(std::string(state::kSubmitted));
  bool by_due = false;
  if (f.due_before) {
    ZT_ASSIGN_OR_RETURN(by_due, few_due(conn, " = ?", {db::Param(wanted)}, *f.due_before));
  }
  std::vector<db::Param> params{db::Param(wanted), db::Param(bound(f.before))};
  CaseFilter rest = f;
  rest.state.reset();
  // By due: `+` keeps the (state, id) index out, so the range of service_case_due is walked.
  const std::string_view id = by_due ? "+c.id" : "c.id";
  std::string sql = fmt::format("SELECT {} FROM service_case c WHERE c.state = ? AND {} < ?",
                                case_columns("c."), id);
  sql += case_conditions(rest, params);
  sql += fmt::format(" ORDER BY {} DESC LIMIT {}", id, f.limit);
  return db::map_rows<Case>(conn.query(sql, std::span<const db::Param>(params)), case_of);
}

Result<std::vector<Case>> department_cases(db::Connection& conn, std::int64_t department,
                                           const CaseFilter& f,
                                           std::vector<std::int64_t>& cursors) {
  bool by_due = false;
  if (f.due_before) {
    ZT_ASSIGN_OR_RETURN(by_due, few_due(conn, kRunningStates, {}, *f.due_before));
  }
  std::vector<db::Param> params{db::Param(department), db::Param(bound(f.before))};
  // By due: the cases due first (CROSS JOIN keeps that order of the loops on SQLite), their
  // steps by case; else the department's live steps newest first (service_case_step_active). A
  // live step's case is always running, so the state condition changes no answer.
  std::string sql =
      by_due ? fmt::format(
                   "SELECT {}, s.id FROM service_case c CROSS JOIN service_case_step s "
                   "WHERE c.state{} AND s.case_id = c.id AND s.department_id = ? AND "
                   "s.state IN ('waiting', 'claimed') AND +s.id < ?",
                   case_columns("c."), kRunningStates)
             : fmt::format(
                   "SELECT {}, s.id FROM service_case_step s JOIN service_case c ON c.id "
                   "= s.case_id WHERE s.department_id = ? AND s.state IN ('waiting', "
                   "'claimed') AND s.id < ?",
                   case_columns("c."));
  sql += case_conditions(f, params);
  sql += fmt::format(" ORDER BY {} DESC LIMIT {}", by_due ? "+s.id" : "s.id", f.limit);
  ZT_ASSIGN_OR_RETURN(auto rows, conn.query(sql, std::span<const db::Param>(params)));
  std::vector<Case> out;
  cursors.clear();
  for (std::size_t i = 0; i < rows.size(); ++i) {
    out.push_back(case_of(rows[i]));
    cursors.push_back(rows[i].get<std::int64_t>(35));
  }
  return out;
}

Result<std::vector<Case>> applicant_cases(db::Connection& conn, std::int64_t user,
                                          std::string_view key, const CaseFilter& f) {
  std::vector<db::Param> params{db::Param(user), db::Param(key), db::Param(bound(f.before))};
  std::string sql = fmt::format(
      "SELECT {} FROM service_case c WHERE (c.applicant_user_id = ? OR c.applicant_key = ?) AND "
      "c.id < ? AND NOT EXISTS (SELECT 1 FROM service_bundle_case b WHERE b.case_id = c.id)",
      case_columns("c."));
  sql += case_conditions(f, params);
  sql += " ORDER BY c.id DESC LIMIT " + std::to_string(f.limit);
  return db::map_rows<Case>(conn.query(sql, std::span<const db::Param>(params)), case_of);
}

Result<std::vector<Case>> stale_cases(db::Connection& conn, std::int64_t epoch, std::int64_t after,
                                      int limit) {
  return db::map_rows<Case>(
      conn.query(fmt::format("SELECT {} FROM service_case WHERE state IN ('in_review', "
                             "'correction', 'special', 'deciding') AND deadline_epoch < ? AND "
                             "id > ? ORDER BY id LIMIT {}",
                             case_columns(), limit),
                 epoch, after),
      case_of);
}

}  // namespace store

}  // namespace zt::services
