#!/bin/sh
# Screenshots of the ops view for the README: drives the page in headless Chromium against a fake fleet of 500
# gateways on a local Mosquitto (the test DashboardFleetTests, which also checks what it shows) at 1366x768, and
# writes dashboard-fleet.png and dashboard-detail.png into docs/images/ (or the folder given).
# Needs what the integration tests need: dotnet, mosquitto, chromium (tests/peers/install.sh).
set -eu
repo=$(cd "$(dirname "$0")/../.." && pwd)
out=$(mkdir -p "${1:-$repo/docs/images}" && cd "${1:-$repo/docs/images}" && pwd)
cd "$repo"
dotnet build tests/Imaging.Edge.Integration.Tests -c Release --nologo -v quiet
IMAGING_EDGE_SCREENSHOTS="$out" dotnet test tests/Imaging.Edge.Integration.Tests -c Release --no-build --nologo \
  --filter "FullyQualifiedName~Dashboard.DashboardFleetTests"
ls -l "$out/dashboard-fleet.png" "$out/dashboard-detail.png"
