#!/usr/bin/env bash
# Upload benchmark (not a test): the gateway's upload of queued instances to s3rver against
# `rclone copy` (Debian's rclone, S3 backend) of the same stored Part 10 files to another bucket
# of the same s3rver, with the same concurrency:
#   gateway  Upload:Concurrency 4, multipart above 16 MiB, 8 MiB parts, 4 parts at once (defaults)
#   rclone   --transfers 4 --checkers 4 --s3-upload-cutoff 16M --s3-chunk-size 8M --s3-upload-concurrency 4
# Workloads:
#   (a) small  BENCH_SMALL_COUNT (1000) copies of pydicom's CT_small.dcm (fresh UIDs) -> files/s, MB/s
#   (b) large  BENCH_LARGE_COUNT (3) multi-frame instances of BENCH_LARGE_MB (50) MB  -> files/s, MB/s
#   (c) huge   one BENCH_HUGE_MB (2048) MiB instance, multipart: peak RSS (VmHWM) of the gateway
#
# How the gateway side is timed. Phase 1: the gateway runs with Upload:S3 pointing at a port where no
# s3rver listens yet; storescu sends the workload (uploads fail transiently and back off); SIGTERM.
# Phase 2: s3rver starts on that port, every pending row is made due at once
# (next_attempt_at = 0, attempts = 0), the gateway starts again. Its time is from the upload
# worker's start (log event 5000, "Uploads go to ...") to the last "Instance N uploaded" (5001, Debug),
# both from the gateway's own millisecond log timestamps; process start-up is excluded, the first
# upload (S3 client set-up, JIT) is included. A python3 sqlite3 poll every 100 ms checks that every
# row is state='uploaded' and gives the wall time from process launch as a cross-check, and the
# steady state (instances 2..N, first -> last upload) is shown as well.
# Then, in the same (now warmed-up) process, every row is made pending and due again, the bucket emptied,
# and the second pass is timed from that commit to the last upload ("gateway_warm"). Every pass starts with an
# empty bucket gw: an object that already holds the same bytes is verified and kept, not uploaded again.
# rclone's time is its wall time (its start-up included, ~0.1 s). Each run i re-uploads: the rows are
# set back to pending and rclone copies to a fresh prefix run<i>/ of bucket rc.
#
# Usage: tests/bench/upload.sh
# Env:   BENCH_SMALL_COUNT BENCH_LARGE_COUNT BENCH_LARGE_MB BENCH_HUGE_MB BENCH_RUNS (1)
#        BENCH_ONLY="small large huge" (the workloads to run)  BENCH_HUGE_RCLONE=0 (skip rclone on the huge instance)  BENCH_GATEWAY_EXE=PATH (no build)
#        BENCH_PERF=1 / BENCH_STRACE=1 (diagnostics: perf record -g / strace -c -f on the uploading gateway,
#        files kept with BENCH_KEEP=1 under WORKLOAD/; they slow it down)
#        BENCH_DATA_ROOT=DIR (diagnostics: the gateway's data folder under DIR, e.g. /dev/shm: no fsync cost)
#        BENCH_KEEP=1 (keep the temp dir)  BENCH_STRICT=1 (exit 3 when a target is missed)
# Exit:  0 measured; 1 setup/gateway/rclone failure; 3 a target missed with BENCH_STRICT=1.
set -euo pipefail
# run from a shell that systemd started, the gateway would take itself for the service and refuse the development store
unset INVOCATION_ID NOTIFY_SOCKET

self=$(readlink -f "${BASH_SOURCE[0]}")
here=$(dirname "$self")
repo=$(cd "$here/../.." && pwd)
. "$repo/tests/peers/lib.sh"
export TCP_NODELAY=1    # dcmtk 3.6.7 keeps Nagle on without it

GATEWAY_EXE=${BENCH_GATEWAY_EXE:-$repo/gateway/Imaging.Edge.Gateway/bin/Release/net10.0/imaging-edge}
S3RVER_BIN=$PEERS_NODE_DIR/node_modules/.bin/s3rver
AE=IMAGING_EDGE
SMALL_COUNT=${BENCH_SMALL_COUNT:-1000}
LARGE_COUNT=${BENCH_LARGE_COUNT:-3}
LARGE_MB=${BENCH_LARGE_MB:-50}
HUGE_MB=${BENCH_HUGE_MB:-2048}
RUNS=${BENCH_RUNS:-1}
HUGE_RCLONE=${BENCH_HUGE_RCLONE:-1}
UPLOAD_TIMEOUT=${BENCH_UPLOAD_TIMEOUT:-900}

for tool in storescu echoscu rclone sqlite3 node; do
    command -v "$tool" >/dev/null || { echo "upload.sh: $tool missing; run tests/peers/install.sh" >&2; exit 1; }
done
[[ -x $S3RVER_BIN ]] || { echo "upload.sh: $S3RVER_BIN missing; run tests/peers/install.sh" >&2; exit 1; }
"$PEERS_PYTHON" -c 'import pydicom' 2>/dev/null ||
    { echo "upload.sh: $PEERS_PYTHON cannot import pydicom; run tests/peers/install.sh" >&2; exit 1; }

tmp=$(mktemp -d /tmp/imaging-edge-upbench.XXXXXX)
gw_pid="" s3_pid="" child_pid="" extra_dirs=()
cleanup() {
    [[ -n $child_pid ]] && stop_pid "$child_pid" 10
    [[ -n $gw_pid ]] && stop_pid "$gw_pid" 30
    [[ -n $s3_pid ]] && stop_pid "$s3_pid" 10
    ((${#extra_dirs[@]} == 0)) || rm -rf "${extra_dirs[@]}"
    if [[ ${BENCH_KEEP:-0} == 1 ]]; then echo "upload.sh: kept $tmp" >&2; else rm -rf "$tmp"; fi
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# bg_run CMD...: run as a child and wait, so that a trapped TERM/INT is handled at once
bg_run() {
    "$@" &
    child_pid=$!
    local rc=0
    wait "$child_pid" || rc=$?
    child_pid=""
    return "$rc"
}
die() { echo "upload.sh: $*" >&2; exit 1; }

if [[ -z ${BENCH_GATEWAY_EXE:-} ]]; then
    echo "== building the gateway (Release)"
    bg_run dotnet build "$repo/gateway/Imaging.Edge.Gateway" -c Release --nologo -v quiet --disable-build-servers \
        >"$tmp/build.log" 2>&1 || { tail -n 30 "$tmp/build.log" >&2; die "gateway build failed"; }
fi
[[ -x $GATEWAY_EXE ]] || die "gateway executable missing: $GATEWAY_EXE"

echo "== making inputs in $tmp"
bg_run "$PEERS_PYTHON" "$here/make_inputs.py" small "$tmp/in/small" "$SMALL_COUNT"
bg_run "$PEERS_PYTHON" "$here/make_inputs.py" large "$tmp/in/large" "$LARGE_COUNT" "$LARGE_MB"
printf 'S3RVER' >"$tmp/access-key"
printf 'S3RVER' >"$tmp/secret-key"
: >"$tmp/rclone.conf"

# ---------------------------------------------------------------------------------------------
# gateway helpers
# ---------------------------------------------------------------------------------------------
write_config() {  # write_config FILE DATADIR DICOM_PORT S3_PORT
    cat >"$1" <<JSON
{
  "Gateway": { "DataDir": "$2", "SiteId": "bench", "GatewayId": "bench" },
  "Dicom": { "Port": $3, "BindAddress": "127.0.0.1", "AeTitle": "$AE" },
  "Queue": { "StableStudySeconds": 86400 },
  "Upload": {
    "Destination": "s3",
    "S3": { "ServiceUrl": "http://127.0.0.1:$4", "Bucket": "gw", "Region": "us-east-1", "PathStyle": true,
            "AccessKeyFile": "$tmp/access-key", "SecretKeyFile": "$tmp/secret-key" },
    "Concurrency": 4
  },
  "Logging": { "LogLevel": { "Default": "Information", "Imaging.Edge.Gateway.Upload.UploadWorker": "Debug" } }
}
JSON
}

start_gateway() {  # start_gateway CONFIG LOG: sets gw_pid and gw_t0 (launch time), waits for C-ECHO
    gw_t0=$EPOCHREALTIME
    "$GATEWAY_EXE" run --config "$1" </dev/null >"$2" 2>&1 &
    gw_pid=$!
    local deadline=$((SECONDS + 60))
    until echoscu -aec "$AE" 127.0.0.1 "$dicom_port" >/dev/null 2>&1; do
        if ! pid_alive "$gw_pid"; then
            tail -n 40 "$2" >&2; gw_pid=""; die "gateway exited before answering C-ECHO"
        fi
        ((SECONDS < deadline)) || { tail -n 40 "$2" >&2; die "gateway did not answer C-ECHO within 60 s"; }
        sleep 0.1
    done
}

start_s3rver() {  # start_s3rver PORT DIR: sets s3_pid
    mkdir -p "$2"
    node "$S3RVER_BIN" --address 127.0.0.1 --port "$1" --directory "$2" \
        --configure-bucket gw --configure-bucket rc --silent </dev/null >"$tmp/s3rver.log" 2>&1 &
    s3_pid=$!
    wait_port "$1" 30 "$s3_pid" || { cat "$tmp/s3rver.log" >&2; die "s3rver did not start"; }
}

sql() { "$PEERS_PYTHON" - "$@" <<'PY'
import sqlite3, sys
db = sqlite3.connect(sys.argv[1], timeout=30)
with db:
    rows = db.execute(sys.argv[2]).fetchall()
for r in rows:
    print(*r)
PY
}

# poll_uploaded DB TOTAL TIMEOUT: every 100 ms until every row is uploaded; prints the time then (epoch s).
# Fails if a row is failed, the gateway dies, or the timeout passes.
poll_uploaded() {
    "$PEERS_PYTHON" - "$1" "$2" "$3" "$gw_pid" <<'PY'
import os, sqlite3, sys, time
db_path, total, timeout, pid = sys.argv[1], int(sys.argv[2]), float(sys.argv[3]), sys.argv[4]
t0 = time.monotonic()
db = sqlite3.connect(f"file:{db_path}?mode=ro", uri=True, timeout=5)
while True:
    counts = dict(db.execute("SELECT state, count(*) FROM instances GROUP BY state").fetchall())
    if counts.get("uploaded", 0) >= total:
        print(f"{time.time():.6f}")
        sys.exit(0)
    if counts.get("failed", 0):
        sys.exit(f"poll: {counts['failed']} rows failed: {counts}")
    if not os.path.exists(f"/proc/{pid}"):
        sys.exit("poll: the gateway exited")
    if time.monotonic() - t0 > timeout:
        sys.exit(f"poll: timeout, states {counts}")
    time.sleep(0.1)
PY
}

# log_span LOG COLD: "SPAN N STEADY": seconds from the upload worker's start (event 5000) to the
# COLD-th "uploaded" line (the cold pass), the number of those lines, and seconds from the first to the COLD-th
log_span() {
    awk '
        function t(s,  a) { split(s, a, ":"); return a[1] * 3600 + a[2] * 60 + a[3] }
        /Uploads go to/ && !start { start = t($2) }
        /Instance [0-9]+ uploaded to/ { n++; if (n == 1) first = t($2); if (n == cold) last = t($2) }
        END { if (!start || n < cold) exit 1; printf "%.3f %d %.3f\n", last - start, n, last - first }' cold="$2" "$1"
}

# cpu_s PID: user + system CPU seconds the process has used so far
cpu_s() { awk -v hz="$(getconf CLK_TCK)" '{printf "%.2f\n", ($14 + $15) / hz}' "/proc/$1/stat" 2>/dev/null || echo 0; }
sub() { awk -v a="$1" -v b="$2" 'BEGIN {printf "%.2f", a - b}'; }

hwm_kb() { awk '/^VmHWM:/ {print $2}' "/proc/$1/status" 2>/dev/null || echo 0; }

bytes_of() { find "$1" -type f -name '*.dcm' -printf '%s\n' | awk '{s += $1} END {printf "%.0f\n", s}'; }

rclone_env() {
    env -u AWS_CA_BUNDLE RCLONE_CONFIG="$tmp/rclone.conf" \
        RCLONE_CONFIG_BENCH_TYPE=s3 RCLONE_CONFIG_BENCH_PROVIDER=Other \
        RCLONE_CONFIG_BENCH_ENDPOINT="http://127.0.0.1:$s3_port" RCLONE_CONFIG_BENCH_REGION=us-east-1 \
        RCLONE_CONFIG_BENCH_ACCESS_KEY_ID=S3RVER RCLONE_CONFIG_BENCH_SECRET_ACCESS_KEY=S3RVER \
        RCLONE_CONFIG_BENCH_FORCE_PATH_STYLE=true "$@"
}

# Every pass must upload: an object already holding the same bytes is verified by a HEAD and kept, not sent again
# (the uploader never overwrites a verified object), so a second pass into a full bucket measured HEADs, not uploads.
empty_gateway_bucket() {
    rclone_env rclone delete bench:gw >/dev/null 2>&1 || die "could not empty bucket gw"
    local left
    left=$(rclone_env rclone size --json bench:gw | "$PEERS_PYTHON" -c 'import json,sys; print(json.load(sys.stdin)["count"])')
    ((left == 0)) || die "bucket gw still holds $left objects"
}

# ---------------------------------------------------------------------------------------------
# one workload: ingest into a queue that cannot upload, then RUNS x (gateway upload, rclone copy)
# ---------------------------------------------------------------------------------------------
declare -A RES   # RES[side.load] = "seconds files bytes hwm_kb\n" per run
run_workload() {  # run_workload LOAD INPUT_DIR EXPECTED_FILES [RCLONE=1]
    local load=$1 input=$2 expected=$3 with_rclone=${4:-1}
    local work="$tmp/$load" data="$tmp/$load/data"
    if [[ -n ${BENCH_DATA_ROOT:-} ]]; then   # diagnostics: e.g. /dev/shm, where fsync costs nothing
        data=$(mktemp -d "$BENCH_DATA_ROOT/upbench-data.XXXXXX"); extra_dirs+=("$data")
    fi
    # the config file in a folder of its own: the configuration's file watcher (reloadOnChange) watches the
    # file's folder with its subfolders, and would see every write under a data folder beside it
    mkdir -p "$work/conf"
    dicom_port=$(free_port)
    s3_port=$(free_port)
    write_config "$work/conf/edge.json" "$data" "$dicom_port" "$s3_port"

    echo "== $load: ingest into the gateway (nothing listens on the S3 port $s3_port yet)"
    start_gateway "$work/conf/edge.json" "$work/ingest.log"
    bg_run storescu -aec "$AE" -aet BENCH +sd 127.0.0.1 "$dicom_port" "$input" >"$work/storescu.log" 2>&1 ||
        { tail -n 20 "$work/storescu.log" >&2; die "$load: storescu failed"; }
    stop_pid "$gw_pid" 30; gw_pid=""
    local db="$data/queue.db" total
    total=$(sql "$db" "SELECT count(*) FROM instances")
    ((total == expected)) || die "$load: $total rows in the queue, expected $expected"
    local bytes files
    bytes=$(bytes_of "$data/studies"); files=$(find "$data/studies" -type f -name '*.dcm' | wc -l)
    ((files == expected)) || die "$load: $files stored files, expected $expected"
    start_s3rver "$s3_port" "$work/s3"
    bg_run sync

    local i
    for ((i = 1; i <= RUNS; i++)); do
        empty_gateway_bucket
        sql "$db" "UPDATE instances SET state = 'pending', next_attempt_at = 0, attempts = 0, lease_owner = NULL,
                   lease_expires_at = NULL, upload_checkpoint = NULL, last_error = NULL" >/dev/null
        local log="$work/upload.$i.log" done_at wall span n steady hwm
        local s3c0 s3c1 gwc0 gwc1
        s3c0=$(cpu_s "$s3_pid")
        DOTNET_PerfMapEnabled=$((${BENCH_PERF:-0} == 1)) start_gateway "$work/conf/edge.json" "$log"
        gwc0=$(cpu_s "$gw_pid")
        local diag_pid=""   # diagnostics (slow the gateway down: not for the figures)
        if [[ ${BENCH_PERF:-0} == 1 ]]; then
            perf record -F 999 -g -p "$gw_pid" -o "$work/perf.$i.data" >"$work/perf.$i.log" 2>&1 &
            diag_pid=$!
        elif [[ ${BENCH_STRACE:-0} == 1 ]]; then
            strace -f -c -w -e trace=fsync,fdatasync,pwrite64,write -p "$gw_pid" -o "$work/strace.$i.txt" 2>"$work/strace.$i.log" &
            diag_pid=$!
        fi
        done_at=$(poll_uploaded "$db" "$total" "$UPLOAD_TIMEOUT") || { tail -n 30 "$log" >&2; die "$load: gateway upload did not finish"; }
        hwm=$(hwm_kb "$gw_pid")
        gwc1=$(cpu_s "$gw_pid"); s3c1=$(cpu_s "$s3_pid")
        # warm pass, same process: every row back to pending and due now, the bucket emptied; timed from that
        # commit to the last upload (the gateway's log).
        local t_warm warm_end wgc0 wgc1 ws3c0 ws3c1 warm
        sleep 2
        empty_gateway_bucket
        wgc0=$(cpu_s "$gw_pid"); ws3c0=$(cpu_s "$s3_pid")
        t_warm=$(sql "$db" "UPDATE instances SET state = 'pending', next_attempt_at = 0, attempts = 0,
                   upload_checkpoint = NULL, last_error = NULL" >/dev/null; date +%s.%N)
        poll_uploaded "$db" "$total" "$UPLOAD_TIMEOUT" >/dev/null || { tail -n 30 "$log" >&2; die "$load: warm pass did not finish"; }
        wgc1=$(cpu_s "$gw_pid"); ws3c1=$(cpu_s "$s3_pid")
        hwm=$(hwm_kb "$gw_pid")
        if [[ -n $diag_pid ]]; then kill -INT "$diag_pid"; wait "$diag_pid" || true; fi
        warm_end=$("$PEERS_PYTHON" - "$log" <<'PY'
import datetime, re, sys
last = None
for line in open(sys.argv[1]):
    if re.search(r"Instance \d+ uploaded to", line):
        last = line[:23]
dt = datetime.datetime.strptime(last, "%Y-%m-%d %H:%M:%S.%f").replace(tzinfo=datetime.timezone.utc)
print(f"{dt.timestamp():.3f}")
PY
)
        warm=$(sub "$warm_end" "$t_warm")
        stop_pid "$gw_pid" 30; gw_pid=""
        wall=$(awk -v a="$gw_t0" -v b="$done_at" 'BEGIN {printf "%.3f", b - a}')
        read -r span n steady < <(log_span "$log" "$total") || die "$load: no upload lines in $log"
        ((n >= 2 * total)) || die "$load: $n 'uploaded' log lines, expected $((2 * total))"
        printf '   %-5s run %d  gateway  %8.3f s worker start -> last upload (first -> last %.3f s; launch -> all rows uploaded %.3f s)  VmHWM %d kB\n' \
            "$load" "$i" "$span" "$steady" "$wall" "$hwm"
        printf '                         CPU s: gateway %s after C-ECHO ready (+%s start-up), s3rver %s\n' \
            "$(sub "$gwc1" "$gwc0")" "$gwc0" "$(sub "$s3c1" "$s3c0")"
        printf '   %-5s run %d  gateway  %8.3f s warm pass (same process, rows made due again)   CPU s: gateway %s, s3rver %s\n' \
            "$load" "$i" "$warm" "$(sub "$wgc1" "$wgc0")" "$(sub "$ws3c1" "$ws3c0")"
        RES[gateway_warm.$load]+="$warm $files $bytes $hwm"$'\n'

        RES[gateway.$load]+="$span $files $bytes $hwm"$'\n'
        RES[gateway_launch.$load]+="$wall $files $bytes $hwm"$'\n'
        if ((files >= 100)); then   # steady state: instances 2..N over first -> last upload (many files only)
            RES[gateway_steady.$load]+="$steady $((files - 1)) $(((bytes / files) * (files - 1))) $hwm"$'\n'
        fi

        ((with_rclone)) || continue
        bg_run sync
        local t0 t1 rc_log="$work/rclone.$i.log"
        s3c0=$(cpu_s "$s3_pid")
        t0=$EPOCHREALTIME
        bg_run rclone_env /usr/bin/time -f '%M %U %S' -o "$work/rclone.$i.rss" \
            rclone copy "$data/studies" "bench:rc/run$i" --transfers 4 --checkers 4 \
            --s3-upload-cutoff 16M --s3-chunk-size 8M --s3-upload-concurrency 4 \
            --log-file "$rc_log" --log-level NOTICE ||
            { tail -n 20 "$rc_log" >&2; die "$load: rclone copy failed"; }
        t1=$EPOCHREALTIME
        s3c1=$(cpu_s "$s3_pid")
        local rs rn rb rcu rcs
        rs=$(awk -v a="$t0" -v b="$t1" 'BEGIN {printf "%.3f", b - a}')
        read -r rn rb < <(rclone_env rclone size --json "bench:rc/run$i" |
            "$PEERS_PYTHON" -c 'import json,sys; d=json.load(sys.stdin); print(d["count"], d["bytes"])')
        ((rn == files && rb == bytes)) || die "$load: rclone stored $rn files / $rb bytes, expected $files / $bytes"
        read -r hwm rcu rcs < <(tail -n 1 "$work/rclone.$i.rss")
        printf '   %-5s run %d  rclone   %8.3f s (wall)  VmHWM %d kB\n' "$load" "$i" "$rs" "$hwm"
        printf '                         CPU s: rclone %s, s3rver %s\n' "$(awk -v a="$rcu" -v b="$rcs" 'BEGIN {printf "%.2f", a + b}')" "$(sub "$s3c1" "$s3c0")"
        RES[rclone.$load]+="$rs $files $bytes $hwm"$'\n'
    done
    # the gateway's bucket must hold every instance with the right total size
    read -r rn rb < <(rclone_env rclone size --json "bench:gw" |
        "$PEERS_PYTHON" -c 'import json,sys; d=json.load(sys.stdin); print(d["count"], d["bytes"])')
    ((rn == files && rb == bytes)) || die "$load: bucket gw holds $rn objects / $rb bytes, expected $files / $bytes"
    stop_pid "$s3_pid" 10; s3_pid=""
    rm -rf "$work/s3"; [[ ${BENCH_KEEP:-0} == 1 && $load != huge ]] || rm -rf "$data"   # disk: the huge case needs the room
}

ONLY=${BENCH_ONLY:-small large huge}
[[ " $ONLY " == *" small "* ]] && run_workload small "$tmp/in/small" "$SMALL_COUNT"
[[ " $ONLY " == *" large "* ]] && run_workload large "$tmp/in/large" "$LARGE_COUNT"
rm -rf "$tmp/in/small" "$tmp/in/large"
if [[ " $ONLY " == *" huge "* ]]; then
    echo "== making the huge input ($HUGE_MB MiB)"
    bg_run "$PEERS_PYTHON" "$here/make_inputs.py" huge "$tmp/in/huge" "$HUGE_MB"
    run_workload huge "$tmp/in/huge" 1 "$HUGE_RCLONE"
fi

# ---------------------------------------------------------------------------------------------
declare -A SECS FILES BYTES HWM
summarize() {  # median seconds over the runs, highest VmHWM
    local k=$1.$2 n
    [[ -n ${RES[$k]:-} ]] || return 0
    n=$(printf '%s' "${RES[$k]}" | grep -c .)
    read -r SECS[$k] FILES[$k] BYTES[$k] _ < <(printf '%s' "${RES[$k]}" | sort -g | sed -n "$(((n + 1) / 2))p")
    HWM[$k]=$(printf '%s' "${RES[$k]}" | awk '$4 > m {m = $4} END {print m + 0}')
}
sides=(gateway gateway_steady gateway_launch gateway_warm rclone)
for side in "${sides[@]}"; do for load in small large huge; do summarize "$side" "$load"; done; done
fmt() { awk "BEGIN {printf \"$1\", $2}"; }
echo
echo "Upload benchmark: queued instances -> s3rver 3.7.1 (127.0.0.1), 4 at once, median of $RUNS run(s)"
printf '%-15s %-6s %6s %10s %9s %9s %9s %10s\n' side load files MB seconds files/s MB/s "VmHWM MB"
for load in small large huge; do
    for side in "${sides[@]}"; do
        k=$side.$load
        [[ -n ${SECS[$k]:-} ]] || continue
        printf '%-15s %-6s %6d %10.1f %9.3f %9.1f %9.1f %10.1f\n' "$side" "$load" "${FILES[$k]}" \
            "$(fmt %.1f "${BYTES[$k]} / 1e6")" "${SECS[$k]}" "$(fmt %.3f "${FILES[$k]} / ${SECS[$k]}")" \
            "$(fmt %.3f "${BYTES[$k]} / 1e6 / ${SECS[$k]}")" "$(fmt %.1f "${HWM[$k]} / 1024")"
    done
done
printf '(small = %d x CT_small.dcm, large = %d x %d MB, huge = 1 x %d MiB; MB = 10^6 bytes; VmHWM = peak RSS.\n' \
    "$SMALL_COUNT" "$LARGE_COUNT" "$LARGE_MB" "$HUGE_MB"
printf ' gateway: upload worker start -> last upload (its log); gateway_steady: instances 2..N, first -> last upload;\n'
printf ' gateway_launch: process launch -> every row uploaded (100 ms poll); gateway_warm: second pass in the\n'
printf ' same process, rows made due again -> last upload; rclone: wall time of rclone copy, start-up included)\n'

verdict() { if awk "BEGIN {exit !($1 $2 $3)}"; then echo MET; else echo MISSED; fi; }
status=0
echo
for load in small large huge; do
    [[ -n ${SECS[gateway.$load]:-} && -n ${SECS[rclone.$load]:-} ]] || continue
    r=$(fmt %.2f "${SECS[rclone.$load]} / ${SECS[gateway.$load]}")   # files/s and MB/s ratios: same files, same bytes
    printf 'gateway/rclone %-5s files/s : %-6s target >= 1.00   %s\n' "$load" "$r" "$(verdict "$r" '>=' 1.00)"
    printf 'gateway/rclone %-5s MB/s    : %-6s target >= 1.00   %s\n' "$load" "$r" "$(verdict "$r" '>=' 1.00)"
    rw=$(fmt %.2f "${SECS[rclone.$load]} / ${SECS[gateway_warm.$load]}")
    printf '   warm gateway process (second pass) vs rclone: %s\n' "$rw"
    if [[ -n ${SECS[gateway_steady.$load]:-} ]]; then   # rates; steady counts instances 2..N
        rs=$(fmt %.2f "(${FILES[gateway_steady.$load]} / ${SECS[gateway_steady.$load]}) / (${FILES[rclone.$load]} / ${SECS[rclone.$load]})")
        printf '   steady state (gateway instances 2..N, first -> last upload) vs rclone: %s\n' "$rs"
    fi
    [[ $load == huge ]] || [[ $(verdict "$r" '>=' 1.00) == MET ]] || status=3
done
if [[ -n ${HWM[gateway.huge]:-} ]]; then
    rss=$(fmt %.1f "${HWM[gateway.huge]} / 1024")
    printf 'gateway peak RSS, %d MiB multipart upload : %s MB   target < 150 MB   %s\n' "$HUGE_MB" "$rss" "$(verdict "$rss" '<' 150)"
    [[ $(verdict "$rss" '<' 150) == MET ]] || status=3
fi
if [[ ${BENCH_STRICT:-0} == 1 ]]; then exit "$status"; fi
exit 0
