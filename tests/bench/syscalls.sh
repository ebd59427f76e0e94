#!/usr/bin/env bash
# Syscall and CPU benchmark (not a test; figures, no asserts): per acknowledged small instance,
# storescu -> receiver over one association, each receiver inside a private network namespace.
#   - fsync+fdatasync and sched_yield per instance of the gateway (strace -f -c attached after warm-up)
#   - CPU ms per instance (utime+stime from /proc/PID/stat) of the gateway and of dcmtk's storescp,
#     measured in separate runs without strace (strace inflates CPU)
#   - the gateway with uploads paused ("receiver only") and running (to the default file store)
#   - the gateway with uploads paused, the same count over 4 concurrent associations (group commit)
# Usage: tests/bench/syscalls.sh
# Env:   BENCH_SMALL_COUNT (500)  BENCH_GATEWAY_EXE=PATH (another imaging-edge; implies no build)
#        BENCH_KEEP=1 (keep the temp dir)
# Exit:  0 measured; 1 setup failure.
set -euo pipefail
self=$(readlink -f "${BASH_SOURCE[0]}")
. "$(dirname "$self")/netns.sh"
GATEWAY_EXE=${BENCH_GATEWAY_EXE:-$repo/gateway/Imaging.Edge.Gateway/bin/Release/net10.0/imaging-edge}

# cpu_ticks PID: utime+stime of the whole process (all threads), in clock ticks
cpu_ticks() { awk '{print $14 + $15}' "/proc/$1/stat"; }

# ---------------------------------------------------------------------------
# Inside the namespace: syscalls.sh __ns KIND MODE INPUT WARM WORK
# KIND storescp|gateway|gateway-uploads|gateway-4; MODE cpu|strace; gateway: uploads paused unless KIND is
# gateway-uploads; gateway-4 sends INPUT's four parts over four concurrent associations.
# Last line: "RESULT instances cpu_ms fsyncs yields seconds"
# ---------------------------------------------------------------------------
ns_main() {
    local kind=$1 mode=$2 input=$3 warm=$4 work=$5 out
    pid=""   # global: the EXIT trap runs after this function returned
    ip link set lo up
    mkdir -p "$work"
    case $kind in
        storescp)
            out="$work/out"; mkdir -p "$out"
            storescp --aetitle "$AE" --output-directory "$out" "$NS_PORT" </dev/null >"$work/server.log" 2>&1 &
            pid=$! ;;
        gateway*)
            out="$work/data"; mkdir -p "$out"
            IMAGING_EDGE__Dicom__Port=$NS_PORT IMAGING_EDGE__Dicom__BindAddress=127.0.0.1 \
            IMAGING_EDGE__Gateway__DataDir="$out" IMAGING_EDGE__Dicom__AeTitle=$AE \
                "$GATEWAY_EXE" run </dev/null >"$work/server.log" 2>&1 &
            pid=$! ;;
    esac
    trap 'if [[ -n $pid ]]; then kill "$pid" 2>/dev/null; wait "$pid" 2>/dev/null || true; fi' EXIT
    local deadline=$((SECONDS + 60))
    until echoscu -aec "$AE" 127.0.0.1 "$NS_PORT" >/dev/null 2>&1; do
        if ! pid_alive "$pid" || ((SECONDS >= deadline)); then
            echo "$kind did not answer C-ECHO; its log:" >&2; tail -n 30 "$work/server.log" >&2; return 1
        fi
        sleep 0.1
    done
    if [[ $kind == gateway || $kind == gateway-4 ]]; then
        IMAGING_EDGE__Gateway__DataDir="$out" "$GATEWAY_EXE" control pause-uploads >/dev/null
    fi
    storescu -aec "$AE" -aet BENCH +sd 127.0.0.1 "$NS_PORT" "$warm" >"$work/warm.log" 2>&1 ||
        { echo "$kind: warm-up storescu failed" >&2; cat "$work/warm.log" >&2; return 1; }
    local n strace_pid="" c0 c1
    [[ $kind == gateway-4 ]] && input="$input/../small4"
    n=$(find "$input" -type f | wc -l)
    if [[ $mode == strace ]]; then
        strace -f -c -q -o "$work/strace.txt" -p "$pid" &
        strace_pid=$!
        sleep 1   # strace attaches every thread; the summary counts only what follows
    fi
    c0=$(cpu_ticks "$pid")
    local t0=$EPOCHREALTIME t1
    if [[ $kind == gateway-4 ]]; then
        local part senders=()
        for part in "$input"/part*; do
            storescu -aec "$AE" -aet BENCH +sd 127.0.0.1 "$NS_PORT" "$part" >"$work/storescu.$(basename "$part").log" 2>&1 &
            senders+=($!)
        done
        for part in "${senders[@]}"; do wait "$part"; done
    else
        storescu -aec "$AE" -aet BENCH +sd 127.0.0.1 "$NS_PORT" "$input" >"$work/storescu.log" 2>&1
    fi
    c1=$(cpu_ticks "$pid")
    t1=$EPOCHREALTIME
    local fsyncs=0 yields=0
    if [[ -n $strace_pid ]]; then
        kill -INT "$strace_pid"; wait "$strace_pid" 2>/dev/null || true
        fsyncs=$(awk '$NF == "fsync" || $NF == "fdatasync" {s += $4} END {print s + 0}' "$work/strace.txt")
        yields=$(awk '$NF == "sched_yield" {s += $4} END {print s + 0}' "$work/strace.txt")
    fi
    local ticks; ticks=$(getconf CLK_TCK)
    echo "RESULT $n $(awk -v a="$c0" -v b="$c1" -v t="$ticks" 'BEGIN {printf "%.1f", (b - a) * 1000 / t}') $fsyncs $yields $(awk -v a="$t0" -v b="$t1" 'BEGIN {printf "%.3f", b - a}')"
}

if [[ ${1:-} == __ns ]]; then shift; ns_main "$@"; exit; fi

COUNT=${BENCH_SMALL_COUNT:-500}
for tool in storescu storescp echoscu unshare ip strace; do
    command -v "$tool" >/dev/null || { echo "syscalls.sh: $tool missing" >&2; exit 1; }
done
tmp=$(mktemp -d /tmp/imaging-edge-syscalls.XXXXXX)
trap '[[ ${BENCH_KEEP:-0} == 1 ]] && echo "kept $tmp" >&2 || rm -rf "$tmp"' EXIT
if [[ -z ${BENCH_GATEWAY_EXE:-} ]]; then
    echo "== building the gateway (Release)"
    dotnet build "$repo/gateway/Imaging.Edge.Gateway" -c Release --nologo -v quiet --disable-build-servers >"$tmp/build.log" 2>&1 ||
        { tail -n 30 "$tmp/build.log" >&2; exit 1; }
fi
[[ -x $GATEWAY_EXE ]] || { echo "syscalls.sh: gateway executable missing: $GATEWAY_EXE" >&2; exit 1; }
"$PEERS_PYTHON" "$here/make_inputs.py" small "$tmp/in/warm" 1 >/dev/null
"$PEERS_PYTHON" "$here/make_inputs.py" small "$tmp/in/small" "$COUNT" >/dev/null
for p in 1 2 3 4; do "$PEERS_PYTHON" "$here/make_inputs.py" small "$tmp/in/small4/part$p" $((COUNT / 4)) >/dev/null; done

run() {  # run KIND MODE -> "instances cpu_ms fsyncs yields seconds"
    local line
    sync
    "${NS[@]}" "$self" __ns "$1" "$2" "$tmp/in/small" "$tmp/in/warm" "$tmp/run/$1.$2" >"$tmp/ns.out" ||
        { echo "syscalls.sh: $1 / $2 failed" >&2; return 1; }
    rm -rf "$tmp/run/$1.$2"
    line=$(grep '^RESULT ' "$tmp/ns.out" | tail -n 1)
    echo "${line#RESULT }"
}
per() { awk -v a="$1" -v n="$2" 'BEGIN {printf "%.2f", a / n}'; }

echo
echo "Per acknowledged small instance (CT_small, 39 KB), $COUNT instances, one association:"
printf '%-34s %8s %12s %16s %12s\n' receiver inst/s "CPU ms/inst" "fsync+fdatasync" "sched_yield"
for kind in storescp gateway gateway-uploads gateway-4; do
    read -r n cpu _ _ secs < <(run "$kind" cpu)
    fs=- ys=-
    if [[ $kind != storescp ]]; then
        read -r _ _ f y _ < <(run "$kind" strace)
        fs=$(per "$f" "$n"); ys=$(per "$y" "$n")
    fi
    label=$kind
    [[ $kind == gateway ]] && label="gateway, uploads paused"
    [[ $kind == gateway-uploads ]] && label="gateway, uploads to the file store"
    [[ $kind == gateway-4 ]] && label="gateway, paused, 4 associations"
    printf '%-34s %8s %12s %16s %12s\n' "$label" "$(per "$n" "$secs")" "$(per "$cpu" "$n")" "$fs" "$ys"
done
echo "(inst/s and CPU (/proc/PID/stat utime+stime) from a run without strace; syscall counts from strace -f -c in another run)"
