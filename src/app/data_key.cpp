#include "app/data_key.h"

#include <fmt/format.h>

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>
#include <cerrno>
#include <cstring>
#include <fstream>
#include <functional>
#include <iterator>

namespace zt::app {

namespace {

// One kind of key file: the error code and name its errors carry, how a fresh key is made and
// what makes the bytes read a key.
struct KeyFile {
  std::string_view code;  // "invalid_data_key"
  std::string_view what;  // "data key"
  std::function<Result<std::string>()> make;
  std::function<std::optional<std::string>(const std::string&)> problem;  // why not a key
};

Error key_error(const KeyFile& kind, const std::filesystem::path& path, std::string_view why) {
  return Error::invalid(std::string(kind.code),
                        fmt::format("{} {}: {}", kind.what, path.string(), why));
}

Result<std::string> read_key(const KeyFile& kind, const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return key_error(kind, path, "cannot be read");
  std::string bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  if (in.bad()) return key_error(kind, path, "cannot be read");
  if (auto why = kind.problem(bytes)) return key_error(kind, path, *why);
  return bytes;
}

Result<std::string> load_key(const KeyFile& kind, const std::filesystem::path& path, bool create) {
  std::error_code ec;
  if (std::filesystem::exists(path, ec)) return read_key(kind, path);
  if (!create) return key_error(kind, path, "does not exist");
  if (path.has_parent_path()) {
    std::filesystem::create_directories(path.parent_path(), ec);
    if (ec) {
      return key_error(kind, path, fmt::format("cannot create its directory: {}", ec.message()));
    }
  }
  auto key = kind.make();
  if (!key.ok()) return std::move(key).error();
  const int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
  if (fd < 0) {
    if (errno == EEXIST) return read_key(kind, path);  // another process created it first
    return key_error(kind, path, fmt::format("cannot be created: {}", std::strerror(errno)));
  }
  ::fchmod(fd, 0600);  // regardless of the umask
  std::size_t written = 0;
  while (written < key->size()) {
    const ssize_t n = ::write(fd, key->data() + written, key->size() - written);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) {
      const int saved = errno;
      ::close(fd);
      ::unlink(path.c_str());
      return key_error(kind, path, fmt::format("cannot be written: {}", std::strerror(saved)));
    }
    written += static_cast<std::size_t>(n);
  }
  if (::fsync(fd) != 0 || ::close(fd) != 0) {
    ::unlink(path.c_str());
    return key_error(kind, path, "cannot be written");
  }
  return std::move(key).value();
}

KeyFile random_key(std::string_view code, std::string_view what, const core::CryptoProvider& crypto,
                   std::size_t size) {
  return {code, what, [&crypto, size] { return crypto.random_bytes(size); },
          [size](const std::string& bytes) -> std::optional<std::string> {
            if (bytes.size() == size) return std::nullopt;
            return fmt::format("must be exactly {} bytes, found {}", size, bytes.size());
          }};
}

}  // namespace

Result<std::string> load_or_create_data_key(const std::filesystem::path& path,
                                            const core::CryptoProvider& crypto) {
  return load_key(random_key("invalid_data_key", "data key", crypto, core::kSm4SealKeySize), path,
                  /*create=*/true);
}

Result<audit::AuditKeys> load_audit_keys(const std::filesystem::path& chain_key_path,
                                         const std::filesystem::path& signing_key_path,
                                         const core::CryptoProvider& crypto, bool create) {
  audit::AuditKeys keys;
  ZT_ASSIGN_OR_RETURN(keys.chain_key, load_key(random_key("invalid_audit_key", "audit chain key",
                                                          crypto, audit::kChainKeySize),
                                               chain_key_path, create));
  const KeyFile signing{"invalid_audit_signing_key", "audit signing key",
                        [&crypto]() -> Result<std::string> {
                          ZT_ASSIGN_OR_RETURN(core::Sm2KeyPair pair, crypto.generate_sm2_key());
                          return std::move(pair.private_pem);
                        },
                        [&crypto](const std::string& pem) -> std::optional<std::string> {
                          if (crypto.sm2_public_key(pem).ok()) return std::nullopt;
                          return std::string("is not an unencrypted SM2 private key (PKCS#8 PEM)");
                        }};
  ZT_ASSIGN_OR_RETURN(keys.signing_key_pem, load_key(signing, signing_key_path, create));
  ZT_ASSIGN_OR_RETURN(keys.public_key_pem, crypto.sm2_public_key(keys.signing_key_pem));
  return keys;
}

}  // namespace zt::app
