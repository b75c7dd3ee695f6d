#include "http/metrics.h"

#include "http/router.h"
#include "http/worker_pool.h"

#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <thread>

namespace zt::http {
namespace {

TEST(Metrics, CountsByRouteAndStatusWithHistogram) {
  Router router;
  router.add(Method::kGet, "/healthz", [](const Request&) { return Response{}; }, {},
             {.summary = "h", .responses = {{200, "ok"}}});
  Metrics metrics;
  metrics.attach(router);
  metrics.add_gauge("zt_test_gauge", "A test gauge.", [] { return 7.0; });
  metrics.record(0, 200, std::chrono::microseconds(300));
  metrics.record(0, 200, std::chrono::milliseconds(3));
  metrics.record(metrics.unmatched_slot(), 404, std::chrono::microseconds(10));
  const std::string text = metrics.render();
  EXPECT_NE(
      text.find("zt_http_requests_total{method=\"GET\",route=\"/healthz\",status=\"200\"} 2\n"),
      std::string::npos)
      << text;
  EXPECT_NE(text.find("zt_http_requests_total{method=\"\",route=\"unmatched\",status=\"404\"} 1\n"),
            std::string::npos);
  EXPECT_NE(text.find("zt_http_request_duration_seconds_bucket{method=\"GET\",route=\"/healthz\","
                      "le=\"0.0005\"} 1\n"),
            std::string::npos);
  EXPECT_NE(text.find("zt_http_request_duration_seconds_bucket{method=\"GET\",route=\"/healthz\","
                      "le=\"0.005\"} 2\n"),
            std::string::npos);
  EXPECT_NE(
      text.find("zt_http_request_duration_seconds_count{method=\"GET\",route=\"/healthz\"} 2"),
      std::string::npos);
  EXPECT_NE(text.find("# TYPE zt_test_gauge gauge\nzt_test_gauge 7\n"), std::string::npos);
}

TEST(WorkerPool, RefusesWhenQueueIsFullAndDrains) {
  WorkerPool pool(1, 1);
  std::atomic<bool> release{false};
  std::atomic<int> done{0};
  auto job = [&] {
    while (!release.load())
      std::this_thread::sleep_for(std::chrono::milliseconds(1));
    done.fetch_add(1);
  };
  ASSERT_TRUE(pool.try_submit(job));
  // Wait until the worker took the first job, so the second one is the one queued.
  while (pool.busy() == 0)
    std::this_thread::sleep_for(std::chrono::milliseconds(1));
  ASSERT_TRUE(pool.try_submit(job));
  EXPECT_EQ(pool.queue_depth(), 1u);
  EXPECT_FALSE(pool.try_submit(job));
  EXPECT_EQ(pool.rejected(), 1u);
  release.store(true);
  pool.wait_idle();
  EXPECT_EQ(done.load(), 2);
  EXPECT_EQ(pool.queue_depth(), 0u);
}

}  // namespace
}  // namespace zt::http
