#include "exchange/service.h"

#include "exchange/records/store.h"

namespace zt::exchange {

ExchangeService::ExchangeService(db::Database& db, catalog::CatalogService& catalog,
                                 SharingService& sharing, audit::AuditLog& audit,
                                 const core::CryptoProvider& crypto, const core::Clock& clock,
                                 std::size_t max_uploads, std::string node_id)
    : ingest_(db, catalog, audit, crypto, clock, max_uploads, std::move(node_id)),
      feed_(db, catalog, sharing, audit),
      quality_(db, catalog, clock) {}

Status ExchangeService::apply_schema(db::Connection& conn, const catalog::Resource* before,
                                     const catalog::Resource& after) {
  return records::apply_schema(conn, before, after);
}

}  // namespace zt::exchange
