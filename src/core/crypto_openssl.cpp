#include "core/crypto_openssl.h"

#include <openssl/bio.h>
#include <openssl/core_names.h>
#include <openssl/crypto.h>
#include <openssl/ec.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/params.h>
#include <openssl/pem.h>
#include <openssl/rand.h>

#include <algorithm>
#include <array>
#include <climits>
#include <cstdint>
#include <initializer_list>
#include <memory>
#include <string>
#include <utility>

namespace zt::core {
namespace {

// unique_ptr deleter calling an OpenSSL free function.
template <auto kFree>
struct OpenSslFree {
  template <typename T>
  void operator()(T* p) const {
    kFree(p);
  }
};
template <typename T, auto kFree>
using OpenSslPtr = std::unique_ptr<T, OpenSslFree<kFree>>;

using BioPtr = OpenSslPtr<BIO, &BIO_free>;
using PkeyPtr = OpenSslPtr<EVP_PKEY, &EVP_PKEY_free>;
using PkeyCtxPtr = OpenSslPtr<EVP_PKEY_CTX, &EVP_PKEY_CTX_free>;
using MdCtxPtr = OpenSslPtr<EVP_MD_CTX, &EVP_MD_CTX_free>;
using MacPtr = OpenSslPtr<EVP_MAC, &EVP_MAC_free>;
using MacCtxPtr = OpenSslPtr<EVP_MAC_CTX, &EVP_MAC_CTX_free>;
using CipherCtxPtr = OpenSslPtr<EVP_CIPHER_CTX, &EVP_CIPHER_CTX_free>;
using EcdsaSigPtr = OpenSslPtr<ECDSA_SIG, &ECDSA_SIG_free>;

constexpr size_t kSm4KeySize = 16;
// Subkey labels of sm4_seal (see crypto.h).
constexpr std::string_view kSealEncLabel = "zhengtong sm4-seal v1 enc";
constexpr std::string_view kSealMacLabel = "zhengtong sm4-seal v1 mac";
// OpenSSL takes some lengths as int; longer inputs go through in chunks of this size.
constexpr size_t kChunk = size_t{1} << 30;

const unsigned char* bytes(std::string_view s) {
  return reinterpret_cast<const unsigned char*>(s.data());
}
unsigned char* bytes(std::string& s) {
  return reinterpret_cast<unsigned char*>(s.data());
}

// Empties this thread's OpenSSL error queue and returns its text ("" if it was empty).
std::string drain_openssl_errors() {
  std::string text;
  while (unsigned long e = ERR_get_error()) {
    std::array<char, 256> buf{};
    ERR_error_string_n(e, buf.data(), buf.size());
    if (!text.empty()) text += "; ";
    text += buf.data();
  }
  return text;
}

Error crypto_error(std::string what) {
  std::string openssl = drain_openssl_errors();
  if (!openssl.empty()) what += ": " + openssl;
  return Error::internal("crypto_error", std::move(what));
}

Error invalid_key(std::string detail) {
  ERR_clear_error();  // OpenSSL's decoder chatter says no more than the detail does
  return Error::invalid("invalid_key", std::move(detail));
}

// Refuses to prompt for a passphrase: encrypted PEM keys fail to load instead.
int no_passphrase(char*, int, int, void*) {
  return -1;
}

Result<BioPtr> read_bio(std::string_view pem) {
  if (pem.size() > INT_MAX) return invalid_key("PEM text too long");
  BioPtr bio(BIO_new_mem_buf(pem.data(), static_cast<int>(pem.size())));
  if (!bio) return crypto_error("BIO_new_mem_buf");
  return bio;
}

Result<PkeyPtr> read_sm2_private_key(std::string_view pem) {
  auto bio = read_bio(pem);
  if (!bio.ok()) return std::move(bio).error();
  PkeyPtr key(
      PEM_read_bio_PrivateKey_ex(bio->get(), nullptr, no_passphrase, nullptr, nullptr, nullptr));
  if (!key) return invalid_key("not an unencrypted PEM private key");
  if (!EVP_PKEY_is_a(key.get(), "SM2")) return invalid_key("not an SM2 private key");
  return key;
}

Result<PkeyPtr> read_sm2_public_key(std::string_view pem) {
  auto bio = read_bio(pem);
  if (!bio.ok()) return std::move(bio).error();
  PkeyPtr key(
      PEM_read_bio_PUBKEY_ex(bio->get(), nullptr, no_passphrase, nullptr, nullptr, nullptr));
  if (!key) return invalid_key("not a PEM public key (SubjectPublicKeyInfo)");
  if (!EVP_PKEY_is_a(key.get(), "SM2")) return invalid_key("not an SM2 public key");
  return key;
}

// The contents of a memory BIO.
std::string bio_contents(BIO* bio) {
  char* data = nullptr;
  long n = BIO_get_mem_data(bio, &data);
  return n > 0 ? std::string(data, static_cast<size_t>(n)) : std::string();
}

Result<std::string> public_pem(EVP_PKEY* key) {
  BioPtr bio(BIO_new(BIO_s_mem()));
  if (!bio || PEM_write_bio_PUBKEY(bio.get(), key) != 1)
    return crypto_error("PEM_write_bio_PUBKEY");
  return bio_contents(bio.get());
}

// HMAC-SM3 over the concatenation of parts.
Result<std::string> hmac_sm3_parts(std::string_view key,
                                   std::initializer_list<std::string_view> parts) {
  MacPtr mac(EVP_MAC_fetch(nullptr, "HMAC", nullptr));
  if (!mac) return crypto_error("EVP_MAC_fetch HMAC");
  MacCtxPtr ctx(EVP_MAC_CTX_new(mac.get()));
  if (!ctx) return crypto_error("EVP_MAC_CTX_new");
  char digest[] = "SM3";
  const std::array<OSSL_PARAM, 2> params = {
      OSSL_PARAM_construct_utf8_string(OSSL_MAC_PARAM_DIGEST, digest, 0),
      OSSL_PARAM_construct_end()};
  // A null key means "keep the previous key" to EVP_MAC_init; an empty key must be non-null.
  static constexpr unsigned char kNoKey = 0;
  const unsigned char* key_bytes = key.empty() ? &kNoKey : bytes(key);
  if (EVP_MAC_init(ctx.get(), key_bytes, key.size(), params.data()) != 1) {
    return crypto_error("EVP_MAC_init HMAC-SM3");
  }
  for (std::string_view part : parts) {
    if (EVP_MAC_update(ctx.get(), bytes(part), part.size()) != 1) {
      return crypto_error("EVP_MAC_update");
    }
  }
  std::string tag(kSm3DigestSize, '\0');
  size_t len = 0;
  if (EVP_MAC_final(ctx.get(), bytes(tag), &len, tag.size()) != 1 || len != kSm3DigestSize) {
    return crypto_error("EVP_MAC_final");
  }
  return tag;
}

// SM4-CTR of in under a 16-byte key and 16-byte initial counter block; encrypts and decrypts.
Result<std::string> sm4_ctr(std::string_view key, std::string_view iv, std::string_view in) {
  CipherCtxPtr ctx(EVP_CIPHER_CTX_new());
  if (!ctx) return crypto_error("EVP_CIPHER_CTX_new");
  if (EVP_EncryptInit_ex2(ctx.get(), EVP_sm4_ctr(), bytes(key), bytes(iv), nullptr) != 1) {
    return crypto_error("EVP_EncryptInit_ex2 SM4-CTR");
  }
  std::string out(in.size(), '\0');
  for (size_t done = 0; done < in.size();) {
    const size_t n = std::min(kChunk, in.size() - done);
    int written = 0;
    if (EVP_EncryptUpdate(ctx.get(), bytes(out) + done, &written, bytes(in) + done,
                          static_cast<int>(n)) != 1 ||
        static_cast<size_t>(written) != n) {
      return crypto_error("EVP_EncryptUpdate SM4-CTR");
    }
    done += n;
  }
  // CTR is a stream mode: Final writes nothing, but it is the documented end of the operation.
  std::array<unsigned char, 16> tail{};
  int tail_len = 0;
  if (EVP_EncryptFinal_ex(ctx.get(), tail.data(), &tail_len) != 1 || tail_len != 0) {
    return crypto_error("EVP_EncryptFinal_ex SM4-CTR");
  }
  return out;
}

// The big-endian 8-byte encoding of n.
std::string be64(uint64_t n) {
  std::string out(8, '\0');
  for (int i = 7; i >= 0; --i) {
    out[static_cast<size_t>(i)] = static_cast<char>(n & 0xff);
    n >>= 8;
  }
  return out;
}

struct SealKeys {
  SealKeys(std::string e, std::string m) : enc(std::move(e)), mac(std::move(m)) {}
  SealKeys(const SealKeys&) = default;
  SealKeys& operator=(const SealKeys&) = delete;
  ~SealKeys() {
    OPENSSL_cleanse(enc.data(), enc.size());
    OPENSSL_cleanse(mac.data(), mac.size());
  }
  std::string enc;  // 16 bytes
  std::string mac;  // 32 bytes
};

// Derives the sm4_seal subkeys from a 32-byte key.
Result<SealKeys> derive_seal_keys(std::string_view key) {
  if (key.size() != kSm4SealKeySize) {
    return Error::invalid("invalid_key", "SM4 seal key must be 32 bytes");
  }
  auto enc = hmac_sm3_parts(key, {kSealEncLabel});
  if (!enc.ok()) return std::move(enc).error();
  auto mac = hmac_sm3_parts(key, {kSealMacLabel});
  if (!mac.ok()) return std::move(mac).error();
  SealKeys keys{std::move(enc).value(), std::move(mac).value()};
  OPENSSL_cleanse(keys.enc.data() + kSm4KeySize, keys.enc.size() - kSm4KeySize);
  keys.enc.resize(kSm4KeySize);
  return keys;
}

Status set_default_user_id(EVP_PKEY_CTX* pctx) {
  // Must follow Digest{Sign,Verify}Init: OpenSSL 3.0's SM2 computes Z lazily at the first
  // update and refuses an id passed in the init parameters.
  if (EVP_PKEY_CTX_set1_id(pctx, kSm2DefaultUserId.data(),
                           static_cast<int>(kSm2DefaultUserId.size())) != 1) {
    return crypto_error("EVP_PKEY_CTX_set1_id");
  }
  return {};
}

// Checks that signature is exactly the DER of an ECDSA-Sig-Value (SEQUENCE of two INTEGERs),
// with nothing after it, as GM/T 0009 specifies and OpenSSL's SM2 verifier expects.
bool is_strict_der_signature(std::string_view signature) {
  if (signature.empty() || signature.size() > LONG_MAX) return false;
  const unsigned char* p = bytes(signature);
  EcdsaSigPtr sig(d2i_ECDSA_SIG(nullptr, &p, static_cast<long>(signature.size())));
  if (!sig || p != bytes(signature) + signature.size()) return false;
  unsigned char* der = nullptr;
  const int len = i2d_ECDSA_SIG(sig.get(), &der);
  const bool same = len > 0 && static_cast<size_t>(len) == signature.size() &&
                    CRYPTO_memcmp(der, signature.data(), signature.size()) == 0;
  OPENSSL_free(der);
  return same;
}

// SM3 fetched from the default provider once. EVP_sm3() is a legacy handle that makes every
// EVP_Digest fetch the implementation again (a lock and a lookup in the method store); the
// audit chain hashes one record per read. Kept for the life of the process; nullptr when the
// fetch failed (EVP_sm3() then, which reports the failure per call).
const EVP_MD* fetched_sm3() {
  static EVP_MD* const md = EVP_MD_fetch(nullptr, "SM3", nullptr);
  return md;
}

}  // namespace

Result<std::string> OpenSslCryptoProvider::sm3(std::string_view data) const {
  std::string digest(kSm3DigestSize, '\0');
  unsigned int len = 0;
  const EVP_MD* md = fetched_sm3();
  if (EVP_Digest(data.data(), data.size(), bytes(digest), &len, md ? md : EVP_sm3(), nullptr) !=
          1 ||
      len != kSm3DigestSize) {
    return crypto_error("EVP_Digest SM3");
  }
  return digest;
}

namespace {

class OpenSslSm3Stream final : public Sm3Stream {
 public:
  explicit OpenSslSm3Stream(MdCtxPtr ctx) : ctx_(std::move(ctx)) {}
  Status update(std::string_view data) override {
    if (EVP_DigestUpdate(ctx_.get(), data.data(), data.size()) != 1) {
      return crypto_error("EVP_DigestUpdate SM3");
    }
    return {};
  }
  Result<std::string> finish() override {
    std::string digest(kSm3DigestSize, '\0');
    unsigned int len = 0;
    if (EVP_DigestFinal_ex(ctx_.get(), bytes(digest), &len) != 1 || len != kSm3DigestSize) {
      return crypto_error("EVP_DigestFinal_ex SM3");
    }
    return digest;
  }

 private:
  MdCtxPtr ctx_;
};

}  // namespace

Result<std::unique_ptr<Sm3Stream>> OpenSslCryptoProvider::sm3_stream() const {
  MdCtxPtr ctx(EVP_MD_CTX_new());
  if (!ctx) return crypto_error("EVP_MD_CTX_new");
  const EVP_MD* md = fetched_sm3();
  if (EVP_DigestInit_ex(ctx.get(), md ? md : EVP_sm3(), nullptr) != 1) {
    return crypto_error("EVP_DigestInit_ex SM3");
  }
  return std::unique_ptr<Sm3Stream>(std::make_unique<OpenSslSm3Stream>(std::move(ctx)));
}

Result<std::string> OpenSslCryptoProvider::hmac_sm3(std::string_view key,
                                                    std::string_view data) const {
  return hmac_sm3_parts(key, {data});
}

Result<std::string> OpenSslCryptoProvider::random_bytes(size_t n) const {
  std::string out(n, '\0');
  for (size_t done = 0; done < n;) {
    const size_t chunk = std::min(kChunk, n - done);
    if (RAND_bytes(bytes(out) + done, static_cast<int>(chunk)) != 1) {
      return crypto_error("RAND_bytes");
    }
    done += chunk;
  }
  return out;
}

Result<Sm2KeyPair> OpenSslCryptoProvider::generate_sm2_key() const {
  PkeyCtxPtr ctx(EVP_PKEY_CTX_new_from_name(nullptr, "SM2", nullptr));
  if (!ctx) return crypto_error("EVP_PKEY_CTX_new_from_name SM2");
  if (EVP_PKEY_keygen_init(ctx.get()) != 1) return crypto_error("EVP_PKEY_keygen_init SM2");
  EVP_PKEY* raw = nullptr;
  if (EVP_PKEY_generate(ctx.get(), &raw) != 1) return crypto_error("EVP_PKEY_generate SM2");
  PkeyPtr key(raw);

  BioPtr bio(BIO_new(BIO_s_mem()));
  // PEM_write_bio_PrivateKey writes unencrypted PKCS#8 ("BEGIN PRIVATE KEY") in OpenSSL 3.
  if (!bio ||
      PEM_write_bio_PrivateKey(bio.get(), key.get(), nullptr, nullptr, 0, nullptr, nullptr) != 1) {
    return crypto_error("PEM_write_bio_PrivateKey");
  }
  Sm2KeyPair pair;
  pair.private_pem = bio_contents(bio.get());
  auto pub = public_pem(key.get());
  if (!pub.ok()) return std::move(pub).error();
  pair.public_pem = std::move(pub).value();
  return pair;
}

Result<std::string> OpenSslCryptoProvider::sm2_public_key(std::string_view private_pem) const {
  auto key = read_sm2_private_key(private_pem);
  if (!key.ok()) return std::move(key).error();
  return public_pem(key->get());
}

Result<std::string> OpenSslCryptoProvider::sm2_sign(std::string_view private_pem,
                                                    std::string_view message) const {
  auto key = read_sm2_private_key(private_pem);
  if (!key.ok()) return std::move(key).error();
  MdCtxPtr mctx(EVP_MD_CTX_new());
  if (!mctx) return crypto_error("EVP_MD_CTX_new");
  EVP_PKEY_CTX* pctx = nullptr;  // owned by mctx
  if (EVP_DigestSignInit_ex(mctx.get(), &pctx, "SM3", nullptr, nullptr, key->get(), nullptr) != 1) {
    return crypto_error("EVP_DigestSignInit_ex SM2/SM3");
  }
  ZT_TRY(set_default_user_id(pctx));
  size_t len = 0;
  if (EVP_DigestSign(mctx.get(), nullptr, &len, bytes(message), message.size()) != 1) {
    return crypto_error("EVP_DigestSign (size)");
  }
  std::string signature(len, '\0');
  if (EVP_DigestSign(mctx.get(), bytes(signature), &len, bytes(message), message.size()) != 1) {
    return crypto_error("EVP_DigestSign SM2");
  }
  signature.resize(len);
  return signature;
}

Result<bool> OpenSslCryptoProvider::sm2_verify(std::string_view public_pem,
                                               std::string_view message,
                                               std::string_view signature) const {
  auto key = read_sm2_public_key(public_pem);
  if (!key.ok()) return std::move(key).error();
  if (!is_strict_der_signature(signature)) {
    ERR_clear_error();
    return Error::invalid("invalid_signature_encoding",
                          "signature is not a DER SEQUENCE of two INTEGERs");
  }
  MdCtxPtr mctx(EVP_MD_CTX_new());
  if (!mctx) return crypto_error("EVP_MD_CTX_new");
  EVP_PKEY_CTX* pctx = nullptr;  // owned by mctx
  if (EVP_DigestVerifyInit_ex(mctx.get(), &pctx, "SM3", nullptr, nullptr, key->get(), nullptr) !=
      1) {
    return crypto_error("EVP_DigestVerifyInit_ex SM2/SM3");
  }
  ZT_TRY(set_default_user_id(pctx));
  const int rc = EVP_DigestVerify(mctx.get(), bytes(signature), signature.size(), bytes(message),
                                  message.size());
  if (rc == 1) return true;
  if (rc == 0) {
    ERR_clear_error();  // "bad signature" is an answer, not an error
    return false;
  }
  return crypto_error("EVP_DigestVerify SM2");
}

Result<std::string> OpenSslCryptoProvider::sm4_seal(std::string_view key,
                                                    std::string_view plaintext,
                                                    std::string_view associated_data) const {
  auto keys = derive_seal_keys(key);
  if (!keys.ok()) return std::move(keys).error();
  auto iv = random_bytes(kSm4SealIvSize);
  if (!iv.ok()) return std::move(iv).error();
  auto ciphertext = sm4_ctr(keys->enc, *iv, plaintext);
  if (!ciphertext.ok()) return std::move(ciphertext).error();
  auto tag =
      hmac_sm3_parts(keys->mac, {*iv, *ciphertext, associated_data, be64(associated_data.size())});
  if (!tag.ok()) return std::move(tag).error();
  std::string sealed;
  sealed.reserve(kSm4SealOverhead + plaintext.size());
  sealed += *iv;
  sealed += *ciphertext;
  sealed += *tag;
  return sealed;
}

Result<std::string> OpenSslCryptoProvider::sm4_open(std::string_view key, std::string_view sealed,
                                                    std::string_view associated_data) const {
  auto keys = derive_seal_keys(key);
  if (!keys.ok()) return std::move(keys).error();
  if (sealed.size() < kSm4SealOverhead) {
    return Error::invalid("decryption_failed", "sealed data shorter than IV and tag");
  }
  const std::string_view iv = sealed.substr(0, kSm4SealIvSize);
  const std::string_view ciphertext =
      sealed.substr(kSm4SealIvSize, sealed.size() - kSm4SealOverhead);
  const std::string_view tag = sealed.substr(sealed.size() - kSm4SealTagSize);
  auto expected =
      hmac_sm3_parts(keys->mac, {iv, ciphertext, associated_data, be64(associated_data.size())});
  if (!expected.ok()) return std::move(expected).error();
  if (CRYPTO_memcmp(expected->data(), tag.data(), kSm4SealTagSize) != 0) {
    return Error::invalid("decryption_failed", "authentication tag mismatch");
  }
  return sm4_ctr(keys->enc, iv, ciphertext);
}

}  // namespace zt::core
