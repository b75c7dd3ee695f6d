// The value types of one-stop services (一网通办): service items (事项) with their guide, form,
// materials and steps; cases (办件) with their steps, timeline and pauses; and the pure rules on
// them — parsing and checking an item definition, the case states and which transition each
// allows, and the clock of a case (its deadlines on the working-day calendar).
//
// Plain values and pure functions: safe to copy and call from many threads.
#pragma once

#include "catalog/model.h"
#include "core/enum_names.h"
#include "core/result.h"
#include "core/working_calendar.h"

#include <boost/json/fwd.hpp>

#include <array>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace zt::services {

// 事项类型: the eight kinds of the power list (权力清单) and public services.
enum class ItemType {
  kLicence,        // 行政许可
  kBenefit,        // 行政给付
  kConfirmation,   // 行政确认
  kLevy,           // 行政征收
  kAdjudication,   // 行政裁决
  kReward,         // 行政奖励
  kOtherPower,     // 其他行政权力
  kPublicService,  // 公共服务
};
inline constexpr auto kItemTypeNames =
    core::enum_names<ItemType>({{ItemType::kLicence, "licence"},
                                {ItemType::kBenefit, "benefit"},
                                {ItemType::kConfirmation, "confirmation"},
                                {ItemType::kLevy, "levy"},
                                {ItemType::kAdjudication, "adjudication"},
                                {ItemType::kReward, "reward"},
                                {ItemType::kOtherPower, "other_power"},
                                {ItemType::kPublicService, "public_service"}});
// The Chinese name of each type, in kItemTypeNames' order (search by type in Chinese).
inline constexpr std::array<std::string_view, 8> kItemTypeLabels = {
    "行政许可", "行政给付", "行政确认",     "行政征收",
    "行政裁决", "行政奖励", "其他行政权力", "公共服务"};
std::string_view label_of(ItemType type);

// Who may apply: 自然人 (person), 法人 (entity), or both.
enum class ApplicantKind { kPerson, kEntity, kBoth };
inline constexpr auto kApplicantKindNames =
    core::enum_names<ApplicantKind>({{ApplicantKind::kPerson, "person"},
                                     {ApplicantKind::kEntity, "entity"},
                                     {ApplicantKind::kBoth, "both"}});

// 即办件 (decided on the spot) or 承诺件 (within the promised limit).
enum class ItemKind { kInstant, kPromised };
inline constexpr auto kItemKindNames = core::enum_names<ItemKind>(
    {{ItemKind::kInstant, "instant"}, {ItemKind::kPromised, "promised"}});

enum class ItemStatus { kDraft, kPublished, kRetired };
inline constexpr auto kItemStatusNames =
    core::enum_names<ItemStatus>({{ItemStatus::kDraft, "draft"},
                                  {ItemStatus::kPublished, "published"},
                                  {ItemStatus::kRetired, "retired"}});

// A value taken from a registry (or any granted resource): the resource's code and field.
struct RegistrySource {
  std::string resource;  // "DSJ-RK01"
  std::string field;     // "name"
};

struct FormField {
  std::string name;  // a-z, 0-9, _
  std::string label;
  catalog::FieldType type = catalog::FieldType::kString;
  bool required = false;
  std::vector<std::string> enum_values;   // type enum
  std::optional<RegistrySource> prefill;  // pre-filled from this attribute after consent
};

struct Material {
  std::string name;
  bool required = true;
  // "upload": the applicant uploads it; "registry": 免提交, taken from `prefill`.
  std::string source = "upload";
  std::optional<RegistrySource> prefill;
};
inline constexpr std::array<std::string_view, 2> kMaterialSources = {"upload", "registry"};

struct Fee {
  std::string name;
  std::string amount;  // yuan, decimal text "10.00"
};

// One step after acceptance (审查, 决定, …). Several departments: 并联审批 — done when all
// approve, rejected when one rejects. Departments and share are internal: not in the guide.
struct Step {
  std::string name;
  std::vector<std::int64_t> departments;
  int share_percent = 0;  // its share of the limit
};

inline constexpr std::array<std::string_view, 3> kChannels = {"online", "window", "post"};
inline constexpr std::array<std::string_view, 2> kDeliveries = {"window", "courier"};

// What a department administrator writes (POST / PUT of an item): everything but the code's
// version, status and times.
struct ItemDraft {
  std::string code;  // 实施编码
  std::string name;
  std::int64_t department_id = 0;
  ItemType type = ItemType::kPublicService;
  ApplicantKind applicant = ApplicantKind::kPerson;
  ItemKind kind = ItemKind::kPromised;
  int statutory_limit = 0;  // working days (0 for an instant item)
  int promised_limit = 0;
  std::string purpose;  // the purpose of its reads of registry data (用途)
  std::string legal_basis;
  std::vector<Fee> fees;
  std::vector<std::string> channels;
  int visits = 0;  // 最多跑一次: 0 or 1
  std::vector<std::string> deliveries;
  std::vector<std::string> life_events;  // 人生事件 / 主题: search terms
  std::vector<FormField> form;
  std::vector<Material> materials;
  std::vector<Step> steps;
};

struct Item {
  std::int64_t id = 0;  // of this version
  std::int64_t version = 1;
  ItemStatus status = ItemStatus::kDraft;
  ItemDraft def;
  std::string department_name;
  std::int64_t created_at = 0;
  std::optional<std::int64_t> published_at;
};

// The body of an item (JSON object) as ItemDraft, checked. `department_id` is the caller's
// default when the body names none. Failure: 400 "invalid_item" naming the first problem.
Result<ItemDraft> parse_item(const boost::json::object& body, std::int64_t department_id);
// The internal parts of an item as stored (form, materials, steps, fees, …) and back.
std::string definition_json(const ItemDraft& def);
Status read_definition(std::string_view text, ItemDraft& def);

// --- cases -------------------------------------------------------------------------------------

// The states of a case. Terminal: delivered, not_accepted, withdrawn.
inline constexpr std::array<std::string_view, 11> kCaseStates = {
    "draft",   "submitted", "correction", "in_review",    "special",  "deciding",
    "decided", "concluded", "delivered",  "not_accepted", "withdrawn"};
namespace state {
inline constexpr std::string_view kDraft = "draft";
inline constexpr std::string_view kSubmitted = "submitted";
inline constexpr std::string_view kCorrection = "correction";  // 补正: the applicant answers
inline constexpr std::string_view kInReview = "in_review";     // the steps
inline constexpr std::string_view kSpecial = "special";        // 特别程序 (clock paused)
inline constexpr std::string_view kDeciding = "deciding";      // every step done: the decision
inline constexpr std::string_view kDecided = "decided";
inline constexpr std::string_view kConcluded = "concluded";  // 办结
inline constexpr std::string_view kDelivered = "delivered";
inline constexpr std::string_view kNotAccepted = "not_accepted";
inline constexpr std::string_view kWithdrawn = "withdrawn";
}  // namespace state

// Steps: waiting (for a claim), claimed, approved, rejected; and closed ones (returned, recalled,
// cancelled) kept as the case's history.
inline constexpr std::array<std::string_view, 7> kStepStates = {
    "waiting", "claimed", "approved", "rejected", "returned", "recalled", "cancelled"};

// The special procedures of 行政许可法 第四十五条.
inline constexpr std::array<std::string_view, 4> kSpecialKinds = {"hearing", "inspection",
                                                                  "expert_review", "publicity"};
inline constexpr std::array<std::string_view, 2> kPauseKinds = {"correction", "special"};
inline constexpr std::array<std::string_view, 2> kDecisions = {"approve", "deny"};

// Every transition, as the routes name them (POST /api/v1/services/cases/{number}/<action>).
inline constexpr std::array<std::string_view, 14> kActions = {
    "submit",   "accept", "not_accept", "request_correction", "answer_correction", "withdraw",
    "return",   "recall", "transfer",   "start_special",      "end_special",       "decide",
    "conclude", "deliver"};

// The states each action may start from (empty for an unknown action).
std::span<const std::string_view> allowed_from(std::string_view action);
bool is_running(std::string_view state);  // accepted and not yet concluded or ended

struct CaseStep {
  std::int64_t id = 0;
  std::int64_t case_id = 0;
  std::int64_t step_index = 0;
  std::int64_t round = 0;  // each opening of a step is a new round (after a return, …)
  std::string name;
  std::int64_t department_id = 0;
  std::string department_name;
  std::string state;
  std::optional<std::int64_t> claimed_by;
  std::string claimed_by_name;
  std::optional<std::int64_t> claimed_at;
  std::optional<std::int64_t> completed_at;
  std::string opinion;
  std::int64_t created_at = 0;
};

struct CaseEvent {
  std::int64_t id = 0;
  std::int64_t case_id = 0;
  std::int64_t at = 0;
  std::string action;
  std::string actor_name;
  std::string from_state;
  std::string to_state;
  std::string reason;
  std::string detail;  // JSON object text
};

struct CasePause {
  std::int64_t id = 0;
  std::int64_t case_id = 0;
  std::string kind;  // correction, special
  std::string detail;
  std::int64_t started_at = 0;
  std::optional<std::int64_t> ended_at;
};

// One value pre-filled from a registry, with where it came from.
struct PrefilledValue {
  std::string target;  // "form.<field>" or "material.<name>"
  std::string resource;
  std::string field;
  std::string department;  // the providing department's name
  std::int64_t read_at = 0;
  std::string value;  // as text; empty when the record had none
  bool found = false;
  bool applied = false;  // put into the form (the applicant had not given the field)
};

struct Case {
  std::int64_t id = 0;
  std::string number;  // 办件编号
  std::int64_t item_id = 0;
  std::string item_code;
  std::int64_t item_version = 0;
  std::string item_name;
  std::int64_t department_id = 0;
  std::optional<std::int64_t> applicant_user_id;
  std::string applicant_kind;  // person, entity
  std::string applicant_name;
  std::string applicant_key;  // id_number / uscc
  std::int64_t filed_by = 0;
  std::string channel;  // online, window
  std::string state;
  std::string resume_state;  // where correction / special return to
  std::int64_t step_index = 0;
  std::int64_t version = 0;
  std::string form = "{}";        // JSON object text
  std::string prefill = "[]";     // JSON array of PrefilledValue
  std::string correction = "[]";  // JSON array of what 补正 asks for (strings); "[]" when none
  std::string special_kind;
  std::string review_outcome;  // "", approved, rejected (the steps' result)
  std::string decision;        // "", approve, deny
  std::string decision_reason;
  std::string result_text;
  std::string delivery = "{}";  // JSON object text, "{}" before delivery
  std::int64_t statutory_limit = 0;
  std::int64_t promised_limit = 0;
  std::optional<std::string> stored_deadline;  // statutory, as of the last change (filters)
  std::int64_t deadline_epoch = 0;
  std::optional<std::int64_t> accepted_at;
  std::optional<std::int64_t> decided_at;
  std::optional<std::int64_t> concluded_at;
  std::int64_t created_at = 0;
  std::int64_t updated_at = 0;
};

// A case's clock on a calendar: both deadlines, remaining working days (negative: overdue) and
// whether it stands still now.
struct CaseClock {
  bool running = false;  // accepted
  bool paused = false;
  std::optional<std::string> statutory_deadline;
  std::optional<std::string> promised_deadline;
  std::optional<std::int64_t> statutory_remaining;
  std::optional<std::int64_t> promised_remaining;
  std::int64_t paused_working_days = 0;
  bool calendar_incomplete = false;
};

// --- reminders (催办 / 预警) --------------------------------------------------------------------

// What a reminder says, most severe first: the statutory deadline passed (超期), the promised one
// passed, the promised one `warning_days` working days away or less (预警).
inline constexpr std::array<std::string_view, 3> kReminderKinds = {"overdue", "promised_overdue",
                                                                   "warning"};
inline constexpr int kDefaultWarningDays = 2;

// The reminder kinds whose condition holds for a case with `clock` on `today`, most severe first
// (empty when none, or when the clock does not run): overdue when today is after the statutory
// deadline, promised_overdue after the promised one, warning when the promised limit is not 0,
// today is not after the promised deadline and at most `warning_days` working days remain. Pure.
std::vector<std::string_view> alerts_of(const CaseClock& clock, core::Date today,
                                        std::int64_t promised_limit, int warning_days);

// The pauses as the calendar counts them: a pause started on day S and ended on day E stops the
// clock on S+1..E (the day it starts already ran; like the day of acceptance, the clock starts
// again the day after the answer); one not ended yet runs to `today`.
std::vector<core::Pause> calendar_pauses(std::span<const CasePause> pauses, core::Date today);
// The clock of `c` on `calendar` as of `now` (ms). Pure.
CaseClock clock_of(const Case& c, std::span<const CasePause> pauses,
                   const core::WorkingCalendar& calendar, std::int64_t now);

}  // namespace zt::services
