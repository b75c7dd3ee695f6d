// StaticFiles: serves the web front end built into web/dist/.
//
// Content types by extension; hashed assets (assets/name-HASH.ext, as Vite names them) are
// cached for a year as immutable, everything else must be revalidated (ETag). A path with no
// file extension that names no file is a client-side route and gets index.html. When the front
// end has not been built, "/" and client routes get a plain page saying what Zhengtong is, with
// a link to the API document. A symbolic link is followed only when it resolves inside the root
// (a link out of web_root is a missing file).
// Thread-safety: immutable after construction; serve() reads files and may be called from any
// thread (it blocks on disk, so the server runs it on the worker pool).
#pragma once

#include "http/response.h"

#include <filesystem>
#include <optional>
#include <string_view>

namespace zt::http {

class StaticFiles {
 public:
  explicit StaticFiles(std::filesystem::path root);

  // The response for GET `path` (percent-encoded, without query). `if_none_match` is the
  // request's If-None-Match header, for 304 answers.
  Response serve(std::string_view path, std::optional<std::string_view> if_none_match) const;

  // The content type for a file name, by its extension.
  static std::string_view content_type(std::string_view filename);

 private:
  std::filesystem::path root_;
};

}  // namespace zt::http
