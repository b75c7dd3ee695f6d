#include "db/transaction.h"
#include "identity/permissions.h"
#include "identity/scope.h"
#include "services/service.h"

#include <fmt/format.h>
#include <boost/json.hpp>

namespace zt::services {

namespace json = boost::json;

namespace {

Error item_not_found(std::string_view code) {
  return Error::not_found("item_not_found", fmt::format("No service item {}.", code));
}

}  // namespace

ItemService::ItemService(db::Database& db, audit::AuditLog& audit,
                         identity::IdentityService& identity, const core::Clock& clock)
    : db_(db), audit_(audit), identity_(identity), clock_(clock) {}

Status ItemService::may_manage(const core::Principal& actor, std::int64_t department) {
  if (!actor.has_permission(identity::permission::kItemsManage)) {
    return Error::forbidden("forbidden", "Managing service items needs services.items.manage.");
  }
  if (actor.department_id != department) {
    return Error::forbidden("forbidden",
                            "A department administrator manages its own department's items.");
  }
  return {};
}

Result<std::string> ItemService::department_name(std::int64_t id) {
  auto d = identity_.departments().find_department(id);
  if (!d.ok()) {
    if (d.error().kind == ErrorKind::kNotFound) {
      return Error::not_found("department_not_found", fmt::format("No department {}.", id));
    }
    return std::move(d).error();
  }
  return d->name;
}

Result<std::string> ItemService::check_departments(const ItemDraft& def) {
  ZT_ASSIGN_OR_RETURN(std::string name, department_name(def.department_id));
  for (const Step& s : def.steps) {
    for (std::int64_t d : s.departments)
      ZT_TRY(department_name(d));
  }
  return name;
}

Status ItemService::audit_item(db::Connection& conn, const core::Principal& actor,
                               std::string action, const Item& item,
                               const core::RequestContext& context) {
  audit::AuditEntry e =
      audit::AuditEntry::of(std::move(action), "service_item", item.def.code, context);
  e.by(actor);
  e.detail = json::serialize(
      json::object{{"version", item.version}, {"status", kItemStatusNames.name_of(item.status)}});
  ZT_TRY(audit_.append(conn, std::move(e)));
  return {};
}

Result<Item> ItemService::create(const core::Principal& actor, const json::object& body,
                                 const core::RequestContext& context) {
  ZT_ASSIGN_OR_RETURN(ItemDraft def, parse_item(body, actor.department_id.value_or(0)));
  ZT_TRY(may_manage(actor, def.department_id));
  ZT_ASSIGN_OR_RETURN(const std::string department, check_departments(def));
  const std::int64_t now = core::to_millis(clock_.now());
  std::int64_t id = 0;
  {
    ZT_ASSIGN_OR_RETURN(auto conn, db_.acquire(db::Access::kWrite));
    ZT_ASSIGN_OR_RETURN(auto tx, db::Transaction::begin(conn));
    ZT_ASSIGN_OR_RETURN(auto existing, store::latest_item(conn, def.code));
    if (existing) {
      return Error::conflict("item_exists",
                             fmt::format("Item {} exists: change it with PUT.", def.code));
    }
    ZT_ASSIGN_OR_RETURN(id, store::insert_item(conn, def, 1, actor.id, now, department));
    Item item{.id = id, .version = 1, .status = ItemStatus::kDraft, .def = def};
    ZT_TRY(audit_item(conn, actor, "services.item.create", item, context));
    ZT_TRY(tx.commit());
  }
  return version(id);
}

Result<Item> ItemService::update(const core::Principal& actor, std::string_view code,
                                 const json::object& body, const core::RequestContext& context) {
  json::object with_code = body;
  with_code["code"] = code;
  ZT_ASSIGN_OR_RETURN(ItemDraft def, parse_item(with_code, actor.department_id.value_or(0)));
  ZT_TRY(may_manage(actor, def.department_id));
  ZT_ASSIGN_OR_RETURN(const std::string department, check_departments(def));
  const std::int64_t now = core::to_millis(clock_.now());
  std::int64_t id = 0;
  {
    ZT_ASSIGN_OR_RETURN(auto conn, db_.acquire(db::Access::kWrite));
    ZT_ASSIGN_OR_RETURN(auto tx, db::Transaction::begin(conn));
    ZT_ASSIGN_OR_RETURN(auto latest, store::latest_item(conn, code));
    if (!latest) return item_not_found(code);
    ZT_TRY(may_manage(actor, latest->def.department_id));
    Item item;
    if (latest->status == ItemStatus::kDraft) {
      id = latest->id;
      ZT_TRY(store::update_item(conn, id, def, department));
      item = Item{.id = id, .version = latest->version, .status = ItemStatus::kDraft, .def = def};
    } else {
      ZT_ASSIGN_OR_RETURN(
          id, store::insert_item(conn, def, latest->version + 1, actor.id, now, department));
      item =
          Item{.id = id, .version = latest->version + 1, .status = ItemStatus::kDraft, .def = def};
    }
    ZT_TRY(audit_item(conn, actor, "services.item.update", item, context));
    ZT_TRY(tx.commit());
  }
  return version(id);
}

Result<Item> ItemService::publish(const core::Principal& actor, std::string_view code,
                                  const core::RequestContext& context) {
  const std::int64_t now = core::to_millis(clock_.now());
  std::int64_t id = 0;
  {
    ZT_ASSIGN_OR_RETURN(auto conn, db_.acquire(db::Access::kWrite));
    ZT_ASSIGN_OR_RETURN(auto tx, db::Transaction::begin(conn));
    ZT_ASSIGN_OR_RETURN(auto latest, store::latest_item(conn, code));
    if (!latest) return item_not_found(code);
    ZT_TRY(may_manage(actor, latest->def.department_id));
    if (latest->status != ItemStatus::kDraft) {
      return Error::conflict(
          "invalid_transition",
          fmt::format("Item {} version {} is {}: only a draft is published.", code, latest->version,
                      kItemStatusNames.name_of(latest->status)));
    }
    id = latest->id;
    ZT_TRY(store::retire_published(conn, code, id));
    ZT_TRY(store::set_item_status(conn, id, ItemStatus::kPublished, now));
    latest->status = ItemStatus::kPublished;
    ZT_TRY(audit_item(conn, actor, "services.item.publish", *latest, context));
    ZT_TRY(tx.commit());
  }
  return version(id);
}

Result<Item> ItemService::retire(const core::Principal& actor, std::string_view code,
                                 const core::RequestContext& context) {
  std::int64_t id = 0;
  {
    ZT_ASSIGN_OR_RETURN(auto conn, db_.acquire(db::Access::kWrite));
    ZT_ASSIGN_OR_RETURN(auto tx, db::Transaction::begin(conn));
    ZT_ASSIGN_OR_RETURN(auto item, store::published_item(conn, code));
    if (!item) {
      ZT_ASSIGN_OR_RETURN(auto latest, store::latest_item(conn, code));
      if (!latest) return item_not_found(code);
      ZT_TRY(may_manage(actor, latest->def.department_id));
      return Error::conflict("invalid_transition",
                             fmt::format("Item {} has no published version to retire (latest "
                                         "is {}).",
                                         code, kItemStatusNames.name_of(latest->status)));
    }
    ZT_TRY(may_manage(actor, item->def.department_id));
    id = item->id;
    ZT_TRY(store::set_item_status(conn, id, ItemStatus::kRetired, std::nullopt));
    item->status = ItemStatus::kRetired;
    ZT_TRY(audit_item(conn, actor, "services.item.retire", *item, context));
    ZT_TRY(tx.commit());
  }
  return version(id);
}

Result<Item> ItemService::latest(const core::Principal& actor, std::string_view code) {
  ZT_ASSIGN_OR_RETURN(auto conn, db_.acquire(db::Access::kRead));
  ZT_ASSIGN_OR_RETURN(auto latest, store::latest_item(conn, code));
  if (!latest) return item_not_found(code);
  if (!identity::has_city_scope(actor) && actor.department_id != latest->def.department_id) {
    return item_not_found(code);
  }
  ZT_ASSIGN_OR_RETURN(latest->department_name, department_name(latest->def.department_id));
  return std::move(*latest);
}

Result<Item> ItemService::published(std::string_view code) {
  std::optional<Item> item;
  {
    ZT_ASSIGN_OR_RETURN(auto conn, db_.acquire(db::Access::kRead));
    ZT_ASSIGN_OR_RETURN(item, store::published_item(conn, code));
  }
  if (!item) return item_not_found(code);
  ZT_ASSIGN_OR_RETURN(item->department_name, department_name(item->def.department_id));
  return std::move(*item);
}

Result<Item> ItemService::version(std::int64_t id) {
  std::optional<Item> item;
  {
    ZT_ASSIGN_OR_RETURN(auto conn, db_.acquire(db::Access::kRead));
    ZT_ASSIGN_OR_RETURN(item, store::item_by_id(conn, id));
  }
  if (!item) return item_not_found(std::to_string(id));
  ZT_ASSIGN_OR_RETURN(item->department_name, department_name(item->def.department_id));
  return std::move(*item);
}

Result<std::vector<Item>> ItemService::search(store::ItemFilter filter) {
  std::vector<Item> items;
  {
    ZT_ASSIGN_OR_RETURN(auto conn, db_.acquire(db::Access::kRead));
    ZT_ASSIGN_OR_RETURN(items, store::search_items(conn, filter));
  }
  for (Item& item : items) {
    ZT_ASSIGN_OR_RETURN(item.department_name, department_name(item.def.department_id));
  }
  return items;
}

Result<std::vector<store::ManagedItem>> ItemService::managed(const core::Principal& actor,
                                                             std::optional<std::int64_t> department,
                                                             std::optional<ItemStatus> status,
                                                             std::int64_t before, int limit) {
  const std::optional<std::int64_t> d = department ? department : actor.department_id;
  if (!d) return Error::forbidden("forbidden", "Name a department (department_id).");
  if (!identity::has_city_scope(actor) && actor.department_id != *d) {
    return Error::forbidden("forbidden", "A department's items are managed by its own staff.");
  }
  ZT_ASSIGN_OR_RETURN(const std::string name, department_name(*d));
  std::vector<store::ManagedItem> items;
  {
    ZT_ASSIGN_OR_RETURN(auto conn, db_.acquire(db::Access::kRead));
    ZT_ASSIGN_OR_RETURN(items, store::managed_items(conn, *d, status, before, limit));
  }
  for (store::ManagedItem& m : items)
    m.item.department_name = name;
  return items;
}

}  // namespace zt::services
