#include "db/dialect.h"

#include <algorithm>
#include <cctype>

namespace zt::db {

namespace {

constexpr Dialect kSqlite{
    Backend::kSqlite, "sqlite", "INTEGER PRIMARY KEY AUTOINCREMENT",
    "BLOB",           "TEXT",   "strftime('%Y-%m-%dT%H:%M:%fZ','now')",
};

constexpr Dialect kPostgres{
    Backend::kPostgres, "postgresql", "BIGSERIAL PRIMARY KEY", "BYTEA", "TIMESTAMPTZ", "now()",
};

bool is_ident_char(char c) {
  return std::isalnum(static_cast<unsigned char>(c)) || c == '_' || c == '$' ||
         static_cast<unsigned char>(c) >= 0x80;
}

}  // namespace

const Dialect& Dialect::of(Backend backend) {
  return backend == Backend::kSqlite ? kSqlite : kPostgres;
}

std::string Dialect::render(std::string_view sql) const {
  struct Token {
    std::string_view name;
    std::string_view Dialect::*value;
  };
  static constexpr Token kTokens[] = {
      {"{{id}}", &Dialect::id},
      {"{{blob}}", &Dialect::blob},
      {"{{timestamptz}}", &Dialect::timestamptz},
      {"{{now}}", &Dialect::now},
  };
  std::string out;
  out.reserve(sql.size());
  std::size_t i = 0;
  while (i < sql.size()) {
    if (sql[i] == '{' && sql.substr(i, 2) == "{{") {
      bool replaced = false;
      for (const auto& t : kTokens) {
        if (sql.substr(i, t.name.size()) == t.name) {
          out += this->*t.value;
          i += t.name.size();
          replaced = true;
          break;
        }
      }
      if (replaced) continue;
    }
    out += sql[i++];
  }
  return out;
}

std::string_view Dialect::table_exists_sql() const {
  if (backend == Backend::kSqlite) {
    return "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?";
  }
  return "SELECT 1 FROM pg_catalog.pg_tables WHERE schemaname = current_schema() AND "
         "tablename = ?";
}

std::string to_dollar_placeholders(std::string_view sql, std::size_t* count) {
  std::string out;
  out.reserve(sql.size() + 16);
  std::size_t n = 0;
  std::size_t i = 0;
  const std::size_t size = sql.size();
  // Copies sql[i..end) verbatim and moves i to end.
  auto copy_to = [&](std::size_t end) {
    out.append(sql.substr(i, end - i));
    i = end;
  };
  while (i < size) {
    char c = sql[i];
    bool after_ident = i > 0 && is_ident_char(sql[i - 1]);
    if (c == '?') {
      out += '$';
      out += std::to_string(++n);
      ++i;
    } else if (c == '\'') {
      // E'...' strings take backslash escapes; standard strings only double their quotes.
      bool escapes = i > 0 && (sql[i - 1] == 'E' || sql[i - 1] == 'e') &&
                     !(i > 1 && is_ident_char(sql[i - 2]));
      std::size_t j = i + 1;
      while (j < size) {
        if (escapes && sql[j] == '\\') {
          j += 2;
        } else if (sql[j] == '\'') {
          if (j + 1 < size && sql[j + 1] == '\'') {
            j += 2;
          } else {
            ++j;
            break;
          }
        } else {
          ++j;
        }
      }
      copy_to(std::min(j, size));
    } else if (c == '"') {
      std::size_t j = i + 1;
      while (j < size) {
        if (sql[j] == '"') {
          if (j + 1 < size && sql[j + 1] == '"') {
            j += 2;
            continue;
          }
          ++j;
          break;
        }
        ++j;
      }
      copy_to(std::min(j, size));
    } else if (c == '-' && i + 1 < size && sql[i + 1] == '-') {
      std::size_t j = sql.find('\n', i);
      copy_to(j == std::string_view::npos ? size : j);
    } else if (c == '/' && i + 1 < size && sql[i + 1] == '*') {
      int depth = 1;  // PostgreSQL block comments nest
      std::size_t j = i + 2;
      while (j < size && depth > 0) {
        if (sql[j] == '/' && j + 1 < size && sql[j + 1] == '*') {
          ++depth;
          j += 2;
        } else if (sql[j] == '*' && j + 1 < size && sql[j + 1] == '/') {
          --depth;
          j += 2;
        } else {
          ++j;
        }
      }
      copy_to(j);
    } else if (c == '$' && !after_ident) {
      // $tag$ ... $tag$ (tag may be empty); $1 is a positional parameter, not a tag.
      std::size_t j = i + 1;
      if (j < size && !std::isdigit(static_cast<unsigned char>(sql[j]))) {
        while (j < size && sql[j] != '$' && is_ident_char(sql[j]))
          ++j;
      }
      if (j < size && sql[j] == '$' &&
          (j == i + 1 || !std::isdigit(static_cast<unsigned char>(sql[i + 1])))) {
        std::string_view tag = sql.substr(i, j - i + 1);
        std::size_t close = sql.find(tag, j + 1);
        copy_to(close == std::string_view::npos ? size : close + tag.size());
      } else {
        out += c;
        ++i;
      }
    } else {
      out += c;
      ++i;
    }
  }
  if (count != nullptr) *count = n;
  return out;
}

}  // namespace zt::db
