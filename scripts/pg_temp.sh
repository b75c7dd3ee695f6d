#!/usr/bin/env bash
# A throwaway PostgreSQL 15 cluster for tests.
#   scripts/pg_temp.sh start DIR   initdb under DIR, start on a free 127.0.0.1 port (trust auth,
#                                  fsync off), create database zhengtong_test, and print its URL:
#                                  postgresql://postgres@127.0.0.1:PORT/zhengtong_test
#   scripts/pg_temp.sh stop DIR    stop that cluster and remove DIR
# Works as root (the server runs as the unprivileged user `postgres`, or `zt_pg` when there is no
# such user) and as any other user (the server runs as that user). Needs only the postgresql-15
# package; it does not touch the Debian default cluster. Progress goes to stderr, the URL alone to
# stdout, so: export ZT_TEST_PG_URL=$(scripts/pg_temp.sh start /tmp/zt-pg)
set -euo pipefail

usage() {
  echo "usage: $0 start DIR | stop DIR" >&2
  exit 2
}
[ $# -eq 2 ] || usage
cmd=$1
dir=$2

bindir=""
for candidate in "${ZT_PG_BINDIR:-}" /usr/lib/postgresql/15/bin; do
  if [ -n "$candidate" ] && [ -x "$candidate/pg_ctl" ]; then
    bindir=$candidate
    break
  fi
done
if [ -z "$bindir" ] && command -v pg_ctl >/dev/null 2>&1; then
  bindir=$(dirname "$(command -v pg_ctl)")
fi
[ -n "$bindir" ] || { echo "pg_temp: PostgreSQL server binaries not found (apt install postgresql-15)" >&2; exit 1; }

# Runs a command as the cluster's owner.
run_as_owner() {
  if [ "$(id -u)" -eq 0 ]; then
    runuser -u "$owner" -- "$@"
  else
    "$@"
  fi
}

if [ "$(id -u)" -eq 0 ]; then
  if id postgres >/dev/null 2>&1; then
    owner=postgres
  else
    owner=zt_pg
    id "$owner" >/dev/null 2>&1 || useradd --system --no-create-home --shell /usr/sbin/nologin "$owner"
  fi
else
  owner=$(id -un)
fi

case "$cmd" in
  start)
    mkdir -p "$dir"
    dir=$(cd "$dir" && pwd)
    if [ -e "$dir/data/PG_VERSION" ]; then
      echo "pg_temp: $dir already holds a cluster; stop it first" >&2
      exit 1
    fi
    if [ "$(id -u)" -eq 0 ]; then
      chown "$owner" "$dir"
      if ! runuser -u "$owner" -- test -w "$dir"; then
        echo "pg_temp: user $owner cannot reach $dir (a parent directory is private); use a directory under /tmp" >&2
        exit 1
      fi
    fi
    touch "$dir/.pg_temp"  # marks DIR as ours, so that stop may remove it
    locale=C
    if locale -a 2>/dev/null | grep -qix 'c.utf-\?8'; then locale=C.UTF-8; fi
    run_as_owner "$bindir/initdb" --pgdata="$dir/data" --username=postgres --auth=trust \
      --encoding=UTF8 --locale="$locale" --no-sync >"$dir/initdb.log" 2>&1 || {
      cat "$dir/initdb.log" >&2
      exit 1
    }
    # Trust only TCP connections from 127.0.0.1; no Unix socket, no other address.
    printf 'host all all 127.0.0.1/32 trust\n' | run_as_owner tee "$dir/data/pg_hba.conf" >/dev/null

    started=""
    for _ in $(seq 1 20); do
      port=$((20000 + RANDOM % 40000))
      # Skip ports something already listens on.
      if (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then continue; fi
      if run_as_owner "$bindir/pg_ctl" --pgdata="$dir/data" --log="$dir/server.log" --wait \
        --timeout=60 --silent start -o "-c listen_addresses=127.0.0.1 -c port=$port \
          -c unix_socket_directories='' -c fsync=off -c synchronous_commit=off \
          -c full_page_writes=off -c max_connections=200 -c max_wal_size=8GB" >/dev/null 2>&1; then
        started=$port
        break
      fi
      # Most likely the port was taken between the check and the start: try another.
      run_as_owner "$bindir/pg_ctl" --pgdata="$dir/data" --mode=immediate --silent stop >/dev/null 2>&1 || true
    done
    if [ -z "$started" ]; then
      echo "pg_temp: server did not start; see $dir/server.log:" >&2
      tail -n 20 "$dir/server.log" >&2 || true
      exit 1
    fi
    echo "$started" >"$dir/port"
    for _ in $(seq 1 100); do
      if "$bindir/pg_isready" -q -h 127.0.0.1 -p "$started"; then break; fi
      sleep 0.1
    done
    "$bindir/createdb" -h 127.0.0.1 -p "$started" -U postgres zhengtong_test
    echo "pg_temp: PostgreSQL running on 127.0.0.1:$started as $owner, data in $dir/data" >&2
    echo "postgresql://postgres@127.0.0.1:$started/zhengtong_test"
    ;;
  stop)
    if [ ! -d "$dir" ]; then
      echo "pg_temp: $dir does not exist; nothing to stop" >&2
      exit 0
    fi
    if [ ! -e "$dir/.pg_temp" ]; then
      echo "pg_temp: $dir was not made by pg_temp.sh start; not removing it" >&2
      exit 1
    fi
    if [ "$(id -u)" -eq 0 ] && [ -d "$dir/data" ]; then owner=$(stat -c %U "$dir/data"); fi
    if [ -e "$dir/data/postmaster.pid" ]; then
      run_as_owner "$bindir/pg_ctl" --pgdata="$dir/data" --mode=fast --wait --silent stop ||
        run_as_owner "$bindir/pg_ctl" --pgdata="$dir/data" --mode=immediate --silent stop || true
    fi
    rm -rf "$dir"
    echo "pg_temp: stopped and removed $dir" >&2
    ;;
  *)
    usage
    ;;
esac
