#!/usr/bin/env bash
# THE test command: installs the peers, builds the solution (Release), runs every
# test project and the chaos soak's short form (tests/soak/run.sh, ~4 min) and prints, as its last line:
#     tests: N passed, M failed, K skipped
# summed over the TRX files of this run (tests/results/). Exits non-zero if the
# build failed, any test failed, the test run itself failed, or no test ran.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)
results="$root/tests/results"

# A CI runner started by systemd passes INVOCATION_ID on; the gateway would take itself for the service and refuse
# its development default (a file store inside the data folder). Tests that need it set it themselves.
unset INVOCATION_ID NOTIFY_SOCKET
export TCP_NODELAY=1                    # dcmtk 3.6.7 keeps Nagle on without it
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 DOTNET_SKIP_FIRST_TIME_EXPERIENCE=1
# Hints for the integration tests (they start their peers themselves):
export IMAGING_EDGE_TEST_PYTHON=/usr/bin/python3   # has pydicom; a pyenv python3 may not
export IMAGING_EDGE_TEST_S3RVER="$root/tests/peers/.node/node_modules/.bin/s3rver"

BUILD_TIMEOUT=${BUILD_TIMEOUT:-420}     # seconds; whole run must stay under 20 minutes
TEST_TIMEOUT=${TEST_TIMEOUT:-900}

summary() {  # summary N M K
    echo "tests: $1 passed, $2 failed, $3 skipped"
}

if ! tests/peers/install.sh; then
    echo "run.sh: installing the test peers failed" >&2
    summary 0 0 0
    exit 1
fi

rm -rf "$results"
mkdir -p "$results"

if ! timeout --kill-after=20 "$BUILD_TIMEOUT" dotnet build Imaging.Edge.sln -c Release --nologo -v quiet; then
    echo "run.sh: build failed (or exceeded ${BUILD_TIMEOUT}s)" >&2
    summary 0 0 0
    exit 1
fi

# One `dotnet test` per test project, each with its own TRX file name (the default
# names carry only a timestamp to the second and can collide).
mapfile -t projects < <(dotnet sln Imaging.Edge.sln list | grep -E '^tests/.*Tests\.csproj$' | sort)
if ((${#projects[@]} == 0)); then
    echo "run.sh: no test project in Imaging.Edge.sln" >&2
    summary 0 0 0
    exit 1
fi
test_rc=0
deadline=$((SECONDS + TEST_TIMEOUT))
for proj in "${projects[@]}"; do
    name=$(basename "$proj" .csproj)
    left=$((deadline - SECONDS))
    if ((left <= 0)); then
        echo "run.sh: test time budget (${TEST_TIMEOUT}s) used up before $name" >&2
        test_rc=124; break
    fi
    rc=0
    timeout --kill-after=20 "$left" \
        dotnet test "$proj" -c Release --no-build --nologo \
            --logger "trx;LogFileName=$name.trx" --results-directory "$results" \
            --blame-hang-timeout 5m \
        || rc=$?
    if ((rc != 0)); then
        echo "run.sh: dotnet test $name exited with $rc" >&2
        test_rc=$rc
    fi
done

# The chaos soak's short form (tests/soak/README.md) counts as one test; SOAK=0 leaves it out.
soak_passed=0 soak_failed=0
if [[ ${SOAK:-1} != 0 ]]; then
    soak_rc=0
    timeout --kill-after=20 "${SOAK_TIMEOUT:-360}" tests/soak/run.sh >"$results/soak.log" 2>&1 || soak_rc=$?
    tail -n 1 "$results/soak.log"
    if ((soak_rc == 0)); then soak_passed=1; else
        soak_failed=1
        echo "run.sh: the soak failed (exit $soak_rc); its log: tests/results/soak.log" >&2
        grep -E 'FAILED|Traceback|Error' "$results/soak.log" | tail -n 20 >&2 || true
    fi
fi

read -r passed failed skipped ntrx < <(python3 - "$results" <<'PY'
# Count the top-level UnitTestResult outcomes of every TRX file (the Counters element
# leaves xunit's skipped tests out of notExecuted); failures also come from Counters
# so that an aborted run without result rows still counts as failed.
import glob, os, sys
import xml.etree.ElementTree as ET
ns = "{http://microsoft.com/schemas/VisualStudio/TeamTest/2010}"
FAILED = {"Failed", "Error", "Timeout", "Aborted"}
passed = failed = skipped = n = 0
for path in sorted(glob.glob(os.path.join(sys.argv[1], "**", "*.trx"), recursive=True)):
    try:
        root = ET.parse(path).getroot()
    except ET.ParseError as e:
        print(f"run.sh: unreadable TRX {path}: {e}", file=sys.stderr)
        failed += 1
        continue
    n += 1
    p = f = s = 0
    for r in root.findall(f"{ns}Results/{ns}UnitTestResult"):
        outcome = r.get("outcome", "")
        if outcome == "Passed":
            p += 1
        elif outcome in FAILED:
            f += 1
        else:
            s += 1
    c = root.find(f"{ns}ResultSummary/{ns}Counters")
    if c is not None:
        f = max(f, sum(int(c.get(k, "0")) for k in ("failed", "error", "timeout", "aborted")))
    passed += p; failed += f; skipped += s
print(passed, failed, skipped, n)
PY
)

passed=$((passed + soak_passed)); failed=$((failed + soak_failed))
status=0
if ((test_rc != 0)); then status=1; fi
if ((ntrx == 0)); then
    echo "run.sh: no TRX file written under tests/results" >&2; status=1
fi
if ((failed > 0)); then status=1; fi
if ((passed + failed == 0)); then
    echo "run.sh: no test ran" >&2; status=1
fi
summary "$passed" "$failed" "$skipped"
exit "$status"
