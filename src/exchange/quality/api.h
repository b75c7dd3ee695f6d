// The HTTP routes of the quality figures (library zt_exchange_api):
//
//   GET  /api/v1/resources/{code}/quality                     the data-quality report
//   GET  /api/v1/exchange/quality                             figures per resource and
//                                                             department
//
// Thread-safety: handlers run concurrently on the worker pool; the service must outlive the
// router.
#pragma once

#include "exchange/quality/service.h"
#include "http/router.h"

namespace zt::exchange {

void add_quality_routes(http::Router& router, QualityService& service);

}  // namespace zt::exchange
