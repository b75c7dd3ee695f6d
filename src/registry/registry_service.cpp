#include "registry/registry_service.h"

#include "core/time.h"
#include "identity/service.h"

#include <fmt/format.h>
#include <spdlog/spdlog.h>
#include <boost/json.hpp>

#include <algorithm>
#include <chrono>
#include <map>
#include <set>

namespace zt::registry {

namespace json = boost::json;

namespace {

constexpr int kPublishPage = 5000;
// Keys whose sources a fresh build writes per transaction.
constexpr std::size_t kFreshBatch = 50000;

Error invalid_mapping(std::string detail) {
  return Error::invalid("invalid_mapping", std::move(detail));
}

std::optional<json::object> parse_object(std::string_view text) {
  boost::system::error_code ec;
  json::value v = json::parse(text, ec);
  if (ec || !v.is_object()) return std::nullopt;
  return std::move(v.get_object());
}

// The single key field of `r`, when it has exactly one.
const catalog::Field* single_key(const catalog::Resource& r) {
  auto keys = r.key_fields();
  return keys.size() == 1 ? keys.front() : nullptr;
}

// Pages of one source's change feed as the registry applies them: the source's state per key at
// the end of the pages (a later change of a key replaces an earlier one; nullopt: deleted).
struct FeedPage {
  std::map<std::string, std::optional<SourceValues>, std::less<>> latest;
  std::int64_t changes = 0;
  std::int64_t next_cursor = 0;
};

// What kind of read an audit action is, as 谁用了我的数据 shows it.
std::string read_kind(std::string_view action) {
  if (action == "exchange.record.read") return "lookup";
  if (action == "exchange.records.query") return "query";
  if (action == "exchange.records.export") return "export";
  if (action == "exchange.changes.read") return "changes";
  return "other";
}

std::string age_band(int age) {
  if (age < 18) return "0-17";
  if (age < 35) return "18-34";
  if (age < 60) return "35-59";
  return "60+";
}

}  // namespace

RegistryService::RegistryService(db::Database& db, catalog::CatalogService& catalog,
                                 exchange::ExchangeService& exchange, exchange::QueryService& query,
                                 identity::IdentityService& identity, audit::AuditLog& audit,
                                 DivisionService& divisions, const core::Clock& clock)
    : db_(db),
      catalog_(catalog),
      exchange_(exchange),
      query_(query),
      identity_(identity),
      audit_(audit),
      divisions_(divisions),
      clock_(clock) {}

// --- configuration ------------------------------------------------------------------------------

Result<RegistryService::Loaded> RegistryService::load(RegistryKind kind) {
  std::optional<store::Config> config;
  {
    ZT_ASSIGN_OR_RETURN(auto conn, db_.acquire(db::Access::kRead));
    ZT_ASSIGN_OR_RETURN(config, store::read_config(conn, kind));
  }
  if (!config) {
    return Error::not_found(
        "registry_not_configured",
        fmt::format("The {} registry has no golden resource and mappings yet.", to_string(kind)));
  }
  ZT_ASSIGN_OR_RETURN(catalog::Resource golden, catalog_.find(config->resource_code));
  Loaded l{std::move(*config), std::move(golden), {}};
  for (const catalog::Field& f : l.golden.fields) {
    if (!f.key) l.attributes.push_back(f.name);
  }
  return l;
}

Result<std::shared_ptr<const RegistryService::Loaded>> RegistryService::load_for_read(
    RegistryKind kind) {
  const std::int64_t now = core::to_millis(clock_.now());
  auto& slot = loaded_[static_cast<std::size_t>(kind)];
  {
    std::lock_guard lock(loaded_mutex_);
    if (slot.first && now - slot.second < exchange::kResourceCacheMs) return slot.first;
  }
  ZT_ASSIGN_OR_RETURN(Loaded l, load(kind));
  auto loaded = std::make_shared<const Loaded>(std::move(l));
  std::lock_guard lock(loaded_mutex_);
  slot = {loaded, now};
  return loaded;
}

Result<store::Config> RegistryService::config(const core::Principal& actor, RegistryKind kind) {
  if (!actor.has_permission(identity::permission::kRegistryManage) &&
      !actor.has_permission(identity::permission::kRegistryRead)) {
    return Error::forbidden("forbidden", "Reading a registry's configuration needs registry.read.");
  }
  ZT_ASSIGN_OR_RETURN(Loaded l, load(kind));
  return std::move(l.config);
}

Result<store::Config> RegistryService::configure(const core::Principal& actor, RegistryKind kind,
                                                 store::Config config,
                                                 const core::RequestContext& context) {
  if (!actor.has_permission(identity::permission::kRegistryManage)) {
    return Error::forbidden(
        "forbidden", "Configuring a registry needs registry.manage (the data administrator).");
  }
  auto golden = catalog_.find(config.resource_code);
  if (!golden.ok()) {
    return Error::invalid("invalid_registry",
                          fmt::format("No catalog resource {}.", config.resource_code));
  }
  const std::string_view key = key_attribute(kind);
  const catalog::Field* golden_key = single_key(*golden);
  if (golden_key == nullptr || golden_key->name != key) {
    return Error::invalid(
        "invalid_registry",
        fmt::format("The golden resource {} must have the one key field {}.", golden->code, key));
  }
  const catalog::Field* name = golden->field("name");
  if (name == nullptr || !name->indexed) {
    return Error::invalid("invalid_registry",
                          fmt::format("The golden resource {} needs an indexed field name (the "
                                      "registry searches by name).",
                                      golden->code));
  }
  if (config.mappings.empty()) return invalid_mapping("Give at least one mapping.");
  std::set<std::string> sources;
  std::set<std::pair<std::string, std::string>> seen;
  for (const Mapping& m : config.mappings) {
    if (!seen.insert({m.attribute, m.resource_code}).second) {
      return invalid_mapping(
          fmt::format("{} is mapped twice from {}.", m.attribute, m.resource_code));
    }
    if (m.attribute != key && golden->field(m.attribute) == nullptr) {
      return invalid_mapping(
          fmt::format("{} is not a field of the golden resource {}.", m.attribute, golden->code));
    }
    auto source = catalog_.find(m.resource_code);
    if (!source.ok())
      return invalid_mapping(fmt::format("No catalog resource {}.", m.resource_code));
    if (source->field(m.field) == nullptr) {
      return invalid_mapping(fmt::format("{} has no field {}.", m.resource_code, m.field));
    }
    sources.insert(m.resource_code);
  }
  for (const std::string& code : sources) {
    auto source = catalog_.find(code);
    const catalog::Field* source_key = single_key(*source);
    auto it = std::find_if(config.mappings.begin(), config.mappings.end(), [&](const Mapping& m) {
      return m.resource_code == code && m.attribute == key;
    });
    if (it == config.mappings.end() || source_key == nullptr || source_key->name != it->field) {
      return invalid_mapping(fmt::format("Map {} from the single key field of {}.", key, code));
    }
  }
  config.updated_at = core::to_millis(clock_.now());
  ZT_ASSIGN_OR_RETURN(auto conn, db_.acquire(db::Access::kWrite));
  ZT_ASSIGN_OR_RETURN(auto tx, db::Transaction::begin(conn));
  ZT_TRY(store::write_config(conn, kind, config));
  audit::AuditEntry e = audit::AuditEntry::of("registry.configure", "registry",
                                              std::string(to_string(kind)), context);
  e.by(actor);
  e.detail = json::serialize(
      json::object{{"resource_code", config.resource_code}, {"mappings", config.mappings.size()}});
  ZT_TRY(audit_.append(conn, e));
  ZT_TRY(tx.commit());
  {
    std::lock_guard lock(loaded_mutex_);
    loaded_[static_cast<std::size_t>(kind)] = {};
  }
  return config;
}

core::Principal RegistryService::system_principal(const catalog::Resource& golden) const {
  core::Principal p;
  p.kind = core::Principal::Kind::kApiClient;
  p.name = "registry";
  p.department_id = golden.department_id;
  p.permissions = {"exchange.ingest", "exchange.query"};  // sorted
  return p;
}

// --- sync ---------------------------------------------------------------------------------------

Result<int> RegistryService::remerge(db::Connection& conn, const Loaded& l, RegistryKind kind,
                                     std::string_view key, std::int64_t now,
                                     store::FigureDeltas& figures) {
  ZT_ASSIGN_OR_RETURN(auto sources, store::sources(conn, kind, key));
  if (sources.empty()) {
    ZT_TRY(store::delete_record(conn, kind, key, now, figures));
    return store::sync_conflicts(conn, kind, key, {}, now);
  }
  ZT_ASSIGN_OR_RETURN(auto resolutions, store::resolutions(conn, kind, key));
  Merged merged = merge(kind, l.attributes, l.config.mappings, sources, resolutions);
  ZT_TRY(store::put_record(conn, kind, key, merged, now, figures));
  return store::sync_conflicts(conn, kind, key, merged.conflicts, now);
}

json::object RegistryService::provenance(const Loaded& l, RegistryKind kind,
                                         const std::vector<SourceValues>& sources,
                                         const std::vector<Resolution>& resolutions) {
  json::object out;
  if (sources.empty()) return out;
  const Merged merged = merge(kind, l.attributes, l.config.mappings, sources, resolutions);
  for (const auto& [name, p] : merged.provenance) {
    json::object o{{"resource_code", p.resource_code},
                   {"batch_id", p.batch_id},
                   {"changed_at", core::format_iso8601(core::from_millis(p.changed_at))}};
    if (p.resolution_id) o["resolution_id"] = *p.resolution_id;
    out[name] = std::move(o);
  }
  return out;
}

Result<std::int64_t> RegistryService::publish_pending(const Loaded& l, RegistryKind kind) {
  const core::Principal registry = system_principal(l.golden);
  const std::string_view key = key_attribute(kind);
  // One ingest streams every pending record, read a page at a time in key order as the ingest
  // asks for more; the pages are marked published only when the whole ingest has succeeded (an
  // ingest that fails part way leaves them pending, and publishing them again changes nothing).
  struct Range {
    std::string first, last;
    std::int64_t read_at = 0;
  };
  std::vector<Range> ranges;
  std::int64_t published = 0;
  std::string after;
  bool done = false;
  auto next_piece = [&](std::string& piece) -> Result<bool> {
    if (done) return false;
    std::vector<store::PendingRecord> rows;
    {
      ZT_ASSIGN_OR_RETURN(auto conn, db_.acquire(db::Access::kRead));
      ZT_ASSIGN_OR_RETURN(rows, store::pending(conn, kind, after, kPublishPage));
    }
    if (rows.size() < static_cast<std::size_t>(kPublishPage)) done = true;
    if (rows.empty()) return false;
    piece.clear();
    Range range{rows.front().key, rows.back().key, 0};
    for (const store::PendingRecord& r : rows) {
      range.read_at = std::max(range.read_at, r.updated_at);
      json::object o;
      if (r.deleted) {
        o["_op"] = "delete";
      } else if (auto values = parse_object(r.values)) {
        o = std::move(*values);
        // Decimals come back from JSON as doubles, which serialize as 1.25E1: give them as the
        // shortest plain text instead, which ingest reads as the same decimal.
        for (auto& [name, value] : o) {
          if (value.is_double()) value = fmt::format("{}", value.get_double());
        }
      }
      o[key] = r.key;
      piece += json::serialize(o);
      piece += '\n';
    }
    after = rows.back().key;
    published += static_cast<std::int64_t>(rows.size());
    ranges.push_back(std::move(range));
    return true;
  };
  {
    // Nothing pending: no empty batch.
    ZT_ASSIGN_OR_RETURN(auto conn, db_.acquire(db::Access::kRead));
    ZT_ASSIGN_OR_RETURN(auto first, store::pending(conn, kind, "", 1));
    if (first.empty()) return 0;
  }
  auto report = exchange_.ingest(registry, l.golden.code, exchange::IngestOptions{}, next_piece,
                                 core::RequestContext{"", "registry-publish"});
  if (!report.ok()) return std::move(report).error();
  if (report->batch.status != "completed") {
    return Error::unavailable("registry_publish_failed",
                              fmt::format("Publishing into {} ended {}: {}", l.golden.code,
                                          report->batch.status, report->batch.error_detail));
  }
  if (report->batch.rejected > 0) {
    spdlog::warn("registry {}: {} golden records rejected by {} (batch {})", to_string(kind),
                 report->batch.rejected, l.golden.code, report->batch.id);
  }
  // Nothing changes records meanwhile: sync and resolve hold sync_mutex_ around this.
  ZT_ASSIGN_OR_RETURN(auto conn, db_.acquire(db::Access::kWrite));
  ZT_ASSIGN_OR_RETURN(auto tx, db::Transaction::begin(conn));
  for (const Range& r : ranges) {
    ZT_TRY(store::mark_published(conn, kind, r.first, r.last, r.read_at));
  }
  ZT_TRY(tx.commit());
  return published;
}

Result<SyncReport> RegistryService::sync(RegistryKind kind) {
  std::lock_guard lock(sync_mutex_);
  return sync_locked(kind);
}

Result<SyncReport> RegistryService::sync_locked(RegistryKind kind) {
  SyncReport report;
  auto loaded = load(kind);
  if (!loaded.ok()) {
    if (loaded.error().code == "registry_not_configured") return report;
    return std::move(loaded).error();
  }
  const Loaded& l = *loaded;
  auto lap_start = std::chrono::steady_clock::now();
  auto lap = [&lap_start] {  // seconds since the last lap
    const auto now = std::chrono::steady_clock::now();
    const double seconds = std::chrono::duration<double>(now - lap_start).count();
    lap_start = now;
    return seconds;
  };
  ZT_ASSIGN_OR_RETURN(report.published, publish_pending(l, kind));  // a failed one, first
  // A fresh build (the first, or a rebuild) takes the bulk path: the feeds only fill the source
  // rows, then one ordered pass merges every key once — instead of once per source.
  bool fresh = false;
  {
    ZT_ASSIGN_OR_RETURN(auto conn, db_.acquire(db::Access::kRead));
    ZT_ASSIGN_OR_RETURN(std::int64_t records, store::count_records(conn, kind));
    fresh = records == 0;
    for (const Mapping& m : l.config.mappings) {
      ZT_ASSIGN_OR_RETURN(std::int64_t at, store::cursor(conn, kind, m.resource_code));
      fresh = fresh && at == 0;
    }
  }
  const core::Principal registry = system_principal(l.golden);
  const std::string_view key_attr = key_attribute(kind);
  std::set<std::string> codes;
  for (const Mapping& m : l.config.mappings)
    codes.insert(m.resource_code);
  for (const std::string& code : codes) {
    std::string key_field;
    std::vector<const Mapping*> mappings;
    for (const Mapping& m : l.config.mappings) {
      if (m.resource_code != code) continue;
      if (m.attribute == key_attr) key_field = m.field;
      mappings.push_back(&m);
    }
    std::int64_t after = 0;
    {
      ZT_ASSIGN_OR_RETURN(auto conn, db_.acquire(db::Access::kRead));
      ZT_ASSIGN_OR_RETURN(after, store::cursor(conn, kind, code));
    }
    // A fresh build gathers feed pages until kFreshBatch keys and writes their sources in one
    // transaction, in key order: at millions of keys a commit then rewrites far fewer index pages
    // per row than one 5 000-change page would. Otherwise a page is merged as it comes.
    const std::size_t batch_keys = fresh ? kFreshBatch : 1;
    bool last_page = false;
    while (!last_page) {
      FeedPage page;
      while (!last_page && page.latest.size() < batch_keys) {
        ZT_ASSIGN_OR_RETURN(
            exchange::ChangePage changes,
            exchange_.changes(registry, code, after, kSyncPage, std::string(kSyncPurpose),
                              core::RequestContext{"", "registry-sync"}));
        if (changes.items.empty()) {
          last_page = true;
          break;
        }
        page.changes += static_cast<std::int64_t>(changes.items.size());
        page.next_cursor = changes.next_cursor;
        for (const exchange::Change& change : changes.items) {
          auto data = parse_object(change.data);
          if (!data) continue;
          auto k = data->find(key_field);
          if (k == data->end() || !k->value().is_string()) continue;
          std::optional<SourceValues>& slot = page.latest[std::string(k->value().get_string())];
          if (change.op == "delete") {
            slot.reset();
            continue;
          }
          SourceValues s{code, {}, change.batch_id, change.seq, change.changed_at};
          for (const Mapping* m : mappings) {
            if (m->attribute == key_attr) continue;
            auto v = data->find(m->field);
            if (v != data->end() && !v->value().is_null()) s.values[m->attribute] = v->value();
          }
          slot = std::move(s);
        }
        last_page = changes.next_cursor >= changes.last_seq;
        after = changes.next_cursor;
      }
      if (page.changes == 0) break;
      const std::int64_t now = core::to_millis(clock_.now());
      ZT_ASSIGN_OR_RETURN(auto conn, db_.acquire(db::Access::kWrite));
      ZT_ASSIGN_OR_RETURN(auto tx, db::Transaction::begin(conn));
      auto& latest = page.latest;
      if (fresh) {
        for (auto& [key, value] : latest) {
          if (value) {
            ZT_TRY(store::put_source(conn, kind, key, *value));
          } else {
            ZT_TRY(store::delete_source(conn, kind, key, code));
          }
        }
        ZT_TRY(store::set_cursor(conn, kind, code, page.next_cursor));
        ZT_TRY(tx.commit());
        report.changes += page.changes;
        continue;
      }
      std::vector<std::string> keys;
      keys.reserve(latest.size());
      for (const auto& entry : latest)
        keys.push_back(entry.first);
      ZT_ASSIGN_OR_RETURN(auto states, store::states(conn, kind, keys));
      store::FigureDeltas figures;
      for (auto& [key, value] : latest) {
        store::KeyState& state = states[key];
        auto& sources = state.sources;
        const auto before = sources.size();
        std::erase_if(sources, [&](const SourceValues& s) { return s.resource_code == code; });
        if (value) {
          ZT_TRY(store::put_source(conn, kind, key, *value));
          sources.push_back(std::move(*value));
        } else if (sources.size() != before) {
          ZT_TRY(store::delete_source(conn, kind, key, code));
        }
        if (sources.empty()) {
          ZT_TRY(store::delete_record(conn, kind, key, now, figures));
          ZT_TRY(store::sync_conflicts(conn, kind, key, state.open, {}, now));
          continue;
        }
        Merged merged = merge(kind, l.attributes, l.config.mappings, sources, state.resolutions);
        ZT_TRY(store::put_record(conn, kind, key, merged, now, figures));
        ZT_ASSIGN_OR_RETURN(
            int opened, store::sync_conflicts(conn, kind, key, state.open, merged.conflicts, now));
        report.conflicts_opened += opened;
      }
      ZT_TRY(store::write_figures(conn, kind, figures));
      ZT_TRY(store::set_cursor(conn, kind, code, page.next_cursor));
      ZT_TRY(tx.commit());
      report.changes += page.changes;
    }
  }
  report.feed_seconds = lap();
  if (fresh) ZT_TRY(merge_all(l, kind, report));
  report.merge_seconds = lap();
  ZT_ASSIGN_OR_RETURN(std::int64_t published, publish_pending(l, kind));
  report.published += published;
  report.publish_seconds = lap();
  return report;
}

Status RegistryService::merge_all(const Loaded& l, RegistryKind kind, SyncReport& report) {
  constexpr int kRows = 20000;
  bool resolved = false;  // a rebuild keeps the stewards' resolutions
  {
    ZT_ASSIGN_OR_RETURN(auto conn, db_.acquire(db::Access::kRead));
    ZT_ASSIGN_OR_RETURN(std::int64_t n, store::count_conflicts(conn, kind, "resolved"));
    resolved = n > 0;
  }
  std::string after;
  while (true) {
    std::vector<std::pair<std::string, SourceValues>> rows;
    {
      ZT_ASSIGN_OR_RETURN(auto conn, db_.acquire(db::Access::kRead));
      ZT_ASSIGN_OR_RETURN(rows, store::source_range(conn, kind, after, kRows));
    }
    if (rows.empty()) break;
    if (rows.size() == static_cast<std::size_t>(kRows) && rows.front().first != rows.back().first) {
      // The last key may go on in the next rows: leave it whole to the next round.
      const std::string last = rows.back().first;
      while (rows.back().first == last)
        rows.pop_back();
    }
    const std::int64_t now = core::to_millis(clock_.now());
    ZT_ASSIGN_OR_RETURN(auto conn, db_.acquire(db::Access::kWrite));
    ZT_ASSIGN_OR_RETURN(auto tx, db::Transaction::begin(conn));
    std::map<std::string, store::KeyState, std::less<>> states;
    if (resolved) {
      std::vector<std::string> keys;
      for (const auto& row : rows) {
        if (keys.empty() || keys.back() != row.first) keys.push_back(row.first);
      }
      ZT_ASSIGN_OR_RETURN(states, store::states(conn, kind, keys));
    }
    const std::vector<Resolution> none;
    store::FigureDeltas figures;
    for (std::size_t i = 0; i < rows.size();) {
      const std::string& key = rows[i].first;
      std::vector<SourceValues> sources;
      for (; i < rows.size() && rows[i].first == key; ++i)
        sources.push_back(std::move(rows[i].second));
      auto state = states.find(key);
      Merged merged = merge(kind, l.attributes, l.config.mappings, sources,
                            state != states.end() ? state->second.resolutions : none);
      ZT_TRY(store::put_record(conn, kind, key, merged, now, figures));
      ZT_ASSIGN_OR_RETURN(int opened,
                          store::sync_conflicts(conn, kind, key, {}, merged.conflicts, now));
      report.conflicts_opened += opened;
      after = key;
    }
    ZT_TRY(store::write_figures(conn, kind, figures));
    ZT_TRY(tx.commit());
  }
  return {};
}

Result<SyncReport> RegistryService::rebuild(const core::Principal& actor, RegistryKind kind,
                                            const core::RequestContext& context) {
  if (!actor.has_permission(identity::permission::kRegistryManage)) {
    return Error::forbidden("forbidden", "Rebuilding a registry needs registry.manage.");
  }
  std::lock_guard lock(sync_mutex_);
  {
    ZT_ASSIGN_OR_RETURN(auto conn, db_.acquire(db::Access::kWrite));
    ZT_ASSIGN_OR_RETURN(auto tx, db::Transaction::begin(conn));
    ZT_TRY(store::clear(conn, kind));
    audit::AuditEntry e = audit::AuditEntry::of("registry.rebuild", "registry",
                                                std::string(to_string(kind)), context);
    e.by(actor);
    ZT_TRY(audit_.append(conn, e));
    ZT_TRY(tx.commit());
  }
  return sync_locked(kind);
}

// --- reads --------------------------------------------------------------------------------------

Result<std::string> RegistryService::read(const core::Principal& actor, RegistryKind kind,
                                          std::string_view key,
                                          const exchange::ReadContext& context) {
  ZT_ASSIGN_OR_RETURN(auto loaded, load_for_read(kind));
  const Loaded& l = *loaded;
  ZT_ASSIGN_OR_RETURN(std::string text, query_.record(actor, l.golden.code, key, {}, context));
  auto record = parse_object(text);
  if (!record) return Error::internal("registry_corrupt", "the golden record is not JSON");
  // The key as stored (validated and normalised by the lookup above).
  std::string stored_key(key);
  if (kind == RegistryKind::kPerson && !stored_key.empty() && stored_key.back() == 'x') {
    stored_key.back() = 'X';
  }
  json::object provenance;
  json::array open;
  {
    // Two statements: the key's sources, and its open and resolved conflicts (the resolutions
    // for the provenance, the open ones to show).
    ZT_ASSIGN_OR_RETURN(auto conn, db_.acquire(db::Access::kRead));
    ZT_ASSIGN_OR_RETURN(auto sources, store::sources(conn, kind, stored_key));
    ZT_ASSIGN_OR_RETURN(auto conflicts, store::key_conflicts(conn, kind, stored_key));
    json::object all = this->provenance(l, kind, sources, store::resolutions_of(conflicts));
    for (const auto& [name, value] : all) {
      if (record->contains(name)) provenance[name] = value;
    }
    for (const store::Conflict& c : conflicts) {
      if (c.status != "open") continue;
      if (open.size() == 100) break;  // as many as a conflicts page
      json::array from;
      boost::system::error_code ec;
      if (auto candidates = json::parse(c.candidates, ec); !ec && candidates.is_array()) {
        for (const json::value& cand : candidates.get_array()) {
          from.push_back(cand.at("resource_code"));
        }
      }
      open.push_back(json::object{{"id", c.id}, {"attribute", c.attribute}, {"sources", from}});
    }
  }
  json::array warnings;
  json::value place = nullptr;
  if (auto d = record->find("division_code"); d != record->end() && d->value().is_string()) {
    auto lookup = divisions_.lookup(d->value().get_string());
    if (lookup.ok() && lookup->warning) warnings.push_back(json::string(*lookup->warning));
  }
  if (kind == RegistryKind::kPerson) {
    auto lookup = divisions_.place_of_id_number(stored_key);
    if (lookup.ok()) {
      place = json::object{{"code", lookup->code}, {"name", lookup->full_name}};
      if (lookup->warning) warnings.push_back(json::string(*lookup->warning));
    }
  }
  json::object out{{"registry", to_string(kind)},       {"resource_code", l.golden.code},
                   {"record", std::move(*record)},      {"provenance", std::move(provenance)},
                   {"open_conflicts", std::move(open)}, {"warnings", std::move(warnings)}};
  if (kind == RegistryKind::kPerson) out["id_number_place"] = std::move(place);
  return json::serialize(out);
}

Result<exchange::QueryPage> RegistryService::search(const core::Principal& actor, RegistryKind kind,
                                                    std::string_view name,
                                                    std::string_view division, int limit,
                                                    std::string cursor,
                                                    const exchange::ReadContext& context) {
  ZT_ASSIGN_OR_RETURN(auto loaded, load_for_read(kind));
  const Loaded& l = *loaded;
  exchange::QueryInput input;
  if (!name.empty()) input.filters.emplace_back("name", std::string(name));
  if (!division.empty()) {
    if (l.golden.field("division_code") == nullptr) {
      return Error::invalid("field_not_filterable",
                            fmt::format("{} has no division_code.", l.golden.code));
    }
    input.filters.emplace_back("division_code__prefix", std::string(division));
  }
  if (input.filters.empty()) {
    return Error::invalid("invalid_search", "Search by name, by division, or both.");
  }
  input.limit = limit;
  input.cursor = std::move(cursor);
  return query_.query(actor, l.golden.code, input, context);
}

// --- conflicts ----------------------------------------------------------------------------------

Result<ConflictPage> RegistryService::conflicts(const core::Principal& actor, RegistryKind kind,
                                                std::optional<std::string> status,
                                                std::optional<std::string> key, std::int64_t after,
                                                int limit) {
  if (!actor.has_permission(identity::permission::kRegistryManage)) {
    return Error::forbidden("forbidden",
                            "Registry conflicts are the data stewards' (registry.manage).");
  }
  if (status && *status != "open" && *status != "resolved" && *status != "gone") {
    return Error::invalid("invalid_status", "status is open, resolved or gone.");
  }
  limit = std::clamp(limit, 1, 500);
  ZT_ASSIGN_OR_RETURN(auto conn, db_.acquire(db::Access::kRead));
  ZT_ASSIGN_OR_RETURN(auto items, store::conflicts(conn, kind, std::move(status), std::move(key),
                                                   after, limit + 1));
  ConflictPage page;
  if (items.size() > static_cast<std::size_t>(limit)) {
    items.resize(limit);
    page.next_cursor = items.back().id;
  }
  page.items = std::move(items);
  return page;
}

Result<store::Conflict> RegistryService::resolve(const core::Principal& actor, std::int64_t id,
                                                 const json::value& value, std::string note,
                                                 const core::RequestContext& context) {
  if (!actor.has_permission(identity::permission::kRegistryManage)) {
    return Error::forbidden("forbidden", "Resolving registry conflicts needs registry.manage.");
  }
  if (!value.is_string() && !value.is_number() && !value.is_bool()) {
    return Error::invalid("invalid_value", "value is a string, number or boolean.");
  }
  if (note.size() > 1000) return Error::invalid("invalid_note", "note is at most 1000 bytes.");
  std::optional<store::Conflict> found;
  {
    ZT_ASSIGN_OR_RETURN(auto conn, db_.acquire(db::Access::kRead));
    ZT_ASSIGN_OR_RETURN(found, store::conflict(conn, id));
  }
  if (!found) return Error::not_found("conflict_not_found", fmt::format("No conflict {}.", id));
  const auto kind = registry_kind_from(found->registry);
  if (!kind) return Error::internal("registry_corrupt", "conflict of an unknown registry");
  ZT_ASSIGN_OR_RETURN(Loaded l, load(*kind));
  std::lock_guard lock(sync_mutex_);
  {
    const std::int64_t now = core::to_millis(clock_.now());
    ZT_ASSIGN_OR_RETURN(auto conn, db_.acquire(db::Access::kWrite));
    ZT_ASSIGN_OR_RETURN(auto tx, db::Transaction::begin(conn));
    ZT_ASSIGN_OR_RETURN(auto current, store::conflict(conn, id));
    if (!current || current->status != "open") {
      return Error::conflict("conflict_not_open",
                             fmt::format("Conflict {} is {}: only an open one is resolved.", id,
                                         current ? current->status : "gone"));
    }
    ZT_TRY(
        store::resolve_conflict(conn, id, json::serialize(value), note, actor.id, actor.name, now));
    store::FigureDeltas figures;
    ZT_TRY(remerge(conn, l, *kind, current->key, now, figures));
    ZT_TRY(store::write_figures(conn, *kind, figures));
    audit::AuditEntry e = audit::AuditEntry::of("registry.conflict.resolve", "registry_conflict",
                                                std::to_string(id), context);
    e.by(actor);
    e.detail = json::serialize(json::object{{"attribute", current->attribute}, {"note", note}});
    ZT_TRY(audit_.append(conn, e));
    ZT_TRY(tx.commit());
  }
  ZT_TRY(publish_pending(l, *kind));
  ZT_ASSIGN_OR_RETURN(auto conn, db_.acquire(db::Access::kRead));
  ZT_ASSIGN_OR_RETURN(auto resolved, store::conflict(conn, id));
  return std::move(*resolved);
}

// --- figures ------------------------------------------------------------------------------------

Result<RegistryFigures> RegistryService::figures(const core::Principal& actor, RegistryKind kind) {
  if (!actor.has_permission(identity::permission::kRegistryRead) &&
      !actor.has_permission(identity::permission::kAnalyticsRead) &&
      !actor.has_permission(identity::permission::kExchangeQuery)) {
    return Error::forbidden("forbidden", "Registry figures are for government staff.");
  }
  RegistryFigures out;
  std::vector<store::FigureRow> rows;
  {
    ZT_ASSIGN_OR_RETURN(auto conn, db_.acquire(db::Access::kRead));
    ZT_ASSIGN_OR_RETURN(out.records, store::count_records(conn, kind));
    ZT_ASSIGN_OR_RETURN(out.open_conflicts, store::count_conflicts(conn, kind, "open"));
    ZT_ASSIGN_OR_RETURN(rows, store::figures(conn, kind, ""));
  }
  const int year = static_cast<int>(core::china_date(clock_.now()).year());
  std::map<std::string, std::string> names;
  for (const store::FigureRow& row : rows) {
    const auto bar = row.group.find('|');
    std::string first = row.group.substr(0, bar);
    const std::string second = bar == std::string::npos ? "" : row.group.substr(bar + 1);
    if (kind == RegistryKind::kPerson) {
      if (first.size() != 4) continue;
      first = age_band(year - std::atoi(first.c_str()));
    }
    if (!out.by_county.contains(row.county_code)) {
      std::string name;
      if (!row.county_code.empty()) {
        auto lookup = divisions_.lookup(row.county_code);
        if (lookup.ok()) name = lookup->full_name;
      }
      out.by_county[row.county_code] =
          json::object{{"name", name}, {"total", 0}, {"groups", json::object{}}};
    }
    json::object& county = out.by_county[row.county_code].as_object();
    county["total"] = county["total"].to_number<std::int64_t>() + row.count;
    json::object& groups = county["groups"].as_object();
    if (!groups.contains(first)) groups[first] = json::object{};
    json::object& g = groups[first].as_object();
    const std::string label = second.empty() ? "unknown" : second;
    g[label] = (g.contains(label) ? g[label].to_number<std::int64_t>() : 0) + row.count;
  }
  return out;
}

// --- 谁用了我的数据
// --------------------------------------------------------------------------------

Result<std::string> RegistryService::own_record(const core::Principal& actor,
                                                const core::RequestContext& context) {
  ZT_ASSIGN_OR_RETURN(identity::User user, identity_.auth().me(actor));
  std::optional<std::string> subject;
  RegistryKind kind = RegistryKind::kPerson;
  if (user.kind == identity::UserKind::kCitizen) {
    subject = user.id_number;
  } else if (user.kind == identity::UserKind::kEnterprise) {
    subject = user.uscc;
    kind = RegistryKind::kEntity;
  }
  if (!subject || subject->empty()) {
    return Error::forbidden(
        "forbidden",
        "My record is for citizens and enterprises with an ID number or a credit "
        "code on their account.");
  }
  ZT_ASSIGN_OR_RETURN(auto loaded, load_for_read(kind));
  const Loaded& l = *loaded;
  std::optional<store::GoldenRecord> golden;
  json::object provenance;
  {
    ZT_ASSIGN_OR_RETURN(auto conn, db_.acquire(db::Access::kRead));
    ZT_ASSIGN_OR_RETURN(golden, store::record(conn, kind, *subject));
    if (golden) {
      ZT_ASSIGN_OR_RETURN(auto sources, store::sources(conn, kind, *subject));
      ZT_ASSIGN_OR_RETURN(auto resolutions, store::resolutions(conn, kind, *subject));
      provenance = this->provenance(l, kind, sources, resolutions);
    }
  }
  if (!golden) {
    return Error::not_found(
        "record_not_found",
        fmt::format("The {} registry holds no record of yours yet.", to_string(kind)));
  }
  const json::object values = parse_object(golden->values).value_or(json::object{});
  json::array fields;
  for (const catalog::Field& f : l.golden.fields) {
    json::object item{{"name", f.name}, {"label", f.label}};
    if (f.key) {
      item["value"] = *subject;
    } else if (auto v = values.find(f.name); v != values.end()) {
      item["value"] = v->value();
    } else {
      item["value"] = nullptr;
    }
    if (auto p = provenance.find(f.name); p != provenance.end() && p->value().is_object()) {
      item["source"] = p->value().as_object().contains("resource_code")
                           ? p->value().at("resource_code")
                           : json::value(nullptr);
      item["changed_at"] = p->value().as_object().contains("changed_at")
                               ? p->value().at("changed_at")
                               : json::value(nullptr);
    }
    fields.push_back(std::move(item));
  }
  audit::AuditEntry e =
      audit::AuditEntry::of("registry.self_read", std::string(to_string(kind)), *subject, context);
  e.by(actor);
  ZT_TRY(audit_.append(std::move(e)));
  return json::serialize(json::object{{"registry", to_string(kind)},
                                      {"resource_code", l.golden.code},
                                      {"fields", std::move(fields)}});
}

Result<DataAccessPage> RegistryService::data_access(const core::Principal& actor,
                                                    std::optional<std::int64_t> cursor, int limit) {
  ZT_ASSIGN_OR_RETURN(identity::User user, identity_.auth().me(actor));
  std::optional<std::string> subject;
  catalog::FieldType type = catalog::FieldType::kIdNumber;
  if (user.kind == identity::UserKind::kCitizen) {
    subject = user.id_number;
  } else if (user.kind == identity::UserKind::kEnterprise) {
    subject = user.uscc;
    type = catalog::FieldType::kUscc;
  }
  if (!subject || subject->empty()) {
    return Error::forbidden("forbidden",
                            "谁用了我的数据 is for citizens and enterprises with an ID number or a "
                            "credit code on their account.");
  }
  ZT_ASSIGN_OR_RETURN(auto resources, catalog_.published());
  std::map<std::string, std::string, std::less<>> names;  // code → name
  for (const catalog::Resource& r : resources)
    names[r.code] = r.name;
  ZT_ASSIGN_OR_RETURN(audit::SubjectReadPage reads,
                      audit_.reads_of(catalog::to_string(type), *subject, cursor,
                                      static_cast<std::size_t>(std::clamp(limit, 1, 200))));
  DataAccessPage page;
  std::map<std::int64_t, std::string> departments;
  for (const audit::SubjectReadPage::Item& item : reads.items) {
    const audit::AuditRecord& r = item.record;
    DataAccessEntry e;
    e.audit_id = r.id;
    e.time = r.time;
    if (r.entry.department_id) {
      auto it = departments.find(*r.entry.department_id);
      if (it == departments.end()) {
        auto d = identity_.departments().find_department(*r.entry.department_id);
        it = departments.emplace(*r.entry.department_id, d.ok() ? d->name : "").first;
      }
      e.department = it->second;
    }
    e.kind = read_kind(r.entry.action);
    e.resource_code = item.resource_code;
    if (auto name = names.find(e.resource_code); name != names.end()) {
      e.resource_name = name->second;
    }
    e.purpose = r.entry.purpose;
    e.case_id = r.entry.case_id;
    page.items.push_back(std::move(e));
  }
  page.next_cursor = reads.next_cursor;
  return page;
}

}  // namespace zt::registry
