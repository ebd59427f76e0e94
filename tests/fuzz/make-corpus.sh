#!/usr/bin/env bash
# Rebuilds the committed seed corpus under tests/fuzz/corpus/<target>/ from the test files on the machine:
# the fuzzer's own encoded messages (every target), pydicom's test files under 64 KiB (part10, dataset, with the
# deflated, big-endian, implicit and encapsulated syntaxes among them), the shipped configuration examples (config)
# and the hardware-profile captures (devicelink, deviceparser; built in). Crash-free inputs found interesting later
# (findings) are added by hand as finding-* files and kept. dcmtk's A-ASSOCIATE-RQs: capture-dcmtk-requests.py. Run from anywhere; needs a Release build.
set -euo pipefail
cd "$(dirname "$0")/../.."
corpus=tests/fuzz/corpus
fuzz=tests/Imaging.Edge.Fuzz/bin/Release/net10.0/Imaging.Edge.Fuzz.dll
[[ -f $fuzz ]] || dotnet build tests/Imaging.Edge.Fuzz -c Release --nologo -v quiet
find "$corpus" -name 'seed-*' -delete 2>/dev/null || true
dotnet "$fuzz" seeds "$corpus"
pydicom_files=$(/usr/bin/python3 -c 'import pydicom.data, os; print(os.path.join(os.path.dirname(pydicom.data.__file__), "test_files"))')
mapfile -t dcm < <(find "$pydicom_files" -maxdepth 1 -name '*.dcm' -size -64k | sort)
dotnet "$fuzz" import "$corpus" "${dcm[@]}"
/usr/bin/python3 tests/fuzz/capture-dcmtk-requests.py "$corpus"
mkdir -p "$corpus/config"
for f in packaging/edge.json packaging/examples/*.json; do
    cp "$f" "$corpus/config/seed-$(basename "$f")"
done
du -sh "$corpus"
for d in "$corpus"/*/; do printf '%s %s\n' "$(basename "$d")" "$(ls "$d" | wc -l)"; done
