// ExchangeService: the exchange module's front for the server and the other modules — ingest
// (ingest/service.h), the change feed (feed/service.h) and the quality figures
// (quality/service.h), made together over one database. Other modules (registry, demo) call the
// exchange module here and through the other services' service.h, never its stores.
//
// It owns its three services; the rules, errors and threading of each are in its header. The
// ingest and changes methods forward, so that callers need not know which part does what.
//
// Thread-safety: all methods may be called from many threads at once.
#pragma once

#include "exchange/feed/service.h"
#include "exchange/ingest/service.h"
#include "exchange/quality/service.h"

namespace zt::exchange {

class ExchangeService {
 public:
  // `max_uploads`: ingests that may run at once; `node_id`: this server node on its batches
  // (IngestService).
  ExchangeService(db::Database& db, catalog::CatalogService& catalog, SharingService& sharing,
                  audit::AuditLog& audit, const core::CryptoProvider& crypto,
                  const core::Clock& clock, std::size_t max_uploads, std::string node_id);

  // The catalog's SchemaHook: creates or alters a resource's record storage
  // (records::apply_schema).
  static Status apply_schema(db::Connection& conn, const catalog::Resource* before,
                             const catalog::Resource& after);

  // IngestService::ingest.
  Result<IngestReport> ingest(const core::Principal& actor, std::string_view code,
                              const IngestOptions& options, const PieceSource& body,
                              const core::RequestContext& context) {
    return ingest_.ingest(actor, code, options, body, context);
  }
  // ChangeFeedService::changes.
  Result<ChangePage> changes(const core::Principal& actor, std::string_view code,
                             std::int64_t after, int limit, std::optional<std::string> purpose,
                             const core::RequestContext& context, std::string_view case_id = {}) {
    return feed_.changes(actor, code, after, limit, std::move(purpose), context, case_id);
  }

  // At start, after the migrations: every published resource's record indexes in today's
  // layout (records::upgrade_indexes), each resource in its own write transaction. A database
  // made before the field-then-key indexes gets them here, once; later starts find nothing to do.
  // Success: the number of indexes made. Failure: the first database error (the resources before
  // it stay upgraded).
  Result<int> upgrade_record_indexes();

  IngestService& ingest_service() { return ingest_; }
  ChangeFeedService& feed_service() { return feed_; }
  QualityService& quality_service() { return quality_; }

 private:
  db::Database& db_;
  catalog::CatalogService& catalog_;
  IngestService ingest_;
  ChangeFeedService feed_;
  QualityService quality_;
};

}  // namespace zt::exchange
