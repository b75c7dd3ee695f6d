// The ingest row reader over a body of ~220-byte rows (ten fields, Chinese text, an identity
// number, numbers, a boolean), fed in 64 KiB pieces as the HTTP layer delivers them. Prints rows/s
// (items_per_second) and MB/s (bytes_per_second) for NDJSON and CSV, in UTF-8 and in GBK.
// Target: NDJSON in UTF-8 at 300 MB/s or more (about 1.5 M rows/s) in a Release build.
#include <iconv.h>

#include <benchmark/benchmark.h>

#include <string>
#include <string_view>
#include <vector>

#include "exchange/format/row_reader.h"

namespace {

using zt::exchange::Charset;
using zt::exchange::IngestFormat;
using zt::exchange::RawRow;
using zt::exchange::RowReader;

constexpr std::size_t kRows = 50'000;
constexpr std::size_t kPiece = 64 * 1024;

const std::vector<std::string> kColumns = {"name",    "id_number",     "age",   "city",
                                           "address", "division_code", "phone", "active",
                                           "score",   "registered_at"};

std::string ndjson_body() {
  std::string body;
  for (std::size_t i = 0; i < kRows; ++i) {
    body += R"({"name":"张三)" + std::to_string(i % 1000) +
            R"(","id_number":"330302198001011234","age":)" + std::to_string(20 + i % 60) +
            R"(,"city":"温州市","address":"鹿城区五马街道解放街)" + std::to_string(i % 500) +
            R"(号","division_code":"330302","phone":"13800138000","active":true,"score":87.50,)"
            R"("registered_at":"2024-06-15T09:30:00+08:00"})"
            "\n";
  }
  return body;
}

std::string csv_body() {
  std::string body =
      "name,id_number,age,city,address,division_code,phone,active,score,registered_at\r\n";
  for (std::size_t i = 0; i < kRows; ++i) {
    body += "张三" + std::to_string(i % 1000) + ",330302198001011234," +
            std::to_string(20 + i % 60) + ",温州市,\"鹿城区五马街道解放街" +
            std::to_string(i % 500) +
            "号, 3楼\",330302,13800138000,true,87.50,2024-06-15T09:30:00+08:00\r\n";
  }
  return body;
}

std::string to_gbk(const std::string& utf8) {
  iconv_t cd = iconv_open("GB18030", "UTF-8");
  std::string out(utf8.size() * 2, '\0');
  char* in = const_cast<char*>(utf8.data());
  std::size_t in_left = utf8.size();
  char* op = out.data();
  std::size_t out_left = out.size();
  iconv(cd, &in, &in_left, &op, &out_left);
  iconv_close(cd);
  out.resize(out.size() - out_left);
  return out;
}

void read_body(benchmark::State& state, IngestFormat format, Charset charset,
               const std::string& body) {
  RawRow row;
  std::size_t rows = 0;
  for (auto _ : state) {
    auto reader = std::move(RowReader::create(format, charset, kColumns)).value();
    for (std::size_t at = 0; at < body.size(); at += kPiece) {
      if (!reader->feed(std::string_view(body).substr(at, kPiece)).ok())
        state.SkipWithError("feed");
      while (*reader->next(row)) {
        if (!row.error_code.empty()) state.SkipWithError(row.error_detail.c_str());
      }
    }
    (void)reader->finish();
    while (*reader->next(row)) {
    }
    rows = reader->rows_read();
    benchmark::DoNotOptimize(row);
  }
  state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations() * rows));
  state.SetBytesProcessed(static_cast<std::int64_t>(state.iterations() * body.size()));
  state.counters["row_bytes"] = static_cast<double>(body.size()) / static_cast<double>(rows);
}

void BM_IngestNdjsonUtf8(benchmark::State& state) {
  static const std::string body = ndjson_body();
  read_body(state, IngestFormat::kNdjson, Charset::kUtf8, body);
}
BENCHMARK(BM_IngestNdjsonUtf8)->Unit(benchmark::kMillisecond);

void BM_IngestCsvUtf8(benchmark::State& state) {
  static const std::string body = csv_body();
  read_body(state, IngestFormat::kCsv, Charset::kUtf8, body);
}
BENCHMARK(BM_IngestCsvUtf8)->Unit(benchmark::kMillisecond);

void BM_IngestNdjsonGbk(benchmark::State& state) {
  static const std::string body = to_gbk(ndjson_body());
  read_body(state, IngestFormat::kNdjson, Charset::kGbk, body);
}
BENCHMARK(BM_IngestNdjsonGbk)->Unit(benchmark::kMillisecond);

void BM_IngestCsvGbk(benchmark::State& state) {
  static const std::string body = to_gbk(csv_body());
  read_body(state, IngestFormat::kCsv, Charset::kGbk, body);
}
BENCHMARK(BM_IngestCsvGbk)->Unit(benchmark::kMillisecond);

}  // namespace
