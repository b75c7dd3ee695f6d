#include "exchange/records/access.h"

#include "catalog/mask.h"
#include "core/csv.h"
#include "identity/scope.h"

#include <fmt/format.h>

#include <boost/json.hpp>

#include <array>
#include <charconv>

namespace zt::exchange {

namespace json = boost::json;

Access Access::provider(const catalog::Resource& r) {
  Access a;
  a.basis = Basis::kProvider;
  a.readable.assign(r.fields.size(), true);
  a.unmasked.assign(r.fields.size(), true);
  return a;
}

Access Access::unconditional(const catalog::Resource& r) {
  Access a;
  a.basis = Basis::kUnconditional;
  a.readable.assign(r.fields.size(), true);
  a.unmasked.assign(r.fields.size(), false);
  return a;
}

bool Access::masks(const catalog::Resource& r, std::size_t field) const {
  if (field >= r.fields.size() || !r.fields[field].personal) return false;
  return field >= unmasked.size() || !unmasked[field];
}

std::string_view to_string(Access::Basis basis) {
  switch (basis) {
    case Access::Basis::kProvider: return "provider";
    case Access::Basis::kUnconditional: return "unconditional";
    case Access::Basis::kGrant: return "grant";
  }
  return "unknown";
}

Result<std::string> project(const catalog::Resource& r, const Access& access,
                            std::string_view data) {
  boost::system::error_code ec;
  json::value v = json::parse(data, ec);
  if (ec || !v.is_object()) {
    return Error::internal("database_error", "A stored record is not a JSON object.");
  }
  const json::object& in = v.get_object();
  json::object out;
  for (std::size_t i = 0; i < r.fields.size(); ++i) {
    if (!access.can_read(i)) continue;
    const catalog::Field& f = r.fields[i];
    const json::value* value = in.if_contains(f.name);
    if (!value) continue;
    if (access.masks(r, i) && !value->is_null()) {
      std::string text =
          value->is_string() ? std::string(value->get_string()) : json::serialize(*value);
      out[f.name] = catalog::mask_value(f.mask, text);
    } else {
      out[f.name] = *value;
    }
  }
  return json::serialize(out);
}

namespace {

// The value as text (for masking and CSV): integers in decimal, booleans true/false.
std::string text_of(const TypedValue& v) {
  switch (v.kind) {
    case TypedValue::Kind::kNull: return {};
    case TypedValue::Kind::kInt: return std::to_string(v.i);
    case TypedValue::Kind::kBool: return v.i ? "true" : "false";
    case TypedValue::Kind::kText: return v.text;
  }
  return {};
}

// The text of an integer or boolean view (text_of's), in `buffer`.
std::string_view number_text(const ValueView& v, std::array<char, 24>& buffer) {
  if (v.kind == TypedValue::Kind::kBool) return v.i ? "true" : "false";
  const auto end = std::to_chars(buffer.data(), buffer.data() + buffer.size(), v.i).ptr;
  return {buffer.data(), static_cast<std::size_t>(end - buffer.data())};
}

}  // namespace

void append_projected_json(std::string& out, const catalog::Resource& r, const Access& access,
                           const TypedRow& row) {
  out += '{';
  bool first = true;
  for (std::size_t i = 0; i < r.fields.size() && i < row.values.size(); ++i) {
    if (!access.can_read(i)) continue;
    if (!first) out += ',';
    first = false;
    out += '"';
    out += r.fields[i].name;
    out += "\":";
    const TypedValue& v = row.values[i];
    if (access.masks(r, i) && v.kind != TypedValue::Kind::kNull) {
      TypedValue masked{TypedValue::Kind::kText, 0,
                        catalog::mask_value(r.fields[i].mask, text_of(v))};
      catalog::Field as_text = r.fields[i];
      as_text.type = catalog::FieldType::kString;
      append_json(out, as_text, masked);
    } else {
      append_json(out, r.fields[i], v);
    }
  }
  out += '}';
}

Projection::Projection(const catalog::Resource& r, const Access& access)
    : readable_(r.fields.size(), false) {
  for (std::size_t i = 0; i < r.fields.size(); ++i) {
    if (!access.can_read(i)) continue;
    readable_[i] = true;
    Column c;
    c.field = i;
    if (access.masks(r, i)) c.mask = r.fields[i].mask;
    const catalog::FieldType type = r.fields[i].type;
    c.text = type != catalog::FieldType::kInteger && type != catalog::FieldType::kDecimal &&
             type != catalog::FieldType::kBoolean;
    columns_.push_back(c);
    if (!header_.empty()) header_ += ',';
    header_ += r.fields[i].name;
  }
  header_ += "\r\n";
}

void Projection::append_csv_header(std::string& out) const {
  out += header_;
}

void Projection::append_csv(std::string& out, std::span<const ValueView> row) const {
  std::array<char, 24> number;
  bool first = true;
  for (const Column& c : columns_) {
    if (!first) out += ',';
    first = false;
    if (c.field >= row.size()) continue;
    const ValueView& v = row[c.field];
    if (v.kind == TypedValue::Kind::kNull) continue;
    const std::string_view text =
        v.kind == TypedValue::Kind::kText ? v.text : number_text(v, number);
    if (!c.mask) {
      // Numbers and booleans (decimals are held as text) never need quotes or the guard.
      if (c.text) {
        core::append_csv_cell(out, text);
      } else {
        out += text;
      }
      continue;
    }
    // Masked in place; rewritten afterwards in the rare case the kept ends need quotes or the
    // formula guard.
    const std::size_t at = out.size();
    catalog::append_masked(out, *c.mask, text);
    if (core::csv_cell_needs_care(std::string_view(out).substr(at))) {
      const std::string masked = out.substr(at);
      out.resize(at);
      core::append_csv_cell(out, masked);
    }
  }
  out += "\r\n";
}

namespace {

// The resource `code` when the catalog shows it to `actor`, and whether `actor` provides it.
Result<std::pair<catalog::Resource, bool>> visible(catalog::CatalogService& catalog,
                                                   const core::Principal& actor,
                                                   std::string_view code) {
  ZT_ASSIGN_OR_RETURN(catalog::Resource r, catalog.find(code));
  if (!catalog::CatalogService::visible_to(actor, r)) {
    return catalog::resource_not_found(code);
  }
  const bool own = actor.department_id && *actor.department_id == r.department_id;
  return std::make_pair(std::move(r), own);
}

}  // namespace

Result<catalog::Resource> readable_by_provider(catalog::CatalogService& catalog,
                                               const core::Principal& actor,
                                               std::string_view code) {
  ZT_ASSIGN_OR_RETURN(auto found, visible(catalog, actor, code));
  if (!found.second) {
    return Error::forbidden("not_granted",
                            "Only the providing department reads this; a sharing grant opens "
                            "records, not these.");
  }
  return std::move(found.first);
}

Result<catalog::Resource> figures_readable_by(catalog::CatalogService& catalog,
                                              const core::Principal& actor, std::string_view code) {
  ZT_ASSIGN_OR_RETURN(auto found, visible(catalog, actor, code));
  if (!found.second && !identity::has_city_scope(actor)) {
    return Error::forbidden(
        "not_granted",
        "Only the providing department and city-wide oversight read these figures; other "
        "departments need a sharing grant for the records.");
  }
  return std::move(found.first);
}

}  // namespace zt::exchange
