#include "db/url.h"

namespace zt::db {

namespace {

bool starts_with_nocase(std::string_view s, std::string_view prefix) {
  if (s.size() < prefix.size()) return false;
  for (std::size_t i = 0; i < prefix.size(); ++i) {
    char c = s[i];
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
    if (c != prefix[i]) return false;
  }
  return true;
}

Error bad_url(std::string_view url, std::string_view why) {
  return Error::invalid("invalid_database_url",
                        "database URL '" + redact_database_url(url) + "': " + std::string(why));
}

}  // namespace

Result<DatabaseUrl> parse_database_url(std::string_view url) {
  DatabaseUrl out;
  if (starts_with_nocase(url, "sqlite:")) {
    std::string_view path = url.substr(7);
    if (path.starts_with("//")) path.remove_prefix(2);  // sqlite:///abs/path -> /abs/path
    if (path.empty()) return bad_url(url, "no file path after 'sqlite:'");
    if (path.find('\0') != std::string_view::npos) return bad_url(url, "NUL in path");
    out.backend = Backend::kSqlite;
    out.sqlite_path = path == ":memory:" ? ":memory:" : std::string(path);
    return out;
  }
  if (starts_with_nocase(url, "postgresql://") || starts_with_nocase(url, "postgres://")) {
    std::string_view rest = url.substr(url.find("://") + 3);
    if (rest.find_first_of(" \t\r\n") != std::string_view::npos) {
      return bad_url(url, "whitespace in URL");
    }
    out.backend = Backend::kPostgres;
    out.pg_conninfo = std::string(url);  // libpq parses and checks the rest on open
    return out;
  }
  if (url.empty()) return bad_url(url, "empty");
  return bad_url(url, "expected sqlite:PATH, postgresql:// or postgres://");
}

std::string redact_database_url(std::string_view url) {
  std::string out(url);
  std::size_t scheme = out.find("://");
  if (scheme != std::string::npos) {
    std::size_t start = scheme + 3;
    std::size_t at = out.find('@', start);
    std::size_t slash = out.find('/', start);
    if (at != std::string::npos && (slash == std::string::npos || at < slash)) {
      std::size_t colon = out.find(':', start);
      if (colon != std::string::npos && colon < at) out.replace(colon + 1, at - colon - 1, "***");
    }
  }
  std::size_t q = out.find("password=");
  if (q != std::string::npos) {
    std::size_t end = out.find('&', q);
    out.replace(q + 9, (end == std::string::npos ? out.size() : end) - q - 9, "***");
  }
  return out;
}

}  // namespace zt::db
