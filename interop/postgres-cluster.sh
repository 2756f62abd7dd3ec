# Sourced by interop/shared-queue and bench/shared-queue: a private PostgreSQL cluster from Debian's postgresql
# package, run as the postgres user (so the caller must be root), listening on 127.0.0.1 only, with passwords
# required over TCP, and a database "queue" owned by the user "posthorn".
#
#   pg_cluster_start DIR   initdb in DIR/pg, start it on a free port; sets PGBIN, PGPORT, DBPASS and writes
#                          DIR/db.credentials (posthorn:PASSWORD, mode 600); returns 1 with a reason on stderr
#   pg_cluster_sql SQL     runs SQL in "queue" as posthorn and prints the values, unaligned
#   pg_cluster_reset       drops and recreates "queue" (as the superuser, over the cluster's own socket)
#   pg_cluster_stop        stops the cluster at once (immediate mode)

pg_cluster_start() {
  local dir=$1
  PGBIN=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1)
  if [[ -z $PGBIN || ! -x $PGBIN/initdb ]] || ! id postgres >/dev/null 2>&1; then
    echo "Debian's postgresql is not installed (apt-get install -y postgresql)" >&2
    return 1
  fi
  [[ $(id -u) == 0 ]] || { echo "run as root: PostgreSQL is started as the postgres user" >&2; return 1; }
  PGDATA_DIR="$dir/pg"
  PGPORT=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
  DBPASS=$(head -c 18 /dev/urandom | base64 | tr -d '/+=')
  chmod 755 "$dir"
  mkdir -p "$PGDATA_DIR" && chown postgres: "$PGDATA_DIR"
  runuser -u postgres -- "$PGBIN/initdb" -D "$PGDATA_DIR" -U postgres --auth-local=trust \
    --auth-host=scram-sha-256 >"$dir/initdb.log" 2>&1 || { echo "initdb failed ($dir/initdb.log)" >&2; return 1; }
  runuser -u postgres -- "$PGBIN/pg_ctl" -D "$PGDATA_DIR" -l "$PGDATA_DIR/postgresql.log" -w -t 30 start \
    -o "-c listen_addresses=127.0.0.1 -c port=$PGPORT -c unix_socket_directories=$PGDATA_DIR -c max_connections=200" \
    >/dev/null || { echo "PostgreSQL did not start ($PGDATA_DIR/postgresql.log)" >&2; return 1; }
  runuser -u postgres -- "$PGBIN/psql" -h "$PGDATA_DIR" -p "$PGPORT" -U postgres -q \
    -c "CREATE USER posthorn PASSWORD '$DBPASS'" -c "CREATE DATABASE queue OWNER posthorn" \
    || { echo "could not create the user and database" >&2; return 1; }
  printf 'posthorn:%s\n' "$DBPASS" >"$dir/db.credentials"
  chmod 600 "$dir/db.credentials"
}

pg_cluster_sql() {
  PGPASSWORD=$DBPASS "$PGBIN/psql" -h 127.0.0.1 -p "$PGPORT" -U posthorn -d queue -At -c "$1"
}

pg_cluster_reset() {
  runuser -u postgres -- "$PGBIN/psql" -h "$PGDATA_DIR" -p "$PGPORT" -U postgres -q \
    -c "DROP DATABASE queue" -c "CREATE DATABASE queue OWNER posthorn"
}

pg_cluster_stop() {
  [[ -n ${PGDATA_DIR:-} ]] && runuser -u postgres -- "$PGBIN/pg_ctl" -D "$PGDATA_DIR" -m immediate stop \
    >/dev/null 2>&1 || true
}
