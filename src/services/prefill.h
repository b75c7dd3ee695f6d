// Tell us once (一次告知): the registry attributes that items' form fields and 免提交 materials
// name, read once per resource for one applicant through the exchange read path
// (QueryService::record) as the providing department's system reader `services`, with a purpose
// and a case number as X-Case-Id — audited like any other read and listed under the applicant's
// /api/v1/me/data-access — and spread back to each item's fields and materials with their source
// department and read time.
//
// Thread-safety: the services it holds are thread-safe; a Prefiller holds references only.
#pragma once

#include "catalog/service.h"
#include "core/request_context.h"
#include "core/time.h"
#include "exchange/records/service.h"
#include "identity/service.h"
#include "services/model.h"

#include <boost/json/object.hpp>

#include <optional>
#include <span>
#include <string>
#include <vector>

namespace zt::services {

// One resource's record as read for the applicant (no record: not found, not granted, or no key).
struct RegistryRead {
  std::string resource;
  std::string department;  // the providing department's name
  std::int64_t read_at = 0;
  std::optional<boost::json::object> record;
};

class Prefiller {
 public:
  Prefiller(identity::IdentityService& identity, catalog::CatalogService& catalog,
            exchange::QueryService& query, const core::Clock& clock)
      : identity_(identity), catalog_(catalog), query_(query), clock_(clock) {}

  // Reads every attribute `defs` name for the applicant `key` (id number or uscc): one read per
  // resource, with the union of the fields all of them need. A record not found, not granted or
  // a resource unknown is a read without record; any other failure is returned.
  Result<std::vector<RegistryRead>> read(std::span<const ItemDraft* const> defs,
                                         std::string_view key, std::string_view purpose,
                                         std::string_view case_number,
                                         const core::RequestContext& context);

  // The pre-filled values of `def`'s form fields and materials from `reads`, in its order.
  static std::vector<PrefilledValue> values(const ItemDraft& def,
                                            std::span<const RegistryRead> reads);

 private:
  identity::IdentityService& identity_;
  catalog::CatalogService& catalog_;
  exchange::QueryService& query_;
  const core::Clock& clock_;
};

// The values as stored with a case: a JSON array of {target, resource, field, department,
// read_at, value, found, applied[, edited (form values)]}.
std::string prefill_json(std::span<const PrefilledValue> values);

}  // namespace zt::services
