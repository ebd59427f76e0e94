#!/usr/bin/env bash
# tests/peers/stop.sh [NAME...]: stops peers started by start.sh (all when no NAME).
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
. "$here/lib.sh"
root="$here/../../.peers"
[[ -d $root ]] || exit 0
names=("$@")
if ((${#names[@]} == 0)); then
    for d in "$root"/*/; do [[ -d $d ]] && names+=("$(basename "$d")"); done
fi
for name in "${names[@]}"; do
    f="$root/$name/pid"
    [[ -f $f ]] || continue
    stop_pid "$(cat "$f")"
    rm -f "$f" "$root/$name/port"
done
