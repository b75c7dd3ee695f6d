#include "exchange/ingest/store.h"

#include "core/time.h"

#include <fmt/format.h>
#include <boost/json.hpp>

namespace zt::exchange::batches {

namespace json = boost::json;

namespace {

constexpr std::string_view kColumns =
    "id, resource_id, department_id, actor_kind, actor_id, actor_name, format, charset, mode, "
    "idempotency_key, body_digest, status, rows_read, inserted, updated, unchanged, deleted, "
    "rejected, bytes, "
    "first_seq, last_seq, field_errors, error_code, error_detail, started_at, heartbeat_at, "
    "finished_at, node_id, attempt";

std::string errors_json(const std::map<std::string, std::int64_t>& errors) {
  json::object o;
  for (const auto& [k, v] : errors)
    o[k] = v;
  return json::serialize(o);
}

std::map<std::string, std::int64_t> parse_errors(std::string_view text) {
  std::map<std::string, std::int64_t> out;
  boost::system::error_code ec;
  json::value v = json::parse(text, ec);
  if (ec || !v.is_object()) return out;
  for (const auto& [k, n] : v.get_object()) {
    if (n.is_int64()) out[std::string(k)] = n.get_int64();
  }
  return out;
}

// Reads a row of `SELECT kColumns`.
Batch from_row(const db::Row& row) {
  Batch b;
  db::into(row, b.id, b.resource_id, b.department_id, b.actor_kind, b.actor_id, b.actor_name,
           b.format, b.charset, b.mode, b.idempotency_key, b.body_digest, b.status, b.rows_read,
           b.inserted, b.updated, b.unchanged, b.deleted, b.rejected, b.bytes, b.first_seq,
           b.last_seq, db::parsed<std::string_view>(b.field_errors, parse_errors), b.error_code,
           b.error_detail, b.started_at, b.heartbeat_at, b.finished_at, b.node_id, b.attempt);
  return b;
}

Result<std::optional<Batch>> one(Result<db::Rows> rows) {
  return db::first_row<Batch>(std::move(rows), from_row);
}

std::string china_day(std::int64_t ms) {
  const auto d = core::china_date(core::from_millis(ms));
  return fmt::format("{:04}-{:02}-{:02}", static_cast<int>(d.year()),
                     static_cast<unsigned>(d.month()), static_cast<unsigned>(d.day()));
}

}  // namespace

Result<std::int64_t> insert(db::Connection& conn, const Batch& b) {
  return db::scalar<std::int64_t>(conn.query(
      "INSERT INTO exchange_batch (resource_id, department_id, actor_kind, actor_id, "
      "actor_name, format, charset, mode, idempotency_key, status, rows_read, "
      "inserted, updated, unchanged, deleted, rejected, bytes, field_errors, "
      "error_code, error_detail, started_at, heartbeat_at, node_id, attempt) VALUES "
      "(?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 0, 0, 0, 0, 0, 0, 0, '{}', '', '', ?, ?, ?, 0) "
      "RETURNING id",
      b.resource_id, b.department_id, b.actor_kind, b.actor_id, b.actor_name, b.format, b.charset,
      b.mode, b.idempotency_key, b.status, b.started_at, b.heartbeat_at, b.node_id));
}

Status update(db::Connection& conn, const Batch& b) {
  return db::done(conn.exec(
      "UPDATE exchange_batch SET status = ?, rows_read = ?, inserted = ?, updated = ?, "
      "unchanged = ?, deleted = ?, rejected = ?, bytes = ?, first_seq = ?, last_seq = ?, "
      "field_errors = ?, error_code = ?, error_detail = ?, heartbeat_at = ?, finished_at = ?, "
      "format = ?, charset = ?, mode = ?, body_digest = ? WHERE id = ?",
      b.status, b.rows_read, b.inserted, b.updated, b.unchanged, b.deleted, b.rejected, b.bytes,
      b.first_seq, b.last_seq, errors_json(b.field_errors), b.error_code, b.error_detail,
      b.heartbeat_at, b.finished_at, b.format, b.charset, b.mode, b.body_digest, b.id));
}

Result<bool> restart(db::Connection& conn, const Batch& b) {
  ZT_ASSIGN_OR_RETURN(
      const std::int64_t taken,
      conn.exec("UPDATE exchange_batch SET started_at = ?, node_id = ?, attempt = ? "
                "WHERE id = ? AND attempt = ?",
                b.started_at, b.node_id, b.attempt, b.id, b.attempt - 1));
  if (taken == 0) return false;
  ZT_TRY(conn.exec("DELETE FROM exchange_rejection WHERE batch_id = ?", b.id));
  ZT_TRY(update(conn, b));
  return true;
}

Result<std::int64_t> interrupt_node(db::Connection& conn, std::string_view node_id) {
  return conn.exec(
      "UPDATE exchange_batch SET status = 'interrupted' WHERE node_id = ? AND status = 'running'",
      node_id);
}

Status insert_rejections(db::Connection& conn, std::int64_t batch_id,
                         std::span<const Rejection> rejections) {
  for (const Rejection& r : rejections) {
    json::array errors;
    for (const FieldError& e : r.errors) {
      errors.push_back(json::object{{"field", e.field}, {"code", e.code}, {"detail", e.detail}});
    }
    ZT_TRY(conn.exec("INSERT INTO exchange_rejection (batch_id, line, errors) VALUES (?, ?, ?)",
                     batch_id, static_cast<std::int64_t>(r.line), json::serialize(errors)));
  }
  return {};
}

Result<std::optional<Batch>> find(db::Connection& conn, std::int64_t id) {
  return one(conn.query(fmt::format("SELECT {} FROM exchange_batch WHERE id = ?", kColumns), id));
}

Result<std::optional<Batch>> find_by_key(db::Connection& conn, std::int64_t resource_id,
                                         std::string_view actor_kind, std::int64_t actor_id,
                                         std::string_view key) {
  return one(conn.query(fmt::format("SELECT {} FROM exchange_batch WHERE resource_id = ? AND "
                                    "actor_kind = ? AND actor_id = ? AND idempotency_key = ?",
                                    kColumns),
                        resource_id, actor_kind, actor_id, key));
}

Result<std::vector<Batch>> list(db::Connection& conn, std::int64_t resource_id, std::int64_t before,
                                int limit) {
  const db::NewestFirst page = db::newest_first(before, limit);
  return db::map_rows<Batch>(
      conn.query(fmt::format("SELECT {} FROM exchange_batch WHERE resource_id = ? AND {}", kColumns,
                             page.sql),
                 resource_id, page.bound),
      from_row);
}

Result<std::vector<Rejection>> rejections(db::Connection& conn, std::int64_t batch_id,
                                          std::uint64_t after, int limit) {
  ZT_ASSIGN_OR_RETURN(auto rows,
                      conn.query(fmt::format("SELECT line, errors FROM exchange_rejection WHERE "
                                             "batch_id = ? AND line > ? ORDER BY line LIMIT {}",
                                             limit),
                                 batch_id, static_cast<std::int64_t>(after)));
  std::vector<Rejection> out;
  for (std::size_t i = 0; i < rows.size(); ++i) {
    Rejection r;
    r.line = static_cast<std::uint64_t>(rows[i].get<std::int64_t>(0));
    boost::system::error_code ec;
    json::value v = json::parse(rows[i].get<std::string_view>(1), ec);
    if (!ec && v.is_array()) {
      for (const auto& e : v.get_array()) {
        if (!e.is_object()) continue;
        const auto& o = e.get_object();
        auto text = [&](std::string_view k) {
          const json::value* s = o.if_contains(k);
          return s && s->is_string() ? std::string(s->get_string()) : std::string();
        };
        r.errors.push_back({text("field"), text("code"), text("detail")});
      }
    }
    out.push_back(std::move(r));
  }
  return out;
}

Result<std::vector<DailyCount>> daily(db::Connection& conn, std::int64_t resource_id,
                                      std::int64_t since_ms) {
  ZT_ASSIGN_OR_RETURN(
      auto rows,
      conn.query("SELECT finished_at, inserted + updated + unchanged + deleted, rejected FROM "
                 "exchange_batch WHERE resource_id = ? AND finished_at >= ? ORDER BY finished_at",
                 resource_id, since_ms));
  std::vector<DailyCount> out;
  for (std::size_t i = 0; i < rows.size(); ++i) {
    const std::string day = china_day(rows[i].get<std::int64_t>(0));
    if (out.empty() || out.back().day != day) out.push_back({day, 0, 0});
    out.back().ingested += rows[i].get<std::int64_t>(1);
    out.back().rejected += rows[i].get<std::int64_t>(2);
  }
  return out;
}

Result<std::pair<std::map<std::string, std::int64_t>, std::int64_t>> error_totals(
    db::Connection& conn, std::int64_t resource_id, std::int64_t since_ms) {
  ZT_ASSIGN_OR_RETURN(auto rows, conn.query("SELECT field_errors, rows_read FROM exchange_batch "
                                            "WHERE resource_id = ? AND started_at >= ?",
                                            resource_id, since_ms));
  std::map<std::string, std::int64_t> totals;
  std::int64_t read = 0;
  for (std::size_t i = 0; i < rows.size(); ++i) {
    for (const auto& [k, v] : parse_errors(rows[i].get<std::string_view>(0)))
      totals[k] += v;
    read += rows[i].get<std::int64_t>(1);
  }
  return std::pair{std::move(totals), read};
}

}  // namespace zt::exchange::batches
