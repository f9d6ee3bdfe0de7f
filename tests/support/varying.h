// GoogleTest face of hlsforge::testing::CheckVarying, shared by the test
// binaries: a comparison of two implementations proves something only when
// the compared tensors vary, so every acceptance and property case asserts a
// minimum number of distinct values (stated in the test) on what it compares.
#pragma once

#include <gtest/gtest.h>

#include <string>

#include "hlsforge/testing/random_model.h"

namespace hlsforge::testing {

/// Fails the test (non-fatally) when `a` takes fewer than `min_distinct`
/// distinct values; `what` names the case and tensor in the message.
inline void ExpectVarying(const NDArray& a, int64_t min_distinct, const std::string& what) {
  const Status st = CheckVarying(a, min_distinct, what);
  EXPECT_TRUE(st.ok()) << st.message();
}

/// Asserts that `a` is one constant value (the tests about a known constant,
/// e.g. hls4ml's stable softmax returning 1/N under its default types).
inline void ExpectConstant(const NDArray& a, const std::string& what) {
  EXPECT_EQ(CountDistinct(a), 1) << what << ": expected one constant value";
}

}  // namespace hlsforge::testing
