#!/usr/bin/env bash
# Coverage-guided fuzzing of every parser that reads bytes from outside the box (tests/fuzz/README.md).
#   tests/fuzz/run.sh [--seconds N] [--builtin] [target...]      (default: every target, 600 s each)
# With AFL++ (Debian package afl++) the assemblies under test are instrumented by SharpFuzz
# (dotnet tool SharpFuzz.CommandLine 2.3.0, installed into the work folder on first use) and each target runs
# `afl-fuzz -V N` from its committed corpus tests/fuzz/corpus/<target>/. Without afl-fuzz, or with --builtin, the
# built-in coverage-free mutational runner runs instead (it says so). Prints per target:
#   fuzz: <target> executions N, unique crashes M, corpus K (afl|builtin)
# Crashing inputs are copied to tests/fuzz/crashes/<target>/ (not committed: turn each into a regression test).
# Exits 1 if any target crashed.
set -euo pipefail
cd "$(dirname "$0")/../.."
root=$(pwd)
seconds=600
builtin=0
targets=()
while (($#)); do
    case $1 in
        --seconds) seconds=$2; shift 2 ;;
        --builtin) builtin=1; shift ;;
        -h|--help) sed -n 2,11p "$0"; exit 0 ;;
        *) targets+=("$1"); shift ;;
    esac
done

work=${FUZZ_WORK:-$root/tests/fuzz/.work}
crashes=$root/tests/fuzz/crashes
corpus=$root/tests/fuzz/corpus
nice -n 10 dotnet build tests/Imaging.Edge.Fuzz -c Release --nologo -v quiet >/dev/null || { echo "run.sh: build failed" >&2; exit 1; }
build=$root/tests/Imaging.Edge.Fuzz/bin/Release/net10.0
((${#targets[@]})) || mapfile -t targets < <(dotnet "$build/Imaging.Edge.Fuzz.dll" list)

if ((builtin == 0)) && ! command -v afl-fuzz >/dev/null; then
    echo "run.sh: afl-fuzz not found (apt-get install afl++): using the built-in coverage-free runner" >&2
    builtin=1
fi

status=0
builtin_target() {  # builtin_target TARGET WHY
    local out line execs crashed count
    out=$(nice -n 10 dotnet "$build/Imaging.Edge.Fuzz.dll" mutate --seconds "$seconds" --corpus "$corpus" --crashes "$crashes" "$1") || status=1
    printf '%s\n' "$out" | grep -v '^seed ' | grep -v "^$1: executions" || true
    line=$(printf '%s\n' "$out" | grep "^$1: executions")
    execs=$(sed -E 's/.*executions ([0-9]+).*/\1/' <<<"$line")
    crashed=$(sed -E 's/.*unique crashes ([0-9]+).*/\1/' <<<"$line")
    count=$(sed -E 's/.*corpus ([0-9]+).*/\1/' <<<"$line")
    echo "fuzz: $1 executions $execs, unique crashes $crashed, corpus $count (builtin: $2)"
}

if ((builtin)); then
    for t in "${targets[@]}"; do builtin_target "$t" "coverage-free"; done
    exit "$status"
fi

# A private, instrumented copy of the build: the build output itself stays uninstrumented for the CI slice.
sharpfuzz=$work/tools/sharpfuzz
[[ -x $sharpfuzz ]] || dotnet tool install --tool-path "$work/tools" SharpFuzz.CommandLine --version 2.3.0 >/dev/null
rm -rf "$work/bin" && mkdir -p "$work" && cp -r "$build" "$work/bin"
for assembly in Imaging.Edge.Dicom.dll Imaging.Edge.Devices.dll imaging-edge.dll; do
    "$sharpfuzz" "$work/bin/$assembly"
done

# No core dumps to wait for, no CPU to pin (the machine is shared), dotnet itself is not instrumented.
export AFL_SKIP_BIN_CHECK=1 AFL_SKIP_CPUFREQ=1 AFL_NO_AFFINITY=1 AFL_I_DONT_CARE_ABOUT_MISSING_CRASHES=1 AFL_NO_UI=1
for t in "${targets[@]}"; do
    out=$work/afl/$t
    # Up to three tries: on a loaded machine (2 cores, dozens of runnable tasks) AFL++ 4.04c with the SharpFuzz
    # child now and then reports "No instrumentation detected" on its first execution; the same corpus then runs fine.
    # After three failures the target gets the built-in runner for the same time (its line says so).
    for attempt in 1 2 3; do
        rm -rf "$out" && mkdir -p "$out"
        if nice -n 10 afl-fuzz -V "$seconds" -i "$corpus/$t" -o "$out" -t 10000 -m none \
            -- dotnet "$work/bin/Imaging.Edge.Fuzz.dll" afl "$t" >"$out.log" 2>&1; then
            break
        fi
        echo "run.sh: afl-fuzz failed for $t, attempt $attempt (log: $out.log): $(grep -o 'PROGRAM ABORT.*' "$out.log" | head -1)" >&2
        rm -f "$out/default/fuzzer_stats"
        sleep 10
    done
    if [[ ! -f $out/default/fuzzer_stats ]]; then
        builtin_target "$t" "afl++ did not start"
        continue
    fi
    stats=$out/default/fuzzer_stats
    execs=$(awk -F': ' '/^execs_done/ {print $2}' "$stats")
    crashed=$(awk -F': ' '/^saved_crashes/ {print $2}' "$stats")
    count=$(awk -F': ' '/^corpus_count/ {print $2}' "$stats")
    if ((crashed > 0)); then
        status=1
        mkdir -p "$crashes/$t"
        cp "$out"/default/crashes/id:* "$crashes/$t/"
        echo "run.sh: $t crashed; reproduce with: dotnet $build/Imaging.Edge.Fuzz.dll replay $t $crashes/$t/*" >&2
    fi
    echo "fuzz: $t executions $execs, unique crashes $crashed, corpus $count (afl++)"
done
exit "$status"
