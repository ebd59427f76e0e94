#!/usr/bin/env bash
# Warm-start benchmark (not a test; figures, no asserts): for each gateway executable given, started fresh
# inside a private network namespace with uploads to the default file store running, prints the time from
# the process start to the first C-ECHO answered and the rate of the first BENCH_FIRST_COUNT (100) small
# instances sent right after it (storescu, one association). Runs interleaved, BENCH_RUNS (3) times each.
# Compare a ReadyToRun publish with a JIT one, e.g.:
#   dotnet publish gateway/Imaging.Edge.Gateway -c Release -r linux-x64 --self-contained -p:PublishReadyToRun=true -o /tmp/r2r
#   dotnet publish gateway/Imaging.Edge.Gateway -c Release -r linux-x64 --self-contained -o /tmp/jit
#   tests/bench/warmstart.sh /tmp/jit/imaging-edge /tmp/r2r/imaging-edge
set -euo pipefail
self=$(readlink -f "${BASH_SOURCE[0]}")
. "$(dirname "$self")/netns.sh"

if [[ ${1:-} == __ns ]]; then   # __ns EXE INPUT WORK -> "RESULT echo_ms seconds"
    exe=$2 input=$3 work=$4
    ip link set lo up
    mkdir -p "$work/data"
    t0=$EPOCHREALTIME
    IMAGING_EDGE__Dicom__Port=$NS_PORT IMAGING_EDGE__Dicom__BindAddress=127.0.0.1 \
    IMAGING_EDGE__Gateway__DataDir="$work/data" IMAGING_EDGE__Dicom__AeTitle=$AE \
        "$exe" run </dev/null >"$work/server.log" 2>&1 &
    pid=$!
    trap 'kill "$pid" 2>/dev/null; wait "$pid" 2>/dev/null || true' EXIT
    deadline=$((SECONDS + 60))
    until echoscu -to 1 -aec "$AE" 127.0.0.1 "$NS_PORT" >/dev/null 2>&1; do
        if ! pid_alive "$pid" || ((SECONDS >= deadline)); then
            echo "no C-ECHO answer; the log:" >&2; tail -n 30 "$work/server.log" >&2; exit 1
        fi
        sleep 0.01
    done
    t1=$EPOCHREALTIME
    storescu -aec "$AE" -aet BENCH +sd 127.0.0.1 "$NS_PORT" "$input" >"$work/storescu.log" 2>&1
    t2=$EPOCHREALTIME
    awk -v a="$t0" -v b="$t1" -v c="$t2" 'BEGIN {printf "RESULT %.0f %.3f\n", (b - a) * 1000, c - b}'
    exit
fi

(($#)) || { sed -n '2,9p' "$self" | sed 's/^# \{0,1\}//'; exit 2; }
COUNT=${BENCH_FIRST_COUNT:-100}
RUNS=${BENCH_RUNS:-3}
tmp=$(mktemp -d /tmp/imaging-edge-warmstart.XXXXXX)
trap 'rm -rf "$tmp"' EXIT
"$PEERS_PYTHON" "$here/make_inputs.py" small "$tmp/in" "$COUNT" >/dev/null
declare -A ECHO RATE
for ((i = 1; i <= RUNS; i++)); do
    for exe in "$@"; do
        sync
        line=$("${NS[@]}" "$self" __ns "$exe" "$tmp/in" "$tmp/run" | grep '^RESULT ')
        rm -rf "$tmp/run"
        read -r _ ms secs <<<"$line"
        ECHO[$exe]+="$ms "
        RATE[$exe]+="$(awk -v n="$COUNT" -v s="$secs" 'BEGIN {printf "%.0f", n / s}') "
    done
done
median() { tr ' ' '\n' | grep . | sort -g | awk '{v[NR] = $1} END {print v[int((NR + 1) / 2)]}'; }
echo
echo "Start of a fresh gateway (uploads running), median of $RUNS (all runs in brackets):"
printf '%-50s %22s %28s\n' executable "ms to first C-ECHO" "first $COUNT inst/s"
for exe in "$@"; do
    printf '%-50s %6s [%-13s] %8s [%-16s]\n' "$exe" "$(median <<<"${ECHO[$exe]}")" "${ECHO[$exe]% }" \
        "$(median <<<"${RATE[$exe]}")" "${RATE[$exe]% }"
done
