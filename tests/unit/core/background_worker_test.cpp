// BackgroundWorker: passes run when woken, on the period and when a pass asks; stop ends them,
// drains or runs a final pass as the options say; a claim that fails skips the pass.
#include "core/background_worker.h"

#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <thread>

namespace zt::core {
namespace {

using namespace std::chrono_literals;
using Next = BackgroundWorker::Next;

// Waits up to 5 s for `done`.
template <typename F>
bool eventually(F done) {
  for (int i = 0; i < 500; ++i) {
    if (done()) return true;
    std::this_thread::sleep_for(10ms);
  }
  return done();
}

TEST(BackgroundWorker, RunsAtStartAndWhenWokenNotBeforeStart) {
  std::atomic<int> runs = 0;
  BackgroundWorker worker({.name = "test"}, [&] {
    ++runs;
    return Next::idle();
  });
  std::this_thread::sleep_for(20ms);
  EXPECT_EQ(runs, 0);  // not started
  worker.start();
  ASSERT_TRUE(eventually([&] { return runs == 1; }));
  worker.wake();
  ASSERT_TRUE(eventually([&] { return runs == 2; }));
  std::this_thread::sleep_for(50ms);
  EXPECT_EQ(runs, 2);  // idle, no period: nothing more until woken
  worker.stop();
  EXPECT_TRUE(worker.stopping());
  EXPECT_EQ(worker.passes(), 2u);
}

TEST(BackgroundWorker, IdleAtStartWaitsForTheFirstWakeUp) {
  std::atomic<int> runs = 0;
  BackgroundWorker worker({.name = "test", .idle_at_start = true}, [&] {
    ++runs;
    return Next::idle();
  });
  worker.start();
  std::this_thread::sleep_for(50ms);
  EXPECT_EQ(runs, 0);
  worker.wake();
  EXPECT_TRUE(eventually([&] { return runs == 1; }));
}

TEST(BackgroundWorker, RunsEveryPeriodAndAgainAtOnceWhenAsked) {
  std::atomic<int> runs = 0;
  BackgroundWorker worker({.name = "test", .period = 10ms}, [&] {
    // The first five passes ask for more at once; then the period paces them.
    return ++runs < 5 ? Next::again() : Next::idle();
  });
  worker.start();
  EXPECT_TRUE(eventually([&] { return runs >= 8; }));
}

TEST(BackgroundWorker, RunsAtTheTimeAPassAskedFor) {
  std::atomic<int> runs = 0;
  const auto started = std::chrono::steady_clock::now();
  std::atomic<std::chrono::steady_clock::rep> second_at = 0;
  BackgroundWorker worker({.name = "test"}, [&] {
    if (++runs == 1) return Next::after(100ms);
    second_at = (std::chrono::steady_clock::now() - started).count();
    return Next::idle();
  });
  worker.start();
  ASSERT_TRUE(eventually([&] { return runs == 2; }));
  EXPECT_GE(std::chrono::steady_clock::duration(second_at.load()), 100ms);
}

TEST(BackgroundWorker, StopWithoutDrainRunsNoMorePasses) {
  std::atomic<int> runs = 0;
  BackgroundWorker worker({.name = "test"}, [&] {
    ++runs;
    return Next::idle();
  });
  worker.start();
  ASSERT_TRUE(eventually([&] { return runs == 1; }));
  worker.stop();
  worker.wake();
  std::this_thread::sleep_for(20ms);
  EXPECT_EQ(runs, 1);
  worker.stop();  // idempotent
}

TEST(BackgroundWorker, DrainOnStopRunsUntilAPassIsIdle) {
  std::atomic<int> queued = 0;
  std::atomic<bool> saw_stopping = false;
  BackgroundWorker* self = nullptr;
  BackgroundWorker worker({.name = "test", .drain_on_stop = true}, [&] {
    if (self->stopping()) saw_stopping = true;
    if (!self->stopping()) return Next::idle();  // before the stop: leave the queue alone
    if (queued == 0) return Next::idle();
    --queued;
    return Next::again();
  });
  self = &worker;
  worker.start();
  ASSERT_TRUE(eventually([&] { return worker.passes() == 1; }));
  queued = 3;
  worker.stop();
  EXPECT_EQ(queued, 0);
  EXPECT_TRUE(saw_stopping);
}

TEST(BackgroundWorker, FinalPassRunsOnceAfterTheStopRequest) {
  std::atomic<int> after_stop = 0;
  BackgroundWorker* self = nullptr;
  BackgroundWorker worker({.name = "test", .period = 1h, .final_pass = true}, [&] {
    if (self->stopping()) ++after_stop;
    return Next::again();  // would spin forever without the stop
  });
  self = &worker;
  worker.start();
  ASSERT_TRUE(eventually([&] { return worker.passes() > 3; }));
  worker.stop();
  EXPECT_EQ(after_stop, 1);
}

TEST(BackgroundWorker, AClaimThatFailsSkipsThePass) {
  std::atomic<bool> ours = false;
  std::atomic<int> claims = 0;
  std::atomic<int> runs = 0;
  BackgroundWorker worker({.name = "test",
                           .period = 5ms,
                           .claim =
                               [&] {
                                 ++claims;
                                 return ours.load();
                               }},
                          [&] {
                            ++runs;
                            return Next::idle();
                          });
  worker.start();
  ASSERT_TRUE(eventually([&] { return claims >= 3; }));
  EXPECT_EQ(runs, 0);
  EXPECT_EQ(worker.passes(), 0u);
  ours = true;
  EXPECT_TRUE(eventually([&] { return runs >= 1; }));
}

}  // namespace
}  // namespace zt::core
