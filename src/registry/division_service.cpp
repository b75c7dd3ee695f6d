#include "registry/division_service.h"

#include "core/division_code.h"
#include "db/transaction.h"

#include <fmt/format.h>

#include <algorithm>

namespace zt::registry {

Result<DivisionImportReport> DivisionService::import(const std::filesystem::path& dir,
                                                     std::int64_t now_ms,
                                                     DivisionFiles::Progress progress) {
  auto files = DivisionFiles::open(dir, std::move(progress));
  if (!files.ok()) return std::move(files).error();
  auto conn = db_.acquire(db::Access::kWrite);
  if (!conn.ok()) return std::move(conn).error();
  auto tx = db::Transaction::begin(*conn);
  if (!tx.ok()) return std::move(tx).error();
  DivisionImportReport report;
  auto merged = division_store::merge(
      *tx, [&files] { return files->next(); }, now_ms);
  if (!merged.ok()) return std::move(merged).error();
  if (merged->rows == 0) {
    return Error::invalid("invalid_divisions_file",
                          fmt::format("The division data set in {} holds no rows", dir.string()));
  }
  ZT_TRY(tx->commit());
  {
    std::lock_guard lock(mutex_);
    lookups_.clear();
  }
  report.counts = *merged;
  report.skipped = files->skipped();
  report.skipped_examples = files->skipped_examples();
  auto by_level = division_store::count_by_level(*conn);
  if (!by_level.ok()) return std::move(by_level).error();
  report.current_by_level = std::move(by_level).value();
  return report;
}

namespace {
// Far more than a city's codes; a table that grows past it (codes from all over the country)
// starts again rather than grow without bound.
constexpr std::size_t kMaxCachedLookups = 16384;
}  // namespace

Result<DivisionLookup> DivisionService::lookup(std::string_view code) {
  auto checked = core::check_division_code(code);
  if (!checked.ok()) return std::move(checked).error();
  const std::int64_t now = core::to_millis(clock_.now());
  {
    std::lock_guard lock(mutex_);
    auto it = lookups_.find(*checked);
    if (it != lookups_.end() && now - it->second.second < kDivisionCacheMs) {
      return it->second.first;
    }
  }
  auto found = read_lookup(std::move(checked).value());
  if (!found.ok()) return found;
  std::lock_guard lock(mutex_);
  if (lookups_.size() >= kMaxCachedLookups) lookups_.clear();
  lookups_.insert_or_assign(found->code, std::make_pair(*found, now));
  return found;
}

Result<DivisionLookup> DivisionService::read_lookup(std::string code) {
  DivisionLookup out;
  out.code = std::move(code);
  out.level = level_of_code(out.code);
  auto conn = db_.acquire(db::Access::kRead);
  if (!conn.ok()) return std::move(conn).error();
  // The code and its ancestors in one statement (every registry read looks two codes up).
  std::vector<std::string> codes = ancestor_codes(out.code);
  codes.push_back(out.code);
  auto found = division_store::find_many(*conn, codes);
  if (!found.ok()) return std::move(found).error();
  for (Division& d : *found) {
    if (d.code == out.code) {
      out.division = std::move(d);
    } else {
      out.ancestors.push_back(std::move(d));
    }
  }
  std::sort(out.ancestors.begin(), out.ancestors.end(),
            [](const Division& a, const Division& b) { return a.level < b.level; });
  for (const Division& a : out.ancestors) {
    if (a.name != "市辖区" && a.name != "县" && a.name != "省直辖县级行政区划")
      out.full_name += a.name;
  }
  if (out.division) out.full_name += out.division->name;
  if (!out.division) {
    out.warning = fmt::format(
        "行政区划代码 {} is well-formed but not in the division table (abolished, merged or not "
        "yet listed); accepted{}",
        out.code, out.full_name.empty() ? "" : fmt::format(" under {}", out.full_name));
  } else if (!out.division->current) {
    out.warning = fmt::format(
        "行政区划代码 {} ({}) is no longer current (not in the latest import); accepted", out.code,
        out.division->name);
  }
  return out;
}

Result<DivisionPage> DivisionService::list(std::optional<std::string_view> parent,
                                           std::optional<DivisionLevel> level,
                                           std::string_view after, int limit) {
  if (limit < 1 || limit > kMaxDivisionPage) {
    return Error::invalid("invalid_limit", fmt::format("limit must be 1 to {}", kMaxDivisionPage));
  }
  if (!after.empty() && !core::check_division_code(after).ok()) {
    return Error::invalid("invalid_cursor", "cursor must be the next_cursor of a previous page");
  }
  division_store::ListQuery query{.after_code = std::string(after), .limit = limit + 1};
  if (parent) {
    auto checked = core::check_division_code(*parent);
    if (!checked.ok()) return std::move(checked).error();
    query.parent_code = std::move(checked).value();
    if (level) {
      // Any level below the parent: the codes under it share its significant digits.
      query.level = level;
      const std::string& p = *query.parent_code;
      const DivisionLevel parent_level = level_of_code(p);
      query.code_prefix = parent_level == DivisionLevel::kProvince ? p.substr(0, 2)
                          : parent_level == DivisionLevel::kCity   ? p.substr(0, 4)
                                                                   : p;
      query.parent_code.reset();
    }
  } else {
    query.level = level.value_or(DivisionLevel::kProvince);
  }
  auto conn = db_.acquire(db::Access::kRead);
  if (!conn.ok()) return std::move(conn).error();
  auto rows = division_store::list(*conn, query);
  if (!rows.ok()) return std::move(rows).error();
  DivisionPage page;
  page.items = std::move(rows).value();
  if (page.items.size() > static_cast<std::size_t>(limit)) {
    page.items.resize(static_cast<std::size_t>(limit));
    page.next_cursor = page.items.back().code;
  }
  return page;
}

Result<DivisionLookup> DivisionService::place_of_id_number(std::string_view id_number) {
  if (id_number.size() < 6 || !std::all_of(id_number.begin(), id_number.begin() + 6,
                                           [](char c) { return c >= '0' && c <= '9'; })) {
    return Error::invalid("invalid_id_number",
                          "An identity number starts with six digits, its division code");
  }
  return lookup(id_number.substr(0, 6));
}

Result<std::vector<std::pair<DivisionLevel, std::int64_t>>> DivisionService::counts() {
  auto conn = db_.acquire(db::Access::kRead);
  if (!conn.ok()) return std::move(conn).error();
  return division_store::count_by_level(*conn);
}

}  // namespace zt::registry
