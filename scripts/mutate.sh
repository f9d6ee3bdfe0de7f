#!/usr/bin/env bash
# Mutation check: do the tests fail when the code is wrong?
#
# Applies, one at a time, each single-point mutation of the list below to the
# HLS kernels (src/backends/hls/kernels, copied into generated projects: no
# rebuild), the HLS writer (src/backends/hls: emitter, emit_*.cpp, testbench),
# the hardware plan (src/passes/lower_hardware.cpp, src/ir/hw_plan.cpp), the
# emulator kernels (src/emu) -- those rebuilt with ninja -j2 (ccache), only
# the test binaries the mutant's subset runs -- and the fixed-point core
# (include/hlsforge/fixed/fixed_core.h: its golden-vector test is rebuilt on
# its own with g++), runs the test subset that should catch it (GoogleTest
# filters; a property test stops at its first failing program), restores the
# file, and prints `K/N mutants killed` last. A mutant whose generated code
# does not compile counts as not killed (STILLBORN: the mutant is badly
# chosen, not caught by a behavioural test).
# Exit status 0 only when every mutant is killed; 2 when a mutant's text is
# not found exactly once in its file ("mutant N does not apply": the code
# moved, update the list) or a mutant does not compile.
#
#   bash scripts/mutate.sh [BUILD_DIR] [MUTANT_IDS...]     (default build/, all)
#   MUTATE_LIST=1 bash scripts/mutate.sh                   only check that every mutant applies
#
# The files are mutated in place and always restored (trap on exit, INT,
# TERM); the original is rebuilt at the end. Run it outside CI (about 1-3
# minutes per mutant on 2 cores). The build directory must have been
# configured as in the README (COMMON flags) and built once.
set -uo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
BUILD="${1:-build}"
shift || true
ONLY=("$@")
PY=/usr/bin/python3
[ -x "$PY" ] || PY=python3
export CMAKE_CXX_COMPILER_LAUNCHER=ccache
export ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1
# Smaller property runs (the full CI counts kill the same mutants, slower);
# stop at the first failing program.
export HLSFORGE_PROPERTY_COUNT=${HLSFORGE_PROPERTY_COUNT:-100} HLSFORGE_PROPERTY_STOP=1
export HLSFORGE_CNN_PROPERTY_COUNT=${HLSFORGE_CNN_PROPERTY_COUNT:-50} HLSFORGE_CNN_PROPERTY_STOP=1
WORK="$(mktemp -d /tmp/hlsforge_mutate.XXXXXX)"

# ---- the mutants --------------------------------------------------------------
# One per block: `== <id> <description>`, then `file:`, `old:` (text that must
# occur exactly once in the file), `new:`, and `tests:` (binary:filter ...,
# run in order until one fails; `core` = the fixed-point golden vectors).
read -r -d '' MUTANTS <<'EOF'
== 1 HLS dense (Latency): drop the bias
file: src/backends/hls/kernels/dense_latency.h
old:     acc[j] = (accum_t)biases[j];
new:     acc[j] = 0;
tests: test_backends:HlsProperty.*
== 2 HLS dense (Resource): skip every zero weight word, XNOR -1 included (zero-free test dropped)
file: src/backends/hls/kernels/dense_resource.h
old:           if (!(prod_t::zero_free && w == 0)) {
new:           if (!(w == 0)) {
tests: test_backends:HlsProperty.*
== 3 HLS binary-weight product: swap the XNOR polarity
file: src/backends/hls/kernels/products.h
old:     if (w == 0) return -a;
new:     if (w == 1) return -a;
tests: test_backends:HlsProperty.*
== 4 HLS XNOR-popcount product: XOR instead of XNOR
file: src/backends/hls/kernels/products.h
old:     return a == w;
new:     return a != w;
tests: test_backends:HlsProperty.*
== 5 HLS ternary-weight product: -1 weight adds +a
file: src/backends/hls/kernels/products.h
old:     if (w == -1) return -a;
new:     if (w == -1) return a;
tests: test_backends:HlsProperty.*
== 6 HLS sigmoid/tanh: off-by-one table index
file: src/backends/hls/kernels/activation.h
old:   int index = r + (int)((RANGE / 2) * TABLE_SIZE / RANGE);
new:   int index = r + (int)((RANGE / 2) * TABLE_SIZE / RANGE) + 1;
tests: test_backends:HlsProperty.*
== 7 HLS binary tanh: drop the tie at 0 (x > 0 instead of x >= 0)
file: src/backends/hls/kernels/activation.h
old:     if (data[i] >= 0) res[i] = SignValue<res_T, CONFIG_T::xnor_output>::pos();
new:     if (data[i] > 0) res[i] = SignValue<res_T, CONFIG_T::xnor_output>::pos();
tests: test_backends:HlsProperty.*
== 8 HLS binary threshold: drop the threshold tie (x > t instead of x >= t)
file: src/backends/hls/kernels/threshold.h
old:     if (data[i] >= threshold[i % CONFIG_T::n_scale_bias]) res[i]
new:     if (data[i] > threshold[i % CONFIG_T::n_scale_bias]) res[i]
tests: test_backends:HlsProperty.*
== 9 HLS ternary threshold: drop the low tie (x < lo instead of x <= lo)
file: src/backends/hls/kernels/threshold.h
old:     else if (data[i] <= threshold_lo[c]) v = -1;
new:     else if (data[i] < threshold_lo[c]) v = -1;
tests: test_backends:HlsProperty.*
== 10 HLS stable softmax: exp table entries off by one
file: src/backends/hls/kernels/softmax.h
old:     float x = value_of_top_bits<idx_T, N>(i);  // the exp argument
new:     float x = value_of_top_bits<idx_T, N>(i + 1);  // the exp argument
tests: test_backends:HlsProperty.*
== 11 HLS legacy softmax: 1/x table index over [0, 32) instead of [0, 64)
file: src/backends/hls/kernels/softmax.h
old: (inv_n) / uint_t<7>(64));
new: (inv_n) / uint_t<7>(32));
tests: test_backends:HlsProperty.*
== 12 HLS average pooling: wrong accumulator type (the input type)
file: src/backends/hls/kernels/pooling.h
old:     accum_t acc = 0;
new:     data_T acc = 0;
tests: test_backends:HlsCnnProperty.*
== 13 HLS average pooling: count_pad inverted
file: src/backends/hls/kernels/pooling.h
old:     if (CONFIG_T::count_pad) n = N;
new:     if (!CONFIG_T::count_pad) n = N;
tests: test_backends:HlsCnnProperty.*
== 14 HLS conv (io_parallel): left padding taken from the right pad
file: src/backends/hls/kernels/conv.h
old:       const int ix = (int)(ox * CONFIG_T::stride_width + kx) - (int)CONFIG_T::pad_left;
new:       const int ix = (int)(ox * CONFIG_T::stride_width + kx) - (int)CONFIG_T::pad_right;
tests: test_backends:HlsCnnProperty.*
== 15 HLS channels-first flatten: misordered (channels-last order)
file: src/backends/hls/kernels/image.h
old:       res[c * CONFIG_T::n_pixels + p] = (res_T)data[p * CONFIG_T::n_chan + c];
new:       res[p * CONFIG_T::n_chan + c] = (res_T)data[p * CONFIG_T::n_chan + c];
tests: test_backends:HlsCnnProperty.*
== 16 HLS average merge: divide by the result type's 1 instead of 2
file: src/backends/hls/kernels/merge.h
old: return (R)((a + b) / (R)2); }
new: return (R)((a + b) / (R)1); }
tests: test_backends:HlsCnnProperty.*
== 17 HLS BatchNormalization: drop the bias
file: src/backends/hls/kernels/normalize.h
old:     res[i] = data[i] * scale[c] + bias[c];
new:     res[i] = data[i] * scale[c];
tests: test_backends:HlsProperty.*
== 18 HLS writer: Dense/Conv accumulator typed as the result
file: src/backends/hls/emit_dense.cpp
old:   const FixedType accum = NeedType(l, ir::Slot::Accum);
new:   const FixedType accum = TensorType(g, l.output, l, "output");
tests: test_backends:HlsProperty.*
== 19 HLS writer: parameters rounded by truncation instead of their quantization mode
file: src/backends/hls/emitter.cpp
old:     w[i] = ir::ParamWord(p.values[i], t);
new:     w[i] = ir::IsXnorType(t) ? ir::ParamWord(p.values[i], t) : t.with_modes(Quant::TRN, t.overflow()).Quantize(p.values[i]);
tests: test_backends:HlsProperty.*
== 20 HLS writer: every WRAP type declared SAT (saturate instead of wrap)
file: src/backends/hls/emitter.cpp
old:   defines << "typedef " << t.ToString() << " " << name << ";  // " << comment << "\n";
new:   defines << "typedef " << t.with_modes(t.quant(), t.overflow() == Overflow::WRAP ? Overflow::SAT : t.overflow()).ToString() << " " << name << ";  // " << comment << "\n";
tests: test_backends:HlsProperty.*
== 21 HLS writer: conv pads swapped (left <-> right)
file: src/backends/hls/emit_conv.cpp
old: a.rank == 2 ? a.pad_bottom : 0, a.pad_left, a.pad_right,
new: a.rank == 2 ? a.pad_bottom : 0, a.pad_right, a.pad_left,
tests: test_backends:HlsCnnProperty.*
== 22 HLS writer: activation table of half the configured size
file: src/backends/hls/emit_activation.cpp
old:   params << fmt::format("    static const unsigned table_size = {};\n", std::max(1, l.config.table_size));
new:   params << fmt::format("    static const unsigned table_size = {};\n", std::max(1, l.config.table_size / 2));
tests: test_backends:HlsProperty.*
== 23 emulator dense: drop the bias
file: src/emu/dense.cpp
old:       k->bias_acc[j] = fx::cast(ir::ParamWord(b->values[j], *bt), Fmt(*bt), k->acc_f);
new:       k->bias_acc[j] = 0;
tests: test_emu:*Golden*  test_backends:HlsProperty.*
== 24 emulator dense (exact path): skip negative weights with the zero ones
file: src/emu/dense.cpp
old:             if (w == 0) continue;
new:             if (w <= 0) continue;
tests: test_emu:*Golden*  test_backends:HlsProperty.*
== 25 emulator dense (exact path): accumulator wraps instead of its overflow mode
file: src/emu/dense.cpp
old:             acc[j] = fx::convert(sum, fa, acc_f);
new:             acc[j] = fx::wrap(sum, acc_f.w, acc_f.s);
tests: test_emu:*Golden*  test_backends:HlsProperty.*
== 26 emulator fast cast: saturating targets treated as wrapping
file: src/emu/kernels.h
old:     simple_ = to.q == fx::Quant::TRN && to.o == fx::Overflow::WRAP && from.w < 64 && to.w < 64 &&
new:     simple_ = to.q == fx::Quant::TRN && from.w < 64 && to.w < 64 &&
tests: test_emu:*Golden*  test_backends:HlsProperty.*:HlsCnnProperty.*
== 27 emulator input quantization: RND/SAT inputs rounded half-to-even (swap two rounding modes)
file: src/emu/interpreter.cpp
old:   if (f.q == Quant::RND && f.o == Overflow::SAT) return QuantizeInputAs<Quant::RND, Overflow::SAT>(x, n, f, w);
new:   if (f.q == Quant::RND && f.o == Overflow::SAT) return QuantizeInputAs<Quant::RND_CONV, Overflow::SAT>(x, n, f, w);
tests: test_emu:*Golden*  test_backends:HlsProperty.*:HlsCnnProperty.*
== 28 emulator sigmoid/tanh: off-by-one table index
file: src/emu/activation.cpp
old:     const int64_t idx = ScaledIndex(x, in_f, table.table_size, table.div) + table.offset;
new:     const int64_t idx = ScaledIndex(x, in_f, table.table_size, table.div) + table.offset - 1;
tests: test_emu:*Golden*  test_backends:HlsProperty.*
== 29 emulator thresholded ReLU: tie counted as above (>= theta)
file: src/emu/activation.cpp
old:           out[i] = AboveParam(in[i]) ? fx::cast(in[i], in_f, res_f) : 0;
new:           out[i] = AboveParam(in[i]) || in[i] == alpha_word ? fx::cast(in[i], in_f, res_f) : 0;
tests: test_backends:HlsProperty.*
== 30 emulator average pooling: quotient rounded down instead of toward zero
file: src/emu/pooling.cpp
old:           r = n > 0 ? static_cast<int64_t>(fx::widen(acc, acc_f.s) / n) : acc;
new:           r = n > 0 ? static_cast<int64_t>(fx::shift_round(fx::widen(acc, acc_f.s) * 1024 / n, 10, fx::Quant::TRN)) : acc;
tests: test_emu:*GoldenConv*  test_backends:HlsCnnProperty.*
== 31 emulator average merge: (a + b) / 2 rounded as a shift (floor) instead of toward zero
file: src/emu/merge.cpp
old:               out[i] = fx::convert((s << fr) / two, f, res_f);
new:               out[i] = fx::convert(fx::shift_round((s << fr) * 1024 / two, 10, fx::Quant::TRN), f, res_f);
tests: test_backends:HlsCnnProperty.*
== 32 emulator BatchNormalization (wide path): drop the bias
file: src/emu/scale_shift.cpp
old:           const fx::i128 sum = (p << p_shift) + (fx::widen(bi[ch], b_f.s) << b_shift);
new:           const fx::i128 sum = (p << p_shift);
tests: test_emu:Emulator.*  test_backends:HlsProperty.*
== 33 fixed-point core: RND_CONV ties to odd instead of even
file: include/hlsforge/fixed/fixed_core.h
old:     case Quant::RND_CONV: inc = rem > half || (rem == half && (fl & 1) != 0); break;
new:     case Quant::RND_CONV: inc = rem > half || (rem == half && (fl & 1) == 0); break;
tests: core
== 34 fixed-point core: SAT_SYM clamps to the most negative word
file: include/hlsforge/fixed/fixed_core.h
old:   const i128 lo = min_exact(w, s) + ((o == Overflow::SAT_SYM && s && w > 1) ? 1 : 0);
new:   const i128 lo = min_exact(w, s) + ((o == Overflow::SAT_SYM && s && w > 1) ? 0 : 0);
tests: core
== 35 fixed-point core: WRAP saturates (saturate instead of wrap)
file: include/hlsforge/fixed/fixed_core.h
old:   if (o == Overflow::WRAP) return wrap(r, w, s);
new:   if (o == Overflow::WRAP && r >= min_exact(w, s) && r <= max_exact(w, s)) return wrap(r, w, s);
tests: core
== 36 fixed-point core: doubles with RND_ZERO round ties away from zero (swap two rounding modes)
file: include/hlsforge/fixed/fixed_core.h
old:       case Quant::RND_ZERO: inc = gt | (tie & neg); break;
new:       case Quant::RND_ZERO: inc = gt | (tie & !neg); break;
tests: core
== 37 hardware plan: the latency softmax indexes its exp table by inp_norm instead of its input type
file: src/passes/lower_hardware.cpp
old:     const FixedType idx_t = stable ? norm : *data;
new:     const FixedType idx_t = norm;
tests: test_passes:LowerHardware.*  test_backends:HlsProperty.*
== 38 hardware plan: the softmax exp table takes the default value type, not its configured one
file: src/passes/lower_hardware.cpp
old:     p.tables.push_back({Slot::ExpTable, ts, slot_type(Slot::ExpTable, SoftmaxTableDefault()), idx_t, nbits});
new:     p.tables.push_back({Slot::ExpTable, ts, SoftmaxTableDefault(), idx_t, nbits});
tests: test_backends:HlsProperty.*
== 39 hardware plan: an invalid reuse factor is kept (not snapped to a valid one)
file: src/passes/lower_hardware.cpp
old:       p.reuse_factor = snapped;
new:       (void)snapped;
tests: test_passes:LowerHardware.*
== 40 product kind: XNOR data x XNOR weights taken as 0/1 data x binary weights (emulator and writer alike)
file: src/ir/hw_plan.cpp
old:   if (dx && wx) return ProductKind::Xnor;
new:   if (dx && wx && false) return ProductKind::Xnor;
tests: test_emu:*Golden*:Tfc1W1A.*:*QonnxAcceptance*
== 41 HLS testbench: io_parallel outputs printed with 6 significant digits instead of exactly
file: src/backends/hls/testbench.cpp
old: %.17g\", ({} > 0 || i > 0)
new: %.6g\", ({} > 0 || i > 0)
tests: test_backends:HlsProperty.*
== 42 RTL constant matrix-vector product: drop the bias (adder-tree constant 0)
file: src/backends/rtl/cmvm.cpp
old: r.outs.push_back(SumTree(n, terms, p.c[static_cast<size_t>(j)], p.cap));
new: r.outs.push_back(SumTree(n, terms, 0, p.cap));
tests: test_rtl:RtlProperty.*
== 43 RTL canonical signed digits: every digit with the wrong sign flag
file: src/backends/rtl/netlist.cpp
old:       d.push_back({e, digit < 0});
new:       d.push_back({e, digit > 0});
tests: test_rtl:RtlProperty.*
== 44 RTL ternary threshold: drop the low tie (x < le instead of x <= le)
file: src/backends/rtl/threshold.cpp
old: n.LessConst(x, static_cast<i128>(s.le[ch]) + 1)
new: n.LessConst(x, static_cast<i128>(s.le[ch]))
tests: test_rtl:RtlSweep.* test_rtl:RtlProperty.*:RtlAcceptance.SmallBundledModelsCi
== 45 RTL cast: RND_CONV rounds ties to odd (the lsb term inverted)
file: src/backends/rtl/cast.cpp
old: case fx::Quant::RND_CONV: e = h + " & (" + rest + " | " + lsb + ")"; break;
new: case fx::Quant::RND_CONV: e = h + " & (" + rest + " | ~" + lsb + ")"; break;
tests: test_rtl:RtlSweep.* test_rtl:RtlProperty.*
== 46 RTL ReLU: the smallest positive word becomes 0 (x > 1 LSB instead of x > 0)
file: src/backends/rtl/activation.cpp
old: case K::ReLU: y = n.Mux(n.GreaterConst(x, 0), cast(), n.Const(0)); break;
new: case K::ReLU: y = n.Mux(n.GreaterConst(x, 1), cast(), n.Const(0)); break;
tests: test_rtl:RtlSweep.* test_rtl:RtlProperty.*
== 47 RTL cast: RND_CONV_ODD (AC) rounds ties to even (the lsb term not inverted)
file: src/backends/rtl/cast.cpp
old: case fx::Quant::RND_CONV_ODD: e = h + " & (" + rest + " | ~" + lsb + ")"; break;
new: case fx::Quant::RND_CONV_ODD: e = h + " & (" + rest + " | " + lsb + ")"; break;
tests: test_rtl:RtlSweep.*
EOF

# ---- machinery -----------------------------------------------------------------
declare -a IDS DESC FILE OLD NEW TESTS
parse() {
  local id="" line
  while IFS= read -r line; do
    case "$line" in
      "== "*) id="${line#== }"; id="${id%% *}"; IDS+=("$id"); DESC[$id]="${line#== $id }" ;;
      "file: "*) FILE[$id]="${line#file: }" ;;
      "old: "*) OLD[$id]="${line#old: }" ;;
      "new: "*) NEW[$id]="${line#new: }" ;;
      "tests: "*) TESTS[$id]="${line#tests: }" ;;
    esac
  done <<<"$MUTANTS"
}
parse

# replace FILE OLD NEW: exactly one occurrence, else exit 3
replace() {
  "$PY" - "$1" "$2" "$3" <<'PYEOF'
import sys
path, old, new = sys.argv[1:4]
s = open(path).read()
n = s.count(old)
if n != 1:
    sys.exit(3)
open(path, "w").write(s.replace(old, new))
PYEOF
}

BACKUP=""
BACKUP_OF=""
restore() {
  if [ -n "$BACKUP_OF" ]; then
    cp -p "$BACKUP" "$BACKUP_OF"
    touch "$BACKUP_OF"
    BACKUP_OF=""
  fi
}
cleanup() {
  restore
  rm -rf "$WORK"
}
trap cleanup EXIT
trap 'echo "interrupted: restoring"; exit 130' INT TERM

# Every mutant must apply to the current code.
bad=0
for id in "${IDS[@]}"; do
  f="${FILE[$id]}"
  cp -p "$f" "$WORK/check"
  if ! replace "$WORK/check" "${OLD[$id]}" "${NEW[$id]}"; then
    echo "mutant $id does not apply: its text is not found exactly once in $f: ${OLD[$id]}" >&2
    bad=1
  fi
done
[ "$bad" = 0 ] || exit 2
echo "${#IDS[@]} mutants apply to the current code"
[ "${MUTATE_LIST:-0}" = 1 ] && exit 0

# The test binaries a mutant's `tests:` line runs (test_backends test_emu ...).
binaries_of() {
  local item out=""
  for item in $1; do
    [ "$item" = core ] && continue
    case " $out " in *" ${item%%:*} "*) ;; *) out="$out ${item%%:*}" ;; esac
  done
  echo $out
}

# Builds what mutant $2 of file $1 needs; returns nonzero when it does not compile.
build_for() {
  case "$1" in
    src/backends/hls/kernels/*) return 0 ;;  # copied into each generated project at test time
    include/hlsforge/fixed/fixed_core.h)
      g++ -std=c++20 -O1 -w -I include -I tests -DHLSFORGE_DEFAULT_SHARED_DIR="\"$ROOT/../shared\"" \
        -DHLSFORGE_SOURCE_DIR="\"$ROOT\"" \
        tests/fixed/golden_vectors_test.cpp src/fixed/fixed_type.cpp -lgtest -lgtest_main -pthread \
        -o "$WORK/core_golden" >"$WORK/build.log" 2>&1 ;;
    *) ninja -C "$BUILD" -j2 $(binaries_of "${TESTS[$2]}") >"$WORK/build.log" 2>&1 ;;
  esac
}

# Runs "binary:filter" items in order; 0 when one of them fails (killed).
run_tests() {
  local item bin filter
  for item in $1; do
    if [ "$item" = core ]; then
      bin="$WORK/core_golden"
      filter="*"
    else
      bin="$BUILD/${item%%:*}"
      filter="${item#*:}"
    fi
    if ! timeout 3600 "$bin" --gtest_filter="$filter" >"$WORK/test.log" 2>&1; then
      if grep -q "does not compile" "$WORK/test.log"; then
        echo "STILLBORN"  # the generated code does not compile: not a behavioural kill
        return 2
      fi
      echo "$item"
      return 0
    fi
  done
  return 1
}

killed=0
total=0
survivors=()
USED_BINS=""
t_all=$(date +%s)
for id in "${IDS[@]}"; do
  if [ ${#ONLY[@]} -gt 0 ] && [[ ! " ${ONLY[*]} " == *" $id "* ]]; then continue; fi
  total=$((total + 1))
  f="${FILE[$id]}"
  t0=$(date +%s)
  cp -p "$f" "$WORK/backup"
  BACKUP="$WORK/backup"
  BACKUP_OF="$f"
  replace "$f" "${OLD[$id]}" "${NEW[$id]}" || { echo "mutant $id does not apply" >&2; exit 2; }
  case "$f" in
    src/backends/hls/kernels/* | include/hlsforge/fixed/fixed_core.h) ;;
    *) for b in $(binaries_of "${TESTS[$id]}"); do
         case " $USED_BINS " in *" $b "*) ;; *) USED_BINS="$USED_BINS $b" ;; esac
       done ;;
  esac
  if ! build_for "$f" "$id"; then
    echo "mutant $id does not compile (see below); fix the list" >&2
    tail -20 "$WORK/build.log" >&2
    exit 2
  fi
  by="$(run_tests "${TESTS[$id]}")"
  rc=$?
  restore
  dt=$(( $(date +%s) - t0 ))
  if [ $rc = 0 ]; then
    killed=$((killed + 1))
    printf 'mutant %2s KILLED   by %-34s (%4d s)  %s\n' "$id" "$by" "$dt" "${DESC[$id]}"
  elif [ $rc = 2 ]; then
    survivors+=("$id")
    printf 'mutant %2s STILLBORN (generated code does not compile) (%4d s)  %s\n' "$id" "$dt" "${DESC[$id]}"
  else
    survivors+=("$id")
    printf 'mutant %2s SURVIVED %-37s (%4d s)  %s\n' "$id" "" "$dt" "${DESC[$id]}"
  fi
done
# Leave the build matching the restored sources (the binaries the run rebuilt).
if [ -n "${USED_BINS// /}" ]; then
  ninja -C "$BUILD" -j2 $USED_BINS >/dev/null 2>&1 || echo "warning: rebuilding the original failed" >&2
fi
echo "run time $(( $(date +%s) - t_all )) s"
[ ${#survivors[@]} -gt 0 ] && echo "survivors: ${survivors[*]}"
echo "$killed/$total mutants killed"
[ "$killed" = "$total" ]
