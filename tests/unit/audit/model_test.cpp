// The chain's hash rule without a database: a fixed record has a fixed encoding and hash (pinned
// here: changing them breaks every stored chain), parse_time, AuditEntry::by.
#include <gtest/gtest.h>

#include "audit/model.h"
#include "core/crypto_openssl.h"

namespace zt::audit {
namespace {

AuditRecord fixed_record() {
  AuditRecord r;
  r.id = 42;
  r.time = core::TimePoint(std::chrono::milliseconds(1'795'000'000'123));
  r.entry.actor_kind = "user";
  r.entry.actor_id = 7;
  r.entry.actor_name = "张三";
  r.entry.department_id = std::nullopt;
  r.entry.source_address = "10.0.0.8";
  r.entry.action = "person.read";
  r.entry.object_type = "person";
  r.entry.object_id = "330302199001011234";
  r.entry.outcome = "success";
  r.entry.request_id = "r-1";
  r.entry.purpose = "办件审核";
  r.entry.case_id = "";
  r.entry.detail = R"({"fields":["name"]})";
  r.prev_hash = std::string(kGenesisHash);
  return r;
}

TEST(AuditModel, CanonicalEncodingIsLengthPrefixedInAFixedOrder) {
  EXPECT_EQ(canonical_encoding(fixed_record()),
            "11:zt-audit-v1,2:42,29:2026-11-18T19:06:40.123+08:00,4:user,1:7,6:张三,0:,"
            "8:10.0.0.8,11:person.read,6:person,18:330302199001011234,7:success,3:r-1,"
            "12:办件审核,0:,19:{\"fields\":[\"name\"]},");
}

TEST(AuditModel, FixedRecordHasAFixedHash) {
  core::OpenSslCryptoProvider crypto;
  auto hash = chain_hash(crypto, kGenesisHash, fixed_record());
  ASSERT_TRUE(hash.ok());
  // Pinned once; recomputed independently with Python's hashlib.new("sm3") over the same bytes.
  EXPECT_EQ(*hash, "9b0cf5b2b9f910c250ba02e6c5d2a15806592d233f753ee5534b19e72f8b559c");
  // Every field counts.
  AuditRecord other = fixed_record();
  other.entry.department_id = 0;
  EXPECT_NE(*chain_hash(crypto, kGenesisHash, other), *hash);
  other = fixed_record();
  other.time += std::chrono::milliseconds(1);
  EXPECT_NE(*chain_hash(crypto, kGenesisHash, other), *hash);
  EXPECT_NE(*chain_hash(crypto, std::string(64, '1'), fixed_record()), *hash);
  // Moving bytes between fields changes the encoding (length prefixes).
  other = fixed_record();
  other.entry.object_type = "person330302199001011234";
  other.entry.object_id = "";
  EXPECT_NE(canonical_encoding(other), canonical_encoding(fixed_record()));
}

TEST(AuditModel, KeyedHashIsHmacSm3OfTheSameBytes) {
  core::OpenSslCryptoProvider crypto;
  const std::string key(kChainKeySize, 'k');
  auto mac = chain_mac(crypto, key, kGenesisHash, fixed_record());
  ASSERT_TRUE(mac.ok());
  EXPECT_EQ(mac->size(), 64u);
  const std::string message = std::string(kGenesisHash) + canonical_encoding(fixed_record());
  EXPECT_EQ(*mac, core::to_hex(*crypto.hmac_sm3(key, message)));
  EXPECT_NE(*mac, *chain_hash(crypto, kGenesisHash, fixed_record()));  // not the unkeyed hash
  EXPECT_NE(*mac, *chain_mac(crypto, std::string(kChainKeySize, 'j'), kGenesisHash,
                             fixed_record()));  // the key counts
  auto short_key = chain_mac(crypto, "short", kGenesisHash, fixed_record());
  ASSERT_FALSE(short_key.ok());
  EXPECT_EQ(short_key.error().code, "invalid_audit_key");
}

TEST(AuditModel, ParseTimeAcceptsOffsetsAndBothDatabaseForms) {
  const core::TimePoint t(std::chrono::milliseconds(1'795'000'000'123));
  EXPECT_EQ(*parse_time("2026-11-18T19:06:40.123+08:00"), t);
  EXPECT_EQ(*parse_time("2026-11-18T11:06:40.123Z"), t);
  EXPECT_EQ(*parse_time("2026-11-18 11:06:40.123456+00"), t);  // PostgreSQL TIMESTAMPTZ text
  EXPECT_EQ(*parse_time("2026-11-18T06:06:40.123-05:00"), t);
  EXPECT_EQ(*parse_time("2026-11-18T19:06:40.123+0800"), t);
  EXPECT_EQ(*parse_time("2026-11-18T11:06:40Z"), t - std::chrono::milliseconds(123));
  EXPECT_EQ(*parse_time("2026-11-19"), *parse_time("2026-11-19T00:00:00+08:00"));
  EXPECT_EQ(core::format_iso8601(*parse_time("2026-11-18T11:06:40.1Z")),
            "2026-11-18T19:06:40.100+08:00");
  for (const char* bad : {"", "2026-11-18T08:26:40", "2026-13-01T00:00:00Z", "2026-02-30T00:00:00Z",
                          "2026-11-18T24:00:00Z", "2026-11-18T08:26:40.Z",
                          "2026-11-18T08:26:40Zjunk", "yesterday", "2026-11-18T08:26:40+8"}) {
    auto r = parse_time(bad);
    EXPECT_FALSE(r.ok()) << bad;
    if (!r.ok()) {
      EXPECT_EQ(r.error().code, "invalid_time");
    }
  }
}

TEST(AuditModel, ByFillsTheActorFromAPrincipal) {
  core::Principal user{
      .kind = core::Principal::Kind::kUser, .id = 9, .name = "lisi", .department_id = 4};
  AuditEntry e;
  e.by(user).action = "auth.logout";
  EXPECT_EQ(e.actor_kind, "user");
  EXPECT_EQ(e.actor_id, 9);
  EXPECT_EQ(e.actor_name, "lisi");
  EXPECT_EQ(e.department_id, 4);
  EXPECT_EQ(e.action, "auth.logout");
  core::Principal client{.kind = core::Principal::Kind::kApiClient, .id = 2, .name = "社保系统"};
  e.by(client);
  EXPECT_EQ(e.actor_kind, "api_client");
  EXPECT_EQ(e.actor_id, 2);
  EXPECT_FALSE(e.department_id);
}

}  // namespace
}  // namespace zt::audit
