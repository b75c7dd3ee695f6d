// The HTTP routes of sharing requests and grants (共享申请与授权; library zt_exchange_api):
//
//   POST /api/v1/sharing/requests                     file a sharing request (consumer)
//   GET  /api/v1/sharing/requests?box=inbox|outbox    the department's requests, newest first
//   GET  /api/v1/sharing/requests/{id}
//   POST /api/v1/sharing/requests/{id}/approve        provider: grant (fields, unmasked, days)
//   POST /api/v1/sharing/requests/{id}/reject         provider: refuse with a reason
//   POST /api/v1/sharing/requests/{id}/withdraw       consumer: take a pending request back
//   GET  /api/v1/sharing/grants?box=inbox|outbox      grants given / held, with their status
//   GET  /api/v1/sharing/grants/{id}
//   POST /api/v1/sharing/grants/{id}/revoke           provider: end a grant now
//
// The shared reads these grants open are records/api.h's routes.
// Thread-safety: handlers run concurrently on the worker pool; the service must outlive the
// router.
#pragma once

#include "exchange/sharing/service.h"
#include "http/router.h"

namespace zt::exchange {

void add_sharing_routes(http::Router& router, SharingService& sharing);

}  // namespace zt::exchange
