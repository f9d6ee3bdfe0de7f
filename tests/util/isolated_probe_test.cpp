// ProbeInChildProcess: a probe that completes gives nullopt; one that
// crashes, aborts or exits non-zero is reported with how it ended, and the
// parent survives; the child's output does not reach the parent's streams.
#include "hlsforge/util/isolated_probe.h"

#include <gtest/gtest.h>

#include <csignal>
#include <cstdlib>
#include <unistd.h>

namespace hlsforge {
namespace {

TEST(IsolatedProbe, CompletedProbeGivesNothing) {
  EXPECT_FALSE(ProbeInChildProcess([] {}).has_value());
  // an exception in the probe is the probe's own affair (a Status error path)
  EXPECT_FALSE(ProbeInChildProcess([] { throw std::runtime_error("bad file"); }).has_value());
}

TEST(IsolatedProbe, ChildKilledBySignalIsReported) {
  // SIGKILL cannot be handled
  auto died = ProbeInChildProcess([] { std::raise(SIGKILL); });
  ASSERT_TRUE(died.has_value());
  EXPECT_EQ(*died, "killed by signal 9 (Killed)");
  // the child's crash handlers are reset (no ASan / libFuzzer report, no
  // fuzzer artifact): a SIGSEGV ends it with that signal, sanitized or not
  died = ProbeInChildProcess([] { std::raise(SIGSEGV); });
  ASSERT_TRUE(died.has_value());
  EXPECT_EQ(*died, "killed by signal 11 (Segmentation fault)");
  died = ProbeInChildProcess([] { std::abort(); });
  ASSERT_TRUE(died.has_value());
  EXPECT_NE(died->find("killed by signal 6"), std::string::npos) << *died;
}

TEST(IsolatedProbe, ChildExitStatusIsReported) {
  auto died = ProbeInChildProcess([] { _exit(3); });
  ASSERT_TRUE(died.has_value());
  EXPECT_EQ(*died, "exited with status 3");
}

TEST(IsolatedProbe, ChildOutputIsDiscarded) {
  testing::internal::CaptureStderr();
  testing::internal::CaptureStdout();
  EXPECT_FALSE(ProbeInChildProcess([] {
    (void)!write(STDOUT_FILENO, "child out\n", 10);
    (void)!write(STDERR_FILENO, "child err\n", 10);
  }).has_value());
  EXPECT_EQ(testing::internal::GetCapturedStdout(), "");
  EXPECT_EQ(testing::internal::GetCapturedStderr(), "");
}

TEST(IsolatedProbe, DisabledByEnvironment) {
  ASSERT_EQ(setenv("HLSFORGE_ISOLATE", "0", 1), 0);
  int ran = 0;
  // disabled: the probe does not run at all (not even in this process)
  EXPECT_FALSE(ProbeInChildProcess([&] { ran = 1; }).has_value());
  EXPECT_EQ(ran, 0);
  ASSERT_EQ(unsetenv("HLSFORGE_ISOLATE"), 0);
}

}  // namespace
}  // namespace hlsforge
