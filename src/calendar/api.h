// The calendar's routes: GET /api/v1/calendar (coverage), GET /api/v1/calendar/deadline and
// GET /api/v1/calendar/days (public), PUT /api/v1/calendar/days/{date} and
// POST /api/v1/calendar/schedules (calendar.manage). Thread-safety: as the service's.
#pragma once

#include "calendar/service.h"
#include "http/router.h"

namespace zt::calendar {

void add_routes(http::Router& router, CalendarService& service);

}  // namespace zt::calendar
