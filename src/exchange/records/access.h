// Access: what one principal may read of one resource, and the projection and masking that
// follow from it. The sharing service (sharing/service.h) decides an Access; every read path — key
// lookups, filtered queries, export, the change feed, webhook deliveries, 纠错 reports — applies
// it the same way.
//
// Rules (issue: the data hub, part 2):
//   - the providing department reads every field unmasked (basis kProvider);
//   - share_type none: nobody else (404, as if the resource did not exist);
//   - unconditional: any government department (staff or API client with a department), every
//     field, personal fields masked (kUnconditional);
//   - conditional: a department with an active grant (approved, not expired, not revoked): the
//     granted fields only, masked unless the grant unmasks them (kGrant);
//   - city-wide scope (scope.city: supervisor, leader, data_admin) opens no records: it is for
//     the objects of their work (cases, alerts, figures); the data administrator reads the
//     sources through its own department's grants like any consumer;
//   - and every read route needs exchange.query (the export exchange.export) first, held by the
//     account's roles or given to the API client by the security administrator.
//
// Thread-safety: plain values and pure functions; readable_by_provider reads the catalog (safe
// from many threads at once).
#pragma once

#include "catalog/service.h"
#include "core/principal.h"
#include "exchange/records/validate.h"

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace zt::exchange {

struct Access {
  enum class Basis { kProvider, kUnconditional, kGrant };
  Basis basis = Basis::kProvider;
  std::optional<std::int64_t> grant_id;
  std::string purpose;         // the grant's purpose; empty for other bases
  std::vector<bool> readable;  // per field of the resource, in field order
  std::vector<bool> unmasked;  // per field: shown as stored (otherwise masked if personal)

  // Full access (the provider's).
  static Access provider(const catalog::Resource& resource);
  // An unconditional resource's: every field readable, personal fields masked.
  static Access unconditional(const catalog::Resource& resource);
  bool can_read(std::size_t field) const { return field < readable.size() && readable[field]; }
  // Whether the value of `field` is shown masked (personal and not unmasked).
  bool masks(const catalog::Resource& resource, std::size_t field) const;
};

std::string_view to_string(Access::Basis basis);

// A record's JSON object (as the change log and find_record give it: every field, or the key
// fields of a delete) projected to the readable fields, personal values masked. Fields not in
// `data` stay absent. Failure: Error internal "database_error" when `data` is not a JSON object.
Result<std::string> project(const catalog::Resource& resource, const Access& access,
                            std::string_view data);

// The same from typed values (a TypedRow of every field), appended as a JSON object.
void append_projected_json(std::string& out, const catalog::Resource& resource,
                           const Access& access, const TypedRow& row);

// An Access applied to one resource, worked out once for the many records of an export: the
// readable fields in field order and, for each, whether it is masked and by which rule. Writes
// CSV (RFC 4180, "\r\n" line ends; a cell is quoted when it holds , " CR or LF, a quote
// doubled; null is an empty cell; integers in decimal, booleans true/false; masked values
// masked from that text).
//
// Thread-safety: immutable after construction; a value, it keeps no reference to its inputs.
class Projection {
 public:
  Projection(const catalog::Resource& resource, const Access& access);

  // Per field of the resource: whether it is read (what scan_record_views needs to select).
  const std::vector<bool>& readable() const { return readable_; }
  // Appends the header line: the readable fields' names.
  void append_csv_header(std::string& out) const;
  // Appends one record — views of every field in field order, as scan_record_views gives them —
  // as a CSV line of the readable fields. Allocates nothing beyond `out`'s growth.
  void append_csv(std::string& out, std::span<const ValueView> row) const;

 private:
  struct Column {
    std::size_t field = 0;
    std::optional<catalog::MaskRule> mask;  // set when the value is shown masked
    bool text = true;  // a text cell (quoted, formula-guarded); false for numbers and booleans
  };
  std::vector<Column> columns_;
  std::vector<bool> readable_;
  std::string header_;
};

// The resource `code` as only its providing department reads it: batch reports (they hold the
// rejected rows' values). Failure: 404 "resource_not_found" when the catalog does not show it to
// `actor`; 403 "not_granted" for everyone else — city-wide scope included (a sharing grant opens
// records, not these).
Result<catalog::Resource> readable_by_provider(catalog::CatalogService& catalog,
                                               const core::Principal& actor, std::string_view code);

// The same for figures about the records (quality), which city-wide scope also reads for
// oversight: they hold counts, never values. Failures as above.
Result<catalog::Resource> figures_readable_by(catalog::CatalogService& catalog,
                                              const core::Principal& actor, std::string_view code);

}  // namespace zt::exchange
