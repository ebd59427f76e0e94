#!/usr/bin/env bash
# The chaos soak (tests/soak/README.md): one command.
#   tests/soak/run.sh                 short form (CI): 2.5 minutes of chaos (longer until 50 kills), ~4 minutes in all
#   tests/soak/run.sh --minutes 60    a long run (the chaos phase lasts N minutes)
# Options: --seed N (repeat a run's random choices), --keep (keep the temporary folder: logs, buckets, data),
#          --no-serial (leave out the ASTM instrument on a pty pair)
#          --no-backup (leave out the primary going away and the backup taking over)
# Env:     SOAK_GATEWAY_EXE=PATH (default: the Release build of this checkout; built if missing)
# Last line: soak: sent N, acknowledged N, refused N, kills N, faults N, lost N, corrupt N, leaks N
# Exit 0 only if nothing was lost, corrupted or leaked and every other check held.
set -euo pipefail
# run from a shell that systemd started, the gateway would take itself for the service and refuse the development store
unset INVOCATION_ID NOTIFY_SOCKET
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
repo=$(cd "$here/../.." && pwd)
. "$repo/tests/peers/lib.sh"
export TCP_NODELAY=1    # dcmtk 3.6.7 keeps Nagle on without it

exe=${SOAK_GATEWAY_EXE:-$repo/gateway/Imaging.Edge.Gateway/bin/Release/net10.0/imaging-edge}
s3rver=${IMAGING_EDGE_TEST_S3RVER:-$PEERS_NODE_DIR/node_modules/.bin/s3rver}
for tool in storescu mosquitto mosquitto_sub node socat; do
    command -v "$tool" >/dev/null || { echo "soak: $tool missing; run tests/peers/install.sh" >&2; exit 1; }
done
[[ -x $s3rver ]] || { echo "soak: $s3rver missing; run tests/peers/install.sh" >&2; exit 1; }
"$PEERS_PYTHON" -c 'import pydicom' 2>/dev/null || { echo "soak: $PEERS_PYTHON cannot import pydicom; run tests/peers/install.sh" >&2; exit 1; }
if [[ ! -x $exe ]]; then
    echo "soak: building the gateway (Release)"
    dotnet build "$repo/gateway/Imaging.Edge.Gateway" -c Release --nologo -v quiet >&2
fi
exec "$PEERS_PYTHON" "$here/soak.py" --gateway "$exe" --s3rver "$s3rver" "$@"
