#!/usr/bin/env bash
# Runs the Python client tests (test/python) against a freshly built
# mlmd-server on a free loopback port, with Debian's python3-grpcio and
# python3-protobuf and the modules generated into gen/python.
set -euo pipefail
cd "$(dirname "$0")/.."

py=/usr/bin/python3 # Debian's interpreter: it sees python3-grpcio
"$py" -c 'import grpc, google.protobuf, pytest' 2>/dev/null || {
	echo "test-python: need python3-grpcio python3-protobuf python3-pytest (apt-get install them)" >&2
	exit 1
}

work="$(mktemp -d)"
pid=""
cleanup() {
	if [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null; then
		kill -TERM "$pid"
		wait "$pid" || true
	fi
	rm -rf "$work"
}
trap cleanup EXIT

go build -o "$work/mlmd-server" ./cmd/mlmd-server
port="$("$py" -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()')"
# MLMD_SERVER_FLAGS adds flags, e.g. the --postgres_config_* flags of a
# database to use instead of the in-memory one.
# shellcheck disable=SC2086
"$work/mlmd-server" --listen_address="127.0.0.1:$port" ${MLMD_SERVER_FLAGS:-} 2>"$work/server.log" &
pid=$!

# The server listens at once and answers once its store is open.
for _ in $(seq 1 100); do
	if grep -q 'msg="the store is open"' "$work/server.log"; then
		break
	fi
	kill -0 "$pid" 2>/dev/null || { echo "test-python: mlmd-server exited:" >&2; cat "$work/server.log" >&2; exit 1; }
	sleep 0.1
done

status=0
MLMD_SERVER="127.0.0.1:$port" PYTHONPATH="$PWD/gen/python" \
	"$py" -m pytest -q -p no:cacheprovider test/python "$@" || status=$?
if [ "$status" != 0 ]; then
	echo "--- server log" >&2
	cat "$work/server.log" >&2
fi
exit "$status"
