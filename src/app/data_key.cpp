#include "app/data_key.h"

#include <fmt/format.h>

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>
#include <cerrno>
#include <cstring>
#include <fstream>
#include <iterator>

namespace zt::app {

namespace {

Error key_error(const std::filesystem::path& path, std::string_view why) {
  return Error::invalid("invalid_data_key", fmt::format("data key {}: {}", path.string(), why));
}

Result<std::string> read_key(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return key_error(path, "cannot be read");
  std::string bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  if (in.bad()) return key_error(path, "cannot be read");
  if (bytes.size() != core::kSm4SealKeySize) {
    return key_error(path, fmt::format("must be exactly {} bytes, found {}", core::kSm4SealKeySize,
                                       bytes.size()));
  }
  return bytes;
}

}  // namespace

Result<std::string> load_or_create_data_key(const std::filesystem::path& path,
                                            const core::CryptoProvider& crypto) {
  std::error_code ec;
  if (std::filesystem::exists(path, ec)) return read_key(path);
  if (path.has_parent_path()) {
    std::filesystem::create_directories(path.parent_path(), ec);
    if (ec) return key_error(path, fmt::format("cannot create its directory: {}", ec.message()));
  }
  auto key = crypto.random_bytes(core::kSm4SealKeySize);
  if (!key.ok()) return std::move(key).error();
  const int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
  if (fd < 0) {
    if (errno == EEXIST) return read_key(path);  // another process created it first
    return key_error(path, fmt::format("cannot be created: {}", std::strerror(errno)));
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
      return key_error(path, fmt::format("cannot be written: {}", std::strerror(saved)));
    }
    written += static_cast<std::size_t>(n);
  }
  if (::fsync(fd) != 0 || ::close(fd) != 0) {
    ::unlink(path.c_str());
    return key_error(path, "cannot be written");
  }
  return std::move(key).value();
}

}  // namespace zt::app
