// Bundles (一件事一次办): several service items under one application. The value types — a
// bundle's definition, its merged form and materials, a bundle application — and the pure rules
// on them: parsing a definition, merging the member items' forms and materials, and the one
// progress of an application from its child cases' states.
//
// Plain values and pure functions: safe to copy and call from many threads.
#pragma once

#include "core/result.h"
#include "services/model.h"

#include <boost/json/fwd.hpp>

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <vector>

namespace zt::services {

// What a department administrator writes (POST / PUT of a bundle).
struct BundleDraft {
  std::string code;
  std::string name;
  std::int64_t department_id = 0;        // the lead department (牵头部门), which manages it
  std::vector<std::string> life_events;  // 人生事件 / 主题: search terms
  std::string description;
  std::string purpose;               // the purpose of the one registry read (用途)
  std::vector<std::string> members;  // item codes, in the order the applicant sees them
};

struct Bundle {
  std::int64_t id = 0;  // of this version
  std::int64_t version = 1;
  ItemStatus status = ItemStatus::kDraft;
  BundleDraft def;
  std::string department_name;
  std::int64_t created_at = 0;
  std::optional<std::int64_t> published_at;
};

// The body of a bundle as BundleDraft, checked (2 to 20 distinct members). `department_id` is
// the caller's default. Failure: 400 "invalid_bundle" naming the first problem.
Result<BundleDraft> parse_bundle(const boost::json::object& body, std::int64_t department_id);
// The stored definition (life events, description, purpose, members) and back.
std::string bundle_definition_json(const BundleDraft& def);
Status read_bundle_definition(std::string_view text, BundleDraft& def);

// Where a merged field or material goes in one member item.
struct MergedTarget {
  std::string item_code;
  std::string name;  // the member's field or material name
};

// One question of the merged form: asked once for every member field with its key and type, or
// with its registry attribute.
struct MergedField {
  FormField field;  // the first member's definition; required if any member requires it
  std::vector<MergedTarget> targets;
};

// One material of the merged set, deduplicated by name (uploads) or registry attribute (免提交);
// required if any member requires it.
struct MergedMaterial {
  Material material;
  std::vector<MergedTarget> targets;
};

struct MergedBundle {
  std::vector<MergedField> form;
  std::vector<MergedMaterial> materials;
  ApplicantKind applicant = ApplicantKind::kBoth;  // who may apply to every member
  std::vector<std::string> channels;               // offered by every member
};

// Merges the member items (in the bundle's order). A field is asked once for every member with
// the same key or the same registry prefill attribute; the same key defined twice with another
// type, other enum values or another prefill attribute is 409 "bundle_form_conflict" naming the
// key and both items. Materials: one per upload name or registry attribute; one name from an
// upload in one member and from a registry in another is 409 "bundle_material_conflict".
// Members of which no applicant kind may apply to all: 409 "bundle_applicant_conflict".
Result<MergedBundle> merge_bundle(std::span<const Item> members);

// The merged form's values (keys of merged fields) spread to each member's own field names:
// the form of member `item_code`. Keys not in the merged form are left out.
boost::json::object member_form(const MergedBundle& merged, std::string_view item_code,
                                const boost::json::object& form);
// The merged form's key that member `item_code`'s field `name` is asked as (nullptr: none).
const MergedField* merged_field_of(const MergedBundle& merged, std::string_view item_code,
                                   std::string_view name);

// A bundle application (一件事申请): one application, one child case per member.
struct BundleApplication {
  std::int64_t id = 0;
  std::string number;  // e.g. YJS-20261207-0000042
  std::int64_t bundle_id = 0;
  std::string bundle_code;
  std::int64_t bundle_version = 0;
  std::string bundle_name;
  std::optional<std::int64_t> applicant_user_id;
  std::string applicant_kind;
  std::string applicant_name;
  std::string applicant_key;
  std::int64_t filed_by = 0;
  std::string channel;
  std::string form = "{}";     // the merged form as applied (JSON object)
  std::string prefill = "[]";  // the merged pre-filled values (JSON array of PrefilledValue)
  std::int64_t created_at = 0;
  std::int64_t updated_at = 0;
};

// The overall states of a bundle application, from its children.
inline constexpr std::array<std::string_view, 5> kBundleStates = {
    "draft", "in_progress", "correction", "done", "withdrawn"};

struct BundleProgress {
  std::string state;     // one of kBundleStates
  std::string progress;  // in plain words (中文)
};
// From the children's states (in the bundle's order): draft when every child is a draft;
// withdrawn when every child is; correction when any waits for the applicant's 补正; done when
// every child has ended (concluded, delivered, not accepted, withdrawn); else in_progress.
BundleProgress bundle_progress(std::span<const std::string> child_states);

}  // namespace zt::services
