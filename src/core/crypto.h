// 国密 cryptography for Zhengtong: SM3 hashes, HMAC-SM3, SM2 signatures and SM4 authenticated
// encryption, behind one interface (CryptoProvider).
//
// Why an interface: 密评 (GB/T 39786) may require a certified crypto device (GM/T 0018 SDF
// interface) instead of a software library. Identity, audit and certs take a CryptoProvider&,
// so a device-backed provider can replace OpenSslCryptoProvider (crypto_openssl.h) without
// touching them. This header does not include OpenSSL.
//
// Byte strings: every binary input and output (digests, keys, signatures, ciphertexts) is a
// std::string / std::string_view holding raw bytes, not text; to_hex/from_hex convert for
// display and storage. PEM keys are text.
//
// Errors: Result<T> with these stable codes —
//   "invalid_key"                  kInvalidInput: a key is malformed, of the wrong type or size
//   "invalid_signature_encoding"   kInvalidInput: a signature is not a strict DER SM2 signature
//   "decryption_failed"            kInvalidInput: a sealed box is too short or not authentic
//   "invalid_hex"                  kInvalidInput: from_hex input is not even-length hex
//   "crypto_error"                 kInternal: the crypto backend failed unexpectedly
//
// Thread-safety: implementations must be safe to call from many threads at once; the OpenSSL
// one holds no state at all. Keys are passed in on every call and never cached.
#pragma once

#include <cstddef>
#include <memory>
#include <string>
#include <string_view>

#include "core/result.h"

namespace zt::core {

inline constexpr size_t kSm3DigestSize = 32;
inline constexpr size_t kSm4SealKeySize = 32;
inline constexpr size_t kSm4SealIvSize = 16;
inline constexpr size_t kSm4SealTagSize = 32;
inline constexpr size_t kSm4SealOverhead = kSm4SealIvSize + kSm4SealTagSize;  // 48 bytes
// The GB/T 32918 / GM/T 0009 default signer identity (ENTL ‖ ID in the Z value).
inline constexpr std::string_view kSm2DefaultUserId = "1234567812345678";

// An SM2 key pair as PEM text.
struct Sm2KeyPair {
  std::string private_pem;  // "-----BEGIN PRIVATE KEY-----": unencrypted PKCS#8
  std::string public_pem;   // "-----BEGIN PUBLIC KEY-----": SubjectPublicKeyInfo
};

// An SM3 digest fed piece by piece (a streamed body). Thread-safety: one thread.
class Sm3Stream {
 public:
  virtual ~Sm3Stream() = default;
  // Adds bytes. Failure: "crypto_error".
  virtual Status update(std::string_view data) = 0;
  // The 32-byte digest of everything added; the stream is spent. Failure: "crypto_error".
  virtual Result<std::string> finish() = 0;
};

// The crypto seam. Every method is const and safe to call concurrently.
class CryptoProvider {
 public:
  virtual ~CryptoProvider() = default;

  // SM3 (GB/T 32905) of data. Success: the 32-byte digest. Failure: "crypto_error".
  virtual Result<std::string> sm3(std::string_view data) const = 0;
  // A fresh streaming SM3. Failure: "crypto_error".
  virtual Result<std::unique_ptr<Sm3Stream>> sm3_stream() const = 0;

  // HMAC (RFC 2104) with SM3 over data; key may have any length, including zero.
  // Success: the 32-byte tag. Failure: "crypto_error".
  virtual Result<std::string> hmac_sm3(std::string_view key, std::string_view data) const = 0;

  // n bytes from the cryptographically secure generator (for keys, IVs, tokens).
  // Success: exactly n bytes (empty for n = 0). Failure: "crypto_error" (generator not seeded,
  // or n too large for the backend).
  virtual Result<std::string> random_bytes(size_t n) const = 0;

  // A fresh SM2 key pair on the GB/T 32918 curve.
  // Success: the PEM pair. Failure: "crypto_error".
  virtual Result<Sm2KeyPair> generate_sm2_key() const = 0;

  // The public key, as SubjectPublicKeyInfo PEM, of an SM2 private key given as PKCS#8 PEM.
  // Success: the public PEM. Failure: "invalid_key" (not PEM, encrypted, not an SM2 private
  // key), "crypto_error".
  virtual Result<std::string> sm2_public_key(std::string_view private_pem) const = 0;

  // SM2 signature (GB/T 32918.2) of message with SM3 and kSm2DefaultUserId: the message is
  // hashed as SM3(Z ‖ message), Z = SM3(ENTL ‖ ID ‖ a ‖ b ‖ xG ‖ yG ‖ xA ‖ yA). The signature is
  // randomised, so two calls give different (equally valid) signatures.
  // Success: the DER SEQUENCE { r INTEGER, s INTEGER } (at most 72 bytes), as GM/T 0009 and
  // OpenSSL encode it. Failure: "invalid_key" (not an unencrypted SM2 PKCS#8 PEM),
  // "crypto_error".
  virtual Result<std::string> sm2_sign(std::string_view private_pem,
                                       std::string_view message) const = 0;

  // Verifies an SM2 signature made as sm2_sign describes.
  // Success: true if signature is a valid signature of message under the key, false if it is
  // well-formed but does not verify (wrong key, changed message, changed r or s).
  // Failure: "invalid_key" (public_pem is not an SM2 SubjectPublicKeyInfo PEM),
  // "invalid_signature_encoding" (signature is not strict DER of two INTEGERs, or has trailing
  // bytes), "crypto_error".
  virtual Result<bool> sm2_verify(std::string_view public_pem, std::string_view message,
                                  std::string_view signature) const = 0;

  // SM4 authenticated encryption, encrypt-then-MAC. key is kSm4SealKeySize (32) secret random
  // bytes; two subkeys are derived from all of it, so any change to the key fails the tag:
  //   enc_key = HMAC-SM3(key, "zhengtong sm4-seal v1 enc")[0..16)   the SM4 (GB/T 32907) key
  //   mac_key = HMAC-SM3(key, "zhengtong sm4-seal v1 mac")          32 bytes
  // Output (the "sealed box"), len(plaintext) + 48 bytes:
  //   IV (16 random bytes) ‖ C ‖ T
  //   C = SM4-CTR(enc_key, counter block = IV, incremented as a 128-bit big-endian integer)
  //       of plaintext; len(C) = len(plaintext), no padding
  //   T = HMAC-SM3(mac_key, IV ‖ C ‖ associated_data ‖ uint64_be(len(associated_data))), 32 bytes
  // associated_data is authenticated, not encrypted and not stored: bind the ciphertext to its
  // context (e.g. "table/column/row id") so it cannot be moved to another row. The trailing
  // length makes the C/AD split unambiguous. With random IVs, 2^32 boxes of up to 64 GiB each
  // under one key keep the chance of two overlapping counter ranges below 2^-32; rotate keys
  // well before that.
  // Success: the sealed box. Failure: "invalid_key" (key not 32 bytes), "crypto_error".
  virtual Result<std::string> sm4_seal(std::string_view key, std::string_view plaintext,
                                       std::string_view associated_data) const = 0;

  // Opens a box made by sm4_seal with the same key and associated_data. The tag is checked in
  // constant time before anything is decrypted, so no plaintext is ever released from an
  // unauthentic box.
  // Success: the plaintext. Failure: "invalid_key" (key not 32 bytes), "decryption_failed"
  // (shorter than 48 bytes, or any change to IV, ciphertext, tag or associated data, or the
  // wrong key), "crypto_error".
  virtual Result<std::string> sm4_open(std::string_view key, std::string_view sealed,
                                       std::string_view associated_data) const = 0;
};

// Lower-case hex of bytes ("\x01\xab" -> "01ab").
std::string to_hex(std::string_view bytes);

// The value of one hex digit (0-9, a-f, A-F), or -1.
int hex_value(char c);

// The bytes of hex text, upper or lower case, no separators ("01AB" -> "\x01\xab").
// Success: the bytes (empty for ""). Failure: Error{kInvalidInput, "invalid_hex"} for odd length
// or a non-hex character, naming its position.
Result<std::string> from_hex(std::string_view hex);

}  // namespace zt::core
