// The platform's data key: 32 random bytes in a file ([security] data_key_file), the SM4 key
// that seals sensitive columns at rest (TOTP secrets). Created on first start, mode 0600.
#pragma once

#include "core/crypto.h"
#include "core/result.h"

#include <filesystem>
#include <string>

namespace zt::app {

// Reads the key at `path`, or creates it (and its directory) with crypto.random_bytes(32),
// opened O_CREAT|O_EXCL with mode 0600, when the file does not exist.
// Success: the 32 raw bytes. Failure: "invalid_data_key" (the file exists but is not exactly
// 32 bytes, or cannot be read or written), "crypto_error".
Result<std::string> load_or_create_data_key(const std::filesystem::path& path,
                                            const core::CryptoProvider& crypto);

}  // namespace zt::app
