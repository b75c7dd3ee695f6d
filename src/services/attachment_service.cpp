#include "services/attachment_service.h"

#include "db/transaction.h"
#include "services/attachment_store.h"

#include <fmt/format.h>
#include <boost/json.hpp>

#include <algorithm>

namespace zt::services {

namespace json = boost::json;

namespace {

constexpr std::string_view kMaterialStates[] = {state::kDraft, state::kCorrection};
constexpr std::string_view kResultStates[] = {state::kDeciding};

Error invalid_attachment(std::string detail) {
  return Error::invalid("invalid_attachment", std::move(detail));
}

Error attachment_not_found(std::int64_t id) {
  return Error::not_found("attachment_not_found", fmt::format("No attachment {}.", id));
}

// One of `max` places for an upload being received, held while it lives (taken: whether there
// was one free).
class UploadSlot {
 public:
  UploadSlot(std::atomic<std::size_t>& n, std::size_t max) : n_(n), taken_(n_.fetch_add(1) < max) {}
  ~UploadSlot() { n_.fetch_sub(1); }
  UploadSlot(const UploadSlot&) = delete;
  UploadSlot& operator=(const UploadSlot&) = delete;
  bool taken() const { return taken_; }

 private:
  std::atomic<std::size_t>& n_;
  const bool taken_;
};

json::object audit_detail(const Case& c, const Attachment& a) {
  return json::object{{"case", c.number},
                      {"attachment_id", a.id},
                      {"kind", kAttachmentKindNames.name_of(a.kind)},
                      {"material", a.material},
                      {"content_type", kContentTypeNames.name_of(a.content_type)},
                      {"size", a.size},
                      {"sm3", a.sm3}};
}

}  // namespace

Status submit_materials(db::Connection& conn, const Case& c, const ItemDraft& def,
                        std::int64_t now) {
  ZT_ASSIGN_OR_RETURN(auto present, attachment_store::materials_present(conn, c.id));
  std::string missing;
  for (const Material& m : def.materials) {
    if (!m.required || m.source != "upload") continue;  // 免提交: the registry gives it
    if (std::find(present.begin(), present.end(), m.name) != present.end()) continue;
    missing += missing.empty() ? m.name : "、" + m.name;
  }
  if (!missing.empty()) {
    return Error{
        ErrorKind::kUnprocessable, "materials_missing",
        fmt::format("Case {}: required materials not uploaded yet: {}.", c.number, missing)};
  }
  return attachment_store::submit_materials(conn, c.id, now);
}

AttachmentService::AttachmentService(db::Database& db, audit::AuditLog& audit, CaseService& cases,
                                     const core::CryptoProvider& crypto, const core::Clock& clock,
                                     AttachmentOptions options)
    : db_(db), audit_(audit), cases_(cases), crypto_(crypto), clock_(clock), options_(options) {}

Status AttachmentService::may_upload(const CaseParty& p, AttachmentKind kind,
                                     std::string_view material) {
  const bool material_kind = kind == AttachmentKind::kMaterial;
  const auto states = material_kind ? std::span<const std::string_view>(kMaterialStates)
                                    : std::span<const std::string_view>(kResultStates);
  if (std::find(states.begin(), states.end(), p.c.state) == states.end()) {
    return Error::conflict(
        "invalid_transition",
        fmt::format("Case {} is {}: {}.", p.c.number, p.c.state,
                    material_kind ? "materials are uploaded while it is a draft or in correction"
                                  : "result files are uploaded while it waits for its decision"));
  }
  if (material_kind) {
    if (!p.applicant) {
      return Error::forbidden("forbidden",
                              "Only the applicant (or the window, for a window case) uploads "
                              "materials.");
    }
    auto m = std::find_if(p.def.materials.begin(), p.def.materials.end(),
                          [&](const Material& x) { return x.name == material; });
    if (m == p.def.materials.end() || m->source != "upload") {
      return invalid_attachment(fmt::format(
          "The item has no material '{}' to upload (免提交 materials come from the registries).",
          material));
    }
  } else if (!p.item_officer) {
    return Error::forbidden("forbidden",
                            "Only an officer of the item's department uploads result files.");
  }
  return {};
}

bool AttachmentService::sees(const CaseParty& p, const Attachment& a) {
  if (a.kind == AttachmentKind::kMaterial || a.submitted_at) return true;
  return p.item_officer;  // a result file before the decision: the deciding department only
}

std::string AttachmentService::hex_sm3(std::string_view bytes) const {
  auto digest = crypto_.sm3(bytes);
  if (!digest.ok()) return {};
  std::string hex;
  hex.reserve(digest->size() * 2);
  for (unsigned char c : *digest)
    hex += fmt::format("{:02x}", unsigned(c));
  return hex;
}

Result<Attachment> AttachmentService::upload(const core::Principal& actor, std::string_view number,
                                             const UploadInput& input, const BodySource& body,
                                             const core::RequestContext& context) {
  auto kind = kAttachmentKindNames.parse(input.kind);
  if (!kind) return invalid_attachment("\"kind\" is material (申请材料) or result (结果文件).");
  auto file_name = checked_file_name(input.file_name);
  if (!file_name) {
    return invalid_attachment(
        "\"file_name\" is 1 to 255 bytes of UTF-8, without control characters, '/', '\\' or a "
        "leading dot.");
  }
  if (std::find(kUploadMediaTypes.begin(), kUploadMediaTypes.end(), input.declared_type) ==
      kUploadMediaTypes.end()) {
    return Error{ErrorKind::kUnsupported, "unsupported_attachment_type",
                 fmt::format("Content-Type '{}' is not accepted: PDF, JPEG, PNG or OFD.",
                             input.declared_type)};
  }
  const std::string material = *kind == AttachmentKind::kMaterial ? input.material : "";
  // Who may upload what, before a byte of the body is read.
  {
    ZT_ASSIGN_OR_RETURN(auto conn, db_.acquire(db::Access::kRead));
    ZT_ASSIGN_OR_RETURN(auto p, cases_.party(conn, actor, number));
    ZT_TRY(may_upload(p, *kind, material));
  }
  UploadSlot slot(uploads_, options_.max_uploads);
  if (!slot.taken()) {
    Error busy = Error::unavailable("too_many_uploads",
                                    "Too many uploads are being received; try again in a moment.");
    busy.retry_after_seconds = 1;
    return busy;
  }
  std::string bytes, piece;
  for (;;) {
    ZT_ASSIGN_OR_RETURN(bool more, body(piece));
    if (!more) break;
    if (bytes.size() + piece.size() > options_.max_bytes) {
      return Error{ErrorKind::kTooLarge, "attachment_too_large",
                   fmt::format("An attachment is at most {} bytes.", options_.max_bytes)};
    }
    bytes += piece;
  }
  if (bytes.empty()) return invalid_attachment("The file is empty.");
  auto sniffed = sniff(bytes);
  if (!sniffed) {
    return Error{ErrorKind::kUnsupported, "unsupported_attachment_type",
                 "The file is not a PDF, JPEG, PNG or OFD document (by its content)."};
  }
  if (input.declared_type != "application/octet-stream" &&
      input.declared_type != kContentTypeNames.name_of(*sniffed)) {
    return Error{ErrorKind::kUnsupported, "attachment_type_mismatch",
                 fmt::format("The file was sent as {} but its content is {}.", input.declared_type,
                             kContentTypeNames.name_of(*sniffed))};
  }
  Attachment a{.kind = *kind,
               .material = material,
               .file_name = *file_name,
               .content_type = *sniffed,
               .size = std::int64_t(bytes.size()),
               .sm3 = hex_sm3(bytes),
               .uploaded_by = actor.id,
               .uploaded_by_name = actor.name,
               .uploaded_at = core::to_millis(clock_.now())};
  if (a.sm3.empty()) return Error::internal("crypto_error", "SM3 is not available.");

  ZT_ASSIGN_OR_RETURN(auto conn, db_.acquire(db::Access::kWrite));
  ZT_ASSIGN_OR_RETURN(auto tx, db::Transaction::begin(conn));
  // Again inside the transaction, under the case's lock: a transition may have run meanwhile.
  ZT_ASSIGN_OR_RETURN(auto p, cases_.party(conn, actor, number));
  ZT_TRY(may_upload(p, *kind, material));
  ZT_ASSIGN_OR_RETURN(bool locked, attachment_store::lock_case_in(
                                       conn, p.c.id,
                                       *kind == AttachmentKind::kMaterial
                                           ? std::span<const std::string_view>(kMaterialStates)
                                           : std::span<const std::string_view>(kResultStates)));
  if (!locked) {
    return Error::conflict("invalid_transition",
                           fmt::format("Case {} changed meanwhile: read it again.", p.c.number));
  }
  ZT_ASSIGN_OR_RETURN(auto n, attachment_store::count(conn, p.c.id));
  if (n >= options_.max_per_case) {
    return Error::conflict("too_many_attachments", fmt::format("A case has at most {} attachments.",
                                                               options_.max_per_case));
  }
  a.case_id = p.c.id;
  ZT_ASSIGN_OR_RETURN(a.id, attachment_store::insert(conn, a, bytes));
  audit::AuditEntry e =
      audit::AuditEntry::of("services.attachment.upload", "case", p.c.number, context);
  e.by(actor);
  json::object detail = audit_detail(p.c, a);
  detail["file_name"] = a.file_name;
  e.detail = json::serialize(detail);
  ZT_TRY(audit_.append(conn, std::move(e)));
  ZT_TRY(tx.commit());
  return a;
}

Result<std::vector<Attachment>> AttachmentService::list(const core::Principal& actor,
                                                        std::string_view number) {
  ZT_ASSIGN_OR_RETURN(auto conn, db_.acquire(db::Access::kRead));
  ZT_ASSIGN_OR_RETURN(auto p, cases_.party(conn, actor, number));
  ZT_ASSIGN_OR_RETURN(auto all, attachment_store::list(conn, p.c.id));
  std::vector<Attachment> out;
  for (Attachment& a : all) {
    if (sees(p, a)) out.push_back(std::move(a));
  }
  return out;
}

Result<AttachmentContent> AttachmentService::download(const core::Principal& actor,
                                                      std::string_view number, std::int64_t id) {
  ZT_ASSIGN_OR_RETURN(auto conn, db_.acquire(db::Access::kRead));
  ZT_ASSIGN_OR_RETURN(auto p, cases_.party(conn, actor, number));
  ZT_ASSIGN_OR_RETURN(auto a, attachment_store::find(conn, p.c.id, id));
  if (!a || !sees(p, *a)) return attachment_not_found(id);
  ZT_ASSIGN_OR_RETURN(auto bytes, attachment_store::content(conn, id));
  if (!bytes) return attachment_not_found(id);
  // The stored hash is the file's identity (the ETag): bytes that no longer match it are never
  // served as the file.
  if (std::int64_t(bytes->size()) != a->size || hex_sm3(*bytes) != a->sm3) {
    return Error::internal(
        "attachment_corrupt",
        fmt::format("Attachment {} of case {} does not match its SM3 hash.", id, p.c.number));
  }
  return AttachmentContent{.attachment = std::move(*a), .bytes = std::move(*bytes)};
}

Status AttachmentService::remove(const core::Principal& actor, std::string_view number,
                                 std::int64_t id, const core::RequestContext& context) {
  ZT_ASSIGN_OR_RETURN(auto conn, db_.acquire(db::Access::kWrite));
  ZT_ASSIGN_OR_RETURN(auto tx, db::Transaction::begin(conn));
  ZT_ASSIGN_OR_RETURN(auto p, cases_.party(conn, actor, number));
  ZT_ASSIGN_OR_RETURN(auto a, attachment_store::find(conn, p.c.id, id));
  if (!a || !sees(p, *a)) return attachment_not_found(id);
  if (a->uploaded_by != actor.id) {
    return Error::forbidden("forbidden", "Only its uploader deletes an attachment.");
  }
  // Under the case's lock, so that a submission or decision running now either takes the
  // attachment with it or finds it gone.
  ZT_ASSIGN_OR_RETURN(bool locked, attachment_store::lock_case_in(conn, p.c.id, kCaseStates));
  ZT_ASSIGN_OR_RETURN(
      bool removed, locked ? attachment_store::remove_unsubmitted(conn, id) : Result<bool>(false));
  if (!removed) {
    return Error::conflict("attachment_submitted",
                           fmt::format("Attachment {} was submitted with the case: it stays.", id));
  }
  audit::AuditEntry e =
      audit::AuditEntry::of("services.attachment.delete", "case", p.c.number, context);
  e.by(actor);
  e.detail = json::serialize(audit_detail(p.c, *a));
  ZT_TRY(audit_.append(conn, std::move(e)));
  return tx.commit();
}

}  // namespace zt::services
