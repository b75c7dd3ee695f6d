// The demo city's one-stop services (一网通办): the service items of its departments (户口迁移,
// 最低生活保障 with a parallel 家庭经济状况核对, 社会保障卡申领, 个体工商户设立登记, 发票领用, …),
// written and published by each department's dept_admin, the bundle 新生儿出生一件事 (卫健委) with
// four applications of each demo citizen (done, in progress, 补正, draft), and cases of the demo
// citizens and enterprises (filed online) and of a sample of the city's people and enterprises
// (filed at the window by window_clerk), spread over the last 60 working days and left in every
// state, each moved there by the ordinary transitions of the right accounts
// (services::CaseService). The materials an applicant uploads, and the decisions' result files,
// are one-page PDFs made in code (documents.h), uploaded through services::AttachmentService
// before the submission, the 补正 answer or the decision that needs them.
//
// Time: the services take their time from `clock`, which the seeder moves — the items are
// published before the first of the 60 working days, and each case's transitions happen on the
// working days from its filing on (the calendar module's days), never after `now` — so the
// timelines, the statutory clocks (some cases near or past their deadline) and the worklists read
// as real work. The audit records keep the time they were written (the audit log's own clock),
// because the chain records when something was really done: the seed run.
//
// Thread-safety: one run at a time; the services must outlive the call.
#pragma once

#include "calendar/service.h"
#include "core/result.h"
#include "core/time.h"
#include "demo/seed.h"
#include "identity/service.h"
#include "services/attachment_service.h"
#include "services/bundle_service.h"
#include "services/service.h"

#include <cstdint>
#include <map>
#include <string>

namespace zt::demo {

struct ServicesFigures {
  std::int64_t items = 0;
  std::int64_t cases = 0;  // not counting the bundles' children
  std::int64_t bundles = 0;
  std::int64_t bundle_applications = 0;
  std::map<std::string, std::int64_t> states;  // final state → cases
  double seconds = 0;
};

// How many cases a city of `people` gets: about one per 500 people, 120 to 2 000.
std::int64_t case_count(std::uint64_t people);

// Seeds the items and case_count(options.people) cases (deterministic for options.seed) with the
// demo accounts of `report` (signed in with their demo passwords). `items` and `cases` run on
// `clock`, which is left at `now`. Failure: any service's error, with the case and step it
// happened at; what was made before it stays.
Result<ServicesFigures> seed_services(identity::IdentityService& identity,
                                      services::ItemService& items, services::CaseService& cases,
                                      services::BundleService& bundles,
                                      services::AttachmentService& attachments,
                                      calendar::CalendarService& calendar, core::FakeClock& clock,
                                      core::TimePoint now, const SeedReport& report,
                                      const SeedOptions& options);

}  // namespace zt::demo
