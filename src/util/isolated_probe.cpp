// ProbeInChildProcess: fork, run, wait (POSIX fork/waitpid).
#include "hlsforge/util/isolated_probe.h"

#include <fcntl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <cstring>

// Sanitizer runtime interface (compiler-rt common_interface_defs.h), weak:
// present only in sanitized builds. libFuzzer registers a death callback
// that writes the current input as a crash artifact.
extern "C" void __sanitizer_set_death_callback(void (*callback)(void)) __attribute__((weak));

namespace hlsforge {

std::optional<std::string> ProbeInChildProcess(const std::function<void()>& probe) {
  if (const char* env = std::getenv("HLSFORGE_ISOLATE"); env && std::string(env) == "0") return std::nullopt;
  std::fflush(nullptr);  // buffered output must not be written twice
  const pid_t pid = fork();
  if (pid < 0) return std::nullopt;
  if (pid == 0) {
    const int null_fd = open("/dev/null", O_WRONLY);
    if (null_fd >= 0) {
      dup2(null_fd, STDOUT_FILENO);
      dup2(null_fd, STDERR_FILENO);
    }
    // The child's death is the answer, not a finding: no fuzzer artifact
    // (death callback) and no crash handlers inherited from the parent
    // (libFuzzer, ASan): a fault ends the child with its signal.
    if (__sanitizer_set_death_callback) __sanitizer_set_death_callback(nullptr);
    for (int sig : {SIGSEGV, SIGBUS, SIGILL, SIGFPE, SIGABRT}) std::signal(sig, SIG_DFL);
    try {
      probe();
    } catch (...) {
    }
    _exit(0);  // no atexit handlers, static destructors or leak checks in the child
  }
  int status = 0;
  while (waitpid(pid, &status, 0) < 0) {
    if (errno != EINTR) return std::nullopt;
  }
  if (WIFEXITED(status)) {
    if (WEXITSTATUS(status) == 0) return std::nullopt;
    return "exited with status " + std::to_string(WEXITSTATUS(status));
  }
  if (WIFSIGNALED(status)) {
    const int sig = WTERMSIG(status);
    const char* name = strsignal(sig);
    return "killed by signal " + std::to_string(sig) + (name ? std::string(" (") + name + ")" : "");
  }
  return "ended with wait status " + std::to_string(status);
}

}  // namespace hlsforge
