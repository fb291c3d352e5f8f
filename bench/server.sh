# Sourced by the bench scripts (from the repository root): starts the Release server and stops it again, by the pid
# it started and nothing else.
#   start_server DATA_FOLDER URL LOG [NAME=value ...]   the settings are passed to the server as environment
#   wait_for URL                                         until URL/health answers (30 s at most)
#   must_be_free URL                                     exits when something already answers there
#   stop PID; stop_server
#   alternate ROUNDS FUNCTION                            FUNCTION old|new ROUND for each round, old first in odd rounds
#   build_tree TREE                                      builds the load driver ($driver) and TREE's Release server; server_dll is TREE's
#   "${auth[@]}"                                          curl's arguments that send the operator key
server_dll=src/Promptly/bin/Release/net10.0/Promptly.dll
# The turn-load driver (bench/Promptly.TurnLoad), built in Release by build_tree or by the script.
driver=bench/Promptly.TurnLoad/bin/Release/net10.0/Promptly.TurnLoad.dll
server_pid=
# The servers these scripts start accept one operator key, made up per run; the promptly tools read it from
# PROMPTLY_KEY, curl sends it with "${auth[@]}".
export PROMPTLY_KEY=${PROMPTLY_KEY:-bench-$(od -An -N16 -tx1 /dev/urandom | tr -d ' \n')}
auth=(-H "Authorization: Bearer $PROMPTLY_KEY")

# A server left on the port would be measured instead of the one the script starts.
must_be_free() {
    if curl -s -o /dev/null "$1/health"; then echo "something already answers at $1; choose another port" >&2; exit 2; fi
}

wait_for() {
    for _ in $(seq 1 300); do
        curl -sf "$1/health" >/dev/null && return 0
        sleep 0.1
    done
    echo "nothing answers at $1" >&2
    exit 2
}

start_server() {
    local folder=$1 url=$2 log=$3
    shift 3
    must_be_free "$url"
    # env execs dotnet, so $! is the server's own pid.
    env Storage__DataFolder="$folder" Auth__OperatorKeys__0="$PROMPTLY_KEY" "$@" dotnet "$server_dll" --urls "$url" >>"$log" 2>&1 &
    server_pid=$!
    wait_for "$url" || { echo "see $log" >&2; exit 2; }
}

stop() {
    if [[ -n "${1:-}" ]] && kill -0 "$1" 2>/dev/null; then kill "$1"; wait "$1" 2>/dev/null || true; fi
}

build_tree() {
    dotnet build -c Release bench/Promptly.TurnLoad >/dev/null
    (cd "$1" && dotnet build -c Release src/Promptly >/dev/null)
    server_dll=$1/src/Promptly/bin/Release/net10.0/Promptly.dll
}

stop_server() {
    stop "$server_pid"
    server_pid=
}

# Two builds measured in turns, the one that goes first alternating, so that a change in the machine's load during a
# round falls on both.
alternate() {
    local rounds=$1 measure=$2 round build order
    for round in $(seq 1 "$rounds"); do
        if (( round % 2 )); then order="old new"; else order="new old"; fi
        for build in $order; do "$measure" "$build" "$round"; done
    done
}
