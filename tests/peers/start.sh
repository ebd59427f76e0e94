#!/usr/bin/env bash
# tests/peers/start.sh NAME  (NAME: mosquitto | s3rver)
# Starts one peer on a free 127.0.0.1 port for manual work; state in .peers/NAME/
# (port, pid, data, log). Prints "NAME PORT PID". Stop it with tests/peers/stop.sh NAME.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
. "$here/lib.sh"
name=${1:?usage: start.sh mosquitto|s3rver}
state="$here/../../.peers/$name"
if [[ -f $state/pid ]] && pid_alive "$(cat "$state/pid")"; then
    echo "$name $(cat "$state/port") $(cat "$state/pid")"   # already running
    exit 0
fi
mkdir -p "$state"
port=$(free_port)
case $name in
    mosquitto) pid=$(start_mosquitto "$port" "$state") ;;
    s3rver)    pid=$(start_s3rver "$port" "$state") ;;
    *) echo "start.sh: unknown peer '$name' (mosquitto | s3rver)" >&2; exit 2 ;;
esac
echo "$port" >"$state/port"
echo "$pid" >"$state/pid"
echo "$name $port $pid"
