// The tables of bundles (一件事一次办), the only file with their SQL (migration 610, in the
// services range 600-699):
//   service_bundle              every version of every bundle: its definition as JSON (members,
//                               life events, description, purpose); (code, version) unique
//   service_bundle_application  one row per application: its 一件事 number, applicant, channel,
//                               the merged form and pre-filled values as JSON
//   service_bundle_case         the child cases of an application, one per member, in order
// Times are milliseconds since the epoch.
//
// Thread-safety: free functions on a caller's connection.
#pragma once

#include "core/result.h"
#include "db/connection.h"
#include "db/migration.h"
#include "services/bundle_model.h"

#include <optional>
#include <string>
#include <vector>

namespace zt::services {

std::vector<db::Migration> bundle_migrations();

namespace store {

// `search`: what ?q= matches (code, name, life events, description, the members' names).
Result<std::int64_t> insert_bundle(db::Connection& conn, const BundleDraft& def,
                                   std::int64_t version, std::int64_t created_by, std::int64_t now,
                                   std::string_view search);
Status update_bundle(db::Connection& conn, std::int64_t id, const BundleDraft& def,
                     std::string_view search);
Status set_bundle_status(db::Connection& conn, std::int64_t id, ItemStatus status,
                         std::optional<std::int64_t> published_at);
// The other published versions of `code` become retired (publishing a new version).
Status retire_published_bundles(db::Connection& conn, std::string_view code,
                                std::int64_t except_id);
Result<std::optional<Bundle>> latest_bundle(db::Connection& conn, std::string_view code);
Result<std::optional<Bundle>> published_bundle(db::Connection& conn, std::string_view code);
Result<std::optional<Bundle>> bundle_by_id(db::Connection& conn, std::int64_t id);

struct BundleFilter {
  std::string q;
  std::int64_t before = 0;  // keyset: ids below this
  int limit = 50;
};
// Published bundles, newest first.
Result<std::vector<Bundle>> search_bundles(db::Connection& conn, const BundleFilter& filter);

Result<std::int64_t> insert_application(db::Connection& conn, const BundleApplication& a);
Status set_application_number(db::Connection& conn, std::int64_t id, std::string_view number);
// Writes the merged form and prefill and updated_at.
Status update_application(db::Connection& conn, const BundleApplication& a);
Result<std::optional<BundleApplication>> find_application(db::Connection& conn,
                                                          std::string_view number);
Status insert_child(db::Connection& conn, std::int64_t application_id, std::int64_t case_id,
                    std::int64_t position);
// The 办件编号 of the application's child cases, in the bundle's order.
Result<std::vector<std::string>> child_numbers(db::Connection& conn, std::int64_t application_id);
// A citizen's or enterprise's applications: filed by their account or naming their id number /
// uscc, newest first.
Result<std::vector<BundleApplication>> applicant_applications(db::Connection& conn,
                                                              std::int64_t user,
                                                              std::string_view key,
                                                              std::int64_t before, int limit);

}  // namespace store

}  // namespace zt::services
