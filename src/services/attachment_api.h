// The routes of a case's attachments (办件附件), under /api/v1/services/cases/{number}:
//   POST   …/attachments?kind=&material=&file_name=   upload: the body is the file itself
//   GET    …/attachments                              the attachments the caller may see
//   GET    …/attachments/{id}                         the file (ETag: its SM3)
//   DELETE …/attachments/{id}                         by its uploader, before submission
// The upload route's body limit is the service's max_bytes, refused before the body is read when
// Content-Length says so (413 attachment_too_large); media types outside the allow-list are 415
// unsupported_attachment_type.
// Thread-safety: registration only; the service is thread-safe.
#pragma once

#include "http/router.h"
#include "services/attachment_service.h"

namespace zt::services {

void add_attachment_routes(http::Router& router, AttachmentService& attachments);

}  // namespace zt::services
