// Valid identifiers for test data: 公民身份号码 with the GB 11643 (ISO 7064 MOD 11-2) check
// character and 统一社会信用代码 with the GB 32100 (MOD 31) one, so tests make as many distinct
// people and enterprises as they need without copying the check-digit arithmetic.
// Header-only, pure.
#pragma once

#include <string>
#include <string_view>

namespace zt::test {

// The ID number of a person born on `birth` (YYYYMMDD) in `division` (6 digits; 鹿城区 by
// default), with sequence number `n` (0-999), and its check character.
inline std::string id_number(std::string_view birth, int n, std::string_view division = "330302") {
  std::string seq = std::to_string(1000 + n % 1000).substr(1);
  std::string id = std::string(division) + std::string(birth) + seq;
  static constexpr int kWeights[17] = {7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2};
  int sum = 0;
  for (int i = 0; i < 17; ++i)
    sum += (id[i] - '0') * kWeights[i];
  return id + "10X98765432"[sum % 11];
}

// `first17` (the registration authority, division and organization code) with its check
// character.
inline std::string uscc(std::string_view first17) {
  static constexpr std::string_view kAlphabet = "0123456789ABCDEFGHJKLMNPQRTUWXY";
  static constexpr int kWeights[17] = {1,  3,  9,  27, 19, 26, 16, 17, 20,
                                       29, 25, 13, 8,  24, 10, 30, 28};
  int sum = 0;
  for (int i = 0; i < 17; ++i)
    sum += static_cast<int>(kAlphabet.find(first17[i])) * kWeights[i];
  return std::string(first17) + kAlphabet[(31 - sum % 31) % 31];
}

}  // namespace zt::test
