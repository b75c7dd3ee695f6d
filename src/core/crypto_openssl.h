// OpenSslCryptoProvider: the CryptoProvider over OpenSSL 3's EVP interfaces (default provider),
// the software backend used until a certified device (GM/T 0018 SDF) provider replaces it.
//
// Uses only non-deprecated OpenSSL 3 APIs: EVP_Digest (SM3), EVP_MAC "HMAC" with digest SM3,
// RAND_bytes, EVP_PKEY "SM2" keys with EVP_DigestSign/EVP_DigestVerify and the distinguishing
// id set on the signature context, EVP_sm4_ctr. Debian's OpenSSL 3.0 has no SM4-GCM, hence the
// encrypt-then-MAC construction documented in crypto.h.
//
// Thread-safety: holds no state; every call creates and frees its own OpenSSL objects, so one
// instance may be shared by any number of threads. OpenSSL's per-thread error queue is drained
// on every failure (its text goes into Error::detail) so it never leaks into unrelated code.
#pragma once

#include <string>
#include <string_view>

#include "core/crypto.h"

namespace zt::core {

class OpenSslCryptoProvider final : public CryptoProvider {
 public:
  Result<std::string> sm3(std::string_view data) const override;
  Result<std::unique_ptr<Sm3Stream>> sm3_stream() const override;
  Result<std::string> hmac_sm3(std::string_view key, std::string_view data) const override;
  Result<std::string> random_bytes(size_t n) const override;
  Result<Sm2KeyPair> generate_sm2_key() const override;
  Result<std::string> sm2_public_key(std::string_view private_pem) const override;
  Result<std::string> sm2_sign(std::string_view private_pem,
                               std::string_view message) const override;
  Result<bool> sm2_verify(std::string_view public_pem, std::string_view message,
                          std::string_view signature) const override;
  Result<std::string> sm4_seal(std::string_view key, std::string_view plaintext,
                               std::string_view associated_data) const override;
  Result<std::string> sm4_open(std::string_view key, std::string_view sealed,
                               std::string_view associated_data) const override;
};

}  // namespace zt::core
