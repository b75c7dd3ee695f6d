// The routes of one-stop services (一网通办) under /api/v1/services:
//   GET  /api/v1/services/items                        published items: search (public)
//   GET  /api/v1/services/items/{code}                 an item's guide, 办事指南 (public)
//   GET  /api/v1/services/power-list                   权力清单 by department (public)
//   POST /api/v1/services/items                        a new item (services.items.manage)
//   GET  /api/v1/services/items/{code}/latest          the latest version with its settings
//   PUT  /api/v1/services/items/{code}                 the draft, or a new version's draft
//   POST /api/v1/services/items/{code}/publish|retire
//   POST /api/v1/services/cases                        file a case (citizen, enterprise, window)
//   GET  /api/v1/services/cases/{number}               a case with clock, steps, timeline
//   POST /api/v1/services/cases/{number}/<transition>  submit, accept, not-accept, …
//   POST /api/v1/services/cases/{number}/steps/{step_id}/claim|complete
//   GET  /api/v1/services/worklists/window|department  worklists
//   GET  /api/v1/services/my-cases                     我的办件
//   GET  /api/v1/services/reminders                    催办 / 预警 for the caller's department
// and, in bundle_api.cpp, bundles (一件事一次办):
//   GET  /api/v1/services/bundles[/{code}]             search, a bundle's guide (public)
//   POST /api/v1/services/bundles, PUT …/{code}, GET …/{code}/latest, POST …/publish|retire
//   POST /api/v1/services/bundle-applications          apply (one child case per member)
//   GET  /api/v1/services/bundle-applications/{number} one progress; POST …/submit|withdraw
//   GET  /api/v1/services/my-bundle-applications       我的办件: the caller's bundles
// Thread-safety: registration only; the services are thread-safe.
#pragma once

#include "http/router.h"
#include "services/bundle_service.h"
#include "services/reminder_service.h"
#include "services/service.h"

namespace zt::services {

void add_routes(http::Router& router, ItemService& items, CaseService& cases,
                ReminderService& reminders);
void add_bundle_routes(http::Router& router, BundleService& bundles);

}  // namespace zt::services
