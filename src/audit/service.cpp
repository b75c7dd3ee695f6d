#include "audit/service.h"

#include "core/utf8.h"

#include <algorithm>
#include <chrono>
#include <utility>

#include "audit/daily_counts.h"
#include "audit/store.h"
#include "db/transaction.h"

namespace zt::audit {

namespace {

constexpr std::string_view kReplacement = "\xEF\xBF\xBD";  // U+FFFD

// Length of the well-formed UTF-8 sequence at s[i], or 0 when it is none or a NUL.
std::size_t utf8_sequence(std::string_view s, std::size_t i) {
  return s[i] == '\0' ? 0 : core::utf8_sequence_length(s.substr(i));
}

// Valid UTF-8 without NUL, at most max_bytes long (cut at a character boundary).
void make_storable(std::string& s, std::size_t max_bytes) {
  std::size_t i = 0;
  while (i < s.size()) {
    const std::size_t n = utf8_sequence(s, i);
    if (n == 0) {
      s.replace(i, 1, kReplacement);
      i += kReplacement.size();
    } else {
      i += n;
    }
  }
  if (s.size() > max_bytes) {
    std::size_t cut = max_bytes;
    while (cut > 0 && (static_cast<unsigned char>(s[cut]) & 0xC0) == 0x80)
      --cut;
    s.resize(cut);
  }
}

// Whether `record` is late (store.h, kLateAfter) after records whose latest time is `max_time`;
// then moves max_time on to it.
bool judge_late(const AuditRecord& record, std::optional<core::TimePoint>& max_time) {
  const bool late = max_time && record.time < *max_time - kLateAfter;
  if (!max_time || record.time > *max_time) max_time = record.time;
  return late;
}

}  // namespace

AuditLog::AuditLog(db::Database& db, const core::CryptoProvider& crypto, const core::Clock& clock,
                   AuditKeys keys)
    : db_(db),
      crypto_(crypto),
      clock_(clock),
      keys_(std::move(keys)),
      subjects_(crypto, keys_.subject_key) {}

Result<AuditRecord> AuditLog::make_record(AuditEntry entry, std::int64_t id,
                                          std::string_view prev_hash) const {
  AuditRecord record;
  record.id = id;
  record.time = std::chrono::floor<std::chrono::milliseconds>(entry.time.value_or(clock_.now()));
  for (std::string* field : {&entry.actor_kind, &entry.actor_name, &entry.source_address,
                             &entry.action, &entry.object_type, &entry.object_id, &entry.outcome,
                             &entry.request_id, &entry.purpose, &entry.case_id}) {
    make_storable(*field, kMaxFieldBytes);
  }
  make_storable(entry.detail, kMaxDetailBytes);
  entry.time = record.time;
  record.entry = std::move(entry);
  record.prev_hash = std::string(prev_hash);
  auto hash = chain_mac(crypto_, keys_.chain_key, record.prev_hash, record);
  if (!hash.ok()) return std::move(hash).error();
  record.hash = std::move(hash).value();
  return record;
}

Result<std::int64_t> AuditLog::append(db::Connection& conn, AuditEntry entry) {
  if (conn.access() != db::Access::kWrite) {
    return Error::invalid("audit_needs_write_connection",
                          "an audit record must be appended on a write connection inside the "
                          "caller's transaction");
  }
  auto head = store::read_head(conn, /*lock=*/true);
  if (!head.ok()) return std::move(head).error();
  auto record = make_record(std::move(entry), head->last_id + 1, head->last_hash);
  if (!record.ok()) return std::move(record).error();
  ZT_TRY(store::insert(conn, *record));
  std::optional<core::TimePoint> max_time = head->max_time;
  if (judge_late(*record, max_time)) {
    const AuditRecord* late = &*record;
    ZT_TRY(store::insert_late(conn, std::span(&late, 1)));
  }
  ZT_TRY(daily_store::add(conn, std::span<const AuditRecord>(&*record, 1)));
  if (!record->entry.subjects.empty()) {
    ZT_ASSIGN_OR_RETURN(auto tags, subjects_.tags(record->entry.subjects));
    ZT_TRY(subject_store::insert(conn, record->id, record->entry.subjects.resource_code(), tags));
  }
  ZT_TRY(store::write_head(conn, {record->id, record->hash, head->keyed_from, max_time}));
  return record->id;
}

Result<std::int64_t> AuditLog::append(AuditEntry entry) {
  auto conn = db_.acquire(db::Access::kWrite);
  if (!conn.ok()) return std::move(conn).error();
  auto tx = db::Transaction::begin(*conn);
  if (!tx.ok()) return std::move(tx).error();
  auto id = append(*conn, std::move(entry));
  if (!id.ok()) return id;
  ZT_TRY(tx->commit());
  return id;
}

Result<std::int64_t> AuditLog::append_batch(std::span<const AuditEntry> entries) {
  // The subjects' tags first, before the chain head is taken (a big export's take a while).
  std::vector<std::vector<SubjectTag>> tags(entries.size());
  for (std::size_t i = 0; i < entries.size(); ++i) {
    if (entries[i].subjects.empty()) continue;
    ZT_ASSIGN_OR_RETURN(tags[i], subjects_.tags(entries[i].subjects));
  }
  auto conn = db_.acquire(db::Access::kWrite);
  if (!conn.ok()) return std::move(conn).error();
  auto tx = db::Transaction::begin(*conn);
  if (!tx.ok()) return std::move(tx).error();
  auto head = store::read_head(*conn, /*lock=*/true);
  if (!head.ok()) return std::move(head).error();
  if (entries.empty()) return head->last_id;
  std::vector<AuditRecord> records;
  records.reserve(entries.size());
  std::string_view prev = head->last_hash;
  std::int64_t id = head->last_id;
  for (const AuditEntry& entry : entries) {
    auto record = make_record(entry, ++id, prev);
    if (!record.ok()) return std::move(record).error();
    records.push_back(std::move(record).value());
    prev = records.back().hash;
  }
  ZT_TRY(store::insert_many(*tx, records));
  std::optional<core::TimePoint> max_time = head->max_time;
  std::vector<const AuditRecord*> late;
  for (const AuditRecord& r : records) {
    if (judge_late(r, max_time)) late.push_back(&r);
  }
  ZT_TRY(store::insert_late(*conn, late));
  ZT_TRY(daily_store::add(*conn, records));
  std::vector<subject_store::Rows> subject_rows;
  for (std::size_t i = 0; i < records.size(); ++i) {
    if (tags[i].empty()) continue;
    subject_rows.push_back({records[i].id, entries[i].subjects.resource_code(), tags[i]});
  }
  ZT_TRY(subject_store::load(*tx, subject_rows));
  ZT_TRY(store::write_head(*conn,
                           {records.back().id, records.back().hash, head->keyed_from, max_time}));
  ZT_TRY(tx->commit());
  return records.back().id;
}

Result<AuditPage> AuditLog::list(const RecordFilter& filter, std::optional<std::int64_t> cursor,
                                 std::size_t limit) const {
  limit = std::clamp<std::size_t>(limit, 1, kMaxPageSize);
  auto conn = db_.acquire(db::Access::kRead);
  if (!conn.ok()) return std::move(conn).error();
  auto records = store::list(*conn, filter, cursor, limit + 1, Order::kNewestFirst);
  if (!records.ok()) return std::move(records).error();
  AuditPage page;
  page.items = std::move(records).value();
  if (page.items.size() > limit) {
    page.items.resize(limit);
    page.next_cursor = page.items.back().id;
  }
  return page;
}

Result<SubjectReadPage> AuditLog::reads_of(std::string_view type, std::string_view subject,
                                           std::optional<std::int64_t> cursor,
                                           std::size_t limit) const {
  limit = std::clamp<std::size_t>(limit, 1, kMaxPageSize);
  ZT_ASSIGN_OR_RETURN(const SubjectTag tag, subjects_.tag(type, subject));
  ZT_ASSIGN_OR_RETURN(auto conn, db_.acquire(db::Access::kRead));
  ZT_ASSIGN_OR_RETURN(auto reads, subject_store::list(conn, tag, cursor, limit + 1));
  SubjectReadPage page;
  if (reads.size() > limit) {
    reads.resize(limit);
    page.next_cursor = reads.back().audit_id;
  }
  std::vector<std::int64_t> ids;
  ids.reserve(reads.size());
  for (const SubjectRead& r : reads)
    ids.push_back(r.audit_id);
  ZT_ASSIGN_OR_RETURN(auto records, store::by_ids(conn, ids));
  // Both lists are in descending id order; an index row always has its record (one
  // transaction), but a missing one is skipped rather than trusted.
  std::size_t next = 0;
  for (AuditRecord& record : records) {
    while (next < reads.size() && reads[next].audit_id > record.id)
      ++next;
    if (next == reads.size() || reads[next].audit_id != record.id) continue;
    page.items.push_back({std::move(record), std::move(reads[next].resource_code)});
    ++next;
  }
  return page;
}

Result<std::vector<DailyActionCount>> AuditLog::daily_counts(
    std::span<const std::string> actions, std::chrono::year_month_day first_day) const {
  auto conn = db_.acquire(db::Access::kRead);
  if (!conn.ok()) return std::move(conn).error();
  return daily_store::counts(*conn, actions, first_day);
}

Result<std::int64_t> AuditLog::scan(const RecordFilter& filter, std::int64_t after_id,
                                    std::size_t max_records,
                                    const std::function<bool(const AuditRecord&)>& visit,
                                    std::size_t page_size) const {
  page_size = std::max<std::size_t>(page_size, 1);
  std::int64_t last = after_id;
  std::size_t visited = 0;
  while (visited < max_records) {
    const std::size_t want = std::min(page_size, max_records - visited);
    std::vector<AuditRecord> records;
    {  // a connection per page: a slow consumer never holds one
      auto conn = db_.acquire(db::Access::kRead);
      if (!conn.ok()) return std::move(conn).error();
      auto page = store::list(*conn, filter, last, want, Order::kOldestFirst);
      if (!page.ok()) return std::move(page).error();
      records = std::move(page).value();
    }
    for (const AuditRecord& record : records) {
      last = record.id;
      ++visited;
      if (!visit(record)) return last;
    }
    if (records.size() < want) break;
  }
  return last;
}

}  // namespace zt::audit
