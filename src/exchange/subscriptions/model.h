// The value types of webhook subscriptions (订阅): a subscription and its delivery attempts as
// kept, what a subscriber asks for, how the API shows them, the worker's options, and the access
// check deliveries make.
//
// Plain values, safe to copy between threads (AccessCheck is a function the service calls).
#pragma once

#include "catalog/model.h"
#include "exchange/records/access.h"

#include <chrono>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

namespace zt::exchange {

struct Subscription {
  std::int64_t id = 0;
  std::int64_t department_id = 0;  // the subscriber
  std::int64_t resource_id = 0;
  std::string resource_code;
  std::string url;     // http:// only
  std::string secret;  // as stored: "sm4:" + hex of the sealed secret
  std::int64_t cursor = 0;
  std::string status = "active";  // "active", "parked"
  std::int64_t failures = 0;      // consecutive failed attempts of the batch at the cursor
  std::string last_error;         // code of the last failed attempt ("" when none)
  std::string last_error_detail;
  std::string parked_reason;  // "too_many_failures", "access_revoked"; "" while active
  std::int64_t next_attempt_at = 0;
  std::string created_by_kind;  // "user", "api_client"
  std::int64_t created_by_id = 0;
  std::string created_by_name;
  std::int64_t created_at = 0;
  std::int64_t updated_at = 0;
  std::optional<std::int64_t> last_success_at;
  std::optional<std::int64_t> parked_at;
};

// One attempt to deliver one batch.
struct Delivery {
  std::int64_t id = 0;  // also the X-Zhengtong-Delivery header
  std::int64_t subscription_id = 0;
  std::int64_t attempt = 1;  // 1 for the batch's first try, 2 for its first retry, …
  std::int64_t first_seq = 0;
  std::int64_t last_seq = 0;
  std::int64_t count = 0;
  // "pending" (being sent), "delivered" (2xx), "failed", "interrupted" (its worker stopped
  // before the answer was recorded; the batch is sent again).
  std::string outcome = "pending";
  std::optional<std::int64_t> http_status;
  std::string error;  // failure code ("http_error", "timeout", …), "" otherwise
  std::string error_detail;
  std::int64_t started_at = 0;
  std::optional<std::int64_t> duration_ms;
};

// What `department_id` may read of `resource` (the sharing service decides). Failure: an
// Error of kind kForbidden (e.g. "grant_required") or kNotFound refuses; any other is taken as
// a passing failure (the delivery is postponed).
using AccessCheck =
    std::function<Result<Access>(std::int64_t department_id, const catalog::Resource& resource)>;

struct WebhookOptions {
  std::chrono::milliseconds backoff_base{1000};  // delay after the first failure
  std::chrono::milliseconds backoff_cap{300'000};
  int max_failures = 8;                          // consecutive failures that park a subscription
  int batch_size = 500;                          // changes per POST, at most
  std::chrono::milliseconds timeout{5000};       // per POST
  std::chrono::milliseconds poll_interval{200};  // how often the worker looks for work
  std::chrono::milliseconds lease{60'000};       // how long a claim keeps other nodes away
};

struct NewSubscription {
  std::string resource_code;
  std::string url;
  std::optional<std::int64_t> start_after;  // default: the resource's last_seq now
};

// A subscription as the API shows it.
struct SubscriptionView {
  Subscription subscription;
  std::int64_t last_seq = 0;  // the resource's newest sequence number
};

struct CreatedSubscription {
  SubscriptionView view;
  std::string secret;  // shown this once
};

}  // namespace zt::exchange
