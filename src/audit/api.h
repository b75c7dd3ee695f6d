// The audit log's HTTP routes (library zt_audit_api, so that zt_audit never links http):
//
//   GET /api/v1/audit/records         filtered records, newest first, cursor paging
//   GET /api/v1/audit/records/export  the same filters as CSV (UTF-8 with BOM), streamed
//   GET /api/v1/audit/verify          verify_chain's report (the table's checkpoints and this
//                                     node's checkpoint file)
//   GET /api/v1/audit/checkpoints     every signed checkpoint, as the checkpoint file's lines
//                                     (NDJSON), to keep outside the database
//
// All need permission `audit.read` (granted to the audit admin only). Each use is itself audited
// through the group-commit writer (actions audit.query, audit.export, audit.verify,
// audit.checkpoints).
// Thread-safety: handlers run on the worker pool concurrently; AuditLog and AuditWriter are
// thread-safe and must outlive the router.
#pragma once

#include <boost/json/object.hpp>

#include "audit/checkpoint.h"
#include "audit/model.h"
#include "audit/service.h"
#include "audit/verify.h"
#include "audit/writer.h"
#include "http/router.h"

namespace zt::audit {

void add_routes(http::Router& router, AuditLog& log, AuditWriter& writer,
                AuditCheckpointer& checkpointer);

// The checkpoints verify uses besides the table's: those of the checkpointer's file, when it is
// configured and exists. Failure: "checkpoint_file_unreadable", "invalid_checkpoint".
Result<std::vector<Checkpoint>> file_checkpoints(const AuditCheckpointer& checkpointer);

// JSON forms shared by the routes and the CLI.
boost::json::object to_json(const AuditRecord& record);
boost::json::object to_json(const VerifyReport& report);

// One CSV line (with "\r\n") for a record, in the export's column order; text cells that a
// spreadsheet would run as a formula (= + - @ tab CR at the start) get a leading apostrophe.
std::string csv_line(const AuditRecord& record);
// The export's header row (with "\r\n", without the BOM).
std::string_view csv_header();

}  // namespace zt::audit
