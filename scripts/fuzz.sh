#!/usr/bin/env bash
# libFuzzer harnesses of fuzz/ (clang, ASan/UBSan, in build-fuzz/).
#   scripts/fuzz.sh                    list the targets, one per line
#   scripts/fuzz.sh TARGET SECONDS     fuzz TARGET for SECONDS (nice -n 15);
#                                      new corpus entries are kept in
#                                      build-fuzz/corpus/TARGET, findings in
#                                      build-fuzz/findings/TARGET/
#   scripts/fuzz.sh --runs N [TARGET...]  build, then run each target (all by
#                                      default) for N executions after
#                                      replaying its seeds (CI)
# The seed corpus of a target is assembled at run time from the checked-in
# seeds (fuzz/seeds/TARGET), the regression inputs
# (tests/data/fuzz_regressions/TARGET), the test data (tests/data) and the
# full corpus in ../shared when it is beside the repository. A dictionary
# fuzz/dict/TARGET.dict is passed when it exists.
# Environment: FUZZ_BUILD (default build-fuzz), FUZZ_JOBS (ninja -j, default 2),
# FUZZ_ARGS (extra libFuzzer flags).
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD
BUILD=${FUZZ_BUILD:-build-fuzz}
SHARED=${HLSFORGE_SHARED_DIR:-$ROOT/../shared}

targets() { for f in fuzz/fuzz_*.cpp; do f=${f#fuzz/fuzz_}; echo "${f%.cpp}"; done; }

build() {  # build [TARGET...]
  if [[ ! -f $BUILD/build.ninja ]]; then
    cmake -S . -B "$BUILD" -G Ninja -DCMAKE_CXX_COMPILER=clang++ -DCMAKE_BUILD_TYPE=RelWithDebInfo \
          -DHLSFORGE_BUILD_FUZZERS=ON -DHLSFORGE_BUILD_TESTS=OFF -DHLSFORGE_BUILD_BENCH=OFF >/dev/null
  fi
  local names=()
  for t in "$@"; do names+=("fuzz_$t"); done
  nice -n 10 ninja -C "$BUILD" -j"${FUZZ_JOBS:-2}" "${names[@]}" >/dev/null
}

# Files of the test data and ../shared that seed TARGET (patterns per format).
seed_files() {
  local pat=() max=262144
  case $1 in
    onnx) pat=('*.onnx') ;;
    keras_json) pat=('*.json') ;;
    keras_h5) pat=('*.h5') ;;
    keras_zip) pat=('*.keras') ;;
    config) pat=('*.yml' '*.yaml') ;;
    npy) pat=('*.npy'); max=32768 ;;
    npz) pat=('*.npz'); max=65536 ;;
    *) return 0 ;;
  esac
  for dir in tests/data examples "$SHARED/models" "$SHARED/golden"; do
    [[ -d $dir ]] || continue
    for p in "${pat[@]}"; do
      find -L "$dir" -type f -name "$p" -size -"$max"c 2>/dev/null
    done
  done
}

seed_dir() {  # seed_dir TARGET -> prints a directory holding the seeds
  local t=$1 dir=$BUILD/seeds/$t
  rm -rf "$dir"; mkdir -p "$dir"
  for src in fuzz/seeds/$t tests/data/fuzz_regressions/$t; do
    [[ -d $src ]] && find "$src" -type f -exec cp -t "$dir" {} +
  done
  local i=0
  while IFS= read -r f; do
    cp "$f" "$dir/data$((i++))_$(basename "$f")"
  done < <(seed_files "$t")
  echo "$dir"
}

flags() {  # libFuzzer flags common to every run of TARGET
  local t=$1
  echo "-rss_limit_mb=2048 -malloc_limit_mb=2048 -timeout=20 -max_len=262144 -print_final_stats=1"
  [[ -f fuzz/dict/$t.dict ]] && echo "-dict=fuzz/dict/$t.dict"
  echo "${FUZZ_ARGS:-}"
}

# allocator_may_return_null: a failing malloc returns NULL as glibc's does
# (HDF5 allocates sizes read from corrupt metadata, checks for NULL and
# reports an error); ASan would abort instead. lsan.supp: HDF5's own leaks.
# max_allocation_size_mb=1024: one allocation over 1 GiB fails inside ASan
# (malloc returns NULL; operator new still reports it, so such a request
# from hlsforge's own code remains a finding). It replaces libFuzzer's
# -malloc_limit_mb=1024 (now 2048, never reached), whose malloc hook a forked
# child (util/isolated_probe.h: every Keras load is probed in one) inherits
# and cannot remove: it wrote the child's refused libhdf5 allocation as an
# `oom-*` artifact of the fuzzer although the fuzzer itself ran on.
export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1:abort_on_error=1:allocator_may_return_null=1:max_allocation_size_mb=1024}
export LSAN_OPTIONS=${LSAN_OPTIONS:-suppressions=$ROOT/fuzz/lsan.supp}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}

if [[ $# -eq 0 ]]; then targets; exit 0; fi

if [[ $1 == --runs ]]; then
  runs=${2:?--runs N}; shift 2
  list=("$@"); [[ ${#list[@]} -gt 0 ]] || mapfile -t list < <(targets)
  build "${list[@]}"
  for t in "${list[@]}"; do
    seeds=$(seed_dir "$t"); nseeds=$(find "$seeds" -type f | wc -l)
    # shellcheck disable=SC2046
    "$BUILD/fuzz/fuzz_$t" $(flags "$t") -runs="$runs" -seed=1 -artifact_prefix="$BUILD/fuzz_$t-" "$seeds" > "$BUILD/fuzz_$t.log" 2>&1 ||
      { tail -n 60 "$BUILD/fuzz_$t.log"; echo "fuzz.sh: $t failed (log: $BUILD/fuzz_$t.log)" >&2; exit 1; }
    echo "fuzz $t: $(grep -aEo 'stat::number_of_executed_units: *[0-9]+' "$BUILD/fuzz_$t.log" | grep -Eo '[0-9]+$') executions, $nseeds seeds, ok"
  done
  exit 0
fi

t=$1; secs=${2:?usage: scripts/fuzz.sh TARGET SECONDS}
targets | grep -qx "$t" || { echo "fuzz.sh: unknown target '$t' (scripts/fuzz.sh lists them)" >&2; exit 2; }
build "$t"
seeds=$(seed_dir "$t")
corpus=$BUILD/corpus/$t findings=$BUILD/findings/$t
mkdir -p "$corpus" "$findings"
# shellcheck disable=SC2046
exec nice -n 15 "$BUILD/fuzz/fuzz_$t" $(flags "$t") -max_total_time="$secs" \
  -artifact_prefix="$findings/" "$corpus" "$seeds"
