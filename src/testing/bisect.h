// Internal to src/testing: running a batch of simulations as one program and
// isolating the cases that break it.
#pragma once

#include <fmt/format.h>

#include <functional>
#include <string>
#include <vector>

#include "hlsforge/util/status.h"

namespace hlsforge::testing::detail {

/// The elements idx[0], idx[1], ... of v.
template <class T>
std::vector<T> Pick(const std::vector<T>& v, const std::vector<size_t>& idx) {
  std::vector<T> out;
  out.reserve(idx.size());
  for (size_t k : idx) out.push_back(v.at(k));
  return out;
}

/// Runs `run(idx)` (one program or build for the cases `idx`, storing its
/// results itself when it succeeds); a failing run is split in halves, and
/// again, until every failing case is alone, whose message goes to
/// `fail(case, message)`. Costs one run per batch when nothing fails. `what`
/// names the program in the progress lines sent to `log` (may be empty).
inline void RunBisecting(const std::vector<size_t>& idx, const std::function<Status(const std::vector<size_t>&)>& run,
                         const std::function<void(size_t, const std::string&)>& fail,
                         const std::function<void(const std::string&)>& log, const char* what) {
  const Status st = run(idx);
  if (st.ok()) return;
  if (idx.size() == 1) {
    fail(idx[0], st.message().substr(0, 3000));
    return;
  }
  if (log) log(fmt::format("a {} of {} models failed; splitting it", what, idx.size()));
  const size_t half = idx.size() / 2;
  RunBisecting(std::vector<size_t>(idx.begin(), idx.begin() + half), run, fail, log, what);
  RunBisecting(std::vector<size_t>(idx.begin() + half, idx.end()), run, fail, log, what);
}

}  // namespace hlsforge::testing::detail
