#include "audit/subject_index.h"

#include <fmt/format.h>

#include <algorithm>
#include <cstring>

#include "db/bulk_load.h"

namespace zt::audit {

namespace {

constexpr std::size_t kSm3BlockSize = 64;
constexpr std::string_view kKeyLabel = "zhengtong audit-subject v1";
// Rows per INSERT statement of subject_store::insert (3 parameters each: within SQLite's 999).
constexpr std::size_t kInsertChunk = 300;

// WITHOUT ROWID on SQLite: the primary key is the table, so a row is stored once.
constexpr std::string_view kSqliteSchema = R"sql(
CREATE TABLE audit_subjects (
  subject BLOB NOT NULL,
  audit_id INTEGER NOT NULL,
  resource_code TEXT NOT NULL,
  PRIMARY KEY (subject, audit_id)
) WITHOUT ROWID;
)sql";

// PostgreSQL: the rows are as append-only as the records they index (audit_refuse_change is
// migration 100's).
constexpr std::string_view kPostgresSchema = R"sql(
CREATE TABLE audit_subjects (
  subject BYTEA NOT NULL,
  audit_id BIGINT NOT NULL,
  resource_code TEXT NOT NULL,
  PRIMARY KEY (subject, audit_id)
);
CREATE TRIGGER audit_subjects_no_update BEFORE UPDATE ON audit_subjects
  FOR EACH ROW EXECUTE FUNCTION audit_refuse_change();
CREATE TRIGGER audit_subjects_no_delete BEFORE DELETE ON audit_subjects
  FOR EACH ROW EXECUTE FUNCTION audit_refuse_change();
CREATE TRIGGER audit_subjects_no_truncate BEFORE TRUNCATE ON audit_subjects
  FOR EACH STATEMENT EXECUTE FUNCTION audit_refuse_change();
)sql";

std::span<const std::uint8_t> bytes_of(const SubjectTag& tag) {
  return {tag.data(), tag.size()};
}

}  // namespace

void ReadSubjects::add(std::string_view value) {
  if (value.find('\0') != std::string_view::npos) return;
  values_.append(value);
  values_.push_back('\0');
  ++count_;
}

SubjectIndex::SubjectIndex(const core::CryptoProvider& crypto, std::string_view key)
    : crypto_(crypto), inner_pad_(kSm3BlockSize, '\x36'), outer_pad_(kSm3BlockSize, '\x5c') {
  // RFC 2104: a key longer than the block is hashed first. derive_key's keys are 32 bytes; a
  // longer key that fails to hash leaves the pads unkeyed, and tag() then differs from HMAC —
  // which only a broken provider could cause, and tags stay consistent for the process anyway.
  std::string k(key);
  if (k.size() > kSm3BlockSize) {
    auto digest = crypto_.sm3(k);
    k = digest.ok() ? std::move(digest).value() : std::string();
  }
  for (std::size_t i = 0; i < k.size(); ++i) {
    inner_pad_[i] = static_cast<char>(inner_pad_[i] ^ k[i]);
    outer_pad_[i] = static_cast<char>(outer_pad_[i] ^ k[i]);
  }
}

Result<std::string> SubjectIndex::derive_key(const core::CryptoProvider& crypto,
                                             std::string_view data_key) {
  return crypto.hmac_sm3(data_key, kKeyLabel);
}

Result<SubjectTag> SubjectIndex::tag(std::string_view type, std::string_view value) const {
  std::string message;
  message.reserve(kSm3BlockSize + type.size() + 1 + value.size());
  message.append(inner_pad_).append(type).push_back('\0');
  message.append(value);
  ZT_ASSIGN_OR_RETURN(std::string inner, crypto_.sm3(message));
  message.assign(outer_pad_).append(inner);
  ZT_ASSIGN_OR_RETURN(std::string outer, crypto_.sm3(message));
  SubjectTag tag;
  std::memcpy(tag.data(), outer.data(), tag.size());
  return tag;
}

Result<std::vector<SubjectTag>> SubjectIndex::tags(const ReadSubjects& subjects) const {
  std::vector<SubjectTag> out;
  out.reserve(subjects.size());
  std::optional<Error> failed;
  subjects.for_each([&](std::string_view value) {
    if (failed) return;
    auto t = tag(subjects.type(), value);
    if (!t.ok()) {
      failed = std::move(t).error();
      return;
    }
    out.push_back(*t);
  });
  if (failed) return std::move(*failed);
  std::sort(out.begin(), out.end());
  out.erase(std::unique(out.begin(), out.end()), out.end());
  return out;
}

db::Migration subject_index_migration() {
  return {.version = 110,
          .name = "audit_subject_index",
          .sqlite_sql = std::string(kSqliteSchema),
          .postgres_sql = std::string(kPostgresSchema)};
}

namespace subject_store {

Status insert(db::Connection& conn, std::int64_t audit_id, std::string_view resource_code,
              std::span<const SubjectTag> tags) {
  for (std::size_t start = 0; start < tags.size(); start += kInsertChunk) {
    const std::size_t n = std::min(kInsertChunk, tags.size() - start);
    std::string sql = "INSERT INTO audit_subjects (subject, audit_id, resource_code) VALUES ";
    std::vector<db::Param> params;
    params.reserve(3 * n);
    for (std::size_t i = 0; i < n; ++i) {
      sql += i ? ", (?, ?, ?)" : "(?, ?, ?)";
      params.emplace_back(bytes_of(tags[start + i]));
      params.emplace_back(audit_id);
      params.emplace_back(resource_code);
    }
    auto done = conn.exec(sql, params);
    if (!done.ok()) return std::move(done).error();
  }
  return {};
}

Status load(db::Transaction& tx, std::span<const Rows> rows) {
  bool any = false;
  for (const Rows& r : rows)
    any = any || !r.tags.empty();
  if (!any) return {};
  ZT_ASSIGN_OR_RETURN(auto bulk, db::BulkLoader::start(tx, "audit_subjects",
                                                       {"subject", "audit_id", "resource_code"}));
  for (const Rows& r : rows) {
    for (const SubjectTag& t : r.tags) {
      ZT_TRY(bulk.add_row(bytes_of(t), r.audit_id, r.resource_code));
    }
  }
  auto n = bulk.finish();
  if (!n.ok()) return std::move(n).error();
  return {};
}

Result<std::vector<SubjectRead>> list(db::Connection& conn, const SubjectTag& tag,
                                      std::optional<std::int64_t> cursor, std::size_t limit) {
  const auto limit_param = static_cast<std::int64_t>(limit);
  auto rows = cursor ? conn.query(
                           "SELECT audit_id, resource_code FROM audit_subjects WHERE subject = ? "
                           "AND audit_id < ? ORDER BY audit_id DESC LIMIT ?",
                           bytes_of(tag), *cursor, limit_param)
                     : conn.query(
                           "SELECT audit_id, resource_code FROM audit_subjects WHERE subject = ? "
                           "ORDER BY audit_id DESC LIMIT ?",
                           bytes_of(tag), limit_param);
  if (!rows.ok()) return std::move(rows).error();
  std::vector<SubjectRead> out;
  out.reserve(rows->size());
  for (const db::Row row : *rows) {
    out.push_back({row.get<std::int64_t>(0), row.get<std::string>(1)});
  }
  return out;
}

}  // namespace subject_store
}  // namespace zt::audit
