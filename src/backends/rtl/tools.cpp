#include "tools.h"

#include <cstdlib>
#include <fstream>
#include <sstream>
#include <vector>

#include <sys/wait.h>
#include <unistd.h>

namespace hlsforge::backends::rtl {

namespace fs = std::filesystem;

StatusOr<std::string> FindTool(const std::string& tool, const std::string& debian_package) {
  const char* path = std::getenv("PATH");
  std::stringstream ss(path ? path : "/usr/bin:/bin");
  std::string dir;
  while (std::getline(ss, dir, ':')) {
    if (dir.empty()) continue;
    const fs::path p = fs::path(dir) / tool;
    std::error_code ec;
    if (fs::is_regular_file(p, ec) && access(p.c_str(), X_OK) == 0) return p.string();
  }
  return Status::Fail(tool + " not found on PATH: install the Debian package " + debian_package +
                      " (apt-get install " + debian_package + ")");
}

std::string Quote(const std::string& s) {
  std::string r = "'";
  for (char c : s) r += c == '\'' ? std::string("'\\''") : std::string(1, c);
  return r + "'";
}

int RunLogged(const std::string& cmd, const fs::path& log) {
  const std::string full = "( " + cmd + " ) >> " + Quote(log.string()) + " 2>&1";
  const int rc = std::system(full.c_str());
  if (rc == -1) return -1;
  return WIFEXITED(rc) ? WEXITSTATUS(rc) : 128;
}

std::string ReadFile(const fs::path& file) {
  std::ifstream f(file, std::ios::binary);
  std::stringstream ss;
  ss << f.rdbuf();
  return ss.str();
}

std::string Tail(const fs::path& file, int lines) {
  const std::string t = ReadFile(file);
  size_t pos = t.size();
  int n = 0;
  while (pos > 0 && n <= lines) {
    pos = t.rfind('\n', pos - 1);
    if (pos == std::string::npos) {
      pos = 0;
      break;
    }
    ++n;
  }
  return t.substr(pos == 0 ? 0 : pos + 1);
}

std::string HashHex(const std::string& text) {
  uint64_t h = 1469598103934665603ull;
  for (unsigned char c : text) {
    h ^= c;
    h *= 1099511628211ull;
  }
  char buf[17];
  std::snprintf(buf, sizeof buf, "%016llx", static_cast<unsigned long long>(h));
  return buf;
}

}  // namespace hlsforge::backends::rtl
