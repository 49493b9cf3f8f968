#!/usr/bin/env bash
# PostgreSQL for the audit log's multi-instance backend: install the server, or run a throwaway local cluster.
#
#   deploy/postgres.sh --install                      install the server with apt-get if no binaries are found
#   deploy/postgres.sh --bindir                       print the folder of initdb/pg_ctl (exit 3 if none)
#   deploy/postgres.sh --start --dir D [--port 54329] initdb + start a cluster in D on 127.0.0.1:PORT, print its DSN
#   deploy/postgres.sh --stop --dir D                 stop the cluster in D (the folder is left for you to delete)
#
# The throwaway cluster is for tests and demos: trust authentication on 127.0.0.1 only, fsync off, owned by a
# non-root system user (postgres refuses to run as root): 'postgres' if it exists, else 'pgaudit' (created).
# Production points ASSISTANT_AUDIT_POSTGRES_DSN at a managed server instead.
set -euo pipefail

MODE="" DIR="" PORT=54329
while [ $# -gt 0 ]; do
  case "$1" in
    --install|--bindir|--start|--stop) MODE=${1#--} ;;
    --dir) DIR=${2:?--dir needs a folder}; shift ;;
    --port) PORT=${2:?--port needs a number}; shift ;;
    *) echo "usage: $0 --install | --bindir | --start --dir D [--port N] | --stop --dir D" >&2; exit 2 ;;
  esac
  shift
done

find_bindir() {
  local d
  for d in $(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V -r); do
    [ -x "$d/initdb" ] && [ -x "$d/pg_ctl" ] && { echo "$d"; return 0; }
  done
  if command -v initdb >/dev/null && command -v pg_ctl >/dev/null; then
    dirname "$(readlink -f "$(command -v initdb)")"; return 0
  fi
  return 1
}

as_owner() {  # run a command as the cluster owner (root may not run postgres)
  if [ "$(id -u)" = 0 ]; then runuser -u "$OWNER" -- "$@"; else "$@"; fi
}

pick_owner() {
  if [ "$(id -u)" != 0 ]; then OWNER=$(id -un); return; fi
  if id postgres >/dev/null 2>&1; then OWNER=postgres; return; fi
  id pgaudit >/dev/null 2>&1 || useradd --system --no-create-home --shell /usr/sbin/nologin pgaudit
  OWNER=pgaudit
}

case "$MODE" in
  install)
    if BIN=$(find_bindir); then echo "PostgreSQL found: $BIN"; exit 0; fi
    if [ "$(id -u)" != 0 ] || ! command -v apt-get >/dev/null; then
      echo "no PostgreSQL binaries and cannot apt-get install (need root on Debian/Ubuntu): install 'postgresql'" >&2
      exit 3
    fi
    echo "==> apt-get install postgresql"
    DEBIAN_FRONTEND=noninteractive apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends postgresql >/dev/null
    BIN=$(find_bindir) || { echo "postgresql installed but initdb/pg_ctl not found" >&2; exit 3; }
    echo "PostgreSQL installed: $BIN"
    ;;
  bindir)
    find_bindir || { echo "no PostgreSQL binaries: run deploy/postgres.sh --install" >&2; exit 3; }
    ;;
  start)
    [ -n "$DIR" ] || { echo "--start needs --dir" >&2; exit 2; }
    BIN=$(find_bindir) || { echo "no PostgreSQL binaries: run deploy/postgres.sh --install" >&2; exit 3; }
    pick_owner
    mkdir -p "$DIR"
    [ "$(id -u)" = 0 ] && chown "$OWNER" "$DIR"
    chmod 700 "$DIR"
    as_owner "$BIN/initdb" -D "$DIR/data" -U audit --auth=trust -E UTF8 --locale=C.UTF-8 >"$DIR/initdb.log" 2>&1 \
      || { cat "$DIR/initdb.log" >&2; exit 4; }
    as_owner "$BIN/pg_ctl" -D "$DIR/data" -l "$DIR/server.log" -w -t 60 start \
      -o "-c listen_addresses=127.0.0.1 -p $PORT -k $DIR -c fsync=off -c synchronous_commit=off -c max_connections=100" \
      >/dev/null || { cat "$DIR/server.log" >&2; exit 4; }
    as_owner "$BIN/createdb" -h 127.0.0.1 -p "$PORT" -U audit audit
    echo "host=127.0.0.1 port=$PORT dbname=audit user=audit"
    ;;
  stop)
    [ -n "$DIR" ] || { echo "--stop needs --dir" >&2; exit 2; }
    BIN=$(find_bindir) || exit 0
    pick_owner
    if [ -f "$DIR/data/postmaster.pid" ]; then as_owner "$BIN/pg_ctl" -D "$DIR/data" -m fast -w stop >/dev/null; fi
    ;;
  *) echo "usage: $0 --install | --bindir | --start --dir D [--port N] | --stop --dir D" >&2; exit 2 ;;
esac
