// Password policy profiles (dengbao, asvs), the shipped common-password list, argon2id hashing
// and one-time passwords.
#include "identity/password.h"
#include "core/crypto_openssl.h"

#include <gtest/gtest.h>

namespace zt::identity {
namespace {

using namespace std::chrono_literals;

std::string code_of(const Status& s) {
  return s.ok() ? "ok" : s.error().code;
}

TEST(PasswordPolicy, DengbaoAppliesEachRule) {
  const auto p = PasswordProfile::kDengbao;
  EXPECT_EQ(code_of(check_password_policy(p, "Xy7#kq2Lm9!", "zhangsan")), "password_too_short");
  EXPECT_EQ(code_of(check_password_policy(p, std::string(129, 'a') + "B1", "zhangsan")),
            "password_too_long");
  // Three of four classes: two classes fail, three pass, with or without "other".
  EXPECT_EQ(code_of(check_password_policy(p, "kqmzvtrwplxn", "zhangsan")), "password_too_simple");
  EXPECT_EQ(code_of(check_password_policy(p, "kqmzvt834572", "zhangsan")), "password_too_simple");
  EXPECT_EQ(code_of(check_password_policy(p, "Kqmzvt834572", "zhangsan")), "ok");
  EXPECT_EQ(code_of(check_password_policy(p, "kqmz-vt8345#", "zhangsan")), "ok");
  EXPECT_EQ(code_of(check_password_policy(p, "KQMZ-VT8345#", "zhangsan")), "ok");
  // Not containing the username, case-insensitively.
  EXPECT_EQ(code_of(check_password_policy(p, "xZhangSan#2024", "zhangsan")),
            "password_contains_username");
  // The common list applies (compared case-insensitively).
  EXPECT_EQ(code_of(check_password_policy(p, "Password@123", "zhangsan")), "password_too_common");
  EXPECT_EQ(code_of(check_password_policy(p, "QWERTYUIOP123", "zhangsan")), "password_too_common");
  // 12 characters counted as characters, not bytes: 11 Chinese characters + 1 digit is 12.
  EXPECT_EQ(code_of(check_password_policy(p, "政通数据多跑路群众少跑腿1A", "zhangsan")), "ok");
  EXPECT_EQ(code_of(check_password_policy(p, "政通数据多跑路群众A1", "zhangsan")),
            "password_too_short");
}

TEST(PasswordPolicy, AsvsHasNoCompositionRulesButLengthAndList) {
  const auto p = PasswordProfile::kAsvs;
  EXPECT_EQ(code_of(check_password_policy(p, "correcthorse", "zhangsan")), "ok");  // one class
  EXPECT_EQ(code_of(check_password_policy(p, "zhangsan horse battery", "zhangsan")), "ok");
  EXPECT_EQ(code_of(check_password_policy(p, "short pass", "zhangsan")), "password_too_short");
  EXPECT_EQ(code_of(check_password_policy(p, std::string(129, 'x'), "zhangsan")),
            "password_too_long");
  EXPECT_EQ(code_of(check_password_policy(p, std::string(128, 'x'), "zhangsan")), "ok");
  EXPECT_EQ(code_of(check_password_policy(p, "qwertyuiop123", "zhangsan")), "password_too_common");
  EXPECT_EQ(code_of(check_password_policy(p, "password1234", "zhangsan")), "password_too_common");
}

TEST(PasswordPolicy, OnlyDengbaoExpiresPasswords) {
  const core::TimePoint t0{std::chrono::sys_days{std::chrono::year{2026} / 3 / 1}};
  EXPECT_FALSE(password_expired(PasswordProfile::kDengbao, 90, t0, t0 + 24h * 89));
  EXPECT_TRUE(password_expired(PasswordProfile::kDengbao, 90, t0, t0 + 24h * 90));
  EXPECT_FALSE(password_expired(PasswordProfile::kDengbao, 0, t0, t0 + 24h * 900));
  EXPECT_FALSE(password_expired(PasswordProfile::kAsvs, 90, t0, t0 + 24h * 900));
}

TEST(CommonPasswords, ListIsEmbeddedAndLarge) {
  EXPECT_GE(common_password_count(), 3000u);
  EXPECT_TRUE(is_common_password("password123"));
  EXPECT_TRUE(is_common_password("WOAINI1314"));
  EXPECT_TRUE(is_common_password("12345678"));
  EXPECT_FALSE(is_common_password("Kqmzvt834572"));
  EXPECT_FALSE(is_common_password("# The most common passwords of 8 or more characters"));
}

TEST(PasswordHasher, Argon2idRoundTrip) {
  core::OpenSslCryptoProvider crypto;
  PasswordHasher hasher(crypto, {.memory_kib = 256, .iterations = 1, .parallelism = 1});
  auto hash = hasher.hash("Kqmzvt834572");
  ASSERT_TRUE(hash.ok()) << hash.error().detail;
  EXPECT_EQ(hash->rfind("$argon2id$v=19$m=256,t=1,p=1$", 0), 0u) << *hash;
  EXPECT_EQ(hash->find("Kqmzvt834572"), std::string::npos);
  EXPECT_TRUE(hasher.verify(*hash, "Kqmzvt834572"));
  EXPECT_FALSE(hasher.verify(*hash, "Kqmzvt834573"));
  EXPECT_FALSE(hasher.verify("not a hash", "Kqmzvt834572"));
  auto again = hasher.hash("Kqmzvt834572");
  ASSERT_TRUE(again.ok());
  EXPECT_NE(*again, *hash);  // fresh salt
  // Hashes made with other parameters still verify (the parameters are in the string).
  PasswordHasher stronger(crypto, {.memory_kib = 512, .iterations = 2, .parallelism = 1});
  EXPECT_TRUE(stronger.verify(*hash, "Kqmzvt834572"));
}

TEST(OneTimePassword, PassesBothProfiles) {
  core::OpenSslCryptoProvider crypto;
  for (int i = 0; i < 50; ++i) {
    auto password = generate_one_time_password(crypto);
    ASSERT_TRUE(password.ok());
    EXPECT_EQ(password->size(), 20u);
    EXPECT_TRUE(check_password_policy(PasswordProfile::kDengbao, *password, "sysadmin").ok());
    EXPECT_TRUE(check_password_policy(PasswordProfile::kAsvs, *password, "sysadmin").ok());
    EXPECT_EQ(password->find_first_of("0O1lI"), std::string::npos);
  }
}

}  // namespace
}  // namespace zt::identity
