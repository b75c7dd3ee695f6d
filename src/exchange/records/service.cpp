#include "exchange/records/service.h"

#include "core/crypto.h"

#include <fmt/format.h>
#include <boost/json.hpp>

#include <algorithm>

namespace zt::exchange {

using catalog::Field;
using catalog::Resource;
namespace json = boost::json;

namespace {

constexpr std::string_view kOwnPurpose = "本部门业务";
constexpr int kExportPage = 5000;
// Bytes of the export body handed to the connection at a time.
constexpr std::size_t kExportPiece = 256 * 1024;

Error bad_fields(std::string detail) {
  return Error::invalid("invalid_fields", std::move(detail));
}

// The key fields' indexes in field order.
std::vector<std::size_t> key_indexes(const Resource& r) {
  std::vector<std::size_t> out;
  for (std::size_t i = 0; i < r.fields.size(); ++i) {
    if (r.fields[i].key) out.push_back(i);
  }
  return out;
}

// The fields a page's position is made of (records::scan_order): the order field, if any, then
// the key fields.
std::vector<std::size_t> position_fields(const Resource& r, std::optional<std::size_t> by) {
  std::vector<std::size_t> out;
  if (by) out.push_back(*by);
  for (std::size_t i : key_indexes(r))
    out.push_back(i);
  return out;
}

// `access` narrowed to the fields asked for (unknown names: 400).
Result<Access> narrowed(const Resource& r, Access access, const std::vector<std::string>& fields) {
  if (fields.empty()) return access;
  std::vector<bool> asked(r.fields.size(), false);
  for (const auto& name : fields) {
    bool found = false;
    for (std::size_t i = 0; i < r.fields.size(); ++i) {
      if (r.fields[i].name == name) {
        asked[i] = true;
        found = true;
      }
    }
    if (!found) return bad_fields(fmt::format("'{}' is not a field of {}.", name, r.code));
  }
  for (std::size_t i = 0; i < r.fields.size(); ++i)
    access.readable[i] = access.readable[i] && asked[i];
  return access;
}

}  // namespace

std::optional<std::size_t> subject_field(const Resource& r) {
  for (std::size_t i = 0; i < r.fields.size(); ++i) {
    const catalog::FieldType type = r.fields[i].type;
    if (r.fields[i].key &&
        (type == catalog::FieldType::kIdNumber || type == catalog::FieldType::kUscc)) {
      return i;
    }
  }
  return std::nullopt;
}

audit::ReadSubjects read_subjects(const Resource& r) {
  const auto field = subject_field(r);
  if (!field) return {};
  return audit::ReadSubjects(r.code, std::string(catalog::to_string(r.fields[*field].type)));
}

Result<std::vector<TypedValue>> parse_record_key(const Resource& r, std::string_view key,
                                                 std::chrono::year_month_day today) {
  const auto keys = key_indexes(r);
  std::vector<TypedValue> values;
  std::size_t start = 0;
  for (std::size_t k = 0; k < keys.size(); ++k) {
    std::size_t end = k + 1 == keys.size() ? key.size() : key.find(',', start);
    if (end == std::string_view::npos) {
      return Error::invalid("invalid_key", fmt::format("{} has {} key fields: give them "
                                                       "comma-separated.",
                                                       r.code, keys.size()));
    }
    RawValue raw{RawValue::Kind::kString, std::string(key.substr(start, end - start))};
    auto v = validate_value(r.fields[keys[k]], raw, today);
    if (!v.ok()) {
      return Error::invalid("invalid_key",
                            fmt::format("The key is not valid: {}.", v.error().detail));
    }
    values.push_back(std::move(*v));
    start = end + 1;
  }
  return values;
}

QueryService::QueryService(db::Database& db, catalog::CatalogService& catalog,
                           SharingService& sharing, audit::AuditWriter& audit,
                           const core::CryptoProvider& crypto, std::string data_key,
                           const core::Clock& clock)
    : db_(db),
      catalog_(catalog),
      sharing_(sharing),
      audit_(audit),
      crypto_(crypto),
      data_key_(std::move(data_key)),
      clock_(clock) {}

namespace {

// The cursor's associated data: a cursor opens only for the resource it was made for.
std::string cursor_binding(const Resource& r) {
  return "zt-cursor-v1:" + r.code;
}

}  // namespace

// A cursor: the position of a page's last record, sealed, in hex (opaque to clients). In key
// order a JSON array of the key values; in a field's order {"by": field, "after": [the field's
// value, the key values…]}, so that a cursor opens only for a query in the same order.
Result<std::string> QueryService::seal_cursor(const Resource& r, std::optional<std::size_t> by,
                                              const TypedRow& row) const {
  json::array a;
  for (std::size_t i : position_fields(r, by)) {
    const TypedValue& v = row.values[i];
    if (v.kind == TypedValue::Kind::kText) {
      a.emplace_back(v.text);
    } else if (v.kind == TypedValue::Kind::kBool) {
      a.emplace_back(v.i != 0);
    } else {
      a.emplace_back(v.i);
    }
  }
  json::value position = std::move(a);
  if (by) position = json::object{{"by", r.fields[*by].name}, {"after", std::move(position)}};
  ZT_ASSIGN_OR_RETURN(const std::string sealed,
                      crypto_.sm4_seal(data_key_, json::serialize(position), cursor_binding(r)));
  return core::to_hex(sealed);
}

Result<std::vector<TypedValue>> QueryService::open_cursor(const Resource& r,
                                                          std::optional<std::size_t> by,
                                                          std::string_view cursor) const {
  auto bad = [] {
    return Error::invalid("invalid_cursor", "cursor must come from a previous page.");
  };
  auto sealed = core::from_hex(cursor);
  if (!sealed.ok()) return bad();
  auto text = crypto_.sm4_open(data_key_, *sealed, cursor_binding(r));
  if (!text.ok()) return bad();
  boost::system::error_code ec;
  json::value v = json::parse(*text, ec);
  if (ec) return bad();
  const json::value* position = &v;
  if (by) {
    // A cursor of the same order: made by a query ordered by the same field.
    const json::object* o = v.if_object();
    const json::value* field = o ? o->if_contains("by") : nullptr;
    position = o ? o->if_contains("after") : nullptr;
    if (!field || !field->is_string() || field->get_string() != r.fields[*by].name || !position) {
      return bad();
    }
  }
  if (!position->is_array() || position->get_array().size() != position_fields(r, by).size()) {
    return bad();
  }
  std::vector<TypedValue> out;
  for (const json::value& item : position->get_array()) {
    if (item.is_string()) {
      out.push_back({TypedValue::Kind::kText, 0, std::string(item.get_string())});
    } else if (item.is_int64()) {
      out.push_back({TypedValue::Kind::kInt, item.get_int64(), {}});
    } else if (item.is_bool()) {
      out.push_back({TypedValue::Kind::kBool, item.get_bool() ? 1 : 0, {}});
    } else {
      return bad();
    }
  }
  return out;
}

Result<std::shared_ptr<const QueryService::CachedResource>> QueryService::cached_resource(
    std::string_view code) {
  const std::int64_t now = core::to_millis(clock_.now());
  {
    std::lock_guard lock(mutex_);
    auto it = resources_.find(code);
    if (it != resources_.end() && now - it->second.second < kResourceCacheMs) {
      return it->second.first;
    }
  }
  ZT_ASSIGN_OR_RETURN(Resource r, catalog_.find(code));
  std::string sql = records::key_lookup_sql(db_.backend(), r);
  auto cached =
      std::make_shared<const CachedResource>(CachedResource{std::move(r), std::move(sql)});
  std::lock_guard lock(mutex_);
  if (resources_.size() > 10000) resources_.clear();
  resources_[std::string(code)] = {cached, now};
  return cached;
}

Result<Resource> QueryService::resource(std::string_view code) {
  ZT_ASSIGN_OR_RETURN(auto cached, cached_resource(code));
  return cached->resource;
}

Result<QueryService::Prepared> QueryService::prepare(const core::Principal& actor,
                                                     std::string_view code,
                                                     const std::vector<std::string>& fields,
                                                     const ReadContext& context) {
  ZT_ASSIGN_OR_RETURN(auto cached, cached_resource(code));
  const Resource& r = cached->resource;
  if (r.status == catalog::ResourceStatus::kDraft) {
    return catalog::resource_not_found(code);
  }
  ZT_ASSIGN_OR_RETURN(Access granted, sharing_.access(actor, r));
  ZT_ASSIGN_OR_RETURN(Access access, narrowed(r, granted, fields));
  std::string purpose;
  if (context.purpose && !context.purpose->empty()) {
    purpose = *context.purpose;
  } else if (!access.purpose.empty()) {
    purpose = access.purpose;
  } else if (access.basis == Access::Basis::kProvider) {
    purpose = std::string(kOwnPurpose);
  } else {
    return Error::invalid("purpose_required",
                          "Name the purpose of this read in the X-Purpose header (用途).");
  }
  if (purpose.size() > 500 || context.case_id.size() > 100) {
    return Error::invalid("invalid_purpose", "X-Purpose is at most 500 bytes, X-Case-Id 100.");
  }
  return Prepared{std::move(cached), std::move(access), std::move(purpose), std::move(granted)};
}

void QueryService::audit(const core::Principal& actor, const Prepared& p,
                         const ReadContext& context, std::string action, std::string object_id,
                         std::string detail, audit::ReadSubjects subjects) {
  audit::AuditEntry e =
      audit::AuditEntry::of(std::move(action), "record", std::move(object_id), context.request);
  e.by(actor);
  e.purpose = p.purpose;
  e.case_id = context.case_id;
  e.detail = std::move(detail);
  e.subjects = std::move(subjects);
  audit_.submit(std::move(e));
}

Result<std::string> QueryService::record(const core::Principal& actor, std::string_view code,
                                         std::string_view key,
                                         const std::vector<std::string>& fields,
                                         const ReadContext& context) {
  ZT_ASSIGN_OR_RETURN(Prepared p, prepare(actor, code, fields, context));
  const Resource& r = p.resource();
  ZT_ASSIGN_OR_RETURN(auto values, parse_record_key(r, key, core::china_date(clock_.now())));
  ZT_ASSIGN_OR_RETURN(auto conn, db_.acquire(db::Access::kRead));
  ZT_ASSIGN_OR_RETURN(std::optional<TypedRow> found,
                      records::lookup_record(conn, r, p.cached->lookup_sql, values));
  if (!found) {
    return Error::not_found("record_not_found", fmt::format("No record {} in {}.", key, r.code));
  }
  std::string out;
  append_projected_json(out, r, p.access, *found);
  // The detail as boost::json would serialise {"basis", "grant_id", "fields"}, written directly:
  // basis names and field names (a-z, 0-9, _) need no escaping.
  std::string detail =
      fmt::format(R"({{"basis":"{}","grant_id":{},"fields":[)", to_string(p.access.basis),
                  p.access.grant_id ? std::to_string(*p.access.grant_id) : std::string("null"));
  bool first = true;
  for (std::size_t i = 0; i < r.fields.size(); ++i) {
    if (!p.access.can_read(i)) continue;
    if (!first) detail += ',';
    first = false;
    detail += '"';
    detail += r.fields[i].name;
    detail += '"';
  }
  detail += "]}";
  // The object names the key as stored (validated, normalised), so a person's reads are found
  // by their id_number however the reader typed it (谁用了我的数据).
  std::string object_id = r.code + "/";
  for (std::size_t k = 0; k < values.size(); ++k) {
    if (k > 0) object_id += ',';
    object_id +=
        values[k].kind == TypedValue::Kind::kText ? values[k].text : std::to_string(values[k].i);
  }
  audit::ReadSubjects subjects = read_subjects(r);
  if (const auto field = subject_field(r)) subjects.add(found->values[*field].text);
  audit(actor, p, context, "exchange.record.read", std::move(object_id), std::move(detail),
        std::move(subjects));
  return out;
}

Result<std::vector<records::Condition>> QueryService::conditions(const Resource& r,
                                                                 const Access& granted,
                                                                 const QueryInput& input) {
  std::vector<records::Condition> out;
  const auto today = core::china_date(clock_.now());
  for (const auto& [name, value] : input.filters) {
    std::string_view field = name;
    records::Condition::Op op = records::Condition::Op::kEq;
    if (auto at = field.find("__"); at != std::string_view::npos) {
      const std::string_view suffix = field.substr(at + 2);
      field = field.substr(0, at);
      if (suffix == "gt")
        op = records::Condition::Op::kGt;
      else if (suffix == "gte")
        op = records::Condition::Op::kGte;
      else if (suffix == "lt")
        op = records::Condition::Op::kLt;
      else if (suffix == "lte")
        op = records::Condition::Op::kLte;
      else if (suffix == "prefix")
        op = records::Condition::Op::kPrefix;
      else if (suffix != "eq") {
        return Error::invalid("invalid_filter",
                              fmt::format("'{}': use field, field__gt, __gte, __lt, __lte or "
                                          "__prefix.",
                                          name));
      }
    }
    std::size_t index = r.fields.size();
    for (std::size_t i = 0; i < r.fields.size(); ++i) {
      if (r.fields[i].name == field) index = i;
    }
    if (index == r.fields.size()) {
      return Error::invalid("invalid_filter",
                            fmt::format("'{}' is not a field of {}.", field, r.code));
    }
    const Field& f = r.fields[index];
    if (!granted.can_read(index)) {
      return Error::forbidden(
          "filter_not_allowed",
          fmt::format("'{}' is outside what you may read of {}: filter on the fields you read.",
                      field, r.code));
    }
    if (op != records::Condition::Op::kEq && granted.masks(r, index)) {
      return Error::forbidden(
          "filter_not_allowed",
          fmt::format("'{}' is masked for you: only an exact match (field=value) filters on it.",
                      field));
    }
    if (!f.indexed && !f.key) {
      return Error::invalid("field_not_filterable",
                            fmt::format("'{}' is not indexed: filter on the key or an indexed "
                                        "field.",
                                        field));
    }
    records::Condition c;
    c.field = index;
    c.op = op;
    if (op == records::Condition::Op::kPrefix) {
      if (value.empty()) {
        return Error::invalid("invalid_filter", fmt::format("'{}' needs a prefix.", name));
      }
      c.value = {TypedValue::Kind::kText, 0, value};
      c.upper = value + "\xEF\xBF\xBF";  // U+FFFF: after every text with this prefix
    } else {
      auto v = validate_value(f, RawValue{RawValue::Kind::kString, value}, today);
      if (!v.ok()) {
        return Error::invalid("invalid_filter", fmt::format("'{}': {}", name, v.error().detail));
      }
      c.value = std::move(*v);
    }
    out.push_back(std::move(c));
  }
  return out;
}

Result<QueryPage> QueryService::query(const core::Principal& actor, std::string_view code,
                                      const QueryInput& input, const ReadContext& context) {
  ZT_ASSIGN_OR_RETURN(Prepared p, prepare(actor, code, input.fields, context));
  const Resource& r = p.resource();
  ZT_ASSIGN_OR_RETURN(auto conds, conditions(r, p.granted, input));
  const std::optional<std::size_t> by = records::scan_order(r, conds);
  std::vector<TypedValue> after;
  if (!input.cursor.empty()) {
    ZT_ASSIGN_OR_RETURN(after, open_cursor(r, by, input.cursor));
  }
  ZT_ASSIGN_OR_RETURN(auto conn, db_.acquire(db::Access::kRead));
  QueryPage page;
  std::optional<TypedRow> last;
  json::array keys;
  const auto key_fields = key_indexes(r);
  const auto subject = subject_field(r);
  audit::ReadSubjects subjects = read_subjects(r);
  ZT_TRY(records::scan_records(conn, r, conds, after, input.limit, [&](const TypedRow& row) {
    if (subject) subjects.add(row.values[*subject].text);
    std::string item;
    append_projected_json(item, r, p.access, row);
    page.items.push_back(std::move(item));
    std::string key;
    for (std::size_t i : key_fields) {
      if (!key.empty()) key += ',';
      key += row.values[i].kind == TypedValue::Kind::kText ? row.values[i].text
                                                           : std::to_string(row.values[i].i);
    }
    keys.emplace_back(key);
    last = row;
  }));
  if (last && static_cast<int>(page.items.size()) == input.limit) {
    ZT_ASSIGN_OR_RETURN(page.next_cursor, seal_cursor(r, by, *last));
  }
  json::object filters;
  for (const auto& [k, v] : input.filters)
    filters[k] = v;
  audit(actor, p, context, "exchange.records.query", r.code,
        json::serialize(json::object{{"basis", to_string(p.access.basis)},
                                     {"filters", std::move(filters)},
                                     {"count", page.items.size()},
                                     {"keys", std::move(keys)}}),
        std::move(subjects));
  return page;
}

Result<ExportPlan> QueryService::export_records(const core::Principal& actor, std::string_view code,
                                                ExportFormat format, const QueryInput& filters,
                                                const ReadContext& context) {
  ZT_ASSIGN_OR_RETURN(Prepared p, prepare(actor, code, filters.fields, context));
  ZT_ASSIGN_OR_RETURN(auto conds, conditions(p.resource(), p.granted, filters));
  ExportPlan plan;
  plan.content_type =
      format == ExportFormat::kCsv ? "text/csv; charset=utf-8" : "application/x-ndjson";
  core::Principal who = actor;
  json::object filter_json;
  for (const auto& [k, v] : filters.filters)
    filter_json[k] = v;
  plan.write = [this, p = std::move(p), conds = std::move(conds), format, who, context,
                filter_json](const std::function<bool(std::string_view)>& emit) -> Status {
    const Resource& r = p.resource();
    const bool csv = format == ExportFormat::kCsv;
    // The projection and masks are worked out once; each row is read as views of the readable
    // columns and written straight into `out`, which goes out in pieces of kExportPiece bytes.
    const Projection projection(r, p.access);
    std::string out;
    out.reserve(kExportPiece + 64 * 1024);
    if (csv) projection.append_csv_header(out);
    // A page's position: the order field's value (records::scan_order), then the key.
    const auto keys = position_fields(r, records::scan_order(r, conds));
    std::vector<TypedValue> after;              // the last position of the previous page
    std::vector<TypedValue> last(keys.size());  // the last position of this page
    TypedRow typed;  // NDJSON: the row as append_projected_json takes it, its storage reused
    typed.values.resize(r.fields.size());
    std::int64_t count = 0;
    // Every row written names its subject: at a million rows one packed buffer (ReadSubjects).
    const auto subject = subject_field(r);
    audit::ReadSubjects subjects = read_subjects(r);
    bool going = true;
    int n = 0;  // rows of the current page
    const auto write_row = [&](std::span<const ValueView> row) {
      ++n;
      if (!going) return;
      if (csv) {
        projection.append_csv(out, row);
      } else {
        for (std::size_t i = 0; i < row.size(); ++i) {
          typed.values[i].kind = row[i].kind;
          typed.values[i].i = row[i].i;
          typed.values[i].text.assign(row[i].text);
        }
        append_projected_json(out, r, p.access, typed);
        out += '\n';
      }
      ++count;
      if (subject) subjects.add(row[*subject].text);
      for (std::size_t k = 0; k < keys.size(); ++k) {
        last[k].kind = row[keys[k]].kind;
        last[k].i = row[keys[k]].i;
        last[k].text.assign(row[keys[k]].text);
      }
      if (out.size() >= kExportPiece) {
        going = emit(out);
        out.clear();
      }
    };
    while (going) {
      ZT_ASSIGN_OR_RETURN(auto conn, db_.acquire(db::Access::kRead));
      n = 0;
      ZT_TRY(records::scan_record_views(conn, r, conds, after, kExportPage, projection.readable(),
                                        write_row));
      if (n < kExportPage || !going) break;
      after = last;
    }
    if (going && !out.empty()) going = emit(out);
    audit(who, p, context, "exchange.records.export", r.code,
          json::serialize(json::object{{"basis", to_string(p.access.basis)},
                                       {"filters", filter_json},
                                       {"format", csv ? "csv" : "ndjson"},
                                       {"count", count},
                                       {"complete", going}}),
          std::move(subjects));
    return {};
  };
  return plan;
}

}  // namespace zt::exchange
