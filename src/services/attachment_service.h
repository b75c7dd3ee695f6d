// AttachmentService: the files of a case (办件附件) — the applicant's uploaded materials and the
// deciding officer's result files — stored in the database (service_attachment), so that every
// node on one PostgreSQL serves what any of them stored.
//
// Upload. A material (kind material) is uploaded for one of the item version's materials whose
// source is `upload` (免提交 materials come from the registries and are never asked for), by
// whoever acts as the applicant (the citizen or enterprise; for a window case the window clerk),
// while the case is a draft or in 补正 (correction). A result file (kind result) is uploaded by an
// officer of the item's department while the case waits for its decision (deciding); the
// decision names the result files it references (ActionInput::attachments) and from then on the
// applicant sees them. Each upload is at most `max_bytes` (413 attachment_too_large, nothing
// stored), of an allowed type recognised by its leading bytes (sniff): a declared type the bytes
// do not match is 415 attachment_type_mismatch, bytes of no allowed type 415
// unsupported_attachment_type (a declared application/octet-stream takes the sniffed type).
// The SM3 hash of the bytes is stored and returned; a download checks the bytes against it
// (500 attachment_corrupt, never the wrong bytes) and gives it as the ETag.
//
// Who sees a case's attachments: exactly who sees the case (CaseService; others 404
// case_not_found), except that the applicant sees result files only once the decision
// referenced them. Deletion: by the uploader, before the attachment is submitted (submitting
// the case or answering a 补正 submits the materials; the decision, its result files), and while
// the case is still in a state where they could upload it. Audited: services.attachment.upload,
// services.attachment.delete (case number, kind, material, size, type and hash).
//
// Errors: 400 invalid_attachment (kind, material or file name); 403 forbidden; 404
// case_not_found, attachment_not_found; 409 invalid_transition (naming the state),
// attachment_submitted, too_many_attachments; 413 attachment_too_large; 415
// attachment_type_mismatch, unsupported_attachment_type; 503 too_many_uploads, client_gone.
//
// Thread-safety: all methods may be called from many threads at once.
#pragma once

#include "audit/service.h"
#include "core/crypto.h"
#include "core/principal.h"
#include "core/request_context.h"
#include "db/database.h"
#include "services/attachment.h"
#include "services/service.h"

#include <atomic>
#include <functional>
#include <string>
#include <vector>

namespace zt::services {

struct AttachmentOptions {
  std::uint64_t max_bytes = 10 << 20;  // [services] attachment_max_bytes
  std::size_t max_uploads = 2;         // uploads received at once (each holds a worker thread)
  std::int64_t max_per_case = 100;     // attachments of one case, both kinds
};

// What an upload says besides its bytes.
struct UploadInput {
  std::string kind = "material";  // material, result
  std::string material;           // kind material: the item's material
  std::string file_name;
  std::string declared_type;  // the request's media type
};

// The bytes of an upload, piece by piece: true with more bytes, false at the end, or the error
// of the stream (client_gone, …).
using BodySource = std::function<Result<bool>(std::string&)>;

struct AttachmentContent {
  Attachment attachment;
  std::string bytes;
};

// The required `upload` materials of `def` that the case has no attachment for, on conn; when
// there are none, every material attachment not yet submitted is submitted at `now` (submit and
// answer_correction call it in their transaction). Failure: 422 materials_missing naming them.
Status submit_materials(db::Connection& conn, const Case& c, const ItemDraft& def,
                        std::int64_t now);

class AttachmentService {
 public:
  AttachmentService(db::Database& db, audit::AuditLog& audit, CaseService& cases,
                    const core::CryptoProvider& crypto, const core::Clock& clock,
                    AttachmentOptions options);

  const AttachmentOptions& options() const { return options_; }

  // Checks who may upload what before any byte is read, reads the body (stopping as soon as it
  // is over the limit), checks its type, and stores it in one transaction with its audit record.
  Result<Attachment> upload(const core::Principal& actor, std::string_view number,
                            const UploadInput& input, const BodySource& body,
                            const core::RequestContext& context);
  // The case's attachments the actor may see, oldest first.
  Result<std::vector<Attachment>> list(const core::Principal& actor, std::string_view number);
  // One attachment with its bytes, checked against the stored SM3.
  Result<AttachmentContent> download(const core::Principal& actor, std::string_view number,
                                     std::int64_t id);
  Status remove(const core::Principal& actor, std::string_view number, std::int64_t id,
                const core::RequestContext& context);

 private:
  // The upload rule for `kind` on the case: who, in which states; `material` checked against
  // the item. Failure: the error to answer.
  Status may_upload(const CaseParty& p, AttachmentKind kind, std::string_view material);
  // Whether the actor of `p` sees attachment `a` (the applicant: result files once decided).
  static bool sees(const CaseParty& p, const Attachment& a);
  std::string hex_sm3(std::string_view bytes) const;

  db::Database& db_;
  audit::AuditLog& audit_;
  CaseService& cases_;
  const core::CryptoProvider& crypto_;
  const core::Clock& clock_;
  const AttachmentOptions options_;
  std::atomic<std::size_t> uploads_{0};  // receiving now
};

}  // namespace zt::services
