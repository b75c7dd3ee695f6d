#include "db/pg/pg_database.h"

#include <libpq-fe.h>

#include <charconv>
#include <cmath>
#include <cstring>
#include <string>
#include <unordered_map>
#include <vector>

namespace zt::db {

namespace {

// Type OIDs from pg_type.h (stable across PostgreSQL versions).
constexpr Oid kBoolOid = 16;
constexpr Oid kByteaOid = 17;
constexpr Oid kInt8Oid = 20;
constexpr Oid kInt2Oid = 21;
constexpr Oid kInt4Oid = 23;
constexpr Oid kOidOid = 26;
constexpr Oid kFloat4Oid = 700;
constexpr Oid kFloat8Oid = 701;

constexpr std::size_t kStatementCacheLimit = 256;
constexpr std::size_t kCopyChunk = 64 * 1024;

struct ResultDeleter {
  void operator()(PGresult* r) const { PQclear(r); }
};
using PgResult = std::unique_ptr<PGresult, ResultDeleter>;

std::string trim(std::string s) {
  while (!s.empty() && (s.back() == '\n' || s.back() == ' '))
    s.pop_back();
  return s;
}

// Maps a failed result (or, with res null, the connection's last error) to an Error. Only the
// primary message is kept: DETAIL lines quote row values, which may be personal data.
Error pg_error(PGconn* conn, const PGresult* res) {
  if (PQstatus(conn) != CONNECTION_OK) {
    return Error::unavailable("database_unavailable",
                              "PostgreSQL connection lost: " + trim(PQerrorMessage(conn)));
  }
  const char* state = res != nullptr ? PQresultErrorField(res, PG_DIAG_SQLSTATE) : nullptr;
  const char* primary = res != nullptr ? PQresultErrorField(res, PG_DIAG_MESSAGE_PRIMARY) : nullptr;
  std::string msg = primary != nullptr ? primary : trim(PQerrorMessage(conn));
  std::string_view sqlstate = state != nullptr ? state : "";
  if (sqlstate == "23505") return Error::conflict("duplicate", msg);
  if (sqlstate == "55P03") return Error::unavailable("database_busy", msg);
  if (sqlstate.starts_with("08") || sqlstate == "57P01") {
    return Error::unavailable("database_unavailable", msg);
  }
  if (!sqlstate.empty()) msg += " (SQLSTATE " + std::string(sqlstate) + ")";
  return Error::internal("database_error", msg);
}

bool ok_status(const PGresult* res) {
  auto s = PQresultStatus(res);
  return s == PGRES_COMMAND_OK || s == PGRES_TUPLES_OK || s == PGRES_EMPTY_QUERY;
}

void append_double(std::string& out, double v) {
  if (std::isnan(v)) {
    out += "NaN";
  } else if (std::isinf(v)) {
    out += v > 0 ? "Infinity" : "-Infinity";
  } else {
    char buf[32];
    auto r = std::to_chars(buf, buf + sizeof buf, v);
    out.append(buf, r.ptr);
  }
}

void append_int(std::string& out, std::int64_t v) {
  char buf[24];
  auto r = std::to_chars(buf, buf + sizeof buf, v);
  out.append(buf, r.ptr);
}

constexpr char kHex[] = "0123456789abcdef";

int hex_value(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

// Converts a text-protocol result into Rows, by column type.
Result<Rows> to_rows(const PGresult* res) {
  const int nfields = PQnfields(res);
  const int ntuples = PQntuples(res);
  std::vector<std::string> names;
  std::vector<Oid> types;
  names.reserve(nfields);
  types.reserve(nfields);
  for (int c = 0; c < nfields; ++c) {
    names.emplace_back(PQfname(res, c));
    types.push_back(PQftype(res, c));
  }
  Rows rows(std::move(names));
  for (int r = 0; r < ntuples; ++r) {
    for (int c = 0; c < nfields; ++c) {
      if (PQgetisnull(res, r, c)) {
        rows.add_null();
        continue;
      }
      const char* v = PQgetvalue(res, r, c);
      const std::size_t n = static_cast<std::size_t>(PQgetlength(res, r, c));
      switch (types[c]) {
        case kBoolOid: rows.add_bool(n > 0 && v[0] == 't'); break;
        case kInt2Oid:
        case kInt4Oid:
        case kInt8Oid:
        case kOidOid: {
          std::int64_t i = 0;
          std::from_chars(v, v + n, i);
          rows.add_int(i);
          break;
        }
        case kFloat4Oid:
        case kFloat8Oid: {
          double d = 0;
          std::from_chars(v, v + n, d);
          rows.add_double(d);
          break;
        }
        case kByteaOid: {
          if (n < 2 || v[0] != '\\' || v[1] != 'x' || n % 2 != 0) {
            return Error::internal("database_error", "unexpected bytea text (bytea_output=hex?)");
          }
          char* out = rows.add_blob_space((n - 2) / 2);
          for (std::size_t i = 2; i < n; i += 2) {
            *out++ = static_cast<char>(hex_value(v[i]) << 4 | hex_value(v[i + 1]));
          }
          break;
        }
        default: rows.add_text(std::string_view(v, n));
      }
    }
    rows.end_row();
  }
  return rows;
}

class PgConnection;

// COPY ... FROM STDIN in text format.
class PgBulkSink final : public detail::BulkSink {
 public:
  explicit PgBulkSink(PgConnection& conn) : conn_(conn) { buffer_.reserve(kCopyChunk + 4096); }
  ~PgBulkSink() override;
  Status add_row(std::span<const Param> values) override;
  Result<std::int64_t> finish() override;

 private:
  Status send();
  static void append_escaped(std::string& out, std::string_view text);

  PgConnection& conn_;
  std::string buffer_;
  bool ended_ = false;
};

class PgConnection final : public detail::ConnectionImpl {
 public:
  explicit PgConnection(PGconn* conn) : conn_(conn) {}
  ~PgConnection() override { PQfinish(conn_); }

  static Result<std::unique_ptr<detail::ConnectionImpl>> connect(const std::string& conninfo,
                                                                 const Options& options) {
    const std::string timeout = std::to_string(options.connect_timeout.count());
    // Keywords before "dbname" are defaults the URL may override; those after it are not.
    const char* keys[] = {"connect_timeout", "application_name", "dbname", "client_encoding",
                          nullptr};
    const char* values[] = {timeout.c_str(), options.application_name.c_str(), conninfo.c_str(),
                            "UTF8", nullptr};
    PGconn* raw = PQconnectdbParams(keys, values, /*expand_dbname=*/1);
    if (raw == nullptr) return Error::unavailable("database_unavailable", "out of memory");
    auto conn = std::make_unique<PgConnection>(raw);
    if (PQstatus(raw) != CONNECTION_OK) {
      return Error::unavailable("database_unavailable",
                                "cannot connect to PostgreSQL: " + trim(PQerrorMessage(raw)));
    }
    PQsetNoticeProcessor(
        raw, [](void*, const char*) {}, nullptr);  // no NOTICEs on stderr
    Status s = conn->execute(
        "SET TimeZone = 'UTC'; SET DateStyle = 'ISO, YMD'; SET bytea_output = 'hex'; "
        "SET standard_conforming_strings = on");
    if (!s.ok()) {
      return Error::unavailable("database_unavailable",
                                "cannot set up PostgreSQL session: " + s.error().detail);
    }
    return std::unique_ptr<detail::ConnectionImpl>(std::move(conn));
  }

  Backend backend() const override { return Backend::kPostgres; }

  Status execute(std::string_view script) override {
    PgResult res(PQexec(conn_, std::string(script).c_str()));
    if (!ok_status(res.get())) return pg_error(conn_, res.get());
    return {};
  }

  Result<Rows> query(std::string_view sql, std::span<const Param> params) override {
    auto res = run(sql, params);
    if (!res.ok()) return std::move(res).error();
    return to_rows(res->get());
  }

  Result<std::int64_t> exec(std::string_view sql, std::span<const Param> params) override {
    auto res = run(sql, params);
    if (!res.ok()) return std::move(res).error();
    const char* tuples = PQcmdTuples(res->get());
    std::int64_t n = 0;
    std::from_chars(tuples, tuples + std::strlen(tuples), n);
    return n;
  }

  Status begin() override { return execute("BEGIN"); }

  Status commit() override {
    // COMMIT of an aborted transaction "succeeds" as a ROLLBACK; report it as the failure it is.
    if (PQtransactionStatus(conn_) == PQTRANS_INERROR) {
      (void)execute("ROLLBACK");
      return Error::internal("transaction_aborted",
                             "a statement in the transaction failed; it was rolled back");
    }
    PgResult res(PQexec(conn_, "COMMIT"));
    if (!ok_status(res.get())) return pg_error(conn_, res.get());
    if (std::strcmp(PQcmdStatus(res.get()), "COMMIT") != 0) {
      return Error::internal("transaction_aborted", "the transaction was rolled back");
    }
    return {};
  }

  Status rollback() override {
    if (PQtransactionStatus(conn_) == PQTRANS_IDLE) return {};
    return execute("ROLLBACK");
  }

  Result<std::unique_ptr<detail::BulkSink>> start_bulk(
      std::string_view table, std::span<const std::string> columns) override {
    std::string sql = "COPY " + std::string(table) + " (";
    for (std::size_t i = 0; i < columns.size(); ++i) {
      if (i > 0) sql += ", ";
      sql += columns[i];
    }
    sql += ") FROM STDIN";
    PgResult res(PQexec(conn_, sql.c_str()));
    if (PQresultStatus(res.get()) != PGRES_COPY_IN) return pg_error(conn_, res.get());
    return std::unique_ptr<detail::BulkSink>(std::make_unique<PgBulkSink>(*this));
  }

  bool reset() override {
    if (PQstatus(conn_) != CONNECTION_OK) return false;
    switch (PQtransactionStatus(conn_)) {
      case PQTRANS_IDLE: return true;
      case PQTRANS_INTRANS:
      case PQTRANS_INERROR: return execute("ROLLBACK").ok();
      default:  // a command or COPY still in progress, or unknown: do not reuse
        return false;
    }
  }

  PGconn* raw() { return conn_; }

 private:
  struct Prepared {
    std::string name;
    std::size_t params;
  };

  Result<const Prepared*> prepare(std::string_view sql) {
    if (auto it = cache_.find(sql); it != cache_.end()) return &it->second;
    if (cache_.size() >= kStatementCacheLimit) {
      (void)execute("DEALLOCATE ALL");  // names are never reused, so a failure only leaks
      cache_.clear();
    }
    std::size_t count = 0;
    std::string text = to_dollar_placeholders(sql, &count);
    std::string name = "zt_" + std::to_string(++statement_counter_);
    PgResult res(PQprepare(conn_, name.c_str(), text.c_str(), 0, nullptr));
    if (!ok_status(res.get())) return pg_error(conn_, res.get());
    auto [it, inserted] = cache_.emplace(std::string(sql), Prepared{std::move(name), count});
    return &it->second;
  }

  void forget(std::string_view sql) {
    auto it = cache_.find(sql);
    if (it == cache_.end()) return;
    (void)execute("DEALLOCATE " + it->second.name);
    cache_.erase(it);
  }

  Result<PgResult> run(std::string_view sql, std::span<const Param> params) {
    for (int attempt = 0;; ++attempt) {
      auto prepared = prepare(sql);
      if (!prepared.ok()) return std::move(prepared).error();
      const Prepared& p = **prepared;
      if (p.params != params.size()) {
        return Error::internal("database_error", "statement takes " + std::to_string(p.params) +
                                                     " parameters, " +
                                                     std::to_string(params.size()) + " given");
      }
      // Text parameters need NUL-terminated copies; blobs go in binary format, uncopied.
      const std::size_t n = params.size();
      std::vector<const char*> values(n, nullptr);
      std::vector<int> lengths(n, 0);
      std::vector<int> formats(n, 0);
      std::vector<std::size_t> offsets(n, std::string::npos);
      text_.clear();
      for (std::size_t i = 0; i < n; ++i) {
        const Param& v = params[i];
        switch (v.type()) {
          case ValueType::kNull: break;
          case ValueType::kBool: values[i] = v.as_bool() ? "t" : "f"; break;
          case ValueType::kInt:
            offsets[i] = text_.size();
            append_int(text_, v.as_int());
            text_ += '\0';
            break;
          case ValueType::kDouble:
            offsets[i] = text_.size();
            append_double(text_, v.as_double());
            text_ += '\0';
            break;
          case ValueType::kText:
            if (v.as_text().find('\0') != std::string_view::npos) {
              return Error::internal("database_error", "text parameter contains a NUL byte");
            }
            offsets[i] = text_.size();
            text_ += v.as_text();
            text_ += '\0';
            break;
          case ValueType::kBlob:
            values[i] =
                v.as_blob().empty() ? "" : reinterpret_cast<const char*>(v.as_blob().data());
            lengths[i] = static_cast<int>(v.as_blob().size());
            formats[i] = 1;
            break;
        }
      }
      for (std::size_t i = 0; i < n; ++i) {
        if (offsets[i] != std::string::npos) values[i] = text_.data() + offsets[i];
      }
      PgResult res(PQexecPrepared(conn_, p.name.c_str(), static_cast<int>(n), values.data(),
                                  lengths.data(), formats.data(), /*resultFormat=*/0));
      if (ok_status(res.get())) return res;
      // After a schema change a cached plan may no longer fit its statement: prepare it again,
      // when no transaction has been aborted by the failure.
      const char* state = PQresultErrorField(res.get(), PG_DIAG_SQLSTATE);
      if (attempt == 0 && state != nullptr && std::strcmp(state, "0A000") == 0 &&
          PQtransactionStatus(conn_) == PQTRANS_IDLE) {
        forget(sql);
        continue;
      }
      return pg_error(conn_, res.get());
    }
  }

  PGconn* conn_;
  struct StringHash {
    using is_transparent = void;
    std::size_t operator()(std::string_view s) const { return std::hash<std::string_view>()(s); }
  };
  std::unordered_map<std::string, Prepared, StringHash, std::equal_to<>> cache_;
  std::uint64_t statement_counter_ = 0;
  std::string text_;  // parameter text of the statement being run
};

PgBulkSink::~PgBulkSink() {
  if (ended_) return;
  PGconn* c = conn_.raw();
  if (PQputCopyEnd(c, "bulk load abandoned") == 1) {
    while (PGresult* r = PQgetResult(c))
      PQclear(r);
  }
}

void PgBulkSink::append_escaped(std::string& out, std::string_view text) {
  std::size_t start = 0;
  for (std::size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    const char* esc = nullptr;
    switch (c) {
      case '\\': esc = "\\\\"; break;
      case '\t': esc = "\\t"; break;
      case '\n': esc = "\\n"; break;
      case '\r': esc = "\\r"; break;
      default: continue;
    }
    out.append(text.substr(start, i - start));
    out += esc;
    start = i + 1;
  }
  out.append(text.substr(start));
}

Status PgBulkSink::add_row(std::span<const Param> values) {
  for (std::size_t i = 0; i < values.size(); ++i) {
    if (i > 0) buffer_ += '\t';
    const Param& v = values[i];
    switch (v.type()) {
      case ValueType::kNull: buffer_ += "\\N"; break;
      case ValueType::kBool: buffer_ += v.as_bool() ? 't' : 'f'; break;
      case ValueType::kInt: append_int(buffer_, v.as_int()); break;
      case ValueType::kDouble: append_double(buffer_, v.as_double()); break;
      case ValueType::kText:
        if (v.as_text().find('\0') != std::string_view::npos) {
          return Error::internal("database_error", "text value contains a NUL byte");
        }
        append_escaped(buffer_, v.as_text());
        break;
      case ValueType::kBlob:
        buffer_ += "\\\\x";  // bytea hex input "\x...", its backslash escaped for COPY
        for (std::uint8_t b : v.as_blob()) {
          buffer_ += kHex[b >> 4];
          buffer_ += kHex[b & 0xf];
        }
        break;
    }
  }
  buffer_ += '\n';
  if (buffer_.size() >= kCopyChunk) return send();
  return {};
}

Status PgBulkSink::send() {
  if (buffer_.empty()) return {};
  if (PQputCopyData(conn_.raw(), buffer_.data(), static_cast<int>(buffer_.size())) != 1) {
    return pg_error(conn_.raw(), nullptr);
  }
  buffer_.clear();
  return {};
}

Result<std::int64_t> PgBulkSink::finish() {
  ZT_TRY(send());
  PGconn* c = conn_.raw();
  ended_ = true;
  if (PQputCopyEnd(c, nullptr) != 1) return pg_error(c, nullptr);
  PgResult res(PQgetResult(c));
  Result<std::int64_t> out = std::int64_t{0};
  if (PQresultStatus(res.get()) != PGRES_COMMAND_OK) {
    out = pg_error(c, res.get());
  } else {
    const char* tuples = PQcmdTuples(res.get());
    std::int64_t n = 0;
    std::from_chars(tuples, tuples + std::strlen(tuples), n);
    out = n;
  }
  while (PGresult* r = PQgetResult(c))
    PQclear(r);
  return out;
}

}  // namespace

PgDatabase::PgDatabase(std::string conninfo, const Options& options)
    : Database(options), conninfo_(std::move(conninfo)) {
  const std::string info = conninfo_;
  const Options opts = options;
  pool_ = std::make_unique<detail::Pool>(
      options.pool_size, [info, opts] { return PgConnection::connect(info, opts); });
}

Result<std::unique_ptr<Database>> PgDatabase::open(const DatabaseUrl& url, const Options& options) {
  char* err = nullptr;
  PQconninfoOption* parsed = PQconninfoParse(url.pg_conninfo.c_str(), &err);
  if (parsed == nullptr) {
    std::string msg = err != nullptr ? trim(err) : "cannot parse";
    PQfreemem(err);
    return Error::invalid("invalid_database_url",
                          "PostgreSQL URL '" + redact_database_url(url.pg_conninfo) + "': " + msg);
  }
  PQconninfoFree(parsed);
  std::unique_ptr<PgDatabase> db(new PgDatabase(url.pg_conninfo, options));
  auto first = PgConnection::connect(url.pg_conninfo, options);
  if (!first.ok()) return std::move(first).error();
  db->pool_->add_idle(std::move(first).value());
  return std::unique_ptr<Database>(std::move(db));
}

}  // namespace zt::db
