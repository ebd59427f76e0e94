#!/bin/sh
# Memory of the ops view over time ("memory flat over 10 minutes", issue 16). Drives the page in headless Chromium
# against the fake fleet of 500 gateways publishing status and heartbeat every 2 s through a local Mosquitto (the
# skipped-in-CI test Dashboard.DashboardMemorySoak) and prints, every minute, the JS heap and the array buffers after
# a forced garbage collection (DevTools HeapProfiler.collectGarbage, then Runtime.getHeapUsage) with the DOM's nodes
# and listeners, and at the end the ratio last/first; fails when they grew by 10 % or more.
# Usage: soak-memory.sh [minutes, default 10] [index.html to measure instead of this folder's, e.g. an older copy]
# Needs what the integration tests need: dotnet, mosquitto, chromium (tests/peers/install.sh).
set -eu
repo=$(cd "$(dirname "$0")/../.." && pwd)
minutes=${1:-10}
page=""
if [ -n "${2:-}" ]; then page=$(cd "$(dirname "$2")" && pwd)/$(basename "$2"); fi
log=$(mktemp)
follower=""
trap '[ -z "$follower" ] || kill "$follower" 2>/dev/null; rm -f "$log"' EXIT
cd "$repo"
dotnet build tests/Imaging.Edge.Integration.Tests -c Release --nologo -v quiet
tail -f "$log" &
follower=$!
IMAGING_EDGE_DASHBOARD_SOAK_MINUTES="$minutes" IMAGING_EDGE_DASHBOARD_SOAK_LOG="$log" IMAGING_EDGE_DASHBOARD_PAGE="$page" \
  dotnet test tests/Imaging.Edge.Integration.Tests -c Release --no-build --nologo \
  --filter "FullyQualifiedName~Dashboard.DashboardMemorySoak"
