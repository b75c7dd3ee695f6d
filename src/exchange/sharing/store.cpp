#include "exchange/sharing/store.h"

#include "catalog/json.h"

#include <fmt/format.h>
#include <boost/json.hpp>

namespace zt::exchange {

namespace json = boost::json;

std::vector<db::Migration> sharing_migrations() {
  return {{.version = 410, .name = "create_sharing_tables", .sql = R"sql(
CREATE TABLE exchange_sharing_request (
  id {{id}},
  resource_id BIGINT NOT NULL,
  consumer_department_id BIGINT NOT NULL,
  provider_department_id BIGINT NOT NULL,
  purpose TEXT NOT NULL,
  legal_basis TEXT NOT NULL,
  fields TEXT NOT NULL,
  duration_days BIGINT NOT NULL,
  status TEXT NOT NULL,
  requested_by BIGINT NOT NULL,
  requested_by_name TEXT NOT NULL,
  requested_at BIGINT NOT NULL,
  decided_by BIGINT,
  decided_by_name TEXT NOT NULL,
  decided_at BIGINT,
  decision_reason TEXT NOT NULL,
  grant_id BIGINT
);
CREATE INDEX exchange_sharing_request_consumer
  ON exchange_sharing_request (consumer_department_id, id);
CREATE INDEX exchange_sharing_request_provider
  ON exchange_sharing_request (provider_department_id, id);
CREATE TABLE exchange_grant (
  id {{id}},
  request_id BIGINT NOT NULL,
  resource_id BIGINT NOT NULL,
  consumer_department_id BIGINT NOT NULL,
  provider_department_id BIGINT NOT NULL,
  fields TEXT NOT NULL,
  unmasked TEXT NOT NULL,
  purpose TEXT NOT NULL,
  starts_at BIGINT NOT NULL,
  expires_at BIGINT NOT NULL,
  revoked_at BIGINT,
  revoked_by BIGINT,
  revoke_reason TEXT NOT NULL
);
CREATE INDEX exchange_grant_consumer ON exchange_grant (consumer_department_id, resource_id);
CREATE INDEX exchange_grant_provider ON exchange_grant (provider_department_id, id);
CREATE INDEX exchange_grant_resource ON exchange_grant (resource_id);
CREATE TABLE exchange_grant_version (id BIGINT PRIMARY KEY, version BIGINT NOT NULL);
INSERT INTO exchange_grant_version (id, version) VALUES (1, 0);
)sql"}};
}

std::string Grant::status(std::int64_t now) const {
  if (revoked_at) return "revoked";
  if (now >= expires_at) return "expired";
  return "active";
}

namespace sharing {

namespace {

constexpr std::string_view kRequestColumns =
    "id, resource_id, consumer_department_id, provider_department_id, purpose, legal_basis, "
    "fields, duration_days, status, requested_by, requested_by_name, requested_at, decided_by, "
    "decided_by_name, decided_at, decision_reason, grant_id";

SharingRequest request_of(const db::Row& row) {
  SharingRequest r;
  db::into(row, r.id, r.resource_id, r.consumer_department_id, r.provider_department_id, r.purpose,
           r.legal_basis, db::parsed<std::string_view>(r.fields, catalog::parse_string_list),
           r.duration_days, r.status, r.requested_by, r.requested_by_name, r.requested_at,
           r.decided_by, r.decided_by_name, r.decided_at, r.decision_reason, r.grant_id);
  return r;
}

constexpr std::string_view kGrantColumns =
    "id, request_id, resource_id, consumer_department_id, provider_department_id, fields, "
    "unmasked, purpose, starts_at, expires_at, revoked_at, revoked_by, revoke_reason";

Grant grant_of(const db::Row& row) {
  Grant g;
  db::into(row, g.id, g.request_id, g.resource_id, g.consumer_department_id,
           g.provider_department_id,
           db::parsed<std::string_view>(g.fields, catalog::parse_string_list),
           db::parsed<std::string_view>(g.unmasked, catalog::parse_string_list), g.purpose,
           g.starts_at, g.expires_at, g.revoked_at, g.revoked_by, g.revoke_reason);
  return g;
}

}  // namespace

Result<std::int64_t> insert_request(db::Connection& conn, const SharingRequest& r) {
  return db::scalar<std::int64_t>(
      conn.query("INSERT INTO exchange_sharing_request (resource_id, consumer_department_id, "
                 "provider_department_id, purpose, legal_basis, fields, duration_days, status, "
                 "requested_by, requested_by_name, requested_at, decided_by_name, "
                 "decision_reason) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, '', '') RETURNING id",
                 r.resource_id, r.consumer_department_id, r.provider_department_id, r.purpose,
                 r.legal_basis, catalog::string_list_json(r.fields), r.duration_days, r.status,
                 r.requested_by, r.requested_by_name, r.requested_at));
}

Result<std::optional<SharingRequest>> find_request(db::Connection& conn, std::int64_t id) {
  return db::first_row<SharingRequest>(
      conn.query(
          fmt::format("SELECT {} FROM exchange_sharing_request WHERE id = ?", kRequestColumns), id),
      request_of);
}

Status update_request(db::Connection& conn, const SharingRequest& r) {
  return db::done(conn.exec(
      "UPDATE exchange_sharing_request SET status = ?, decided_by = ?, decided_by_name = ?, "
      "decided_at = ?, decision_reason = ?, grant_id = ? WHERE id = ?",
      r.status, r.decided_by, r.decided_by_name, r.decided_at, r.decision_reason, r.grant_id,
      r.id));
}

Result<std::vector<SharingRequest>> list_requests(db::Connection& conn, std::int64_t department_id,
                                                  bool as_provider,
                                                  std::optional<std::string> status,
                                                  std::int64_t before, int limit) {
  const db::NewestFirst page = db::newest_first(before, limit);
  const std::string sql =
      fmt::format("SELECT {} FROM exchange_sharing_request WHERE {} = ?{} AND {}", kRequestColumns,
                  as_provider ? "provider_department_id" : "consumer_department_id",
                  status ? " AND status = ?" : "", page.sql);
  if (status) {
    return db::map_rows<SharingRequest>(conn.query(sql, department_id, *status, page.bound),
                                        request_of);
  }
  return db::map_rows<SharingRequest>(conn.query(sql, department_id, page.bound), request_of);
}

Result<std::int64_t> insert_grant(db::Connection& conn, const Grant& g) {
  return db::scalar<std::int64_t>(
      conn.query("INSERT INTO exchange_grant (request_id, resource_id, consumer_department_id, "
                 "provider_department_id, fields, unmasked, purpose, starts_at, expires_at, "
                 "revoke_reason) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, '') RETURNING id",
                 g.request_id, g.resource_id, g.consumer_department_id, g.provider_department_id,
                 catalog::string_list_json(g.fields), catalog::string_list_json(g.unmasked),
                 g.purpose, g.starts_at, g.expires_at));
}

Result<std::optional<Grant>> find_grant(db::Connection& conn, std::int64_t id) {
  return db::first_row<Grant>(
      conn.query(fmt::format("SELECT {} FROM exchange_grant WHERE id = ?", kGrantColumns), id),
      grant_of);
}

Status revoke_grant(db::Connection& conn, const Grant& g) {
  return db::done(conn.exec(
      "UPDATE exchange_grant SET revoked_at = ?, revoked_by = ?, revoke_reason = ? WHERE id = ?",
      g.revoked_at, g.revoked_by, g.revoke_reason, g.id));
}

Result<std::vector<Grant>> list_grants(db::Connection& conn, std::int64_t department_id,
                                       bool as_provider, std::int64_t before, int limit) {
  const db::NewestFirst page = db::newest_first(before, limit);
  return db::map_rows<Grant>(
      conn.query(
          fmt::format("SELECT {} FROM exchange_grant WHERE {} = ? AND {}", kGrantColumns,
                      as_provider ? "provider_department_id" : "consumer_department_id", page.sql),
          department_id, page.bound),
      grant_of);
}

Result<std::vector<Grant>> active_grants(db::Connection& conn, std::int64_t department_id,
                                         std::int64_t resource_id, std::int64_t now) {
  return db::map_rows<Grant>(
      conn.query(fmt::format("SELECT {} FROM exchange_grant WHERE consumer_department_id = ? AND "
                             "resource_id = ? AND revoked_at IS NULL AND starts_at <= ? AND "
                             "expires_at > ? ORDER BY id",
                             kGrantColumns),
                 department_id, resource_id, now, now),
      grant_of);
}

Result<GrantCounts> grant_counts(db::Connection& conn, std::int64_t resource_id, std::int64_t now,
                                 std::int64_t soon) {
  ZT_ASSIGN_OR_RETURN(
      auto rows, conn.query("SELECT count(*), coalesce(sum(CASE WHEN expires_at < ? THEN 1 ELSE 0 "
                            "END), 0) FROM exchange_grant WHERE resource_id = ? AND revoked_at IS "
                            "NULL AND expires_at > ?",
                            soon, resource_id, now));
  return GrantCounts{rows[0].get<std::int64_t>(0), rows[0].get<std::int64_t>(1)};
}

Result<std::vector<GrantTally>> grant_tallies(db::Connection& conn, std::int64_t now,
                                              std::int64_t soon) {
  ZT_ASSIGN_OR_RETURN(
      auto rows,
      conn.query("SELECT resource_id, provider_department_id, consumer_department_id, count(*), "
                 "coalesce(sum(CASE WHEN expires_at < ? THEN 1 ELSE 0 END), 0) FROM "
                 "exchange_grant WHERE revoked_at IS NULL AND starts_at <= ? AND expires_at > ? "
                 "GROUP BY resource_id, provider_department_id, consumer_department_id",
                 soon, now, now));
  std::vector<GrantTally> out;
  for (std::size_t i = 0; i < rows.size(); ++i) {
    out.push_back({rows[i].get<std::int64_t>(0), rows[i].get<std::int64_t>(1),
                   rows[i].get<std::int64_t>(2), rows[i].get<std::int64_t>(3),
                   rows[i].get<std::int64_t>(4)});
  }
  return out;
}

Result<std::int64_t> grant_version(db::Connection& conn) {
  ZT_ASSIGN_OR_RETURN(auto rows,
                      conn.query("SELECT version FROM exchange_grant_version WHERE id = 1"));
  return rows.empty() ? 0 : rows[0].get<std::int64_t>(0);
}

Status bump_grant_version(db::Connection& conn) {
  return db::done(
      conn.exec("UPDATE exchange_grant_version SET version = version + 1 WHERE id = 1"));
}

}  // namespace sharing

}  // namespace zt::exchange
