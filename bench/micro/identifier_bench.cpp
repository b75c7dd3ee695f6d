// Identifier checks run once per field per ingested row: their cost bounds ingest throughput.
#include "core/division_code.h"
#include "core/id_number.h"
#include "core/uscc.h"

#include <benchmark/benchmark.h>

namespace {

using namespace std::chrono;
constexpr year_month_day kToday{year{2026}, November, day{23}};

void BM_IdNumberValid(benchmark::State& state) {
  for (auto _ : state)
    benchmark::DoNotOptimize(zt::core::check_id_number("11010519491231002X", kToday));
}
BENCHMARK(BM_IdNumberValid);

void BM_IdNumberInvalid(benchmark::State& state) {
  for (auto _ : state)
    benchmark::DoNotOptimize(zt::core::check_id_number("110105194912310021", kToday));
}
BENCHMARK(BM_IdNumberInvalid);

void BM_Uscc(benchmark::State& state) {
  for (auto _ : state)
    benchmark::DoNotOptimize(zt::core::check_uscc("91350100M000100Y43"));
}
BENCHMARK(BM_Uscc);

void BM_DivisionCode(benchmark::State& state) {
  for (auto _ : state)
    benchmark::DoNotOptimize(zt::core::check_division_code("330302"));
}
BENCHMARK(BM_DivisionCode);

}  // namespace
