// The controllable clock of a test build: GET and POST /api/v1/debug/clock, so integration tests
// move the server's time (deadlines, grant expiry, display periods) over real HTTP instead of
// waiting. Compiled only when the tests are (CMake ZT_TESTS=ON defines ZT_TEST_CLOCK), and
// registered only with [debug] controllable_clock = true: a release build has no such route and
// refuses that config key.
#pragma once

#include "core/time.h"
#include "http/router.h"

namespace zt::app {

// GET answers {"now": ISO 8601}; POST {"advance_seconds": N} (N ≥ 0: time never runs backwards)
// moves the clock and answers the same. The clock must outlive the router.
void add_debug_clock_routes(http::Router& router, core::FakeClock& clock);

}  // namespace zt::app
