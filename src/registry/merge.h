// The merge rules of the base registries (人口库, 法人库): from what each source resource says
// about one person or entity, the golden record — one value per attribute with its provenance —
// and the conflicts between sources.
//
// Rules, per attribute: the candidates are the sources whose mapped field holds a value. The
// highest priority wins; among equal priorities the most recent change wins (within one
// millisecond the later batch, then the higher sequence number). Two candidates with different
// values are a conflict for the data stewards; a steward's resolution (a value) applies while the
// candidates are exactly those it was made for, and the conflict reopens when they change. The
// person registry's `alive` is false as soon as any source records a death — `alive` false from any
// source, or a `death_date` — whatever the priorities (a death propagates everywhere; it is no
// conflict).
//
// Pure functions: no database, no clock.
#pragma once

#include "core/enum_names.h"

#include <boost/json/value.hpp>

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace zt::registry {

enum class RegistryKind { kPerson, kEntity };
// The API names of RegistryKind, for to_string, registry_kind_from and the API document.
inline constexpr auto kRegistryKindNames = core::enum_names<RegistryKind>(
    {{RegistryKind::kPerson, "person"}, {RegistryKind::kEntity, "entity"}});
std::string_view to_string(RegistryKind kind);
std::optional<RegistryKind> registry_kind_from(std::string_view text);  // "person" / "entity"
// The key attribute: id_number (person), uscc (entity).
std::string_view key_attribute(RegistryKind kind);

// attribute ← resource's field, with the source's priority for this attribute (higher wins).
struct Mapping {
  std::string attribute;
  std::string resource_code;
  std::string field;
  int priority = 0;
};

// What one source resource holds about the key now: its mapped attributes' values (nulls
// omitted) and where they came from.
struct SourceValues {
  std::string resource_code;
  std::map<std::string, boost::json::value, std::less<>> values;  // attribute → value
  std::int64_t batch_id = 0;
  std::int64_t seq = 0;
  std::int64_t changed_at = 0;  // ms
};

struct Provenance {
  std::string resource_code;  // "" when a steward's resolution decided
  std::int64_t batch_id = 0;
  std::int64_t changed_at = 0;
  std::optional<std::int64_t> resolution_id;
};

struct Candidate {
  std::string resource_code;
  boost::json::value value;
  int priority = 0;
  std::int64_t changed_at = 0;
};

// A kept decision of a steward: `value` for `attribute` while the candidates are `candidates`
// (their digest, see candidates_digest()).
struct Resolution {
  std::int64_t id = 0;
  std::string attribute;
  std::string digest;
  boost::json::value value;
  std::int64_t resolved_at = 0;
};

struct MergeConflict {
  std::string attribute;
  std::vector<Candidate> candidates;  // by priority, then recency, winner first
  std::string digest;
};

struct Merged {
  std::map<std::string, boost::json::value, std::less<>> values;  // attribute → golden value
  std::map<std::string, Provenance, std::less<>> provenance;
  std::vector<MergeConflict> conflicts;  // unresolved only
};

// The candidates' identity for resolutions: resource and value of each, in a fixed order.
std::string candidates_digest(const std::vector<Candidate>& candidates);

// The golden record of one key. `attributes` are the registry's attributes (the key excluded);
// `sources` at most one per resource.
Merged merge(RegistryKind kind, const std::vector<std::string>& attributes,
             const std::vector<Mapping>& mappings, const std::vector<SourceValues>& sources,
             const std::vector<Resolution>& resolutions);

}  // namespace zt::registry
