#include "registry/merge.h"

#include <boost/json/serialize.hpp>

#include <algorithm>

namespace zt::registry {

namespace json = boost::json;

std::string_view to_string(RegistryKind kind) {
  return kRegistryKindNames.name_of(kind);
}

std::optional<RegistryKind> registry_kind_from(std::string_view text) {
  return kRegistryKindNames.parse(text);
}

std::string_view key_attribute(RegistryKind kind) {
  return kind == RegistryKind::kPerson ? "id_number" : "uscc";
}

std::string candidates_digest(const std::vector<Candidate>& candidates) {
  std::vector<std::string> parts;
  parts.reserve(candidates.size());
  for (const Candidate& c : candidates)
    parts.push_back(c.resource_code + "=" + json::serialize(c.value));
  std::sort(parts.begin(), parts.end());
  std::string out;
  for (const std::string& p : parts) {
    out += p;
    out += '\n';
  }
  return out;
}

namespace {

bool is_false(const json::value& v) {
  return (v.is_bool() && !v.get_bool()) || (v.is_string() && v.get_string() == "false");
}

}  // namespace

Merged merge(RegistryKind kind, const std::vector<std::string>& attributes,
             const std::vector<Mapping>& mappings, const std::vector<SourceValues>& sources,
             const std::vector<Resolution>& resolutions) {
  Merged out;
  for (const std::string& attribute : attributes) {
    std::vector<Candidate> candidates;
    std::vector<const SourceValues*> from;
    for (const Mapping& m : mappings) {
      if (m.attribute != attribute) continue;
      for (const SourceValues& s : sources) {
        if (s.resource_code != m.resource_code) continue;
        auto it = s.values.find(attribute);
        if (it == s.values.end() || it->second.is_null()) continue;
        candidates.push_back({s.resource_code, it->second, m.priority, s.changed_at});
        from.push_back(&s);
      }
    }
    if (candidates.empty()) continue;
    std::vector<std::size_t> order(candidates.size());
    for (std::size_t i = 0; i < order.size(); ++i)
      order[i] = i;
    std::stable_sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) {
      const Candidate& x = candidates[a];
      const Candidate& y = candidates[b];
      if (x.priority != y.priority) return x.priority > y.priority;
      if (x.changed_at != y.changed_at) return x.changed_at > y.changed_at;
      // Within one millisecond: the later batch (ids are city-wide), then the later change.
      if (from[a]->batch_id != from[b]->batch_id) return from[a]->batch_id > from[b]->batch_id;
      return from[a]->seq > from[b]->seq;
    });
    std::vector<Candidate> ranked;
    for (std::size_t i : order)
      ranked.push_back(candidates[i]);
    const SourceValues& winner = *from[order.front()];
    json::value value = ranked.front().value;
    Provenance provenance{winner.resource_code, winner.batch_id, winner.changed_at, std::nullopt};

    if (kind == RegistryKind::kPerson && attribute == "alive") {
      // A death from any source, whatever its priority.
      for (std::size_t i : order) {
        if (is_false(candidates[i].value)) {
          value = false;
          provenance = {from[i]->resource_code, from[i]->batch_id, from[i]->changed_at,
                        std::nullopt};
          break;
        }
      }
      out.values[attribute] = std::move(value);
      out.provenance[attribute] = std::move(provenance);
      continue;
    }

    bool disagree = false;
    for (const Candidate& c : ranked)
      disagree = disagree || c.value != ranked.front().value;
    if (disagree) {
      const std::string digest = candidates_digest(ranked);
      auto resolved = std::find_if(
          resolutions.begin(), resolutions.end(),
          [&](const Resolution& r) { return r.attribute == attribute && r.digest == digest; });
      if (resolved != resolutions.end()) {
        value = resolved->value;
        provenance = {"", 0, resolved->resolved_at, resolved->id};
      } else {
        out.conflicts.push_back({attribute, ranked, digest});
      }
    }
    out.values[attribute] = std::move(value);
    out.provenance[attribute] = std::move(provenance);
  }

  // A death date from any source ends life everywhere.
  if (kind == RegistryKind::kPerson) {
    auto death = out.values.find("death_date");
    auto alive = out.values.find("alive");
    if (death != out.values.end() && (alive == out.values.end() || !is_false(alive->second))) {
      out.values["alive"] = false;
      out.provenance["alive"] = out.provenance["death_date"];
    }
  }
  return out;
}

}  // namespace zt::registry
