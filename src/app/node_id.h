// The server's node id: a name unique per server node and the same across its restarts, kept
// in a file beside the data key ([security] data_key_file's directory, "zhengtong.node").
// The ingest batches a node runs carry it, so that a node restarted after a crash (kill -9, a
// power cut) marks its own unfinished batches interrupted at once — their retries need not
// wait for a stale heartbeat — while the live batches of other nodes on the same database are
// never taken over; the registry's sync lease is held under it too.
//
// Every node of one platform shares the data key but needs its own node file: copy the key,
// never the node file. The file holds 1-64 characters of [A-Za-z0-9._-] (16 random hex digits
// when created); an operator may write a name of their choosing there before the first start.
//
// Ownership: a NodeId holds an exclusive lock (flock) on its file while it lives, so that two
// servers on one data directory never run as one node. Move-only; not thread-safe.
#pragma once

#include "core/crypto.h"
#include "core/result.h"

#include <filesystem>
#include <string>

namespace zt::app {

// The node file of a data key: "zhengtong.node" in the key's directory.
std::filesystem::path node_id_path(const std::filesystem::path& data_key_file);

class NodeId {
 public:
  // Reads the id in `path`, or creates the file (and its directory, mode 0600) with 8 random
  // bytes in hex when it does not exist or is empty, and locks it. Failure: "node_id_in_use"
  // (another process holds the file: a server on the same data directory is running),
  // "invalid_node_id" (the file cannot be read or written, or holds no valid id),
  // "crypto_error".
  static Result<NodeId> claim(const std::filesystem::path& path,
                              const core::CryptoProvider& crypto);

  NodeId(NodeId&& other) noexcept;
  NodeId& operator=(NodeId&& other) noexcept;
  NodeId(const NodeId&) = delete;
  NodeId& operator=(const NodeId&) = delete;
  ~NodeId();  // releases the lock

  const std::string& id() const { return id_; }

 private:
  NodeId(int fd, std::string id) : fd_(fd), id_(std::move(id)) {}

  int fd_ = -1;  // the locked file
  std::string id_;
};

}  // namespace zt::app
