#!/usr/bin/env bash
# galera.sh - a throw-away 3-node MariaDB Galera cluster on the loopback
# interface, for tests, benchmarks and trying out multi-writer setups.
#
#   scripts/galera.sh start DIR          start nodes 1..3 (node 1 bootstraps)
#   scripts/galera.sh stop DIR           kill every node, keep DIR
#   scripts/galera.sh status DIR         one line per node; exit 1 if any is down
#   scripts/galera.sh kill DIR N         kill node N at once (SIGKILL, a crash)
#   scripts/galera.sh restart DIR N      start node N again; it rejoins (IST/SST)
#   scripts/galera.sh addrs DIR          print host:port of the nodes, comma-separated
#
# Ports are checked before a node starts: a port in use fails the start.
# Each node has its data, socket, pid file and log under DIR/nodeN, listens
# for SQL on 127.0.0.1:$((GALERA_SQL_PORT+N-1)) (default 4306..4308) and for
# group communication on 127.0.0.1:$((GALERA_GCOMM_PORT+10*(N-1))) (default
# 4567, 4577, 4587; IST on +1, rsync SST on +2), clear of a MariaDB on 3306
# or a PostgreSQL on 5432. root logs in over TCP without a password.
#
# Every step is bounded (GALERA_TIMEOUT seconds, default 90): a node that
# does not reach the Synced state in time fails the script with its log.
# Needs mariadb-server, galera-4 and rsync. Run as root, the nodes run as
# the mysql user (the rsync daemon of a state transfer, started by a root
# server, would write as nobody), so DIR is handed to mysql and must be
# reachable by it; run as another user, they run as that user.
set -euo pipefail

SQL_PORT="${GALERA_SQL_PORT:-4306}"
GCOMM_PORT="${GALERA_GCOMM_PORT:-4567}"
TIMEOUT="${GALERA_TIMEOUT:-90}"
NODES=3
PROVIDER="${GALERA_PROVIDER:-/usr/lib/galera/libgalera_smm.so}"
RUN_USER="$(id -un)"
[ "$(id -u)" -ne 0 ] || RUN_USER=mysql

die() { echo "galera.sh: $*" >&2; exit 1; }
usage() { sed -n '2,10p' "$0" >&2; exit 2; }

[ $# -ge 2 ] || usage
cmd="$1"
dir="$2"

sql_port() { echo $((SQL_PORT + $1 - 1)); }
gcomm_port() { echo $((GCOMM_PORT + 10 * ($1 - 1))); }
node_dir() { echo "$dir/node$1"; }

cluster_address() {
	local a="" n
	for n in $(seq 1 $NODES); do a="$a${a:+,}127.0.0.1:$(gcomm_port "$n")"; done
	echo "gcomm://$a"
}

# client N ARGS... runs the mariadb client against node N over its socket.
client() {
	local n="$1"; shift
	timeout 30 mariadb --no-defaults --protocol=socket -S "$(node_dir "$n")/sock" -u root --connect-timeout=5 "$@"
}

write_config() {
	local n="$1" d gp
	d="$(node_dir "$n")"
	gp="$(gcomm_port "$n")"
	cat >"$d/my.cnf" <<EOF
[mysqld]
user=$RUN_USER
datadir=$d/data
socket=$d/sock
pid-file=$d/data/mariadbd.pid
log-error=$d/error.log
port=$(sql_port "$n")
bind-address=127.0.0.1
skip-name-resolve
default_storage_engine=InnoDB
binlog_format=ROW
innodb_autoinc_lock_mode=2
innodb_buffer_pool_size=64M
innodb_log_file_size=16M
innodb_flush_log_at_trx_commit=2
max_connections=400
performance_schema=OFF
wsrep_on=ON
wsrep_provider=$PROVIDER
wsrep_cluster_name=gomlmd-test
wsrep_cluster_address=$(cluster_address)
wsrep_node_name=node$n
wsrep_node_address=127.0.0.1:$gp
wsrep_node_incoming_address=127.0.0.1:$(sql_port "$n")
wsrep_sst_method=rsync
wsrep_sst_receive_address=127.0.0.1:$((gp + 2))
wsrep_slave_threads=2
wsrep_provider_options="gmcast.listen_addr=tcp://127.0.0.1:$gp;ist.recv_addr=127.0.0.1:$((gp + 1));gcache.size=32M;evs.suspect_timeout=PT3S;evs.inactive_timeout=PT6S;evs.install_timeout=PT6S;pc.wait_prim_timeout=PT10S"
EOF
}

pid_of() {
	local f
	f="$(node_dir "$1")/pid"
	[ -s "$f" ] && cat "$f"
}

alive() {
	local pid
	pid="$(pid_of "$1" 2>/dev/null)" || return 1
	kill -0 "$pid" 2>/dev/null
}

# state N prints the node's wsrep_local_state_comment (Synced, Donor/Desynced,
# Joining...) or "down".
state() {
	local s
	s="$(client "$1" -N -B -e "SHOW GLOBAL STATUS LIKE 'wsrep_local_state_comment'" 2>/dev/null | cut -f2)" || s=""
	echo "${s:-down}"
}

wait_synced() {
	local n="$1" deadline=$((SECONDS + TIMEOUT))
	while [ $SECONDS -lt $deadline ]; do
		if ! alive "$n" && [ -s "$(node_dir "$n")/pid" ]; then
			tail -n 40 "$(node_dir "$n")/error.log" >&2 || true
			die "node $n exited while starting (log: $(node_dir "$n")/error.log)"
		fi
		if [ "$(state "$n")" = Synced ]; then return 0; fi
		sleep 0.3
	done
	tail -n 40 "$(node_dir "$n")/error.log" >&2 || true
	die "node $n is not Synced after ${TIMEOUT}s (log: $(node_dir "$n")/error.log)"
}

# port_free P fails if something listens on 127.0.0.1:P or *:P.
port_free() {
	! ss -Hltn "sport = :$1" 2>/dev/null | grep -q .
}

# start_node N [--wsrep-new-cluster]
start_node() {
	local n="$1" d p gp; shift
	d="$(node_dir "$n")"
	if alive "$n"; then return 0; fi
	gp="$(gcomm_port "$n")"
	for p in "$(sql_port "$n")" "$gp" $((gp + 1)) $((gp + 2)); do
		port_free "$p" || die "port $p of node $n is in use (another cluster?); choose others with GALERA_SQL_PORT and GALERA_GCOMM_PORT"
	done
	mkdir -p "$d"
	write_config "$n"
	[ "$(id -u)" -ne 0 ] || chown -R "$RUN_USER:" "$d"
	rm -f "$d/pid"
	if [ ! -d "$d/data/mysql" ]; then
		mkdir -p "$d/data"
		timeout "$TIMEOUT" mariadb-install-db --defaults-file="$d/my.cnf" --user="$RUN_USER" --datadir="$d/data" \
			--auth-root-authentication-method=normal --skip-test-db --skip-name-resolve --wsrep-on=OFF \
			>"$d/install.log" 2>&1 || { cat "$d/install.log" >&2; die "mariadb-install-db failed for node $n"; }
	fi
	# A node killed while it was the last one up may refuse to bootstrap
	# ("It may not be safe to bootstrap the cluster from this node").
	if [ "${1:-}" = --wsrep-new-cluster ] && [ -f "$d/data/grastate.dat" ]; then
		sed -i 's/^safe_to_bootstrap:.*/safe_to_bootstrap: 1/' "$d/data/grastate.dat"
	fi
	# setsid: the node must not die with the shell or test that started it.
	setsid mariadbd --defaults-file="$d/my.cnf" "$@" </dev/null >>"$d/stdout.log" 2>&1 &
	# mariadbd writes its pid file only late in start-up; remember the pid now.
	echo $! >"$d/pid"
}

grant_root_tcp() {
	# Replicated to the other nodes (DDL on mysql.* goes through TOI).
	client 1 -e "CREATE USER IF NOT EXISTS 'root'@'127.0.0.1';
		GRANT ALL PRIVILEGES ON *.* TO 'root'@'127.0.0.1' WITH GRANT OPTION;
		CREATE USER IF NOT EXISTS 'root'@'%';
		GRANT ALL PRIVILEGES ON *.* TO 'root'@'%' WITH GRANT OPTION;"
}

stop_node() {
	local n="$1" pid sig="${2:-TERM}" deadline
	pid="$(pid_of "$n" 2>/dev/null)" || return 0
	if kill -0 "$pid" 2>/dev/null; then
		kill -s "$sig" "$pid" 2>/dev/null || true
		deadline=$((SECONDS + 20))
		while kill -0 "$pid" 2>/dev/null && [ $SECONDS -lt $deadline ]; do sleep 0.2; done
		if kill -0 "$pid" 2>/dev/null; then
			kill -s KILL "$pid" 2>/dev/null || true
			sleep 0.3
		fi
	fi
	# rsync SST daemons of an interrupted transfer.
	if [ -f "$(node_dir "$n")/data/rsync_sst.pid" ]; then
		kill "$(cat "$(node_dir "$n")/data/rsync_sst.pid")" 2>/dev/null || true
		rm -f "$(node_dir "$n")/data/rsync_sst.pid"
	fi
	rm -f "$(node_dir "$n")/pid"
}

addrs() {
	local a="" n
	for n in $(seq 1 $NODES); do a="$a${a:+,}127.0.0.1:$(sql_port "$n")"; done
	echo "$a"
}

check_node_arg() {
	[ $# -ge 1 ] && [ "$1" -ge 1 ] 2>/dev/null && [ "$1" -le $NODES ] || die "node number must be 1..$NODES"
}

case "$cmd" in
start)
	for bin in mariadbd mariadb-install-db rsync; do command -v "$bin" >/dev/null || die "$bin not found (install mariadb-server and rsync)"; done
	[ -f "$PROVIDER" ] || die "$PROVIDER not found (install galera-4)"
	mkdir -p "$dir"
	dir="$(cd "$dir" && pwd)"
	if [ "$(id -u)" -eq 0 ]; then
		chmod 755 "$dir"
		su -s /bin/sh "$RUN_USER" -c "test -x '$dir'" || die "$dir is not reachable by the $RUN_USER user (a parent directory is private)"
	fi
	start_node 1 --wsrep-new-cluster
	wait_synced 1
	grant_root_tcp
	for n in $(seq 2 $NODES); do
		start_node "$n"
		wait_synced "$n"
	done
	echo "galera cluster up: $(addrs)"
	;;
stop)
	for n in $(seq $NODES -1 1); do stop_node "$n" KILL; done
	;;
status)
	rc=0
	for n in $(seq 1 $NODES); do
		s="$(state "$n")"
		size="$(client "$n" -N -B -e "SHOW GLOBAL STATUS LIKE 'wsrep_cluster_size'" 2>/dev/null | cut -f2)" || size=""
		echo "node$n 127.0.0.1:$(sql_port "$n") $s cluster_size=${size:-?}"
		[ "$s" = Synced ] || rc=1
	done
	exit $rc
	;;
kill)
	shift 2; check_node_arg "$@"
	stop_node "$1" KILL
	;;
restart)
	shift 2; check_node_arg "$@"
	dir="$(cd "$dir" && pwd)"
	stop_node "$1" KILL
	start_node "$1"
	wait_synced "$1"
	;;
addrs)
	addrs
	;;
*)
	usage
	;;
esac
