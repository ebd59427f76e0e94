#!/usr/bin/env bash
# Ingest benchmark (not a test): the gateway (uploads running, to its default file store) against
# dcmtk's storescp (never syncs) and, when installed, Orthanc (syncs each instance), all fed by
# dcmtk's storescu, each inside a private network namespace (storescp cannot bind to 127.0.0.1 only).
#   (a) BENCH_SMALL_COUNT (1000) copies of pydicom's CT_small.dcm over one association -> instances/s
#   (b) the same count over 4 concurrent associations (4 storescu processes, a quarter each)
#   (c) BENCH_LARGE_COUNT (3) multi-frame instances of BENCH_LARGE_MB (50) MB -> MB/s
#   (d) peak RSS (VmHWM) of the receiver after one BENCH_HUGE_MB (500) MB instance
# Orthanc (Debian package `orthanc`, not installed by the test peers) takes the small workloads only.
# Each case runs BENCH_RUNS (3) times, each time against a freshly started receiver
# that has already taken one warm-up instance; the median is reported.
#
# Usage: tests/bench/ingest.sh [--storescp-only]
# Env:   BENCH_SMALL_COUNT BENCH_LARGE_COUNT BENCH_LARGE_MB BENCH_HUGE_MB BENCH_RUNS
#        BENCH_GATEWAY_EXE=PATH (another imaging-edge; implies no build)
#        BENCH_KEEP=1 (keep the temp dir)  BENCH_STRICT=1 (exit 3 when a target is missed)
#        BENCH_SPLIT_CORES=1: the senders on core 0, the receiver on the others (taskset), as on the appliance,
#        where the modalities are other machines; by default all share every core, so that the senders' own CPU
#        (about 0.8 ms per small instance) bounds every receiver alike
# Exit:  0 measured; 1 setup/gateway failure (missing executable, no C-ECHO, ...);
#        3 a target missed with BENCH_STRICT=1.
set -euo pipefail
# run from a shell that systemd started, the gateway would take itself for the service and refuse the development store
unset INVOCATION_ID NOTIFY_SOCKET

self=$(readlink -f "${BASH_SOURCE[0]}")
here=$(dirname "$self")
repo=$(cd "$here/../.." && pwd)
. "$repo/tests/peers/lib.sh"
export TCP_NODELAY=1    # dcmtk 3.6.7 keeps Nagle on without it (~88 ms per small instance)

# Default: the gateway as the packages ship it (a self-contained ReadyToRun publish, made below): a run of 1,000
# instances measured the JIT's tier-up more than the intake with the plain build output.
GATEWAY_EXE=${BENCH_GATEWAY_EXE:-}
AE=IMAGING_EDGE
NS_PORT=11112
SENDER_CORES=(); RECEIVER_CORES=()
if [[ ${BENCH_SPLIT_CORES:-0} == 1 ]]; then
    (($(nproc) >= 2)) || { echo "ingest.sh: BENCH_SPLIT_CORES=1 needs 2 cores or more" >&2; exit 1; }
    SENDER_CORES=(taskset -c 0); RECEIVER_CORES=(taskset -c "1-$(($(nproc) - 1))")
fi           # inside a fresh network namespace every port is free

# bg_run CMD...: runs CMD as a child and waits for it, so that a trapped TERM/INT is
# handled at once (bash defers traps while a foreground child runs); the traps stop
# $child_pid.
child_pid=""
bg_run() {
    "$@" &
    child_pid=$!
    local rc=0
    wait "$child_pid" || rc=$?
    child_pid=""
    return "$rc"
}

# ---------------------------------------------------------------------------
# Inside the namespace: ingest.sh __ns KIND INPUT_DIR WARM_DIR WORK_DIR
# Starts the receiver (storescp | gateway), sends the warm-up instance, then times
# storescu on INPUT_DIR. Last stdout line: "RESULT seconds received_files vmhwm_kb".
# ---------------------------------------------------------------------------
ns_main() {
    local kind=$1 input=$2 warm=$3 work=$4
    local out
    pid=""      # global: the traps run after this function has returned
    ip link set lo up
    trap 'exit 130' INT TERM
    trap 'if [[ -n $child_pid ]]; then stop_pid "$child_pid" 2; fi
          if [[ -n $pid ]]; then stop_pid "$pid" 20; fi' EXIT
    mkdir -p "$work"
    case $kind in
        storescp)
            out="$work/out"; mkdir -p "$out"
            "${RECEIVER_CORES[@]}" storescp --aetitle "$AE" --output-directory "$out" "$NS_PORT" \
                </dev/null >"$work/server.log" 2>&1 &
            pid=$!
            ;;
        gateway)
            out="$work/data"; mkdir -p "$out"
            IMAGING_EDGE__Dicom__Port=$NS_PORT IMAGING_EDGE__Dicom__BindAddress=127.0.0.1 \
            IMAGING_EDGE__Gateway__DataDir="$out" IMAGING_EDGE__Dicom__AeTitle=$AE \
                "${RECEIVER_CORES[@]}" "$GATEWAY_EXE" run </dev/null >"$work/server.log" 2>&1 &
            pid=$!
            ;;
        orthanc)
            out="$work/orthanc"; mkdir -p "$out"
            cat >"$work/orthanc.json" <<JSON
{ "Name": "bench", "StorageDirectory": "$out/storage", "IndexDirectory": "$out/index", "DicomAet": "$AE",
  "DicomPort": $NS_PORT, "HttpServerEnabled": false, "DicomServerEnabled": true, "Plugins": [],
  "StorageCompression": false, "SyncStorageArea": true, "DicomCheckCalledAet": false, "DicomAlwaysAllowStore": true,
  "DicomAlwaysAllowEcho": true, "DicomCheckModalityHost": false, "RemoteAccessAllowed": false }
JSON
            "${RECEIVER_CORES[@]}" Orthanc "$work/orthanc.json" </dev/null >"$work/server.log" 2>&1 &
            pid=$!
            ;;
    esac
    # ready = answers C-ECHO
    local deadline=$((SECONDS + 60))
    until echoscu -aec "$AE" 127.0.0.1 "$NS_PORT" >/dev/null 2>&1; do
        if ! pid_alive "$pid"; then
            local rc=0; wait "$pid" 2>/dev/null || rc=$?
            echo "$kind exited (status $rc) before answering C-ECHO on 127.0.0.1:$NS_PORT; its log:" >&2
            tail -n 40 "$work/server.log" >&2
            pid=""; return 1
        fi
        if ((SECONDS >= deadline)); then
            echo "$kind did not answer C-ECHO within 60 s; its log:" >&2
            tail -n 40 "$work/server.log" >&2
            return 1
        fi
        sleep 0.1
    done
    # warm-up: one instance on its own association (JIT, page cache, first-file paths)
    bg_run "${SENDER_CORES[@]}" storescu -aec "$AE" -aet BENCH +sd "127.0.0.1" "$NS_PORT" "$warm" >"$work/warm.log" 2>&1 || {
        echo "$kind: warm-up storescu failed:" >&2; cat "$work/warm.log" >&2; return 1; }
    local t0 t1 sender0 receiver0
    times >"$work/times.0"     # in this shell, not a subshell: a subshell's `times` does not see our children
    sender0=$(children_cpu "$work/times.0"); receiver0=$(process_cpu "$pid")
    t0=$EPOCHREALTIME
    if [[ -d $input/part1 ]]; then
        # concurrent associations: one storescu per part, all started together
        local senders=() part rc=0
        for part in "$input"/part*; do
            "${SENDER_CORES[@]}" storescu -aec "$AE" -aet BENCH +sd "127.0.0.1" "$NS_PORT" "$part" >"$work/storescu.$(basename "$part").log" 2>&1 &
            senders+=($!)
        done
        for part in "${senders[@]}"; do wait "$part" || rc=$?; done
        if ((rc != 0)); then echo "$kind: a storescu failed:" >&2; tail -n 20 "$work"/storescu.*.log >&2; return 1; fi
    elif ! bg_run "${SENDER_CORES[@]}" storescu -aec "$AE" -aet BENCH +sd "127.0.0.1" "$NS_PORT" "$input" >"$work/storescu.log" 2>&1; then
        echo "$kind: storescu failed:" >&2; tail -n 40 "$work/storescu.log" >&2; return 1
    fi
    t1=$EPOCHREALTIME
    local sender_cpu receiver_cpu
    times >"$work/times.1"
    sender_cpu=$(awk -v a="$sender0" -v b="$(children_cpu "$work/times.1")" 'BEGIN {printf "%.3f", b - a}')
    receiver_cpu=$(awk -v a="$receiver0" -v b="$(process_cpu "$pid")" 'BEGIN {printf "%.3f", b - a}')
    local hwm
    hwm=$(awk '/^VmHWM:/ {print $2}' "/proc/$pid/status" 2>/dev/null || echo 0)
    local count
    count=$(count_received "$kind" "$out")
    echo "RESULT $(awk -v a="$t0" -v b="$t1" 'BEGIN {printf "%.6f", b - a}') $count ${hwm:-0} $sender_cpu $receiver_cpu"
}

# CPU seconds (user + system) of the children this shell has waited for, from the output of bash's `times` (line 2)
children_cpu() {
    awk 'NR == 2 {
        split($1, u, /[ms]/); split($2, s, /[ms]/); printf "%.3f", u[1] * 60 + u[2] + s[1] * 60 + s[2] }' "$1"
}

# CPU seconds (user + system, all threads) of a running process
process_cpu() {
    awk -v tck="$(getconf CLK_TCK)" '{ sub(/^.*\) /, ""); printf "%.3f", ($12 + $13) / tck }' "/proc/$1/stat" 2>/dev/null || echo 0
}

count_received() {  # count_received KIND DIR: stored instance files
    local kind=$1 dir=$2
    if [[ $kind == storescp ]]; then
        find "$dir" -type f | wc -l
    elif [[ $kind == orthanc ]]; then
        find "$dir/storage" -type f | wc -l
    elif [[ -f $dir/queue.db ]]; then
        # acknowledged = a queue row: small instances become files only after the associations end
        "$PEERS_PYTHON" -c 'import sqlite3, sys; print(sqlite3.connect("file:" + sys.argv[1] + "?mode=ro", uri=True).execute("SELECT COUNT(*) FROM instances").fetchone()[0])' "$dir/queue.db"
    else
        find "$dir" -type f -name '*.dcm' \
            -not -path '*/spool/*' -not -path '*/tmp/*' -not -path '*/cloud/*' | wc -l
    fi
}

if [[ ${1:-} == __ns ]]; then
    shift
    ns_main "$@"
    exit
fi

# ---------------------------------------------------------------------------
# Outside: build, make inputs, run the cases, print the table.
# ---------------------------------------------------------------------------
storescp_only=0
case ${1:-} in
    --storescp-only) storescp_only=1 ;;
    "") ;;
    *) echo "usage: tests/bench/ingest.sh [--storescp-only]" >&2; exit 2 ;;
esac

SMALL_COUNT=${BENCH_SMALL_COUNT:-1000}
LARGE_COUNT=${BENCH_LARGE_COUNT:-3}
LARGE_MB=${BENCH_LARGE_MB:-50}
HUGE_MB=${BENCH_HUGE_MB:-500}
RUNS=${BENCH_RUNS:-3}

for tool in storescu storescp echoscu unshare ip; do
    command -v "$tool" >/dev/null || { echo "ingest.sh: $tool missing; run tests/peers/install.sh" >&2; exit 1; }
done
"$PEERS_PYTHON" -c 'import pydicom' 2>/dev/null ||
    { echo "ingest.sh: $PEERS_PYTHON cannot import pydicom; run tests/peers/install.sh" >&2; exit 1; }
if [[ $(id -u) -eq 0 ]]; then NS=(unshare --net); else NS=(unshare --map-root-user --net); fi

tmp=$(mktemp -d /tmp/imaging-edge-bench.XXXXXX)
ns_pid=""
cleanup() {
    if [[ -n $child_pid ]]; then stop_pid "$child_pid" 10; fi
    if [[ -n $ns_pid ]]; then stop_pid "$ns_pid" 30; fi
    if [[ ${BENCH_KEEP:-0} == 1 ]]; then echo "ingest.sh: kept $tmp" >&2; else rm -rf "$tmp"; fi
}
trap cleanup EXIT
trap 'exit 130' INT TERM

gateway_error=""
if ((!storescp_only)); then
    if [[ -n ${BENCH_GATEWAY_EXE:-} ]]; then
        [[ -x $GATEWAY_EXE ]] || gateway_error="gateway executable missing: $GATEWAY_EXE (BENCH_GATEWAY_EXE)"
    elif GATEWAY_EXE=$tmp/gateway/imaging-edge && echo "== publishing the gateway (Release, ReadyToRun, as packaged)" &&
        ! bg_run dotnet publish "$repo/gateway/Imaging.Edge.Gateway" -c Release -r "linux-$( [[ $(uname -m) == aarch64 ]] && echo arm64 || echo x64)" \
            --self-contained -p:PublishReadyToRun=true -o "$tmp/gateway" --nologo -v quiet --disable-build-servers >"$tmp/build.log" 2>&1; then
        gateway_error="gateway publish failed (dotnet publish gateway/Imaging.Edge.Gateway -c Release -p:PublishReadyToRun=true):
$(tail -n 30 "$tmp/build.log")"
    elif [[ ! -x $GATEWAY_EXE ]]; then
        gateway_error="gateway executable missing: $GATEWAY_EXE"
    fi
    export BENCH_GATEWAY_EXE=$GATEWAY_EXE   # the runs inside the namespace start this script again
fi

echo "== making inputs in $tmp"
bg_run "$PEERS_PYTHON" "$here/make_inputs.py" small "$tmp/in/warm" 1
bg_run "$PEERS_PYTHON" "$here/make_inputs.py" small "$tmp/in/small" "$SMALL_COUNT"
for p in 1 2 3 4; do   # the same number of instances, new UIDs, in four parts for four associations
    bg_run "$PEERS_PYTHON" "$here/make_inputs.py" small "$tmp/in/small4/part$p" $((SMALL_COUNT / 4))
done
bg_run "$PEERS_PYTHON" "$here/make_inputs.py" large "$tmp/in/large" "$LARGE_COUNT" "$LARGE_MB"
bg_run "$PEERS_PYTHON" "$here/make_inputs.py" large "$tmp/in/huge" 1 "$HUGE_MB"
bytes_of() { find "$1" -type f -printf '%s\n' | awk '{s += $1} END {print s + 0}'; }
small_bytes=$(bytes_of "$tmp/in/small")
large_bytes=$(bytes_of "$tmp/in/large")
huge_bytes=$(bytes_of "$tmp/in/huge")
sync

declare -A SECS COUNT HWM RES FAILED SENDER_CPU RECEIVER_CPU
run_one() {  # run_one KIND WORKLOAD EXPECTED_FILES RUN: appends "seconds files hwm sender_cpu receiver_cpu" to RES[KIND.WORKLOAD]
    local kind=$1 load=$2 expected=$3 i=$4 line
    local work="$tmp/run/$kind.$load.$i"
    bg_run sync    # flush the previous run's dirty pages so that its write-back does not land in this run
    "${NS[@]}" "$self" __ns "$kind" "$tmp/in/$load" "$tmp/in/warm" "$work" >"$tmp/ns.out" &
    ns_pid=$!
    local rc=0; wait "$ns_pid" || rc=$?; ns_pid=""
    line=$(grep '^RESULT ' "$tmp/ns.out" | tail -n 1 || true)
    rm -rf "$work"
    if ((rc != 0)) || [[ -z $line ]]; then
        echo "ingest.sh: $kind / $load run $i failed" >&2
        return 1
    fi
    local s c h sc rc
    read -r _ s c h sc rc <<<"$line"
    if ((c != expected)); then
        echo "ingest.sh: $kind / $load run $i: $c files stored, expected $expected" >&2
        return 1
    fi
    printf '   %-5s run %d  %-8s %8.3f s  VmHWM %d kB  CPU: senders %.2f s, receiver %.2f s\n' "$load" "$i" "$kind" "$s" "$h" "$sc" "$rc"
    RES[$kind.$load]+="$s $c $h $sc $rc"$'\n'
}
summarize() {  # summarize KIND WORKLOAD: median seconds, highest VmHWM over the runs
    local k=$1.$2 s c h sc rc
    [[ -n ${RES[$k]:-} ]] || return 0
    local n; n=$(printf '%s' "${RES[$k]}" | grep -c .)
    read -r s c h sc rc < <(printf '%s' "${RES[$k]}" | sort -g | sed -n "$(((n + 1) / 2))p")
    SECS[$k]=$s; COUNT[$k]=$c; SENDER_CPU[$k]=$sc; RECEIVER_CPU[$k]=$rc
    HWM[$k]=$(printf '%s' "${RES[$k]}" | awk '$3 > m {m = $3} END {print m + 0}')
}

kinds=(storescp)
command -v Orthanc >/dev/null && kinds+=(orthanc) || echo "ingest.sh: Orthanc not installed (apt-get install orthanc): its column stays empty" >&2
status=0
failures=()
if ((!storescp_only)); then
    if [[ -n $gateway_error ]]; then
        echo "ingest.sh: GATEWAY HALF NOT RUN: $gateway_error" >&2
        failures+=("gateway half not run: ${gateway_error%%$'\n'*}")
        status=1
    else
        kinds+=(gateway)
    fi
fi
# runs interleaved (storescp, gateway, storescp, ...) so that drift hits both alike
declare -A EXPECTED=([small]=$((SMALL_COUNT + 1)) [small4]=$((SMALL_COUNT / 4 * 4 + 1)) [large]=$((LARGE_COUNT + 1)) [huge]=2)
for load in small small4 large huge; do
    for ((i = 1; i <= RUNS; i++)); do
        for kind in "${kinds[@]}"; do
            [[ -n ${FAILED[$kind]:-} ]] && continue
            [[ $kind == orthanc && $load != small* ]] && continue
            run_one "$kind" "$load" "${EXPECTED[$load]}" "$i" || FAILED[$kind]=1
        done
    done
done
for kind in "${kinds[@]}"; do
    for load in small small4 large huge; do summarize "$kind" "$load"; done
    if [[ -n ${FAILED[$kind]:-} ]]; then
        failures+=("$kind half failed (see the messages above)")
        status=1
    fi
done

# ---------------------------------------------------------------------------
fmt() { awk "BEGIN {printf \"$1\", $2}"; }
row() {  # row KIND LOAD FILES BYTES
    local k=$1.$2
    if [[ -z ${SECS[$k]:-} ]]; then
        printf '%-9s %-26s %9s %9s %9s %10s %9s %11s\n' "$1" "$2" - - - - - -
        return
    fi
    printf '%-9s %-26s %9d %9.1f %9.3f %10.1f %9.1f %11.1f\n' "$1" "$2" "$3" \
        "$(fmt %.1f "$4 / 1e6")" "${SECS[$k]}" "$(fmt %.3f "$3 / ${SECS[$k]}")" \
        "$(fmt %.3f "$4 / 1e6 / ${SECS[$k]}")" "$(fmt %.1f "${HWM[$k]} / 1024")"
}
ratio() {  # ratio NUM DEN -> NUM/DEN or n/a
    if [[ -n $1 && -n $2 ]]; then fmt %.2f "$1 / $2"; else echo n/a; fi
}
verdict() {  # verdict VALUE OP LIMIT
    [[ $1 == n/a ]] && { echo "n/a"; return; }
    if awk "BEGIN {exit !($1 $2 $3)}"; then echo MET; else echo MISSED; fi
}

echo
echo "Ingest benchmark: storescu (dcmtk, TCP_NODELAY=1) -> receiver, median of $RUNS"
printf '%-9s %-26s %9s %9s %9s %10s %9s %11s\n' receiver workload instances MB seconds inst/s MB/s "VmHWM MB"
small4_count=$((SMALL_COUNT / 4 * 4))
for kind in storescp gateway orthanc; do
    row "$kind" small "$SMALL_COUNT" "$small_bytes"
    row "$kind" small4 "$small4_count" "$small_bytes"
    [[ $kind == orthanc ]] && continue
    row "$kind" large "$LARGE_COUNT" "$large_bytes"
    row "$kind" huge 1 "$huge_bytes"
done
printf '(small = %d x CT_small.dcm over one association, small4 = the same over 4 concurrent ones,\n' "$SMALL_COUNT"
printf ' large = %d x %d MB multi-frame, huge = 1 x %d MB; MB = 10^6 bytes;\n' \
    "$LARGE_COUNT" "$LARGE_MB" "$HUGE_MB"
printf ' VmHWM = peak RSS of the receiver process over the runs)\n'

# Where the CPU went: the senders run on the same cores as the receiver, so the cores bound the rate of any receiver.
cores=$(nproc)
echo
if ((${#SENDER_CORES[@]})); then
    echo "CPU per instance (user + system, medians' runs; senders on core 0, receiver on cores 1-$((cores - 1)); busy = of all $cores):"
else
    echo "CPU per instance (user + system, medians' runs; $cores cores shared by the senders and the receiver):"
fi
printf '%-9s %-8s %14s %15s %12s\n' receiver workload "senders ms" "receiver ms" "cores busy"
for kind in storescp gateway orthanc; do
    for load in small small4; do
        k=$kind.$load
        [[ -n ${SECS[$k]:-} ]] || continue
        n=$([[ $load == small ]] && echo "$SMALL_COUNT" || echo "$small4_count")
        printf '%-9s %-8s %14.2f %15.2f %11.0f%%\n' "$kind" "$load" "$(fmt %.4f "${SENDER_CPU[$k]} * 1000 / $n")" \
            "$(fmt %.4f "${RECEIVER_CPU[$k]} * 1000 / $n")" "$(fmt %.1f "(${SENDER_CPU[$k]} + ${RECEIVER_CPU[$k]}) * 100 / ($cores * ${SECS[$k]})")"
    done
done
if [[ -n ${SECS[gateway.small4]:-} ]] && ((${#SENDER_CORES[@]})); then
    sender_ms=$(fmt %.4f "${SENDER_CPU[gateway.small4]} * 1000 / $small4_count")
    printf 'ceiling, 4 associations: the senders on their one core (%.2f ms/inst) allow %.0f inst/s; the gateway reached %.0f\n' \
        "$sender_ms" "$(fmt %.1f "1000 / $sender_ms")" "$(fmt %.1f "$small4_count / ${SECS[gateway.small4]}")"
elif [[ -n ${SECS[gateway.small4]:-} ]]; then
    sender_ms=$(fmt %.4f "${SENDER_CPU[gateway.small4]} * 1000 / $small4_count")
    both_ms=$(fmt %.4f "$sender_ms + ${RECEIVER_CPU[gateway.small4]} * 1000 / $small4_count")
    printf 'ceiling, 4 associations: the senders alone (%.2f ms/inst) allow %.0f inst/s on %d cores; senders + gateway (%.2f ms/inst) %.0f inst/s;\n' \
        "$sender_ms" "$(fmt %.1f "$cores * 1000 / $sender_ms")" "$cores" "$both_ms" "$(fmt %.1f "$cores * 1000 / $both_ms")"
    printf '  the gateway reached %.0f inst/s' "$(fmt %.1f "$small4_count / ${SECS[gateway.small4]}")"
    if [[ -n ${SECS[orthanc.small4]:-} ]]; then
        goal=$(fmt %.1f "4 * $small4_count / ${SECS[orthanc.small4]}")
        printf '; 4 x Orthanc would be %.0f inst/s,\n  which leaves any receiver %.2f ms of CPU per instance beside these senders' \
            "$goal" "$(fmt %.4f "$cores * 1000 / $goal - $sender_ms")"
        [[ -n ${SECS[storescp.small4]:-} ]] &&
            printf ' (storescp, which neither syncs nor hashes nor indexes, used %.2f)' "$(fmt %.4f "${RECEIVER_CPU[storescp.small4]} * 1000 / $small4_count")"
    fi
    echo
fi

small_r=n/a small4_r=n/a orthanc_r=n/a large_r=n/a rss=n/a
if [[ -n ${SECS[gateway.small]:-} && -n ${SECS[storescp.small]:-} ]]; then
    small_r=$(ratio "${SECS[storescp.small]}" "${SECS[gateway.small]}")   # inst/s ratio = inverse time ratio
fi
if [[ -n ${SECS[gateway.small4]:-} && -n ${SECS[storescp.small4]:-} ]]; then
    small4_r=$(ratio "${SECS[storescp.small4]}" "${SECS[gateway.small4]}")
fi
if [[ -n ${SECS[gateway.small4]:-} && -n ${SECS[orthanc.small4]:-} ]]; then
    orthanc_r=$(ratio "${SECS[orthanc.small4]}" "${SECS[gateway.small4]}")
fi
if [[ -n ${SECS[gateway.large]:-} && -n ${SECS[storescp.large]:-} ]]; then
    large_r=$(ratio "${SECS[storescp.large]}" "${SECS[gateway.large]}")
fi
[[ -n ${HWM[gateway.huge]:-} ]] && rss=$(fmt %.1f "${HWM[gateway.huge]} / 1024")
echo
printf 'gateway/storescp small instances/s : %-6s target >= 0.70   %s\n' "$small_r" "$(verdict "$small_r" '>=' 0.70)"
printf 'gateway/storescp small, 4 assoc.   : %-6s target >= 1.20   %s\n' "$small4_r" "$(verdict "$small4_r" '>=' 1.20)"
printf 'gateway/Orthanc small, 4 assoc.    : %-6s target >= 4.00   %s\n' "$orthanc_r" "$(verdict "$orthanc_r" '>=' 4.00)"
printf 'gateway/storescp large MB/s        : %-6s target >= 1.50   %s\n' "$large_r" "$(verdict "$large_r" '>=' 1.50)"
printf 'gateway peak RSS, %4d MB instance  : %-6s target <  120 MB %s\n' "$HUGE_MB" "$rss" "$(verdict "$rss" '<' 120)"

if ((status == 0)) && [[ ${BENCH_STRICT:-0} == 1 ]]; then
    for r in "$small_r:>=:0.70" "$small4_r:>=:1.20" "$orthanc_r:>=:4.00" "$large_r:>=:1.50" "$rss:<:120"; do
        IFS=: read -r v op lim <<<"$r"
        [[ $(verdict "$v" "$op" "$lim") == MET ]] || status=3
    done
fi
for f in "${failures[@]}"; do echo "ingest.sh: FAILED: $f" >&2; done
exit "$status"
