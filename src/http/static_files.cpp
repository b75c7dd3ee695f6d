#include "http/static_files.h"

#include "http/percent.h"
#include "http/problem.h"

#include <fmt/format.h>

#include <algorithm>
#include <array>
#include <fstream>
#include <regex>
#include <sstream>
#include <utility>

namespace zt::http {

namespace {

namespace fs = std::filesystem;

constexpr std::string_view kPlaceholder = R"(<!doctype html>
<html lang="zh-CN">
<head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>政通 Zhengtong</title>
<style>body{font-family:system-ui,"PingFang SC","Microsoft YaHei",sans-serif;max-width:44rem;margin:3rem auto;padding:0 1rem;line-height:1.6;color:#1f2937}h1{color:#b91c1c}code{background:#f3f4f6;padding:.1rem .3rem}</style>
</head>
<body>
<h1>政通 Zhengtong</h1>
<p>政通是面向城市的开源数字政府平台：以政务数据共享交换为枢纽，以资源目录和人口、法人、行政区划、电子证照、信用等基础库为核心，
在其上承载一网通办、电子证照、12345 诉求、公共信用和数据开放。<strong>数据多跑路，群众少跑腿。</strong></p>
<p>Zhengtong is an open-source digital-government platform for Chinese cities: a data sharing and
exchange hub with a resource catalog and base registries at its core, and the public services built on it.</p>
<p>The web console has not been built on this server yet. The API is described by its
OpenAPI document: <a href="/api/openapi.json">/api/openapi.json</a>.
Health: <a href="/healthz">/healthz</a> · Readiness: <a href="/readyz">/readyz</a> · Version: <a href="/api/v1/version">/api/v1/version</a></p>
</body>
</html>
)";

std::optional<std::string> read_file(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return std::nullopt;
  std::ostringstream content;
  content << in.rdbuf();
  return std::move(content).str();
}

// Percent-decodes a path and refuses anything that could leave the root.
std::optional<std::string> safe_relative_path(std::string_view path) {
  auto decoded_or = percent_decode(path);
  if (!decoded_or) return std::nullopt;
  const std::string& decoded = *decoded_or;
  if (decoded.find('\0') != std::string::npos || decoded.find('\\') != std::string::npos) {
    return std::nullopt;
  }
  std::string out;
  std::size_t pos = 0;
  while (pos <= decoded.size()) {
    std::size_t slash = decoded.find('/', pos);
    if (slash == std::string::npos) slash = decoded.size();
    std::string_view segment(decoded.data() + pos, slash - pos);
    if (segment == "..") return std::nullopt;
    if (!segment.empty() && segment != ".") {
      if (!out.empty()) out.push_back('/');
      out += segment;
    }
    pos = slash + 1;
  }
  return out;
}

bool is_hashed_asset(std::string_view relative) {
  static const std::regex kHashed(R"(^assets/.+[-.][A-Za-z0-9_-]{8,}\.[a-z0-9]+$)");
  return std::regex_match(relative.begin(), relative.end(), kHashed);
}

Response file_response(const fs::path& file, std::string_view relative, std::string content,
                       std::optional<std::string_view> if_none_match) {
  std::error_code ec;
  const auto mtime = fs::last_write_time(file, ec).time_since_epoch().count();
  const std::string etag = fmt::format("W/\"{:x}-{:x}\"", content.size(), mtime);
  const std::string cache =
      is_hashed_asset(relative) ? "public, max-age=31536000, immutable" : "no-cache";
  if (if_none_match && *if_none_match == etag) {
    Response not_modified = Response::text(304, "", "");
    not_modified.header("ETag", etag).header("Cache-Control", cache);
    return not_modified;
  }
  Response response = Response::text(
      200, std::move(content), std::string(StaticFiles::content_type(file.filename().string())));
  response.header("ETag", etag).header("Cache-Control", cache);
  return response;
}

// Whether `file` (symlinks resolved) lies inside `root` (symlinks resolved): a link in the web
// root must not serve what lies outside it.
bool inside(const fs::path& root, const fs::path& file) {
  std::error_code ec;
  const fs::path real_root = fs::canonical(root, ec);
  if (ec) return false;
  const fs::path real = fs::canonical(file, ec);
  if (ec) return false;
  auto [r, f] = std::mismatch(real_root.begin(), real_root.end(), real.begin(), real.end());
  return r == real_root.end();
}

}  // namespace

StaticFiles::StaticFiles(fs::path root) : root_(std::move(root)) {}

std::string_view StaticFiles::content_type(std::string_view filename) {
  static constexpr std::array<std::pair<std::string_view, std::string_view>, 20> kTypes = {{
      {".html", "text/html; charset=utf-8"},
      {".js", "text/javascript; charset=utf-8"},
      {".mjs", "text/javascript; charset=utf-8"},
      {".css", "text/css; charset=utf-8"},
      {".json", "application/json"},
      {".map", "application/json"},
      {".svg", "image/svg+xml"},
      {".png", "image/png"},
      {".jpg", "image/jpeg"},
      {".jpeg", "image/jpeg"},
      {".gif", "image/gif"},
      {".webp", "image/webp"},
      {".ico", "image/x-icon"},
      {".woff", "font/woff"},
      {".woff2", "font/woff2"},
      {".ttf", "font/ttf"},
      {".txt", "text/plain; charset=utf-8"},
      {".csv", "text/csv; charset=utf-8"},
      {".pdf", "application/pdf"},
      {".wasm", "application/wasm"},
  }};
  auto dot = filename.rfind('.');
  if (dot != std::string_view::npos) {
    std::string_view ext = filename.substr(dot);
    for (const auto& [known, type] : kTypes) {
      if (ext == known) return type;
    }
  }
  return "application/octet-stream";
}

Response StaticFiles::serve(std::string_view path,
                            std::optional<std::string_view> if_none_match) const {
  auto relative = safe_relative_path(path);
  if (!relative) return problem(400, "invalid_path", "The path is not a valid file path.");

  std::error_code ec;
  if (!relative->empty()) {
    const fs::path file = root_ / *relative;
    if (fs::is_regular_file(file, ec) && inside(root_, file)) {
      if (auto content = read_file(file)) {
        return file_response(file, *relative, std::move(*content), if_none_match);
      }
    }
    // A name with an extension is a missing file; anything else is a client-side route.
    const auto last =
        relative->substr(relative->rfind('/') == std::string::npos ? 0 : relative->rfind('/') + 1);
    if (last.find('.') != std::string::npos) {
      return problem(404, "not_found", "No file or route at " + std::string(path) + ".");
    }
  }

  const fs::path index = root_ / "index.html";
  if (auto content = inside(root_, index) ? read_file(index) : std::nullopt) {
    return file_response(index, "index.html", std::move(*content), if_none_match);
  }
  Response page = Response::text(200, std::string(kPlaceholder), "text/html; charset=utf-8");
  page.header("Cache-Control", "no-cache");
  return page;
}

}  // namespace zt::http
