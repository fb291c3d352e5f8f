# Sourced (from the repository root) by deploy/two-instances.sh and bench/instances-load.sh: a throwaway nginx from
# deploy/nginx.conf in front of two instances, in a folder of its own, stopped by the pid it started.
#   start_nginx LISTEN INSTANCE_1 INSTANCE_2 [round-robin]   e.g. 127.0.0.1:5000 127.0.0.1:5101 127.0.0.1:5102; sets
#                                            nginx_pid, nginx_dir; round-robin drops the session affinity (benchmarks)
#   stop_nginx                                 stops it (SIGQUIT: graceful) and deletes its folder
# nginx comes from the Debian package nginx (/usr/sbin/nginx). As root its workers run as nobody, so the folder is
# left readable by them.
nginx_pid=
nginx_dir=

nginx_bin() { command -v nginx || { [[ -x /usr/sbin/nginx ]] && echo /usr/sbin/nginx; }; }

start_nginx() {
    local listen=$1 one=$2 two=$3 balance=${4:-session} bin affinity=()
    [[ $balance == round-robin ]] && affinity=(-e '/hash \$promptly_affinity consistent;/d')
    bin=$(nginx_bin) || { echo "nginx is not installed (Debian: apt-get install nginx)" >&2; exit 2; }
    nginx_dir=$(mktemp -d /tmp/promptly-nginx.XXXXXX)
    chmod 755 "$nginx_dir"
    sed -e "s|@FOLDER@|$nginx_dir|g" -e "s|@LISTEN@|$listen|g" -e "s|@INSTANCE_1@|$one|g" -e "s|@INSTANCE_2@|$two|g" "${affinity[@]}" \
        deploy/nginx.conf >"$nginx_dir/nginx.conf"
    "$bin" -p "$nginx_dir" -e "$nginx_dir/error.log" -c "$nginx_dir/nginx.conf" -g 'daemon off;' &
    nginx_pid=$!
    for _ in $(seq 1 100); do
        curl -s -o /dev/null "http://$listen/health" && return 0
        kill -0 "$nginx_pid" 2>/dev/null || break
        sleep 0.1
    done
    echo "nginx did not start on $listen; see $nginx_dir/error.log" >&2
    cat "$nginx_dir/error.log" >&2 || true
    exit 2
}

stop_nginx() {
    [[ -n $nginx_pid ]] || return 0
    # SIGQUIT: nginx's graceful stop; the master then ends its own workers.
    if kill -0 "$nginx_pid" 2>/dev/null; then kill -QUIT "$nginx_pid"; wait "$nginx_pid" 2>/dev/null || true; fi
    rm -rf "$nginx_dir"
    nginx_pid=
    nginx_dir=
}
