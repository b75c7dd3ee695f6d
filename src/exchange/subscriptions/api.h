// The HTTP routes of webhook subscriptions (订阅), in library zt_exchange_api so that zt_exchange
// never links http. Every route takes a signed-in principal with exchange.query (a department's
// staff or API client); see service.h for the rules.
//
//   POST   /api/v1/subscriptions                     subscribe; 201 with the secret (shown once)
//   GET    /api/v1/subscriptions                     own department's (city scope: all)
//   GET    /api/v1/subscriptions/{id}                one, with its cursor and webhook health
//   DELETE /api/v1/subscriptions/{id}                unsubscribe (and drop its history)
//   POST   /api/v1/subscriptions/{id}/resume         a parked one active again
//   GET    /api/v1/subscriptions/{id}/deliveries     delivery history, newest first
//
// Thread-safety: handlers run concurrently on the worker pool; the service must outlive the
// router.
#pragma once

#include "exchange/subscriptions/service.h"
#include "http/router.h"

namespace zt::exchange {

void add_subscription_routes(http::Router& router, SubscriptionService& service);

}  // namespace zt::exchange
