// Tests for the 国密 crypto provider (core/crypto.h, core/crypto_openssl.h).
//
// Where the vectors come from:
//  - SM3: GB/T 32905-2016 Appendix A ("abc", "abcd" x 16); SM3("") from `openssl dgst -sm3`.
//  - SM4: GB/T 32907-2016 Appendix A example 1 (one block, ECB), checked directly through
//    EVP_sm4_ecb to prove the cipher the seal uses.
//  - HMAC-SM3: no standard publishes vectors; the expected tags were computed with the OpenSSL
//    3.0.19 command line, `printf 'Hi There' | openssl mac -digest SM3 -macopt hexkey:0b0b…0b
//    HMAC` (and likewise for the others), and agree with Python's
//    `hmac.new(key, msg, 'sm3').hexdigest()`.
//  - The sealed box known answer was built outside this code with the same tools (see
//    SealedBoxMadeByTheCommandLineOpens).
//  - SM2: the key pair and signature in kCliPrivatePem/kCliPublicPem/kCliSignatureHex were made
//    with `openssl genpkey -algorithm SM2`, `openssl pkey -pubout` and
//      openssl pkeyutl -sign -inkey k.pem -rawin -digest sm3
//        -pkeyopt distid:1234567812345678 -in msg -out sig.der
//    Cross-check in the other direction, done by hand once (OpenSSL 3.0.19): a signature from
//    sm2_sign over the same key and message, written to sig2.der, verifies with
//      openssl pkeyutl -verify -pubin -inkey p.pem -rawin -digest sm3
//        -pkeyopt distid:1234567812345678 -in msg -sigfile sig2.der
//    ("Signature Verified Successfully"), and fails with distid:1234567812345679 or with no
//    distid, which shows the default user id is really in Z.
#include "core/crypto.h"

#include <gtest/gtest.h>
#include <openssl/evp.h>

#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "core/crypto_openssl.h"

namespace zt::core {
namespace {

constexpr std::string_view kCliPrivatePem =
    "-----BEGIN PRIVATE KEY-----\n"
    "MIGHAgEAMBMGByqGSM49AgEGCCqBHM9VAYItBG0wawIBAQQgaHZG2pUnVuIDX8GF\n"
    "YaUgzaS2XY49is7gpR/PZLkydg2hRANCAAS541YIOcDRWMAbdcRASAJQPM1w9MDZ\n"
    "7OyrSsJVG0Y22SNRmpZdI0FpEUlawN4sw1/zv4ll/UVEMqXVDM8fb5Hw\n"
    "-----END PRIVATE KEY-----\n";
constexpr std::string_view kCliPublicPem =
    "-----BEGIN PUBLIC KEY-----\n"
    "MFkwEwYHKoZIzj0CAQYIKoEcz1UBgi0DQgAEueNWCDnA0VjAG3XEQEgCUDzNcPTA\n"
    "2ezsq0rCVRtGNtkjUZqWXSNBaRFJWsDeLMNf87+JZf1FRDKl1QzPH2+R8A==\n"
    "-----END PUBLIC KEY-----\n";
constexpr std::string_view kCliMessage = "e-certificate 330302199001011234";
constexpr std::string_view kCliSignatureHex =
    "3045022100c90cbf730c4becd28c3100f9e484094cdc2243d04fb802d2b73597cf4d01e323"
    "0220157696305384acf9c4f21aae929e94647d6e0622092f639ebb699560cb2b1cb4";

// NIST P-256, not SM2: `openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256`.
constexpr std::string_view kP256PrivatePem =
    "-----BEGIN PRIVATE KEY-----\n"
    "MIGHAgEAMBMGByqGSM49AgEGCCqGSM49AwEHBG0wawIBAQQg3lAiG2sut+SgFTrc\n"
    "FCSxit1lSJU72cT9pQl93tteoF+hRANCAAREjC2jdYmiEJAHwcVh913GH38hoOFe\n"
    "jLZyPtg9o6x/5i031LUkJ+N37sl7aW66H/IBQksFWcI0p786S7sV5416\n"
    "-----END PRIVATE KEY-----\n";
constexpr std::string_view kP256PublicPem =
    "-----BEGIN PUBLIC KEY-----\n"
    "MFkwEwYHKoZIzj0CAQYIKoZIzj0DAQcDQgAERIwto3WJohCQB8HFYfddxh9/IaDh\n"
    "Xoy2cj7YPaOsf+YtN9S1JCfjd+7Je2luuh/yAUJLBVnCNKe/Oku7FeeNeg==\n"
    "-----END PUBLIC KEY-----\n";
// kCliPrivatePem encrypted: `openssl pkey -aes-128-cbc -passout pass:secret`.
constexpr std::string_view kEncryptedPrivatePem =
    "-----BEGIN ENCRYPTED PRIVATE KEY-----\n"
    "MIHsMFcGCSqGSIb3DQEFDTBKMCkGCSqGSIb3DQEFDDAcBAj7yqTp4OnnaAICCAAw\n"
    "DAYIKoZIhvcNAgkFADAdBglghkgBZQMEAQIEEIOUGoOPaFQ7bXy0mquIhugEgZC9\n"
    "WcCMhZ6nplBd0dhuu2X92sMFipi3rmMY8e66mMbO1pzSYvv40tzngU71cCfg7Qdr\n"
    "0yLYwAuNujl4jvaiSfF+IRxVy0YhGcv9ylPs3v3qepzvQSHdXd67AfvGforiRHIj\n"
    "vt+IDQGd0voPqL3RYzPRmdyHnFZbadxALfL0eyX1g6VLXJV5CSn4SKgUEWp+9r0=\n"
    "-----END ENCRYPTED PRIVATE KEY-----\n";

std::string unhex(std::string_view hex) {
  Result<std::string> r = from_hex(hex);
  EXPECT_TRUE(r.ok()) << hex;
  return r.ok() ? r.value() : std::string();
}

class CryptoTest : public ::testing::Test {
 protected:
  // The tests go through the interface, as callers will.
  std::string sm3_hex(std::string_view data) {
    Result<std::string> r = crypto_.sm3(data);
    EXPECT_TRUE(r.ok());
    return r.ok() ? to_hex(r.value()) : std::string();
  }
  std::string hmac_hex(std::string_view key, std::string_view data) {
    Result<std::string> r = crypto_.hmac_sm3(key, data);
    EXPECT_TRUE(r.ok());
    return r.ok() ? to_hex(r.value()) : std::string();
  }
  Sm2KeyPair new_key() {
    Result<Sm2KeyPair> r = crypto_.generate_sm2_key();
    EXPECT_TRUE(r.ok()) << r.error().detail;
    return r.ok() ? r.value() : Sm2KeyPair{};
  }
  std::string seal_key() { return unhex(kSealKeyHex); }

  static constexpr std::string_view kSealKeyHex =
      "000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f";

  OpenSslCryptoProvider provider_;
  const CryptoProvider& crypto_ = provider_;
};

// ---- hex ----

TEST(HexTest, RoundTripsAllByteValues) {
  std::string all;
  for (int i = 0; i < 256; ++i)
    all.push_back(static_cast<char>(i));
  const std::string hex = to_hex(all);
  EXPECT_EQ(hex.substr(0, 8), "00010203");
  EXPECT_EQ(hex.substr(hex.size() - 4), "feff");
  Result<std::string> back = from_hex(hex);
  ASSERT_TRUE(back.ok());
  EXPECT_EQ(back.value(), all);
  EXPECT_EQ(to_hex(""), "");
}

TEST(HexTest, AcceptsUpperCase) {
  Result<std::string> r = from_hex("01AbCDef");
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r.value(), std::string("\x01\xab\xcd\xef"));
}

TEST(HexTest, RejectsOddLengthAndNonHex) {
  Result<std::string> odd = from_hex("abc");
  ASSERT_FALSE(odd.ok());
  EXPECT_EQ(odd.error().code, "invalid_hex");
  EXPECT_EQ(odd.error().kind, ErrorKind::kInvalidInput);
  EXPECT_EQ(odd.error().detail, "odd length 3");
  Result<std::string> bad = from_hex("00zz");
  ASSERT_FALSE(bad.ok());
  EXPECT_EQ(bad.error().code, "invalid_hex");
  EXPECT_EQ(bad.error().detail, "not a hex digit at position 3");
  EXPECT_FALSE(from_hex("0 ").ok());
}

// ---- SM3 ----

TEST_F(CryptoTest, Sm3MatchesGbT32905Examples) {
  EXPECT_EQ(sm3_hex("abc"), "66c7f0f462eeedd9d1f2d46bdc10e4e24167c4875cf2f7a2297da02b8f4ba8e0");
  std::string abcd16;
  for (int i = 0; i < 16; ++i)
    abcd16 += "abcd";
  EXPECT_EQ(sm3_hex(abcd16), "debe9ff92275b8a138604889c18e5a4d6fdb70e5387e5765293dcba39c0c5732");
  EXPECT_EQ(sm3_hex(""), "1ab21d8355cfa17f8e61194831e81a8f22bec8c728fefb747ed035eb5082aa2b");
}

// The SM3 implementation is fetched once and shared: digests from many threads at once are
// the reference ones.
TEST_F(CryptoTest, StreamedSm3EqualsTheOneShotDigest) {
  std::string data;
  for (int i = 0; i < 10000; ++i)
    data += std::to_string(i) + "行";
  auto stream = crypto_.sm3_stream();
  ASSERT_TRUE(stream.ok());
  for (std::size_t at = 0; at < data.size(); at += 777)
    ASSERT_TRUE((*stream)->update(std::string_view(data).substr(at, 777)).ok());
  auto digest = (*stream)->finish();
  ASSERT_TRUE(digest.ok());
  EXPECT_EQ(to_hex(*digest), sm3_hex(data));
  auto empty = crypto_.sm3_stream();
  ASSERT_TRUE(empty.ok());
  EXPECT_EQ(to_hex(*(*empty)->finish()), sm3_hex(""));
}

TEST_F(CryptoTest, Sm3FromManyThreadsAtOnce) {
  std::vector<std::string> got(8);
  {
    std::vector<std::thread> threads;
    for (std::size_t t = 0; t < got.size(); ++t) {
      threads.emplace_back([&, t] {
        for (int i = 0; i < 200; ++i) {
          Result<std::string> r = crypto_.sm3("abc");
          if (!r.ok()) return;
          got[t] = to_hex(*r);
        }
      });
    }
    for (std::thread& t : threads)
      t.join();
  }
  for (const std::string& hex : got)
    EXPECT_EQ(hex, "66c7f0f462eeedd9d1f2d46bdc10e4e24167c4875cf2f7a2297da02b8f4ba8e0");
}

// ---- HMAC-SM3 (expected values: `openssl mac -digest SM3 ... HMAC`, see the file comment) ----

TEST_F(CryptoTest, HmacSm3MatchesOpenSslCommandLine) {
  // printf 'Hi There' | openssl mac -digest SM3 -macopt
  // hexkey:0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b HMAC
  EXPECT_EQ(hmac_hex(std::string(20, '\x0b'), "Hi There"),
            "51b00d1fb49832bfb01c3ce27848e59f871d9ba938dc563b338ca964755cce70");
  // printf 'what do ya want for nothing?' | openssl mac -digest SM3 -macopt key:Jefe HMAC
  EXPECT_EQ(hmac_hex("Jefe", "what do ya want for nothing?"),
            "2e87f1d16862e6d964b50a5200bf2b10b764faa9680a296a2405f24bec39f882");
  // A key longer than SM3's 64-byte block is hashed first: hexkey:aa x 131.
  EXPECT_EQ(
      hmac_hex(std::string(131, '\xaa'), "Test Using Larger Than Block-Size Key - Hash Key First"),
      "b4fd844e13342002f0b2e0690ea7741f1497d993a70494cea601e657bedf67a0");
  // Empty key: printf 'abc' | openssl mac -digest SM3 -macopt key: HMAC
  EXPECT_EQ(hmac_hex("", "abc"),
            "36525058ca466791502435c910517f1a7e86613d5f35ac1f18a94def0eaac81f");
}

// ---- random ----

TEST_F(CryptoTest, RandomBytesHaveTheAskedLengthAndDiffer) {
  Result<std::string> empty = crypto_.random_bytes(0);
  ASSERT_TRUE(empty.ok());
  EXPECT_EQ(empty.value(), "");
  Result<std::string> a = crypto_.random_bytes(32);
  Result<std::string> b = crypto_.random_bytes(32);
  ASSERT_TRUE(a.ok());
  ASSERT_TRUE(b.ok());
  EXPECT_EQ(a->size(), 32u);
  EXPECT_NE(a.value(), b.value());
  Result<std::string> big = crypto_.random_bytes(100000);
  ASSERT_TRUE(big.ok());
  EXPECT_EQ(big->size(), 100000u);
}

// ---- SM4 ----

// GB/T 32907-2016 example 1, straight through OpenSSL: the cipher itself is right.
TEST(Sm4Test, BlockCipherMatchesGbT32907Example) {
  const std::string key = unhex("0123456789abcdeffedcba9876543210");
  const std::string plain = key;
  std::unique_ptr<EVP_CIPHER_CTX, decltype(&EVP_CIPHER_CTX_free)> ctx(EVP_CIPHER_CTX_new(),
                                                                      &EVP_CIPHER_CTX_free);
  ASSERT_NE(ctx, nullptr);
  const auto* k = reinterpret_cast<const unsigned char*>(key.data());
  ASSERT_EQ(EVP_EncryptInit_ex2(ctx.get(), EVP_sm4_ecb(), k, nullptr, nullptr), 1);
  ASSERT_EQ(EVP_CIPHER_CTX_set_padding(ctx.get(), 0), 1);
  unsigned char out[32] = {};
  int len = 0;
  ASSERT_EQ(EVP_EncryptUpdate(ctx.get(), out, &len,
                              reinterpret_cast<const unsigned char*>(plain.data()), 16),
            1);
  ASSERT_EQ(len, 16);
  int tail = 0;
  ASSERT_EQ(EVP_EncryptFinal_ex(ctx.get(), out + len, &tail), 1);
  EXPECT_EQ(tail, 0);
  EXPECT_EQ(to_hex(std::string_view(reinterpret_cast<const char*>(out), 16)),
            "681edf34d206965e86b3e94f536e4246");
}

// A box assembled by the command-line tools, following the format in crypto.h:
//   KEY=000102…1f IV=f0e0d0c0b0a090807060504030201000
//   ENC=$(printf 'zhengtong sm4-seal v1 enc' | openssl mac -digest SM3 -macopt hexkey:$KEY HMAC
//         | cut -c1-32)
//   MAC=$(printf 'zhengtong sm4-seal v1 mac' | openssl mac -digest SM3 -macopt hexkey:$KEY HMAC)
//   openssl enc -sm4-ctr -K $ENC -iv $IV -in pt -out ct
//   (IV bytes; cat ct ad; printf '\0\0\0\0\0\0\0\x12') | openssl mac -digest SM3
//     -macopt hexkey:$MAC HMAC                                      -> tag
// with pt = "Zhengtong sealed box, 30 bytes", ad = "users/42/id_number" (18 bytes).
TEST_F(CryptoTest, SealedBoxMadeByTheCommandLineOpens) {
  const std::string sealed = unhex(
      "f0e0d0c0b0a090807060504030201000"                                    // IV
      "3640753aa96c08f7680c0775df06b6943b6fdb5f7850bf71768bc1a8b6c9"        // C
      "7d3e485afa9d9733577af68ac4143feeeb02fed6e1bf179ba3c467e03ae83286");  // T
  Result<std::string> opened = crypto_.sm4_open(seal_key(), sealed, "users/42/id_number");
  ASSERT_TRUE(opened.ok()) << opened.error().detail;
  EXPECT_EQ(opened.value(), "Zhengtong sealed box, 30 bytes");
}

TEST_F(CryptoTest, SealOpenRoundTripsAllSizes) {
  for (size_t n : {0, 1, 15, 16, 17, 31, 32, 33, 1000, 65537}) {
    std::string plain(n, '\0');
    for (size_t i = 0; i < n; ++i)
      plain[i] = static_cast<char>(i * 7 + 3);
    Result<std::string> sealed = crypto_.sm4_seal(seal_key(), plain, "ad");
    ASSERT_TRUE(sealed.ok()) << sealed.error().detail;
    EXPECT_EQ(sealed->size(), n + kSm4SealOverhead);
    if (n >= 16) {
      EXPECT_EQ(sealed->find(plain), std::string::npos);
    }
    Result<std::string> opened = crypto_.sm4_open(seal_key(), *sealed, "ad");
    ASSERT_TRUE(opened.ok()) << n << ": " << opened.error().detail;
    EXPECT_EQ(opened.value(), plain);
  }
}

TEST_F(CryptoTest, SealUsesAFreshIvEachTime) {
  Result<std::string> a = crypto_.sm4_seal(seal_key(), "same plaintext", "");
  Result<std::string> b = crypto_.sm4_seal(seal_key(), "same plaintext", "");
  ASSERT_TRUE(a.ok());
  ASSERT_TRUE(b.ok());
  EXPECT_NE(a->substr(0, kSm4SealIvSize), b->substr(0, kSm4SealIvSize));
  EXPECT_NE(a.value(), b.value());
}

void expect_decryption_failed(const Result<std::string>& r, std::string_view what) {
  ASSERT_FALSE(r.ok()) << what << " was accepted";
  EXPECT_EQ(r.error().code, "decryption_failed") << what;
  EXPECT_EQ(r.error().kind, ErrorKind::kInvalidInput) << what;
}

TEST_F(CryptoTest, OpenRejectsEveryTamperedPart) {
  const std::string plain = "330302199001011234 张三";
  Result<std::string> sealed_r = crypto_.sm4_seal(seal_key(), plain, "users/42");
  ASSERT_TRUE(sealed_r.ok());
  const std::string sealed = sealed_r.value();
  // Flip one bit at the start and end of IV, ciphertext and tag.
  const size_t c_end = sealed.size() - kSm4SealTagSize;
  for (size_t pos :
       {size_t{0}, kSm4SealIvSize - 1, kSm4SealIvSize, c_end - 1, c_end, sealed.size() - 1}) {
    std::string tampered = sealed;
    tampered[pos] = static_cast<char>(tampered[pos] ^ 0x01);
    expect_decryption_failed(crypto_.sm4_open(seal_key(), tampered, "users/42"),
                             "bit flip at " + std::to_string(pos));
  }
  expect_decryption_failed(crypto_.sm4_open(seal_key(), sealed, "users/43"), "other AD");
  expect_decryption_failed(crypto_.sm4_open(seal_key(), sealed, ""), "missing AD");
  expect_decryption_failed(
      crypto_.sm4_open(seal_key(), sealed.substr(0, sealed.size() - 1), "users/42"), "truncated");
  expect_decryption_failed(crypto_.sm4_open(seal_key(), sealed + "x", "users/42"), "extended");
  expect_decryption_failed(crypto_.sm4_open(seal_key(), sealed.substr(0, 47), "users/42"),
                           "shorter than overhead");
  expect_decryption_failed(crypto_.sm4_open(seal_key(), "", "users/42"), "empty");
  // Moving the last ciphertext byte into the AD keeps IV ‖ C ‖ AD the same; the AD length
  // in the tag input tells them apart.
  std::string shorter = sealed;
  shorter.erase(c_end - 1, 1);
  expect_decryption_failed(
      crypto_.sm4_open(seal_key(), shorter, std::string(1, sealed[c_end - 1]) + "users/42"),
      "ciphertext byte moved into AD");
  // The untouched box still opens.
  Result<std::string> ok = crypto_.sm4_open(seal_key(), sealed, "users/42");
  ASSERT_TRUE(ok.ok());
  EXPECT_EQ(ok.value(), plain);
}

TEST_F(CryptoTest, OpenRejectsAWrongKey) {
  Result<std::string> sealed = crypto_.sm4_seal(seal_key(), "secret", "");
  ASSERT_TRUE(sealed.ok());
  // Any changed byte of the key, in either half, fails the tag (the subkeys are derived).
  for (size_t pos : {size_t{0}, size_t{15}, size_t{16}, size_t{31}}) {
    std::string other = seal_key();
    other[pos] = static_cast<char>(other[pos] ^ 0x80);
    expect_decryption_failed(crypto_.sm4_open(other, *sealed, ""),
                             "key byte " + std::to_string(pos) + " changed");
  }
}

TEST_F(CryptoTest, SealAndOpenRejectKeysOfTheWrongSize) {
  for (size_t n : {0, 16, 31, 33}) {
    Result<std::string> sealed = crypto_.sm4_seal(std::string(n, 'k'), "x", "");
    ASSERT_FALSE(sealed.ok());
    EXPECT_EQ(sealed.error().code, "invalid_key");
    Result<std::string> opened = crypto_.sm4_open(std::string(n, 'k'), std::string(64, '\0'), "");
    ASSERT_FALSE(opened.ok());
    EXPECT_EQ(opened.error().code, "invalid_key");
  }
}

// ---- SM2 ----

TEST_F(CryptoTest, GeneratesPemKeyPairs) {
  Sm2KeyPair key = new_key();
  EXPECT_EQ(key.private_pem.rfind("-----BEGIN PRIVATE KEY-----\n", 0), 0u) << key.private_pem;
  EXPECT_EQ(key.public_pem.rfind("-----BEGIN PUBLIC KEY-----\n", 0), 0u) << key.public_pem;
  Sm2KeyPair other = new_key();
  EXPECT_NE(key.private_pem, other.private_pem);
  EXPECT_NE(key.public_pem, other.public_pem);
}

TEST_F(CryptoTest, Sm2SignVerifyRoundTrip) {
  Sm2KeyPair key = new_key();
  const std::string message = "电子证照 No. 330302-2026-000001";
  Result<std::string> sig = crypto_.sm2_sign(key.private_pem, message);
  ASSERT_TRUE(sig.ok()) << sig.error().detail;
  EXPECT_EQ(sig->front(), '\x30');  // DER SEQUENCE
  EXPECT_LE(sig->size(), 72u);
  Result<bool> ok = crypto_.sm2_verify(key.public_pem, message, *sig);
  ASSERT_TRUE(ok.ok()) << ok.error().detail;
  EXPECT_TRUE(ok.value());
  // Randomised: a second signature differs and verifies as well.
  Result<std::string> sig2 = crypto_.sm2_sign(key.private_pem, message);
  ASSERT_TRUE(sig2.ok());
  EXPECT_NE(sig.value(), sig2.value());
  EXPECT_TRUE(crypto_.sm2_verify(key.public_pem, message, *sig2).value());
  // The empty message is a message too.
  Result<std::string> empty_sig = crypto_.sm2_sign(key.private_pem, "");
  ASSERT_TRUE(empty_sig.ok());
  EXPECT_TRUE(crypto_.sm2_verify(key.public_pem, "", *empty_sig).value());
}

TEST_F(CryptoTest, Sm2RejectsTamperedMessageAndOtherKey) {
  Sm2KeyPair key = new_key();
  Sm2KeyPair other = new_key();
  Result<std::string> sig = crypto_.sm2_sign(key.private_pem, "amount=100");
  ASSERT_TRUE(sig.ok());
  Result<bool> tampered = crypto_.sm2_verify(key.public_pem, "amount=900", *sig);
  ASSERT_TRUE(tampered.ok()) << tampered.error().detail;
  EXPECT_FALSE(tampered.value());
  Result<bool> wrong_key = crypto_.sm2_verify(other.public_pem, "amount=100", *sig);
  ASSERT_TRUE(wrong_key.ok()) << wrong_key.error().detail;
  EXPECT_FALSE(wrong_key.value());
}

TEST_F(CryptoTest, Sm2RejectsAChangedButWellFormedSignature) {
  Sm2KeyPair key = new_key();
  Result<std::string> sig = crypto_.sm2_sign(key.private_pem, "m");
  ASSERT_TRUE(sig.ok());
  std::string changed = sig.value();
  changed[changed.size() - 1] = static_cast<char>(changed.back() ^ 0x01);  // last byte of s
  Result<bool> r = crypto_.sm2_verify(key.public_pem, "m", changed);
  ASSERT_TRUE(r.ok()) << r.error().detail;
  EXPECT_FALSE(r.value());
}

TEST_F(CryptoTest, VerifiesASignatureMadeByTheOpenSslCommandLine) {
  Result<bool> r = crypto_.sm2_verify(kCliPublicPem, kCliMessage, unhex(kCliSignatureHex));
  ASSERT_TRUE(r.ok()) << r.error().detail;
  EXPECT_TRUE(r.value());
  Result<bool> other = crypto_.sm2_verify(kCliPublicPem, "e-certificate 330302199001011235",
                                          unhex(kCliSignatureHex));
  ASSERT_TRUE(other.ok());
  EXPECT_FALSE(other.value());
}

TEST_F(CryptoTest, SignsWithAKeyMadeByTheOpenSslCommandLine) {
  Result<std::string> sig = crypto_.sm2_sign(kCliPrivatePem, kCliMessage);
  ASSERT_TRUE(sig.ok()) << sig.error().detail;
  Result<bool> r = crypto_.sm2_verify(kCliPublicPem, kCliMessage, *sig);
  ASSERT_TRUE(r.ok());
  EXPECT_TRUE(r.value());
}

TEST_F(CryptoTest, PemImportExportRoundTrips) {
  // The public key derived from an imported private key is the exported public key, byte for
  // byte, both for our keys and for the command line's.
  Sm2KeyPair key = new_key();
  Result<std::string> pub = crypto_.sm2_public_key(key.private_pem);
  ASSERT_TRUE(pub.ok()) << pub.error().detail;
  EXPECT_EQ(pub.value(), key.public_pem);
  Result<std::string> cli_pub = crypto_.sm2_public_key(kCliPrivatePem);
  ASSERT_TRUE(cli_pub.ok()) << cli_pub.error().detail;
  EXPECT_EQ(cli_pub.value(), kCliPublicPem);
}

void expect_invalid_key(const Error& e, std::string_view what) {
  EXPECT_EQ(e.code, "invalid_key") << what << ": " << e.detail;
  EXPECT_EQ(e.kind, ErrorKind::kInvalidInput) << what;
}

TEST_F(CryptoTest, MalformedOrForeignKeysAreInvalidKey) {
  const std::string truncated(kCliPrivatePem.substr(0, 80));
  std::string corrupted(kCliPrivatePem);
  corrupted[40] = corrupted[40] == 'A' ? 'B' : 'A';
  for (std::string_view pem :
       {std::string_view(""), std::string_view("not a key"), std::string_view(truncated),
        std::string_view(corrupted), kP256PrivatePem, kEncryptedPrivatePem, kCliPublicPem}) {
    Result<std::string> sig = crypto_.sm2_sign(pem, "m");
    ASSERT_FALSE(sig.ok()) << pem;
    expect_invalid_key(sig.error(), pem);
    Result<std::string> pub = crypto_.sm2_public_key(pem);
    ASSERT_FALSE(pub.ok()) << pem;
    expect_invalid_key(pub.error(), pem);
  }
  const std::string sig = unhex(kCliSignatureHex);
  for (std::string_view pem : {std::string_view(""), std::string_view("-----BEGIN PUBLIC KEY-----"),
                               kP256PublicPem, kCliPrivatePem}) {
    Result<bool> r = crypto_.sm2_verify(pem, kCliMessage, sig);
    ASSERT_FALSE(r.ok()) << pem;
    expect_invalid_key(r.error(), pem);
  }
}

TEST_F(CryptoTest, MalformedSignaturesAreInvalidSignatureEncoding) {
  const std::string sig = unhex(kCliSignatureHex);
  // BER long-form length instead of DER: 30 81 45 … is the same value, encoded non-strictly.
  const std::string long_form = "\x30\x81\x45" + sig.substr(2);
  for (const std::string& bad :
       {std::string(), std::string("\x30\x00", 2), std::string("garbage"),
        sig.substr(0, sig.size() - 1), sig + '\0', long_form, std::string(64, '\x11')}) {
    Result<bool> r = crypto_.sm2_verify(kCliPublicPem, kCliMessage, bad);
    ASSERT_FALSE(r.ok()) << to_hex(bad);
    EXPECT_EQ(r.error().code, "invalid_signature_encoding") << to_hex(bad);
    EXPECT_EQ(r.error().kind, ErrorKind::kInvalidInput);
  }
}

TEST_F(CryptoTest, IsSafeToShareAcrossThreads) {
  Sm2KeyPair key = new_key();
  std::vector<std::thread> threads;
  std::vector<int> good(4, 0);
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < 20; ++i) {
        const std::string msg = "thread " + std::to_string(t) + " message " + std::to_string(i);
        Result<std::string> sig = crypto_.sm2_sign(key.private_pem, msg);
        Result<std::string> sealed = crypto_.sm4_seal(seal_key(), msg, "ad");
        if (!sig.ok() || !sealed.ok()) continue;
        Result<bool> ok = crypto_.sm2_verify(key.public_pem, msg, *sig);
        Result<std::string> opened = crypto_.sm4_open(seal_key(), *sealed, "ad");
        if (ok.ok() && ok.value() && opened.ok() && opened.value() == msg) ++good[t];
      }
    });
  }
  for (std::thread& th : threads)
    th.join();
  for (int t = 0; t < 4; ++t)
    EXPECT_EQ(good[t], 20) << "thread " << t;
}

}  // namespace
}  // namespace zt::core
