// libFuzzer harness: precision strings -> FixedType::Parse in both config
// families. Property checked on success: the type's own spellings
// (ToString, ToConfigString) parse back to the same type.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "hlsforge/fixed/fixed_type.h"

namespace {

bool Same(const hlsforge::FixedType& a, const hlsforge::FixedType& b) {
  return a.width() == b.width() && a.integer() == b.integer() && a.is_signed() == b.is_signed() &&
         a.quant() == b.quant() && a.overflow() == b.overflow() && a.family() == b.family();
}

void Check(std::string_view text, hlsforge::Family family) {
  auto t = hlsforge::FixedType::Parse(text, family);
  if (!t.ok()) return;
  if (t->width() < 1 || t->width() > 64) std::abort();
  auto again = hlsforge::FixedType::Parse(t->ToString(), t->family());
  if (!again.ok() || !Same(*t, *again)) std::abort();
  auto cfg = hlsforge::FixedType::Parse(t->ToConfigString(), t->family());
  if (!cfg.ok() || cfg->width() != t->width() || cfg->integer() != t->integer() ||
      cfg->is_signed() != t->is_signed())
    std::abort();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size > 4096) return 0;
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  Check(text, hlsforge::Family::AP);
  Check(text, hlsforge::Family::AC);
  return 0;
}
