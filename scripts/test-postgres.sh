#!/usr/bin/env bash
# Throwaway PostgreSQL 15 cluster for the integration tests (local runs and CI).
#   scripts/test-postgres.sh start   create the cluster once, start it if it is not running, print its URL
#   scripts/test-postgres.sh stop    stop it (the data directory stays, so the next start is fast)
#   scripts/test-postgres.sh url     print the URL only
#   scripts/test-postgres.sh status  exit 0 when the server is running, 1 when not
# It listens on 127.0.0.1:54329 only, with trust authentication: it holds nothing but test data and is reachable
# from this machine alone. Durability is switched off (fsync, full_page_writes) because the data is disposable.
# Every argument passed to a command below is a constant of this script: no caller input reaches a shell.
set -euo pipefail

# The newest installed server (Debian 12 ships 15).
PG_BIN="${PG_BIN:-$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)}"
PG_DIR="/tmp/ekasarn-test-pg"
PG_DATA="$PG_DIR/data"
PG_PORT=54329
PG_URL="postgres://postgres@127.0.0.1:${PG_PORT}/postgres"
LOCK_FILE="/tmp/ekasarn-test-pg.lock"

# initdb refuses to run as root, so as root the server runs as the `postgres` OS user; as any other user
# (a CI runner, a developer) it runs as that user.
as_owner() {
  if [ "$(id -u)" -eq 0 ]; then
    runuser -u postgres -- "$@"
  else
    "$@"
  fi
}

is_running() {
  [ -f "$PG_DATA/PG_VERSION" ] && as_owner "$PG_BIN/pg_ctl" -D "$PG_DATA" status >/dev/null 2>&1
}

wait_ready() {
  for _ in $(seq 1 100); do
    if "$PG_BIN/pg_isready" -q -h 127.0.0.1 -p "$PG_PORT" -U postgres; then return 0; fi
    sleep 0.1
  done
  echo "test-postgres: server did not become ready on 127.0.0.1:$PG_PORT" >&2
  return 1
}

create_cluster() {
  mkdir -p "$PG_DIR"
  if [ "$(id -u)" -eq 0 ]; then chown postgres: "$PG_DIR"; fi
  as_owner "$PG_BIN/initdb" -D "$PG_DATA" -U postgres --auth=trust --encoding=UTF8 --locale=C.UTF-8 >"$PG_DIR/initdb.log" 2>&1 \
    || { cat "$PG_DIR/initdb.log" >&2; return 1; }
  as_owner mkdir -p "$PG_DIR/socket"
  # Appended settings override the defaults written by initdb (last one wins in postgresql.conf).
  as_owner tee -a "$PG_DATA/postgresql.conf" >/dev/null <<CONF
# ekasarn test cluster
listen_addresses = '127.0.0.1'
port = $PG_PORT
unix_socket_directories = '$PG_DIR/socket'
max_connections = 200
fsync = off
synchronous_commit = off
full_page_writes = off
CONF
}

start() {
  # Several vitest runs may start at the same moment (global setup of each): serialise them.
  exec 9>"$LOCK_FILE"
  flock -w 60 9 || { echo "test-postgres: could not take $LOCK_FILE within 60 s" >&2; return 1; }
  if [ ! -f "$PG_DATA/PG_VERSION" ]; then create_cluster; fi
  if ! is_running; then
    # 9>&- : the server must not inherit the lock descriptor, or it would hold the lock for its whole life.
    as_owner "$PG_BIN/pg_ctl" -D "$PG_DATA" -l "$PG_DIR/server.log" -w -t 30 start >/dev/null 9>&- \
      || { echo "test-postgres: pg_ctl start failed; last lines of $PG_DIR/server.log:" >&2; tail -n 5 "$PG_DIR/server.log" >&2; return 1; }
  fi
  wait_ready
  echo "$PG_URL"
}

stop() {
  if is_running; then
    as_owner "$PG_BIN/pg_ctl" -D "$PG_DATA" -m fast -w stop >/dev/null
  fi
  echo "test-postgres: stopped"
}

case "${1:-}" in
  start) start ;;
  stop) stop ;;
  url) echo "$PG_URL" ;;
  status) is_running ;;
  *) echo "usage: $0 start|stop|url|status" >&2; exit 2 ;;
esac
