#include "audit/checkpoint.h"

#include <fmt/format.h>

#include <boost/json.hpp>

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>
#include <cerrno>
#include <cstring>
#include <fstream>

#include "audit/service.h"
#include "audit/store.h"

namespace zt::audit {

namespace json = boost::json;

namespace {

Error invalid_line(std::string_view why) {
  return Error::invalid("invalid_checkpoint", fmt::format("not an audit checkpoint: {}", why));
}

Error unwritable(const std::filesystem::path& path, std::string_view why) {
  return Error::unavailable("checkpoint_file_unwritable",
                            fmt::format("audit checkpoint file {}: {}", path.string(), why));
}

}  // namespace

std::string signed_message(const Checkpoint& c) {
  std::string out;
  append_netstring(out, "zt-audit-checkpoint-v1");
  append_netstring(out, std::to_string(c.record_id));
  append_netstring(out, c.record_hash);
  append_netstring(out, std::to_string(c.keyed_from));
  append_netstring(out, core::format_iso8601(c.time));
  return out;
}

Result<Checkpoint> sign_checkpoint(const core::CryptoProvider& crypto, std::string_view private_pem,
                                   std::int64_t record_id, std::string record_hash,
                                   std::int64_t keyed_from, core::TimePoint time) {
  Checkpoint c;
  c.record_id = record_id;
  c.record_hash = std::move(record_hash);
  c.keyed_from = keyed_from;
  c.time = std::chrono::floor<std::chrono::milliseconds>(time);
  ZT_ASSIGN_OR_RETURN(const std::string signature, crypto.sm2_sign(private_pem, signed_message(c)));
  c.signature = core::to_hex(signature);
  return c;
}

Result<bool> signature_valid(const core::CryptoProvider& crypto, std::string_view public_pem,
                             const Checkpoint& c) {
  auto der = core::from_hex(c.signature);
  if (!der.ok() || der->empty()) return false;
  auto valid = crypto.sm2_verify(public_pem, signed_message(c), *der);
  if (!valid.ok() && valid.error().code == "invalid_signature_encoding") return false;
  return valid;
}

std::string checkpoint_line(const Checkpoint& c) {
  json::object o;
  o["record_id"] = c.record_id;
  o["record_hash"] = c.record_hash;
  o["keyed_from"] = c.keyed_from;
  o["time"] = core::format_iso8601(c.time);
  o["signature"] = c.signature;
  std::string line = json::serialize(o);
  line += '\n';
  return line;
}

Result<Checkpoint> parse_checkpoint_line(std::string_view line) {
  while (!line.empty() && (line.back() == '\n' || line.back() == '\r'))
    line.remove_suffix(1);
  boost::system::error_code ec;
  json::value value = json::parse(line, ec);
  if (ec || !value.is_object()) return invalid_line("not a JSON object");
  const json::object& o = value.as_object();
  auto integer = [&o](std::string_view name) -> std::optional<std::int64_t> {
    const json::value* v = o.if_contains(name);
    if (v == nullptr || !v->is_int64()) return std::nullopt;
    return v->as_int64();
  };
  auto text = [&o](std::string_view name) -> std::optional<std::string> {
    const json::value* v = o.if_contains(name);
    if (v == nullptr || !v->is_string()) return std::nullopt;
    return std::string(v->as_string());
  };
  Checkpoint c;
  auto record_id = integer("record_id");
  auto keyed_from = integer("keyed_from");
  auto record_hash = text("record_hash");
  auto time = text("time");
  auto signature = text("signature");
  if (!record_id || *record_id < 1) return invalid_line("record_id must be a whole number ≥ 1");
  if (!keyed_from || *keyed_from < 1) return invalid_line("keyed_from must be a whole number ≥ 1");
  if (!record_hash || !time || !signature) {
    return invalid_line("record_hash, time and signature must be strings");
  }
  auto parsed_time = parse_time(*time);
  if (!parsed_time.ok()) return invalid_line(parsed_time.error().detail);
  c.record_id = *record_id;
  c.keyed_from = *keyed_from;
  c.record_hash = std::move(*record_hash);
  c.time = *parsed_time;
  c.signature = std::move(*signature);
  return c;
}

Result<std::vector<Checkpoint>> read_checkpoint_file(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    return Error::invalid("checkpoint_file_unreadable",
                          fmt::format("audit checkpoint file {} cannot be read", path.string()));
  }
  std::vector<Checkpoint> out;
  std::string line;
  for (std::size_t number = 1; std::getline(in, line); ++number) {
    if (line.find_first_not_of(" \t\r") == std::string::npos) continue;
    auto checkpoint = parse_checkpoint_line(line);
    if (!checkpoint.ok()) {
      return Error::invalid("invalid_checkpoint", fmt::format("{} line {}: {}", path.string(),
                                                              number, checkpoint.error().detail));
    }
    out.push_back(std::move(checkpoint).value());
  }
  if (in.bad()) {
    return Error::invalid("checkpoint_file_unreadable",
                          fmt::format("audit checkpoint file {} cannot be read", path.string()));
  }
  return out;
}

Status append_checkpoint_file(const std::filesystem::path& path, const Checkpoint& checkpoint) {
  std::error_code ec;
  if (path.has_parent_path()) {
    std::filesystem::create_directories(path.parent_path(), ec);
    if (ec) return unwritable(path, fmt::format("cannot create its directory: {}", ec.message()));
  }
  const int fd = ::open(path.c_str(), O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0600);
  if (fd < 0) return unwritable(path, std::strerror(errno));
  const std::string line = checkpoint_line(checkpoint);
  std::size_t written = 0;
  while (written < line.size()) {
    const ssize_t n = ::write(fd, line.data() + written, line.size() - written);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) {
      const int saved = errno;
      ::close(fd);
      return unwritable(path, std::strerror(saved));
    }
    written += static_cast<std::size_t>(n);
  }
  if (::fsync(fd) != 0) {
    const int saved = errno;
    ::close(fd);
    return unwritable(path, std::strerror(saved));
  }
  if (::close(fd) != 0) return unwritable(path, std::strerror(errno));
  return {};
}

AuditCheckpointer::AuditCheckpointer(const AuditLog& log, CheckpointOptions options)
    : log_(log),
      options_(std::move(options)),
      worker_({.name = "audit-checkpoint", .period = options_.interval, .final_pass = true},
              [this] {
                auto written = checkpoint_now();
                std::lock_guard lock(mutex_);
                if (!written.ok()) last_error_ = std::move(written).error();
                return core::BackgroundWorker::Next::idle();
              }) {}

Result<std::optional<Checkpoint>> AuditCheckpointer::checkpoint_now() {
  std::lock_guard lock(mutex_);
  ChainHead head;
  std::optional<Checkpoint> newest;
  {
    ZT_ASSIGN_OR_RETURN(auto conn, log_.database().acquire(db::Access::kRead));
    ZT_ASSIGN_OR_RETURN(head, store::read_head(conn, /*lock=*/false));
    ZT_ASSIGN_OR_RETURN(newest, store::newest_checkpoint(conn));
  }
  if (head.last_id == 0 || (newest && newest->record_id >= head.last_id)) {
    return std::optional<Checkpoint>();
  }
  if (newest && newest->keyed_from != head.keyed_from) {
    return Error::internal(
        "audit_keyed_from_changed",
        fmt::format("the audit chain head says records are keyed from id {}, the newest "
                    "checkpoint (record {}) from {}: not signing",
                    head.keyed_from, newest->record_id, newest->keyed_from));
  }
  ZT_ASSIGN_OR_RETURN(Checkpoint checkpoint,
                      sign_checkpoint(log_.crypto(), log_.keys().signing_key_pem, head.last_id,
                                      head.last_hash, head.keyed_from, log_.clock().now()));
  bool stored = false;
  {
    ZT_ASSIGN_OR_RETURN(auto conn, log_.database().acquire(db::Access::kWrite));
    ZT_ASSIGN_OR_RETURN(stored, store::insert_checkpoint(conn, checkpoint));
  }
  if (!stored) return std::optional<Checkpoint>();
  if (options_.file) ZT_TRY(append_checkpoint_file(*options_.file, checkpoint));
  return std::optional<Checkpoint>(std::move(checkpoint));
}

std::optional<Error> AuditCheckpointer::last_error() const {
  std::lock_guard lock(mutex_);
  return last_error_;
}

}  // namespace zt::audit
