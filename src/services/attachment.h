// Attachments of a case (办件附件): the value type, its two kinds — an applicant's material
// (申请材料) and a result file of the decision (结果文件) — and the content types a case accepts,
// each recognised by its file's leading bytes (magic numbers), never by its name or declared type.
//
// Plain values and pure functions: safe to copy and call from many threads.
#pragma once

#include "core/enum_names.h"

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace zt::services {

enum class AttachmentKind {
  kMaterial,  // uploaded by the applicant (or the window for them) for a material of the item
  kResult,    // uploaded by the deciding officer, referenced by the decision
};
inline constexpr auto kAttachmentKindNames = core::enum_names<AttachmentKind>(
    {{AttachmentKind::kMaterial, "material"}, {AttachmentKind::kResult, "result"}});

// The types a case accepts (the allow-list), with their media types.
enum class ContentType { kPdf, kJpeg, kPng, kOfd };
inline constexpr auto kContentTypeNames =
    core::enum_names<ContentType>({{ContentType::kPdf, "application/pdf"},
                                   {ContentType::kJpeg, "image/jpeg"},
                                   {ContentType::kPng, "image/png"},
                                   {ContentType::kOfd, "application/ofd"}});
// What an upload may declare as its Content-Type: the allowed types, and
// application/octet-stream for "whatever the bytes are" (a browser that does not know .ofd).
inline constexpr std::array<std::string_view, 5> kUploadMediaTypes = {
    "application/pdf", "image/jpeg", "image/png", "application/ofd", "application/octet-stream"};

// The type of `bytes` by their leading bytes: PDF ("%PDF-"), JPEG (FF D8 FF), PNG (the 8-byte
// signature), OFD (GB/T 33190: a ZIP package whose central directory holds the entry "OFD.xml");
// nullopt for anything else (a ZIP of another kind, text, an executable, too few bytes).
std::optional<ContentType> sniff(std::string_view bytes);

struct Attachment {
  std::int64_t id = 0;
  std::int64_t case_id = 0;
  AttachmentKind kind = AttachmentKind::kMaterial;
  std::string material;   // the item's material (kind material); empty for a result file
  std::string file_name;  // as uploaded (UTF-8, no path)
  ContentType content_type = ContentType::kPdf;
  std::int64_t size = 0;  // bytes
  std::string sm3;        // SM3 of the bytes, 64 lower-case hex digits
  std::int64_t uploaded_by = 0;
  std::string uploaded_by_name;
  std::int64_t uploaded_at = 0;
  // When it became part of the case: its submission (materials: submit or a 补正 answered;
  // results: the decision). Until then its uploader may delete it.
  std::optional<std::int64_t> submitted_at;
};

// A file name as uploaded, checked: 1 to 255 bytes of UTF-8 without control characters, path
// separators or a leading dot. Failure: nullopt.
std::optional<std::string> checked_file_name(std::string_view name);

// The Content-Disposition header of a download: `attachment`, an ASCII fallback file name, and
// the UTF-8 name as RFC 5987 / RFC 6266 filename* (so that browsers show a Chinese name whole).
std::string content_disposition(std::string_view file_name);

}  // namespace zt::services
