// KeySet: repeats are refused, before and after the table grows and after clear(), and distinct
// keys of the shapes ingest makes (identity numbers, composite keys, keys that differ in one
// byte) never collide.
#include "exchange/ingest/key_set.h"

#include <gtest/gtest.h>

#include <cstdio>
#include <string>

namespace zt::exchange {
namespace {

TEST(KeySet, RepeatsAreRefused) {
  KeySet keys;
  EXPECT_EQ(keys.size(), 0u);
  EXPECT_TRUE(keys.insert("11010519491231002X"));
  EXPECT_TRUE(keys.insert("11010519491231002x"));
  EXPECT_FALSE(keys.insert("11010519491231002X"));
  EXPECT_FALSE(keys.insert("11010519491231002x"));
  EXPECT_EQ(keys.size(), 2u);
}

TEST(KeySet, EmptyAndBinaryKeys) {
  KeySet keys;
  EXPECT_TRUE(keys.insert(""));
  EXPECT_FALSE(keys.insert(""));
  const std::string a("a\0b", 3), b("a\0c", 3), c("a\0", 2), d("a", 1);
  EXPECT_TRUE(keys.insert(a));
  EXPECT_TRUE(keys.insert(b));
  EXPECT_TRUE(keys.insert(c));
  EXPECT_TRUE(keys.insert(d));
  EXPECT_FALSE(keys.insert(a));
  EXPECT_FALSE(keys.insert(c));
  EXPECT_TRUE(keys.insert(std::string(1, '\0')));
  EXPECT_FALSE(keys.insert(std::string(1, '\0')));
  EXPECT_EQ(keys.size(), 6u);
}

TEST(KeySet, KeysDifferingInOneByteOrLength) {
  KeySet keys;
  std::size_t added = 0;
  std::string base(40, 'k');
  for (std::size_t pos = 0; pos < base.size(); ++pos) {
    for (int c = 0; c < 256; ++c) {
      std::string k = base;
      k[pos] = static_cast<char>(c);
      if (k == base && pos > 0) continue;  // counted once
      EXPECT_TRUE(keys.insert(k)) << pos << " " << c;
      ++added;
    }
  }
  for (std::size_t len = 0; len < base.size(); ++len) {
    EXPECT_TRUE(keys.insert(std::string(len, 'k'))) << len;
    ++added;
  }
  EXPECT_EQ(keys.size(), added);
  EXPECT_FALSE(keys.insert(base));
}

TEST(KeySet, GrowsPastAHundredThousandKeys) {
  KeySet keys;
  constexpr int kCount = 250'000;
  char buf[32];
  for (int i = 0; i < kCount; ++i) {
    std::snprintf(buf, sizeof buf, "330302%012d", i);
    ASSERT_TRUE(keys.insert(buf)) << buf;
    // A repeat right away, and one of an early key, while the table grows.
    ASSERT_FALSE(keys.insert(buf)) << buf;
    if (i % 1000 == 0) {
      ASSERT_FALSE(keys.insert("330302000000000000"));
    }
  }
  EXPECT_EQ(keys.size(), static_cast<std::size_t>(kCount));
  for (int i = 0; i < kCount; ++i) {
    std::snprintf(buf, sizeof buf, "330302%012d", i);
    ASSERT_FALSE(keys.insert(buf)) << buf;
  }
  EXPECT_EQ(keys.size(), static_cast<std::size_t>(kCount));
  EXPECT_TRUE(keys.insert("330302000000250000"));
}

TEST(KeySet, ClearForgetsEveryKey) {
  KeySet keys;
  char buf[32];
  for (int i = 0; i < 5000; ++i) {
    std::snprintf(buf, sizeof buf, "k%d", i);
    ASSERT_TRUE(keys.insert(buf));
  }
  keys.clear();
  EXPECT_EQ(keys.size(), 0u);
  // The same keys are new again, repeats are still found, and the table grows as before.
  for (int i = 0; i < 20000; ++i) {
    std::snprintf(buf, sizeof buf, "k%d", i);
    ASSERT_TRUE(keys.insert(buf)) << buf;
    ASSERT_FALSE(keys.insert(buf)) << buf;
  }
  EXPECT_EQ(keys.size(), 20000u);
  KeySet empty;
  empty.clear();
  EXPECT_EQ(empty.size(), 0u);
  EXPECT_TRUE(empty.insert("a"));
  EXPECT_FALSE(empty.insert("a"));
}

TEST(KeySet, DistinctCompositeKeysNeverCollide) {
  // Two million keys of the shape ingest builds for a composite key (values joined by a
  // separator): every one is new.
  KeySet keys;
  std::string k;
  std::size_t n = 0;
  for (int a = 0; a < 2000; ++a) {
    for (int b = 0; b < 1000; ++b) {
      k = std::to_string(a);
      k += '\x1f';
      k += std::to_string(b);
      ASSERT_TRUE(keys.insert(k)) << a << "/" << b;
      ++n;
    }
  }
  EXPECT_EQ(keys.size(), n);
}

}  // namespace
}  // namespace zt::exchange
