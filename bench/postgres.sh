# Sourced (from the repository root) by .ci/run and the bench scripts: a throwaway PostgreSQL cluster on loopback.
#   postgres_bin      prints the folder of Debian's server programs (initdb, pg_ctl: not on the PATH), nothing when
#                     PostgreSQL is not installed (Debian package postgresql)
#   start_postgres    a fresh cluster in a temporary folder: trust authentication, listening on 127.0.0.1 only, on the
#                     first free port from 55432; sets postgres_connection, an Npgsql connection string to its database
#                     'postgres' as the superuser 'promptly'
#   stop_postgres     stops it (fast shutdown) and deletes its folder; does nothing when none was started
# initdb and postgres refuse to run as root: as root they run as the postgres user that the Debian package creates.
postgres_bin() { ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1; }
postgres_dir=
postgres_connection=
as_postgres=()

start_postgres() {
    local bin port=55432
    bin=$(postgres_bin)
    postgres_dir=$(mktemp -d /tmp/promptly-postgres.XXXXXX)
    if [[ $(id -u) == 0 ]]; then chown postgres "$postgres_dir"; as_postgres=(runuser -u postgres --); fi
    while (echo >"/dev/tcp/127.0.0.1/$port") 2>/dev/null; do port=$((port + 1)); done
    "${as_postgres[@]}" "$bin/initdb" -D "$postgres_dir/data" -A trust -U promptly --no-sync >/dev/null
    "${as_postgres[@]}" "$bin/pg_ctl" -D "$postgres_dir/data" -l "$postgres_dir/server.log" -w \
        -o "-k $postgres_dir -p $port -c listen_addresses=127.0.0.1" start >/dev/null
    postgres_connection="Host=127.0.0.1;Port=$port;Username=promptly;Database=postgres"
    echo "PostgreSQL $("$bin/postgres" --version | awk '{print $3}') on 127.0.0.1:$port (folder $postgres_dir)"
}

stop_postgres() {
    [[ -n $postgres_dir ]] || return 0
    "${as_postgres[@]}" "$(postgres_bin)/pg_ctl" -D "$postgres_dir/data" -m fast -w stop >/dev/null 2>&1 || true
    rm -rf "$postgres_dir"
    postgres_dir=
}
