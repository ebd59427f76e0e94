# shellcheck shell=bash
# Helpers to start the test peers on 127.0.0.1. Source it:  . tests/peers/lib.sh
# Every start_* function runs the peer in the background with its output in DIR,
# waits until its port accepts connections and prints the peer's PID.
# Nothing here binds anything but 127.0.0.1.

PEERS_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
PEERS_NODE_DIR="$PEERS_DIR/.node"
# The Debian python has pydicom; a python3 earlier on PATH (pyenv, venv) may not.
if [[ -x /usr/bin/python3 ]]; then PEERS_PYTHON=/usr/bin/python3; else PEERS_PYTHON=python3; fi

# free_port: prints a TCP port on 127.0.0.1 that the kernel just reported free.
free_port() {
    "$PEERS_PYTHON" -c 'import socket
s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()'
}

# port_open PORT: true if something accepts TCP connections on 127.0.0.1:PORT.
port_open() {
    (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null
}

# pid_alive PID: true if PID exists and is not a zombie.
pid_alive() {
    local state
    state=$(awk '{print $3}' "/proc/$1/stat" 2>/dev/null) || return 1
    [[ -n $state && $state != Z && $state != X ]]
}

# wait_port PORT [TIMEOUT_SECONDS=20] [PID]: waits until 127.0.0.1:PORT accepts.
# Fails early if PID is given and that process died.
wait_port() {
    local port=$1 timeout=${2:-20} pid=${3:-}
    local deadline=$((SECONDS + timeout))
    until port_open "$port"; do
        if [[ -n $pid ]] && ! pid_alive "$pid"; then
            echo "wait_port: process $pid died before port $port opened" >&2
            return 1
        fi
        if ((SECONDS >= deadline)); then
            echo "wait_port: port $port not open after ${timeout}s" >&2
            return 1
        fi
        sleep 0.05
    done
}

# stop_pid PID [TIMEOUT_SECONDS=10]: SIGTERM, wait, SIGKILL after the timeout.
stop_pid() {
    local pid=$1 timeout=${2:-10}
    [[ -n $pid ]] || return 0
    kill -TERM "$pid" 2>/dev/null || return 0
    local deadline=$((SECONDS + timeout))
    while pid_alive "$pid"; do
        if ((SECONDS >= deadline)); then
            kill -KILL "$pid" 2>/dev/null || true
            break
        fi
        sleep 0.05
    done
    wait "$pid" 2>/dev/null || true   # reap it if it is our child
    return 0
}

# start_mosquitto PORT DIR: a private broker on 127.0.0.1:PORT, anonymous,
# no persistence. Config and log in DIR. Prints the PID.
start_mosquitto() {
    local port=$1 dir=$2
    mkdir -p "$dir"
    cat >"$dir/mosquitto.conf" <<CONF
listener $port 127.0.0.1
allow_anonymous true
persistence false
log_dest stderr
log_type error
log_type warning
log_type notice
CONF
    # run as the current user (mosquitto drops root to user "mosquitto" otherwise)
    if [[ $(id -u) -eq 0 ]]; then echo "user root" >>"$dir/mosquitto.conf"; fi
    mosquitto -c "$dir/mosquitto.conf" </dev/null >"$dir/mosquitto.log" 2>&1 &
    local pid=$!
    if ! wait_port "$port" 20 "$pid"; then
        cat "$dir/mosquitto.log" >&2
        stop_pid "$pid"
        return 1
    fi
    echo "$pid"
}

# start_s3rver PORT DIR: s3rver (tests/peers/install.sh) on 127.0.0.1:PORT,
# objects stored in DIR/data, log in DIR/s3rver.log. Prints the PID.
# Buckets are created by the tests (s3rver accepts any credentials).
start_s3rver() {
    local port=$1 dir=$2
    local bin="$PEERS_NODE_DIR/node_modules/.bin/s3rver"
    [[ -x $bin ]] || { echo "start_s3rver: $bin missing; run tests/peers/install.sh" >&2; return 1; }
    mkdir -p "$dir/data"
    node "$bin" --address 127.0.0.1 --port "$port" --directory "$dir/data" --silent \
        </dev/null >"$dir/s3rver.log" 2>&1 &
    local pid=$!
    if ! wait_port "$port" 30 "$pid"; then
        cat "$dir/s3rver.log" >&2
        stop_pid "$pid"
        return 1
    fi
    echo "$pid"
}
