// The HTTP routes of correction reports (数据纠错/异议; library zt_exchange_api):
//
//   POST /api/v1/resources/{code}/records/{key}/corrections   report a record as wrong
//   GET  /api/v1/corrections?box=inbox|outbox&status=…         the department's reports
//   GET  /api/v1/corrections/{id}
//   POST /api/v1/corrections/{id}/answer                       provider: corrected or answered
//
// Thread-safety: handlers run concurrently on the worker pool; the service must outlive the
// router.
#pragma once

#include "exchange/corrections/service.h"
#include "http/router.h"

namespace zt::exchange {

void add_correction_routes(http::Router& router, CorrectionService& corrections);

}  // namespace zt::exchange
