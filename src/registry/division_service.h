// DivisionService: the administrative divisions (行政区划) as the rest of the platform asks for
// them — import the data set, look a code up with its ancestors, list a code's children, and
// name the place of an identity number's first six digits.
//
// Unknown codes: a code of valid form (core::check_division_code) that the table does not hold,
// or holds as no longer current, is never rejected — identity numbers and old records carry
// codes of counties since merged or renamed. Such a lookup succeeds with `known` or `current`
// false, the nearest known ancestors, and a warning to show. Only a malformed code fails (400
// "invalid_division_code").
//
// Reads need no permission: the divisions are public reference data. Imports are an operator's
// command (`zhengtong registry import-divisions`), not a route.
//
// Lookups are kept kDivisionCacheMs on the service's clock (every registry read looks two codes
// up): an import by this service drops them at once, one by another process (the command) is seen
// within that time.
//
// Thread-safety: all methods may be called from many threads at once; the database and the
// clock must outlive the service.
#pragma once

#include "core/result.h"
#include "core/time.h"
#include "db/database.h"
#include "registry/division.h"
#include "registry/division_import.h"
#include "registry/division_store.h"

#include <cstdint>
#include <filesystem>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

namespace zt::registry {

inline constexpr int kMaxDivisionPage = 1000;
inline constexpr std::int64_t kDivisionCacheMs = 60'000;

// A code as the table knows it.
struct DivisionLookup {
  std::string code;                  // the code asked for (normalised)
  DivisionLevel level;               // by the code's shape
  std::optional<Division> division;  // the row, when the table has the code
  std::vector<Division> ancestors;   // those the table has, province first
  std::string full_name;             // 浙江省温州市鹿城区: known ancestors' and own names
  std::optional<std::string> warning;  // why the code is accepted with a warning
  bool known() const { return division.has_value(); }
  bool current() const { return division && division->current; }
};

struct DivisionImportReport {
  DivisionImportCounts counts;
  std::int64_t skipped = 0;
  std::vector<std::string> skipped_examples;
  std::vector<std::pair<DivisionLevel, std::int64_t>> current_by_level;
};

struct DivisionPage {
  std::vector<Division> items;
  std::optional<std::string> next_cursor;
};

class DivisionService {
 public:
  DivisionService(db::Database& db, const core::Clock& clock) : db_(db), clock_(clock) {}

  // Merges the data set in `dir` (division_import.h) in one transaction; idempotent: a second
  // import of the same files adds, changes and retires nothing. `progress` as for
  // DivisionFiles. Failure: "divisions_not_found", "invalid_divisions_file", database errors;
  // nothing is changed then.
  Result<DivisionImportReport> import(const std::filesystem::path& dir, std::int64_t now_ms,
                                      DivisionFiles::Progress progress = {});

  // The code with its ancestors (see above). Failure: 400 "invalid_division_code".
  Result<DivisionLookup> lookup(std::string_view code);

  // Current divisions under `parent` (any level below it: pass `level` to choose one, else its
  // direct children) or, without a parent, of `level` (provinces when neither is given), by
  // code, paged by `after` (the previous page's next_cursor). limit 1..kMaxDivisionPage.
  // Failure: 400 "invalid_division_code" (parent), "invalid_limit", "invalid_cursor".
  Result<DivisionPage> list(std::optional<std::string_view> parent,
                            std::optional<DivisionLevel> level, std::string_view after, int limit);

  // The place an identity number was first registered in: its first six digits looked up as a
  // county-level code. Failure: 400 "invalid_id_number" when the number has fewer than six
  // leading digits, "invalid_division_code" when they are not a division code's form.
  Result<DivisionLookup> place_of_id_number(std::string_view id_number);

  // Current divisions per level (figures and the import's report).
  Result<std::vector<std::pair<DivisionLevel, std::int64_t>>> counts();

 private:
  // lookup() without the cache.
  Result<DivisionLookup> read_lookup(std::string code);

  db::Database& db_;
  const core::Clock& clock_;
  std::mutex mutex_;  // guards lookups_
  // code → (lookup, when it was read, ms); cleared when it reaches kMaxCachedLookups.
  std::unordered_map<std::string, std::pair<DivisionLookup, std::int64_t>> lookups_;
};

}  // namespace zt::registry
