// The records' value types (共享交换的记录): typed values as validation makes them and storage
// keeps them, what a written chunk did, the change feed's entries, a resource's storage state,
// and the inputs and pages of shared reads.
//
// Plain values: no behaviour beyond their members, safe to copy between threads.
#pragma once

#include "core/result.h"
#include "identity/model.h"

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace zt::exchange {

// One value after validation.
struct TypedValue {
  enum class Kind : std::uint8_t { kNull, kInt, kBool, kText };
  Kind kind = Kind::kNull;
  std::int64_t i = 0;  // kInt, kBool (0/1)
  std::string text;    // kText
};

// A value borrowed from a row being read (record scans): `text` points into the reader's row
// and is valid only while the row is being visited.
struct ValueView {
  TypedValue::Kind kind = TypedValue::Kind::kNull;
  std::int64_t i = 0;     // kInt, kBool (0/1)
  std::string_view text;  // kText
};

struct FieldError {
  std::string field;  // the field's name; "_row" for a row-level problem, "_key" for the key
  std::string code;
  std::string detail;
};

// A validated row: one value per field of the resource, in field order (a delete row fills only
// the key fields).
struct TypedRow {
  std::uint64_t line = 0;
  bool is_delete = false;
  std::vector<TypedValue> values;
  // Filled by ingest's reading thread so that the writing thread has less to do: the key bytes
  // (append_key of the key fields) and the record's JSON (row_json). Empty when not filled.
  std::string key;
  std::string json;
};

// What one chunk did.
struct ChunkOutcome {
  std::int64_t inserted = 0;
  std::int64_t updated = 0;
  std::int64_t unchanged = 0;  // identical rows, and deletes of keys not present
  std::int64_t deleted = 0;
  // Lines of rows whose key this run of the batch already wrote in an earlier chunk (nothing
  // done): the caller rejects them as duplicate keys. Ascending.
  std::vector<std::uint64_t> duplicates;
  std::optional<std::int64_t> first_seq;  // sequence numbers of the changes appended
  std::optional<std::int64_t> last_seq;
};

// One entry of the change feed.
struct Change {
  std::int64_t seq = 0;
  std::string op;    // "insert", "update", "delete"
  std::string data;  // JSON object: the record after the change (delete: its key fields)
  std::int64_t batch_id = 0;
  std::int64_t changed_at = 0;  // ms since the epoch
};

// The state of a resource's storage.
struct StorageState {
  std::int64_t last_seq = 0;
  std::int64_t record_count = 0;
  std::optional<std::int64_t> last_change_at;
};

// Who reads shared records for what: kept in the read's audit record.
struct ReadContext {
  std::optional<std::string> purpose;  // X-Purpose
  std::string case_id;                 // X-Case-Id
  core::RequestContext request;
};

// A filtered query or export as the reader asked for it (the rules in service.h).
struct QueryInput {
  std::vector<std::pair<std::string, std::string>> filters;  // name[__op] → value
  std::vector<std::string> fields;                           // empty: every readable field
  int limit = 100;
  std::string cursor;
};

// One page of a filtered query, in key order.
struct QueryPage {
  std::vector<std::string> items;  // JSON objects
  std::optional<std::string> next_cursor;
};

enum class ExportFormat { kCsv, kNdjson };

// A prepared export: the resource, access and filters checked; `write` produces the body.
struct ExportPlan {
  std::string content_type;
  // Streams every matching record into `emit` (called with pieces of the body); stops early
  // when emit returns false. Writes the export's audit record at the end.
  std::function<Status(const std::function<bool(std::string_view)>& emit)> write;
};
}  // namespace zt::exchange
