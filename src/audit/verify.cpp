#include "audit/verify.h"

#include <algorithm>
#include <map>
#include <vector>

#include "audit/model.h"
#include "audit/store.h"

namespace zt::audit {

Result<VerifyReport> verify_chain(db::Database& db, const core::CryptoProvider& crypto,
                                  const AuditKeys& keys, std::span<const Checkpoint> external,
                                  std::size_t page_size) {
  page_size = std::max<std::size_t>(page_size, 1);
  if (keys.chain_key.size() != kChainKeySize) {
    return Error::internal("invalid_audit_key", "the audit chain key is missing or not " +
                                                    std::to_string(kChainKeySize) + " bytes");
  }
  VerifyReport report;
  auto broken = [&](std::int64_t id, const char* reason) {
    report.ok = false;
    report.first_broken_id = id;
    report.reason = reason;
    return report;
  };

  // The checkpoints before the head: a checkpoint is only ever signed over a head that exists,
  // so every one read now is at or below the head read next.
  std::vector<Checkpoint> stored;
  for (std::int64_t after = 0;;) {
    ZT_ASSIGN_OR_RETURN(auto conn, db.acquire(db::Access::kRead));
    ZT_ASSIGN_OR_RETURN(auto page, store::checkpoints(conn, after, page_size));
    if (page.empty()) break;
    after = page.back().record_id;
    for (Checkpoint& c : page)
      stored.push_back(std::move(c));
  }
  ChainHead head;
  {
    ZT_ASSIGN_OR_RETURN(auto conn, db.acquire(db::Access::kRead));
    ZT_ASSIGN_OR_RETURN(head, store::read_head(conn, /*lock=*/false));
  }
  report.head_id = head.last_id;
  report.keyed_from = head.keyed_from;

  // record_id → the hashes checkpoints say it has (usually one).
  std::map<std::int64_t, std::vector<std::string>> anchored;
  auto check = [&](const Checkpoint& c) -> Result<const char*> {
    ZT_ASSIGN_OR_RETURN(const bool valid, signature_valid(crypto, keys.public_key_pem, c));
    ++report.checkpoints_checked;
    if (!valid) return "checkpoint_signature_invalid";
    if (c.keyed_from != head.keyed_from) return "keyed_from_mismatch";
    std::vector<std::string>& hashes = anchored[c.record_id];
    if (std::find(hashes.begin(), hashes.end(), c.record_hash) == hashes.end()) {
      hashes.push_back(c.record_hash);
    }
    return nullptr;
  };
  for (const Checkpoint& c : stored) {
    ZT_ASSIGN_OR_RETURN(const char* reason, check(c));
    if (reason != nullptr) return broken(c.record_id, reason);
  }
  for (const Checkpoint& c : external) {
    ZT_ASSIGN_OR_RETURN(const char* reason, check(c));
    if (reason != nullptr) return broken(c.record_id, reason);
    const bool in_table = std::binary_search(
        stored.begin(), stored.end(), c,
        [](const Checkpoint& a, const Checkpoint& b) { return a.record_id < b.record_id; });
    if (!in_table) return broken(c.record_id, "checkpoint_missing");
  }
  if (!anchored.empty()) report.last_checkpoint_id = anchored.rbegin()->first;

  std::int64_t last_id = 0;
  std::string last_hash(kGenesisHash);
  while (last_id < head.last_id) {
    std::vector<AuditRecord> records;
    {
      ZT_ASSIGN_OR_RETURN(auto conn, db.acquire(db::Access::kRead));
      ZT_ASSIGN_OR_RETURN(records, store::page(conn, last_id, head.last_id, page_size));
    }
    if (records.empty()) break;
    for (const AuditRecord& record : records) {
      ++report.records_checked;
      if (record.id != last_id + 1) return broken(last_id + 1, "gap");
      if (record.prev_hash != last_hash) return broken(record.id, "prev_hash_mismatch");
      auto hash = record.id >= head.keyed_from
                      ? chain_mac(crypto, keys.chain_key, record.prev_hash, record)
                      : chain_hash(crypto, record.prev_hash, record);
      if (!hash.ok()) return std::move(hash).error();
      if (*hash != record.hash) return broken(record.id, "hash_mismatch");
      if (auto a = anchored.find(record.id); a != anchored.end()) {
        for (const std::string& h : a->second) {
          if (h != record.hash) return broken(record.id, "checkpoint_mismatch");
        }
      }
      last_id = record.id;
      last_hash = record.hash;
    }
  }
  if (last_id != head.last_id || last_hash != head.last_hash) {
    // Records after last_id are missing (deleted at the end), or the head itself was changed.
    return broken(last_id < head.last_id ? last_id + 1 : head.last_id, "head_mismatch");
  }
  if (report.last_checkpoint_id && *report.last_checkpoint_id > head.last_id) {
    return broken(head.last_id + 1, "records_missing");
  }
  return report;
}

}  // namespace zt::audit
