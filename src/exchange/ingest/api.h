// The HTTP routes of ingest (library zt_exchange_api, so that zt_exchange never links http):
//
//   POST /api/v1/resources/{code}/records                     ingest NDJSON or CSV (streamed)
//   GET  /api/v1/resources/{code}/batches                     batch history, newest first
//   GET  /api/v1/resources/{code}/batches/{id}                one batch report
//   GET  /api/v1/resources/{code}/batches/{id}/rejections     its rejected rows (?after=line)
//
// Thread-safety: handlers run concurrently on the worker pool; the service must outlive the
// router.
#pragma once

#include "exchange/ingest/service.h"
#include "http/router.h"

namespace zt::exchange {

void add_ingest_routes(http::Router& router, IngestService& service);

}  // namespace zt::exchange
