// The table of case attachments, the only file with its SQL (migration 620, in the services
// range 600-699):
//   service_attachment  one row per uploaded file of a case: its kind (material / result), the
//                       material it is for, the original file name, the sniffed content type,
//                       size, SM3 hash, uploader and times, and the bytes themselves (BLOB on
//                       SQLite, BYTEA on PostgreSQL), so every node on one database serves them.
// Lists never read the bytes; only content() does. Times are milliseconds since the epoch.
//
// Thread-safety: free functions on a caller's connection.
#pragma once

#include "core/result.h"
#include "db/connection.h"
#include "db/migration.h"
#include "services/attachment.h"

#include <optional>
#include <span>
#include <string>
#include <vector>

namespace zt::services {

std::vector<db::Migration> attachment_migrations();

namespace attachment_store {

// Stores the attachment (its id and case_id are set; `submitted_at` is ignored) with `bytes`.
// Success: its id.
Result<std::int64_t> insert(db::Connection& conn, const Attachment& a, std::string_view bytes);
// Every attachment of the case, oldest first, without the bytes.
Result<std::vector<Attachment>> list(db::Connection& conn, std::int64_t case_id);
Result<std::optional<Attachment>> find(db::Connection& conn, std::int64_t case_id, std::int64_t id);
Result<std::int64_t> count(db::Connection& conn, std::int64_t case_id);
// The stored bytes of attachment `id` (nullopt: no such attachment).
Result<std::optional<std::string>> content(db::Connection& conn, std::int64_t id);
// Deletes attachment `id` while it is not submitted. Success: whether it did.
Result<bool> remove_unsubmitted(db::Connection& conn, std::int64_t id);

// The names of the case's materials that have at least one attachment.
Result<std::vector<std::string>> materials_present(db::Connection& conn, std::int64_t case_id);
// Every material attachment of the case not yet submitted becomes submitted at `now`.
Status submit_materials(db::Connection& conn, std::int64_t case_id, std::int64_t now);
// The result files `ids` of the case become part of its decision (submitted at `now`). Failure:
// 400 invalid_body naming the first id that is not an unsubmitted result file of the case.
Status submit_results(db::Connection& conn, std::int64_t case_id, std::span<const std::int64_t> ids,
                      std::int64_t now);

// Takes the case's row lock (PostgreSQL: FOR UPDATE semantics, through a no-op UPDATE; SQLite:
// the single writer) while it is in one of `states`. Success: whether it was, so that an upload
// or deletion cannot race a transition out of those states.
Result<bool> lock_case_in(db::Connection& conn, std::int64_t case_id,
                          std::span<const std::string_view> states);

}  // namespace attachment_store

}  // namespace zt::services
