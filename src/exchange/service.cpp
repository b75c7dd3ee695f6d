#include "exchange/service.h"

#include "db/transaction.h"
#include "exchange/records/store.h"

namespace zt::exchange {

ExchangeService::ExchangeService(db::Database& db, catalog::CatalogService& catalog,
                                 SharingService& sharing, audit::AuditLog& audit,
                                 const core::CryptoProvider& crypto, const core::Clock& clock,
                                 std::size_t max_uploads, std::string node_id)
    : db_(db),
      catalog_(catalog),
      ingest_(db, catalog, audit, crypto, clock, max_uploads, std::move(node_id)),
      feed_(db, catalog, sharing, audit),
      quality_(db, catalog, clock) {}

Status ExchangeService::apply_schema(db::Connection& conn, const catalog::Resource* before,
                                     const catalog::Resource& after) {
  return records::apply_schema(conn, before, after);
}

Result<int> ExchangeService::upgrade_record_indexes() {
  ZT_ASSIGN_OR_RETURN(auto resources, catalog_.published());
  int made = 0;
  for (const catalog::Resource& r : resources) {
    ZT_ASSIGN_OR_RETURN(auto conn, db_.acquire(db::Access::kWrite));
    ZT_ASSIGN_OR_RETURN(auto tx, db::Transaction::begin(conn));
    ZT_ASSIGN_OR_RETURN(int n, records::upgrade_indexes(conn, r));
    ZT_TRY(tx.commit());
    made += n;
  }
  return made;
}

}  // namespace zt::exchange
