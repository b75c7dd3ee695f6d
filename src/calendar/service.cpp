#include "calendar/service.h"

#include "calendar/package_data.h"
#include "core/utf8.h"
#include "db/transaction.h"
#include "identity/permissions.h"

#include <fmt/format.h>
#include <boost/json.hpp>

#include <algorithm>

namespace zt::calendar {

namespace json = boost::json;

namespace {

using namespace std::chrono;

core::Date first_day(int y) {
  return sys_days{year{y} / January / 1};
}
core::Date last_day(int y) {
  return sys_days{year{y} / December / 31};
}

// FNV-1a, 64 bits: tells one package text from another (not a security check).
std::string digest_of(std::string_view text) {
  std::uint64_t h = 14695981039346656037ull;
  for (unsigned char c : text) {
    h ^= c;
    h *= 1099511628211ull;
  }
  return fmt::format("fnv1a64:{:016x}:{}", h, text.size());
}

std::optional<std::string> last_covered(const std::vector<CoveredYear>& years) {
  if (years.empty()) return std::nullopt;
  return core::format_iso_date(last_day(int(years.back().year)));
}

json::array year_list(const Schedule& schedule) {
  json::array a;
  for (const ScheduleYear& y : schedule.years)
    a.emplace_back(y.year);
  return a;
}

}  // namespace

Result<core::Date> parse_date(std::string_view text, std::string_view what) {
  auto date = core::parse_iso_date(text);
  if (date) {
    const int y = int(year_month_day{*date}.year());
    if (y >= kFirstYear && y <= kLastYear) return *date;
  }
  return Error::invalid("invalid_date", fmt::format("{} is a date YYYY-MM-DD of {} to {}.", what,
                                                    kFirstYear, kLastYear));
}

CalendarService::CalendarService(db::Database& db, audit::AuditLog& audit, const core::Clock& clock)
    : db_(db), audit_(audit), clock_(clock) {}

Result<bool> CalendarService::import_package() {
  const std::string_view text = package_schedule_text();
  ZT_ASSIGN_OR_RETURN(Schedule schedule, parse_schedule(text));
  return import_package(schedule, text);
}

Result<bool> CalendarService::import_package(const Schedule& schedule, std::string_view text) {
  const std::int64_t now = core::to_millis(clock_.now());
  std::int64_t epoch = 0;
  json::array imported;
  json::array kept;
  {
    ZT_ASSIGN_OR_RETURN(auto conn, db_.acquire(db::Access::kWrite));
    ZT_ASSIGN_OR_RETURN(auto tx, db::Transaction::begin(conn));
    ZT_ASSIGN_OR_RETURN(bool changed, store::claim_package(conn, digest_of(text)));
    if (!changed) return false;
    for (const ScheduleYear& y : schedule.years) {
      ZT_ASSIGN_OR_RETURN(auto stored, store::find_year(conn, y.year));
      if (stored && stored->kind == kScheduleKind) {
        kept.emplace_back(y.year);
        continue;
      }
      ZT_TRY(store::replace_year(conn, y, kPackageKind, schedule.source, now));
      imported.emplace_back(y.year);
    }
    ZT_ASSIGN_OR_RETURN(epoch, store::bump_epoch(conn));
    audit::AuditEntry e =
        audit::AuditEntry::of("calendar.package.import", "calendar", schedule.source, {});
    e.by_system("zhengtong");
    e.detail = json::serialize(
        json::object{{"source", schedule.source}, {"years", imported}, {"kept_from_files", kept}});
    ZT_TRY(audit_.append(conn, std::move(e)));
    ZT_TRY(tx.commit());
  }
  if (!schedule.years.empty()) {
    notify({.epoch = epoch,
            .first = first_day(schedule.years.front().year),
            .last = last_day(schedule.years.back().year)});
  }
  return true;
}

Result<CalendarSnapshot> CalendarService::snapshot() {
  ZT_ASSIGN_OR_RETURN(auto conn, db_.acquire(db::Access::kRead));
  ZT_ASSIGN_OR_RETURN(std::int64_t epoch, store::epoch(conn));
  {
    std::lock_guard lock(mutex_);
    if (cached_.calendar && cached_.epoch == epoch) return cached_;
  }
  // Read the epoch again inside the snapshot's reads: what is built is of that epoch or later,
  // never labelled newer than it is.
  ZT_ASSIGN_OR_RETURN(auto tx, db::Transaction::begin(conn));
  ZT_ASSIGN_OR_RETURN(epoch, store::epoch(conn));
  ZT_ASSIGN_OR_RETURN(auto years, store::years(conn));
  ZT_ASSIGN_OR_RETURN(auto listed, store::listed_days(conn));
  ZT_TRY(tx.commit());
  std::vector<int> covered;
  covered.reserve(years.size());
  for (const CoveredYear& y : years)
    covered.push_back(int(y.year));
  CalendarSnapshot built{
      std::make_shared<const core::WorkingCalendar>(std::move(covered), std::move(listed)), epoch};
  std::lock_guard lock(mutex_);
  if (!cached_.calendar || cached_.epoch < built.epoch) cached_ = built;
  return built;
}

Result<std::vector<core::CalendarDay>> CalendarService::days(core::Date from, core::Date to) {
  if (to < from) return Error::invalid("invalid_range", "to is before from.");
  if ((to - from).count() + 1 > kMaxRangeDays) {
    return Error::invalid("range_too_large",
                          fmt::format("At most {} days at a time.", kMaxRangeDays));
  }
  ZT_ASSIGN_OR_RETURN(CalendarSnapshot s, snapshot());
  std::vector<core::CalendarDay> out;
  out.reserve(std::size_t((to - from).count() + 1));
  for (core::Date d = from; d <= to; d += std::chrono::days{1})
    out.push_back(s.calendar->day(d));
  return out;
}

Result<DeadlineAnswer> CalendarService::deadline(core::Date start, int working_days,
                                                 std::span<const core::Pause> pauses) {
  ZT_ASSIGN_OR_RETURN(CalendarSnapshot s, snapshot());
  ZT_ASSIGN_OR_RETURN(core::Deadline d, s.calendar->deadline(start, working_days, pauses));
  return DeadlineAnswer{.start = start, .working_days = working_days, .deadline = d};
}

Result<Coverage> CalendarService::coverage() {
  ZT_ASSIGN_OR_RETURN(auto conn, db_.acquire(db::Access::kRead));
  ZT_ASSIGN_OR_RETURN(auto tx, db::Transaction::begin(conn));
  Coverage out;
  ZT_ASSIGN_OR_RETURN(out.epoch, store::epoch(conn));
  ZT_ASSIGN_OR_RETURN(out.years, store::years(conn));
  ZT_TRY(tx.commit());
  out.last_covered_day = last_covered(out.years);
  return out;
}

Result<core::CalendarDay> CalendarService::set_day(const core::Principal& actor, core::Date date,
                                                   bool working, std::string reason,
                                                   const core::RequestContext& context) {
  if (!actor.has_permission(identity::permission::kCalendarManage)) {
    return Error::forbidden("forbidden", "Changing the calendar needs calendar.manage.");
  }
  if (reason.empty() || reason.size() > kMaxReasonBytes || !core::valid_utf8(reason)) {
    return Error::invalid("invalid_body",
                          fmt::format("\"reason\" is required (1 to {} bytes).", kMaxReasonBytes));
  }
  ZT_ASSIGN_OR_RETURN(CalendarSnapshot before, snapshot());
  const core::CalendarDay was = before.calendar->day(date);
  Override o{.date = core::format_iso_date(date),
             .working = working,
             .reason = std::move(reason),
             .changed_by = actor.id,
             .changed_by_name = actor.name,
             .changed_at = core::to_millis(clock_.now())};
  std::int64_t epoch = 0;
  {
    ZT_ASSIGN_OR_RETURN(auto conn, db_.acquire(db::Access::kWrite));
    ZT_ASSIGN_OR_RETURN(auto tx, db::Transaction::begin(conn));
    ZT_TRY(store::put_override(conn, o));
    ZT_ASSIGN_OR_RETURN(epoch, store::bump_epoch(conn));
    audit::AuditEntry e =
        audit::AuditEntry::of("calendar.day.set", "calendar_day", o.date, context);
    e.by(actor);
    e.detail = json::serialize(json::object{{"working", working},
                                            {"reason", o.reason},
                                            {"was_working", was.working},
                                            {"was_source", was.source},
                                            {"was_name", was.name}});
    ZT_TRY(audit_.append(conn, std::move(e)));
    ZT_TRY(tx.commit());
  }
  notify({.epoch = epoch, .first = date, .last = date});
  ZT_ASSIGN_OR_RETURN(CalendarSnapshot after, snapshot());
  return after.calendar->day(date);
}

Result<Coverage> CalendarService::load_schedule(const core::Principal& actor,
                                                const Schedule& schedule,
                                                const core::RequestContext& context) {
  if (!actor.has_permission(identity::permission::kCalendarManage)) {
    return Error::forbidden("forbidden", "Loading a schedule needs calendar.manage.");
  }
  const std::int64_t now = core::to_millis(clock_.now());
  std::int64_t epoch = 0;
  int first = kLastYear;
  int last = kFirstYear;
  {
    ZT_ASSIGN_OR_RETURN(auto conn, db_.acquire(db::Access::kWrite));
    ZT_ASSIGN_OR_RETURN(auto tx, db::Transaction::begin(conn));
    std::size_t off = 0;
    std::size_t working = 0;
    for (const ScheduleYear& y : schedule.years) {
      ZT_TRY(store::replace_year(conn, y, kScheduleKind, schedule.source, now));
      first = std::min(first, y.year);
      last = std::max(last, y.year);
      off += y.off.size();
      working += y.working.size();
    }
    ZT_ASSIGN_OR_RETURN(epoch, store::bump_epoch(conn));
    audit::AuditEntry e =
        audit::AuditEntry::of("calendar.schedule.load", "calendar", schedule.source, context);
    e.by(actor);
    e.detail = json::serialize(json::object{{"source", schedule.source},
                                            {"years", year_list(schedule)},
                                            {"off_days", off},
                                            {"working_days", working}});
    ZT_TRY(audit_.append(conn, std::move(e)));
    ZT_TRY(tx.commit());
  }
  notify({.epoch = epoch, .first = first_day(first), .last = last_day(last)});
  return coverage();
}

void CalendarService::on_change(std::function<void(const CalendarChange&)> listener) {
  std::lock_guard lock(mutex_);
  listeners_.push_back(std::move(listener));
}

void CalendarService::notify(const CalendarChange& change) {
  std::vector<std::function<void(const CalendarChange&)>> listeners;
  {
    std::lock_guard lock(mutex_);
    listeners = listeners_;
  }
  for (const auto& listener : listeners)
    listener(change);
}

}  // namespace zt::calendar
