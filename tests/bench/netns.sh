# shellcheck shell=bash
# Shared by the benchmarks that run one receiver per private network namespace (syscalls.sh, warmstart.sh).
# Source it after setting self=$(readlink -f "${BASH_SOURCE[0]}"): sets here, repo, AE, NS_PORT and NS (the
# unshare command), sources tests/peers/lib.sh, exports TCP_NODELAY.
unset INVOCATION_ID NOTIFY_SOCKET   # else the gateway takes itself for the service
here=$(dirname "$self")
repo=$(cd "$here/../.." && pwd)
. "$repo/tests/peers/lib.sh"
export TCP_NODELAY=1                # dcmtk 3.6.7 keeps Nagle on without it
AE=IMAGING_EDGE
NS_PORT=11112                       # inside a fresh network namespace every port is free
if [[ $(id -u) -eq 0 ]]; then NS=(unshare --net); else NS=(unshare --map-root-user --net); fi
