#include "app/node_id.h"

#include <fmt/format.h>

#include <fcntl.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>
#include <algorithm>
#include <cerrno>
#include <cstring>
#include <optional>
#include <utility>

namespace zt::app {

namespace {

constexpr std::size_t kMaxNodeId = 64;

Error node_error(const std::filesystem::path& path, std::string_view why) {
  return Error::invalid("invalid_node_id", fmt::format("node file {}: {}", path.string(), why));
}

bool valid_node_id(std::string_view id) {
  return !id.empty() && id.size() <= kMaxNodeId && std::all_of(id.begin(), id.end(), [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '.' ||
           c == '_' || c == '-';
  });
}

// The file's bytes (at most a little more than an id); nullopt when it cannot be read.
std::optional<std::string> read_all(int fd) {
  std::string bytes;
  char buffer[256];
  while (bytes.size() <= kMaxNodeId + 2) {
    const ssize_t n = ::pread(fd, buffer, sizeof buffer, static_cast<off_t>(bytes.size()));
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) return std::nullopt;
    if (n == 0) break;
    bytes.append(buffer, static_cast<std::size_t>(n));
  }
  return bytes;
}

bool write_all(int fd, std::string_view text) {
  std::size_t written = 0;
  while (written < text.size()) {
    const ssize_t n =
        ::pwrite(fd, text.data() + written, text.size() - written, static_cast<off_t>(written));
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return false;
    written += static_cast<std::size_t>(n);
  }
  return ::fsync(fd) == 0;
}

}  // namespace

std::filesystem::path node_id_path(const std::filesystem::path& data_key_file) {
  return data_key_file.parent_path() / "zhengtong.node";
}

Result<NodeId> NodeId::claim(const std::filesystem::path& path,
                             const core::CryptoProvider& crypto) {
  std::error_code ec;
  if (path.has_parent_path()) {
    std::filesystem::create_directories(path.parent_path(), ec);
    if (ec) return node_error(path, fmt::format("cannot create its directory: {}", ec.message()));
  }
  const int fd = ::open(path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0600);
  if (fd < 0) return node_error(path, fmt::format("cannot be opened: {}", std::strerror(errno)));
  // From here the descriptor is the NodeId's, closed (and the lock released) with it.
  NodeId node(fd, "");
  while (::flock(fd, LOCK_EX | LOCK_NB) != 0) {
    if (errno == EINTR) continue;
    if (errno == EWOULDBLOCK) {
      return Error::conflict("node_id_in_use",
                             fmt::format("node file {} is held by another process: a server on "
                                         "this data directory is running",
                                         path.string()));
    }
    return node_error(path, fmt::format("cannot be locked: {}", std::strerror(errno)));
  }
  std::optional<std::string> text = read_all(fd);
  if (!text) return node_error(path, "cannot be read");
  while (!text->empty() && (text->back() == '\n' || text->back() == '\r' || text->back() == ' '))
    text->pop_back();
  if (text->empty()) {
    auto random = crypto.random_bytes(8);
    if (!random.ok()) return std::move(random).error();
    *text = core::to_hex(*random);
    ::fchmod(fd, 0600);  // regardless of the umask
    if (::ftruncate(fd, 0) != 0 || !write_all(fd, *text + "\n")) {
      return node_error(path, "cannot be written");
    }
  }
  if (!valid_node_id(*text)) {
    return node_error(path, fmt::format("must hold 1-{} characters of A-Z, a-z, 0-9, '.', '_' "
                                        "and '-'",
                                        kMaxNodeId));
  }
  node.id_ = std::move(*text);
  return node;
}

NodeId::NodeId(NodeId&& other) noexcept
    : fd_(std::exchange(other.fd_, -1)), id_(std::move(other.id_)) {}

NodeId& NodeId::operator=(NodeId&& other) noexcept {
  if (this != &other) {
    if (fd_ >= 0) ::close(fd_);
    fd_ = std::exchange(other.fd_, -1);
    id_ = std::move(other.id_);
  }
  return *this;
}

NodeId::~NodeId() {
  if (fd_ >= 0) ::close(fd_);
}

}  // namespace zt::app
