#include "services/attachment_api.h"

#include "http/route_file.h"

#include <algorithm>
#include <cctype>

namespace zt::services {

namespace {

const std::string kTag = "services";
constexpr http::NotFound kAttachmentNotFound{"attachment_not_found", "No such attachment."};

constexpr auto kAttachmentShape = shape::of<Attachment>(
    shape::integer("id", &Attachment::id),
    shape::named("kind", &Attachment::kind, kAttachmentKindNames,
                 "material: an applicant's material (申请材料); result: a result file of the "
                 "decision (结果文件)."),
    shape::str_or_null("material", &Attachment::material, "The item's material it is for."),
    shape::str("file_name", &Attachment::file_name, "The name it was uploaded with."),
    shape::named("content_type", &Attachment::content_type, kContentTypeNames,
                 "The type its content was recognised as."),
    shape::integer("size", &Attachment::size, "Bytes."),
    shape::str("sm3", &Attachment::sm3,
               "The SM3 hash of the bytes (64 hex digits); the download's ETag."),
    shape::str("uploaded_by", &Attachment::uploaded_by_name),
    shape::time("uploaded_at", &Attachment::uploaded_at),
    shape::ntime("submitted_at", &Attachment::submitted_at,
                 "When it became part of the case (submission, a 补正 answered, the decision); "
                 "null while its uploader may still delete it."));

http::ParamDoc number_param() {
  return {.name = "number", .in = "path", .description = "The 办件编号, e.g. 20261207-0000042."};
}
http::ParamDoc id_param() {
  return {.name = "id",
          .in = "path",
          .description = "The attachment's id.",
          .schema = schema::integer()};
}

// The media type of a Content-Type value: before any parameter, lower case, trimmed.
std::string media_type(std::string_view value) {
  value = value.substr(0, value.find(';'));
  while (!value.empty() && (value.back() == ' ' || value.back() == '\t'))
    value.remove_suffix(1);
  while (!value.empty() && (value.front() == ' ' || value.front() == '\t'))
    value.remove_prefix(1);
  std::string out(value);
  std::transform(out.begin(), out.end(), out.begin(),
                 [](unsigned char c) { return char(std::tolower(c)); });
  return out;
}

http::Response upload(AttachmentService& attachments, const http::Request& request) {
  UploadInput in{.kind = request.query_param("kind").value_or("material"),
                 .material = request.query_param("material").value_or(""),
                 .file_name = request.query_param("file_name").value_or(""),
                 .declared_type = media_type(request.header("Content-Type").value_or(""))};
  http::BodyStream* stream = request.body_stream();
  BodySource body = [stream](std::string& piece) -> Result<bool> {
    if (!stream) return false;
    return stream->read(piece);
  };
  return http::respond(201,
                       attachments.upload(*request.principal(), request.param("number"), in, body,
                                          request.context()),
                       kAttachmentShape);
}

http::RouteDoc upload_doc(std::uint64_t max_bytes) {
  return {
      .summary = "Upload an attachment of a case (上传材料 / 结果文件)",
      .description = fmt::format(
          "The body is the file itself, with its media type as Content-Type (PDF, JPEG, PNG or "
          "OFD; application/octet-stream when unknown: the content decides). The type is "
          "recognised by the file's leading bytes; the SM3 hash of the bytes is kept and "
          "answered. At most {} bytes ([services] attachment_max_bytes): a larger body is "
          "refused before it is read when Content-Length says so, and nothing is stored. "
          "kind=material (default): for one of the item's materials whose source is upload "
          "(免提交 materials come from the registries), while the case is a draft or in "
          "correction. kind=result: a result file of the decision, while the case is deciding; "
          "the decision references it (decide's \"attachments\"). Audited as "
          "services.attachment.upload.\n\nWho: material — the applicant (for a window case, "
          "the window clerk); result — officers of the item's department.\n\nErrors: 400 "
          "invalid_attachment (kind, material, file name, an empty file); 403 forbidden; 404 "
          "case_not_found; 409 invalid_transition (naming the state), too_many_attachments; 413 "
          "attachment_too_large; 415 attachment_type_mismatch (the content is not the declared "
          "type), unsupported_attachment_type; 503 too_many_uploads.",
          max_bytes),
      .tag = kTag,
      .params = {number_param(),
                 {.name = "kind",
                  .description = "material (default) or result.",
                  .schema = schema::enumeration(kAttachmentKindNames.names)},
                 {.name = "material", .description = "kind=material: the item's material name."},
                 {.name = "file_name",
                  .description = "The file's name (UTF-8, e.g. 收入证明.pdf), shown and used by "
                                 "the download.",
                  .required = true}},
      .responses = {{201, "The stored attachment", kAttachmentShape.schema()}}};
}

http::Response list(AttachmentService& attachments, const http::Request& request) {
  auto found = attachments.list(*request.principal(), request.param("number"));
  if (!found.ok()) return http::problem(found.error());
  json::array items;
  for (const Attachment& a : *found)
    items.push_back(kAttachmentShape.encode(a));
  json::array types;
  for (std::string_view t : kContentTypeNames.names)
    types.emplace_back(t);
  return http::Response::json(200, json::object{{"items", std::move(items)},
                                                {"max_bytes", attachments.options().max_bytes},
                                                {"content_types", std::move(types)}});
}

http::RouteDoc list_doc() {
  return {.summary = "A case's attachments",
          .description =
              "The case's materials and result files, oldest first, without their bytes, with the "
              "largest file an upload may be (max_bytes) and the accepted content types. The "
              "applicant sees result files once the decision references them.\n\nWho: whoever "
              "sees the case (its applicant, the window once submitted, the departments it is "
              "routed to).\n\nErrors: 404 case_not_found (also for a case the caller may not "
              "see).",
          .tag = kTag,
          .params = {number_param()},
          .responses = {{200, "Attachments, and what an upload may be",
                         schema::object({{"items", schema::array_of(kAttachmentShape.schema())},
                                         {"max_bytes", schema::integer()},
                                         {"content_types", schema::strings()}},
                                        {"items", "max_bytes", "content_types"})}}};
}

http::Response download(AttachmentService& attachments, std::int64_t id,
                        const http::Request& request) {
  auto got = attachments.download(*request.principal(), request.param("number"), id);
  if (!got.ok()) return http::problem(got.error());
  const Attachment& a = got->attachment;
  const std::string etag = "\"" + a.sm3 + "\"";
  if (auto match = request.header("If-None-Match"); match && *match == etag) {
    http::Response r = http::Response::text(304, "", "");
    r.header("ETag", etag);
    return r;
  }
  http::Response r = http::Response::text(200, std::move(got->bytes),
                                          std::string(kContentTypeNames.name_of(a.content_type)));
  r.header("ETag", etag)
      .header("Content-Disposition", content_disposition(a.file_name))
      .header("X-Content-Type-Options", "nosniff")
      .header("Cache-Control", "private, no-cache");
  return r;
}

http::RouteDoc download_doc() {
  json::object binary{{"type", "string"}, {"contentMediaType", "application/octet-stream"}};
  return {.summary = "Download an attachment",
          .description =
              "The file's bytes with its type, Content-Disposition naming the original file "
              "(RFC 5987 filename* for Chinese names) and ETag = its SM3; the bytes are checked "
              "against the stored hash first (500 attachment_corrupt, never other bytes). "
              "If-None-Match with the ETag answers 304.\n\nWho: whoever sees the case and the "
              "attachment (as the list).\n\nErrors: 404 case_not_found, attachment_not_found.",
          .tag = kTag,
          .params = {number_param(),
                     id_param(),
                     {.name = "If-None-Match",
                      .in = "header",
                      .description = "The ETag of a copy the caller has."}},
          .responses = {{200, "The file", binary, "application/octet-stream"},
                        {304, "The caller's copy is the file"}}};
}

http::Response remove(AttachmentService& attachments, std::int64_t id,
                      const http::Request& request) {
  auto done =
      attachments.remove(*request.principal(), request.param("number"), id, request.context());
  if (!done.ok()) return http::problem(done.error());
  return http::no_content();
}

http::RouteDoc remove_doc() {
  return {.summary = "Delete an attachment before it is submitted",
          .description =
              "Deletes a material before the case is submitted (or a 补正 answered), or a result "
              "file before the decision references it. Audited as "
              "services.attachment.delete.\n\nWho: its uploader.\n\nErrors: 403 forbidden; 404 "
              "case_not_found, attachment_not_found; 409 attachment_submitted.",
          .tag = kTag,
          .params = {number_param(), id_param()},
          .responses = {{204, "Deleted"}}};
}

}  // namespace

void add_attachment_routes(http::Router& router, AttachmentService& attachments) {
  const std::uint64_t max = attachments.options().max_bytes;
  const std::string base = "/api/v1/services/cases/{number}/attachments";
  router.add(http::Method::kPost, base, http::handler_of(upload, attachments),
             {.body_limit = max,
              .too_large_code = "attachment_too_large",
              .unsupported_type_code = "unsupported_attachment_type",
              .accepts = {kUploadMediaTypes.begin(), kUploadMediaTypes.end()},
              .stream_body = true},
             upload_doc(max));
  router.add(http::Method::kGet, base, http::handler_of(list, attachments), {}, list_doc());
  router.add(http::Method::kGet, base + "/{id}",
             http::handler_of(download, attachments, kAttachmentNotFound), {}, download_doc());
  router.add(http::Method::kDelete, base + "/{id}",
             http::handler_of(remove, attachments, kAttachmentNotFound), {}, remove_doc());
}

}  // namespace zt::services
