#!/usr/bin/env bash
# Installs the real peers the tests talk to. Idempotent and quiet: prints nothing
# and touches no network when everything is already there; on failure prints the
# captured output of the failing step and exits non-zero.
# Needs root (apt) on a Debian 12 machine with node 20 + npm.
set -euo pipefail

S3RVER_VERSION=3.7.1            # newest 3.x on npm (npm view s3rver versions)
# chromium: headless browser for the ops view's tests (packaging/dashboard, driven over DevTools)
# strace: the file store's durability test watches the order of its fsync and rename calls
APT_PACKAGES=(dcmtk dicom3tools libgdcm-tools python3 python3-pydicom socat mosquitto mosquitto-clients iproute2 util-linux procps rclone chromium strace lintian fakeroot binutils-aarch64-linux-gnu)

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
node_dir="$here/.node"
log=$(mktemp /tmp/peers-install.XXXXXX)
trap 'rm -f "$log"' EXIT

run_quiet() {  # run_quiet DESCRIPTION CMD...: no output unless CMD fails
    local what=$1; shift
    if ! "$@" >"$log" 2>&1; then
        echo "tests/peers/install.sh: $what failed:" >&2
        cat "$log" >&2
        exit 1
    fi
}

# --- apt packages -------------------------------------------------------------
# one dpkg-query for all packages; a package is missing unless "install ok installed"
declare -A ok=()
while read -r name status; do
    [[ $status == "install ok installed" ]] && ok[${name%%:*}]=1
done < <(dpkg-query -W -f='${Package} ${Status}\n' "${APT_PACKAGES[@]}" 2>/dev/null || true)
missing=()
for p in "${APT_PACKAGES[@]}"; do [[ -n ${ok[$p]:-} ]] || missing+=("$p"); done
if ((${#missing[@]})); then
    if [[ $(id -u) -ne 0 ]]; then
        echo "tests/peers/install.sh: missing packages (${missing[*]}); run as root" >&2
        exit 1
    fi
    export DEBIAN_FRONTEND=noninteractive
    run_quiet "apt-get update" apt-get update -q
    run_quiet "apt-get install ${missing[*]}" \
        apt-get install -y -q -o Dpkg::Options::=--force-confold "${missing[@]}"
fi
# --- arm64 user-mode emulation: the appliance's arm64 build is started under qemu ---
# (dpkg needs the foreign architecture before apt can see the :arm64 libraries the .NET runtime loads)
ARM64_PACKAGES=(qemu-user-static libc6:arm64 libstdc++6:arm64 libgcc-s1:arm64 libssl3:arm64 zlib1g:arm64 libicu72:arm64)
arm64_missing=()
for p in "${ARM64_PACKAGES[@]}"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || arm64_missing+=("$p")
done
if ((${#arm64_missing[@]})); then
    if [[ $(id -u) -ne 0 ]]; then
        echo "tests/peers/install.sh: missing packages (${arm64_missing[*]}); run as root" >&2
        exit 1
    fi
    export DEBIAN_FRONTEND=noninteractive
    dpkg --print-foreign-architectures | grep -qx arm64 || run_quiet "dpkg --add-architecture arm64" dpkg --add-architecture arm64
    run_quiet "apt-get update" apt-get update -q
    run_quiet "apt-get install ${arm64_missing[*]}" apt-get install -y -q -o Dpkg::Options::=--force-confold "${arm64_missing[@]}"
fi

# The tests start their own mosquitto on a free port (tests/peers/lib.sh); the
# system service that the Debian package may have started (1883) is never used.

# --- s3rver (npm, pinned, local prefix) ---------------------------------------
have_s3rver() {
    [[ -x "$node_dir/node_modules/.bin/s3rver" ]] &&
    grep -Eq "\"version\": *\"${S3RVER_VERSION//./\\.}\"" "$node_dir/node_modules/s3rver/package.json" 2>/dev/null
}
if ! have_s3rver; then
    command -v npm >/dev/null || { echo "tests/peers/install.sh: npm not found (need node 20 + npm)" >&2; exit 1; }
    mkdir -p "$node_dir"
    [[ -f "$node_dir/package.json" ]] || echo '{ "name": "imaging-edge-test-peers", "private": true }' >"$node_dir/package.json"
    run_quiet "npm install s3rver@$S3RVER_VERSION" \
        npm install --prefix "$node_dir" --save-exact --no-audit --no-fund --loglevel=error \
            "s3rver@$S3RVER_VERSION"
    have_s3rver || { echo "tests/peers/install.sh: s3rver $S3RVER_VERSION not usable after npm install" >&2; exit 1; }
fi

# --- sanity: pydicom must be importable by the Debian python ------------------
if ! /usr/bin/python3 -c 'import importlib.util, sys; sys.exit(importlib.util.find_spec("pydicom") is None)' 2>/dev/null; then
    echo "tests/peers/install.sh: /usr/bin/python3 cannot import pydicom" >&2
    exit 1
fi
