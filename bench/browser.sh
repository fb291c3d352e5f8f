# Sourced by the browser bench scripts (from the repository root).
#   prepare_browser              checks for Debian's Chromium, builds the Release server and the tests (whose build
#                                carries Playwright's driver and the Node.js it runs on)
#   browser_node SCRIPT ARGS...  runs a bench/*.mjs script with that Node.js, the driver's folder as its first argument
playwright=tests/Promptly.Tests/bin/Debug/net10.0/.playwright

prepare_browser() {
    command -v chromium >/dev/null || { echo "needs Debian's chromium (apt-get install chromium)" >&2; exit 2; }
    dotnet build -c Release src/Promptly >/dev/null
    dotnet build tests/Promptly.Tests >/dev/null
}

browser_node() {
    local script=$1
    shift
    "$playwright/node/linux-x64/node" "$script" "$PWD/$playwright/package" "$@"
}
