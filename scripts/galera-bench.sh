#!/usr/bin/env bash
# galera-bench.sh - bench/serverload against mlmd-server replicas over the
# Galera cluster of scripts/galera.sh: 1, 2 and 3 replicas (one per node,
# real mlmd-server processes on one shared database), CLIENTS clients per
# replica, for DURATION; prints serverload's report and the cluster's
# certification failures and brute-force aborts during each run.
#
#   scripts/galera-bench.sh DIR [CLIENTS_PER_REPLICA [DURATION [MODE [SERVERLOAD_FLAGS...]]]]
#
# MODE "spread" (the default) puts replica i on node i: every node takes
# writes. MODE "single" puts every replica on node 1, the single-writer
# setup a proxy gives (the other nodes are standbys that apply the writes).
# DIR is a running cluster (scripts/galera.sh start DIR).
set -euo pipefail
cd "$(dirname "$0")/.."
dir="${1:?usage: $0 DIR [CLIENTS_PER_REPLICA [DURATION]]}"
per="${2:-8}"
duration="${3:-15s}"
mode="${4:-spread}"
shift $(($# < 4 ? $# : 4))
extra=("$@") # e.g. -names
mapfile -t nodes < <(scripts/galera.sh addrs "$dir" | tr ',' '\n')
bin="$(mktemp -d)"
pids=()
cleanup() {
	for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
	wait 2>/dev/null || true
	rm -rf "$bin"
}
trap cleanup EXIT
go build -o "$bin/mlmd-server" ./cmd/mlmd-server
go build -o "$bin/serverload" ./bench/serverload

# status NAME sums a wsrep status counter over the nodes.
status() {
	local sum=0 n v
	for n in "${nodes[@]}"; do
		v="$(mariadb --no-defaults -h "${n%:*}" -P "${n#*:}" -u root -N -B -e "SHOW GLOBAL STATUS LIKE '$1'" | cut -f2)"
		sum=$((sum + v))
	done
	echo "$sum"
}

for replicas in 1 2 3; do
	db="mlmd_bench_${replicas}_$$"
	addrs=""
	pids=()
	port=27080
	for i in $(seq 0 $((replicas - 1))); do
		# A free port: another program may hold any fixed one.
		while ss -Hltn "sport = :$port" | grep -q .; do port=$((port + 1)); done
		node="${nodes[$i]}"
		[ "$mode" = spread ] || node="${nodes[0]}"
		"$bin/mlmd-server" -listen_address "127.0.0.1:$port" -log_level warn \
			-mysql_config_host "${node%:*}" -mysql_config_port "${node#*:}" \
			-mysql_config_database "$db" -mysql_config_user root >"$bin/server$i.log" 2>&1 &
		pids+=($!)
		addrs="$addrs${addrs:+,}127.0.0.1:$port"
		port=$((port + 1))
	done
	for a in ${addrs//,/ }; do
		for _ in $(seq 1 150); do
			(exec 3<>"/dev/tcp/${a%:*}/${a#*:}") 2>/dev/null && break
			sleep 0.2
		done
	done
	for p in "${pids[@]}"; do
		kill -0 "$p" 2>/dev/null || { cat "$bin"/server*.log >&2; echo "an mlmd-server exited" >&2; exit 1; }
	done
	cf0="$(status wsrep_local_cert_failures)"; bf0="$(status wsrep_local_bf_aborts)"; ws0="$(status wsrep_replicated)"
	echo "=== $replicas replica(s) ($mode), $((per * replicas)) clients, $duration"
	"$bin/serverload" -addr "$addrs" -clients $((per * replicas)) -duration "$duration" -baseline=false -keep-going "${extra[@]}"
	cf1="$(status wsrep_local_cert_failures)"; bf1="$(status wsrep_local_bf_aborts)"; ws1="$(status wsrep_replicated)"
	echo "write sets replicated: $((ws1 - ws0)), certification failures: $((cf1 - cf0)), brute-force aborts: $((bf1 - bf0))"
	for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
	wait "${pids[@]}" 2>/dev/null || true
	pids=()
	mariadb --no-defaults -h "${nodes[0]%:*}" -P "${nodes[0]#*:}" -u root -e "DROP DATABASE IF EXISTS $db"
done
