// The registries' merge rules (registry/merge.h): priority, recency among equals, provenance,
// conflicts and resolutions that hold only for the candidates they were made for, and deaths
// that win whatever the priorities.
#include "registry/merge.h"

#include <gtest/gtest.h>

namespace zt::registry {
namespace {

namespace json = boost::json;

const std::vector<std::string> kAttributes{"name", "household_address", "alive", "death_date"};

std::vector<Mapping> mappings() {
  return {{"name", "GA", "name", 10},
          {"name", "MZ", "name", 5},
          {"household_address", "GA", "household_address", 5},
          {"household_address", "MZ", "household_address", 5},
          {"alive", "GA", "alive", 10},
          {"death_date", "WJ", "death_date", 10}};
}

SourceValues source(std::string code, std::int64_t changed_at,
                    std::map<std::string, json::value, std::less<>> values) {
  static std::int64_t seq = 0;
  return {std::move(code), std::move(values), 7, ++seq, changed_at};
}

TEST(Merge, HighestPriorityWinsWithProvenanceAndAConflict) {
  const Merged m =
      merge(RegistryKind::kPerson, kAttributes, mappings(),
            {source("GA", 100, {{"name", "张三"}}), source("MZ", 200, {{"name", "张叁"}})}, {});
  EXPECT_EQ(m.values.at("name"), "张三");
  EXPECT_EQ(m.provenance.at("name").resource_code, "GA");
  EXPECT_EQ(m.provenance.at("name").batch_id, 7);
  EXPECT_EQ(m.provenance.at("name").changed_at, 100);
  ASSERT_EQ(m.conflicts.size(), 1u);
  EXPECT_EQ(m.conflicts[0].attribute, "name");
  ASSERT_EQ(m.conflicts[0].candidates.size(), 2u);
  EXPECT_EQ(m.conflicts[0].candidates[0].resource_code, "GA") << "winner first";
}

TEST(Merge, AmongEqualPrioritiesTheMostRecentWins) {
  const auto sources =
      std::vector<SourceValues>{source("GA", 300, {{"household_address", "鹿城区五马街道1号"}}),
                                source("MZ", 200, {{"household_address", "瓯海区新桥街道9号"}})};
  Merged m = merge(RegistryKind::kPerson, kAttributes, mappings(), sources, {});
  EXPECT_EQ(m.values.at("household_address"), "鹿城区五马街道1号");
  EXPECT_EQ(m.provenance.at("household_address").resource_code, "GA");
  const auto later = std::vector<SourceValues>{
      sources[0], source("MZ", 400, {{"household_address", "瓯海区新桥街道9号"}})};
  m = merge(RegistryKind::kPerson, kAttributes, mappings(), later, {});
  EXPECT_EQ(m.values.at("household_address"), "瓯海区新桥街道9号");
  EXPECT_EQ(m.provenance.at("household_address").resource_code, "MZ");
}

TEST(Merge, WithinOneMillisecondTheLaterBatchWins) {
  // Two departments' batches in the same millisecond: each resource's change sequence starts at
  // 1, so only the city-wide batch id says which came later.
  SourceValues ga{"GA", {{"household_address", "鹿城区五马街道2号"}}, 1, 2, 500};
  SourceValues mz{"MZ", {{"household_address", "瓯海区新桥街道9号"}}, 2, 2, 500};
  for (const auto& sources :
       {std::vector<SourceValues>{ga, mz}, std::vector<SourceValues>{mz, ga}}) {
    const Merged m = merge(RegistryKind::kPerson, kAttributes, mappings(), sources, {});
    EXPECT_EQ(m.values.at("household_address"), "瓯海区新桥街道9号");
    EXPECT_EQ(m.provenance.at("household_address").batch_id, 2);
  }
}

TEST(Merge, AgreeingSourcesAndMissingValuesAreNoConflict) {
  const Merged m = merge(RegistryKind::kPerson, kAttributes, mappings(),
                         {source("GA", 1, {{"name", "李四"}}),
                          source("MZ", 2, {{"name", "李四"}, {"household_address", nullptr}})},
                         {});
  EXPECT_TRUE(m.conflicts.empty());
  EXPECT_FALSE(m.values.contains("household_address"));
}

TEST(Merge, AResolutionHoldsForItsCandidatesOnly) {
  const auto sources = std::vector<SourceValues>{source("GA", 1, {{"name", "张三"}}),
                                                 source("MZ", 2, {{"name", "张叁"}})};
  const Merged open = merge(RegistryKind::kPerson, kAttributes, mappings(), sources, {});
  ASSERT_EQ(open.conflicts.size(), 1u);
  const Resolution kept{42, "name", open.conflicts[0].digest, "张叁", 99};
  Merged m = merge(RegistryKind::kPerson, kAttributes, mappings(), sources, {kept});
  EXPECT_EQ(m.values.at("name"), "张叁");
  EXPECT_EQ(m.provenance.at("name").resolution_id, 42);
  EXPECT_TRUE(m.conflicts.empty());
  // 民政 changes its value: the old resolution no longer applies.
  m = merge(RegistryKind::kPerson, kAttributes, mappings(),
            {sources[0], source("MZ", 3, {{"name", "张叄"}})}, {kept});
  EXPECT_EQ(m.values.at("name"), "张三");
  EXPECT_EQ(m.conflicts.size(), 1u);
}

TEST(Merge, ADeathFromAnySourceMarksThePersonDeceased) {
  const Merged m = merge(
      RegistryKind::kPerson, kAttributes, mappings(),
      {source("GA", 1, {{"alive", true}}), source("WJ", 2, {{"death_date", "2026-03-01"}})}, {});
  EXPECT_EQ(m.values.at("alive"), false);
  EXPECT_EQ(m.provenance.at("alive").resource_code, "WJ");
  EXPECT_TRUE(m.conflicts.empty());
  // For entities the rule does not apply.
  const Merged e = merge(
      RegistryKind::kEntity, {"alive", "death_date"}, mappings(),
      {source("GA", 1, {{"alive", true}}), source("WJ", 2, {{"death_date", "2026-03-01"}})}, {});
  EXPECT_EQ(e.values.at("alive"), true);
}

TEST(Merge, KindsByName) {
  EXPECT_EQ(registry_kind_from("person"), RegistryKind::kPerson);
  EXPECT_EQ(registry_kind_from("entity"), RegistryKind::kEntity);
  EXPECT_FALSE(registry_kind_from("people"));
  EXPECT_EQ(key_attribute(RegistryKind::kEntity), "uscc");
}

}  // namespace
}  // namespace zt::registry
