#!/usr/bin/env bash
# Differential run at scale, outside CI: `hlsforge selftest` (C simulation vs
# emulator, layer by layer, on random MLPs and CNNs; or the Verilator leg)
# over CASES models in chunks of CHUNK (one hlsforge invocation each, BATCH
# models per g++ program or Verilator build), under nice -n 15. Appends one
# line per chunk and a total to LOG.
#   scripts/selftest_scale.sh [CASES=10000] [SEED=1] [CHUNK=400] [BATCH=40]
# Environment: HLSFORGE (the binary; default build/hlsforge), LOG (default
# build/selftest_scale.log), AGAINST (selftest --against: csim, the default,
# or verilator; with both, the total counts the Verilator leg), FAMILY
# (--family, default both). A disagreeing case keeps its
# projects (the chunk's work directory, printed) and makes the exit status 1.
# The total counts the cases each leg ran (the Verilator leg skips CNNs and
# the MLPs beyond a backend limit, listed as "skip seed" lines in LOG).
set -uo pipefail
cd "$(dirname "$0")/.."
CASES=${1:-10000} SEED=${2:-1} CHUNK=${3:-400} BATCH=${4:-40}
BIN=${HLSFORGE:-build/hlsforge} AGAINST=${AGAINST:-csim} FAMILY=${FAMILY:-both}
LOG=${LOG:-build/selftest_scale.log}
[[ -x $BIN ]] || { echo "selftest_scale.sh: $BIN not built" >&2; exit 2; }
start=$(date +%s) done=0 agree=0 ran=0 failed=0
echo "== $(date -u +%FT%TZ) cases $CASES seeds $SEED.. chunk $CHUNK batch $BATCH against $AGAINST family $FAMILY ($BIN)" >> "$LOG"
while (( done < CASES )); do
  n=$(( CASES - done < CHUNK ? CASES - done : CHUNK ))
  s=$(( SEED + done ))
  out=$(nice -n 15 "$BIN" selftest --cases "$n" --seed "$s" --batch "$BATCH" --against "$AGAINST" --family "$FAMILY" 2>/dev/null)
  rc=$?
  line=$(grep '^selftest:' <<<"$out" | tail -1)
  grep '^FAIL\|^skip\|^ ' <<<"$out" >> "$LOG"
  echo "seeds $s..$((s + n - 1)) rc=$rc $line" >> "$LOG"
  a=$(sed -n 's/^selftest: \([0-9]*\)\/.*/\1/p' <<<"$line")
  b=$(sed -n 's/^selftest: [0-9]*\/\([0-9]*\) .*/\1/p' <<<"$line")
  agree=$(( agree + ${a:-0} )) ran=$(( ran + ${b:-n} ))
  (( rc == 0 )) || failed=1
  done=$(( done + n ))
done
secs=$(( $(date +%s) - start ))
echo "total: $agree/$ran cases agree ($CASES drawn, against $AGAINST), $(( ran - agree )) mismatches or errors, ${secs} s wall" | tee -a "$LOG"
exit $failed
