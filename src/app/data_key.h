// The platform's keys kept in files outside the database, each created on first start (mode
// 0600, opened O_CREAT|O_EXCL so that two processes starting at once agree on one key):
//   [security] data_key_file           32 random bytes, the SM4 key that seals sensitive columns
//                                      at rest (TOTP secrets) and the paging cursors
//   [security] audit_key_file          32 random bytes, the HMAC-SM3 key of the audit chain
//   [security] audit_signing_key_file  an SM2 private key (PKCS#8 PEM) signing audit checkpoints
#pragma once

#include "audit/model.h"
#include "core/crypto.h"
#include "core/result.h"

#include <filesystem>
#include <string>

namespace zt::app {

// Reads the key at `path`, or creates it (and its directory) with crypto.random_bytes(32) when
// the file does not exist.
// Success: the 32 raw bytes. Failure: "invalid_data_key" (the file exists but is not exactly
// 32 bytes, or cannot be read or written), "crypto_error".
Result<std::string> load_or_create_data_key(const std::filesystem::path& path,
                                            const core::CryptoProvider& crypto);

// The audit log's keys: the chain key at `chain_key_path` and the signing key at
// `signing_key_path` (its public key derived from it). With `create`, a missing file is made
// (the serve path); without (`zhengtong audit verify`), a missing file is an error.
// Success: all three members of AuditKeys. Failure: Error invalid "invalid_audit_key" (missing
// without `create`, not 32 bytes, unreadable or unwritable), "invalid_audit_signing_key" (the
// same for the PEM file, or not an SM2 private key), "crypto_error".
Result<audit::AuditKeys> load_audit_keys(const std::filesystem::path& chain_key_path,
                                         const std::filesystem::path& signing_key_path,
                                         const core::CryptoProvider& crypto, bool create);

}  // namespace zt::app
