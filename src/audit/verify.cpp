#include "audit/verify.h"

#include <algorithm>

#include "audit/model.h"
#include "audit/store.h"

namespace zt::audit {

Result<VerifyReport> verify_chain(db::Database& db, const core::CryptoProvider& crypto,
                                  std::size_t page_size) {
  page_size = std::max<std::size_t>(page_size, 1);
  VerifyReport report;
  ChainHead head;
  {
    auto conn = db.acquire(db::Access::kRead);
    if (!conn.ok()) return std::move(conn).error();
    auto read = store::read_head(*conn, /*lock=*/false);
    if (!read.ok()) return std::move(read).error();
    head = std::move(read).value();
  }
  report.head_id = head.last_id;
  auto broken = [&](std::int64_t id, const char* reason) {
    report.ok = false;
    report.first_broken_id = id;
    report.reason = reason;
    return report;
  };

  std::int64_t last_id = 0;
  std::string last_hash(kGenesisHash);
  while (last_id < head.last_id) {
    std::vector<AuditRecord> records;
    {
      auto conn = db.acquire(db::Access::kRead);
      if (!conn.ok()) return std::move(conn).error();
      auto page = store::page(*conn, last_id, head.last_id, page_size);
      if (!page.ok()) return std::move(page).error();
      records = std::move(page).value();
    }
    if (records.empty()) break;
    for (const AuditRecord& record : records) {
      ++report.records_checked;
      if (record.id != last_id + 1) return broken(last_id + 1, "gap");
      if (record.prev_hash != last_hash) return broken(record.id, "prev_hash_mismatch");
      auto hash = chain_hash(crypto, record.prev_hash, record);
      if (!hash.ok()) return std::move(hash).error();
      if (*hash != record.hash) return broken(record.id, "hash_mismatch");
      last_id = record.id;
      last_hash = record.hash;
    }
  }
  if (last_id != head.last_id || last_hash != head.last_hash) {
    // Records after last_id are missing (deleted at the end), or the head itself was changed.
    return broken(last_id < head.last_id ? last_id + 1 : head.last_id, "head_mismatch");
  }
  return report;
}

}  // namespace zt::audit
