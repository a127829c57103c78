#!/usr/bin/env bash
# Fault and attack figures (issue 13's re-run) against the release binary on a fresh demo
# database in SQLite: writes during an external write lock of 1 s and 10 s, peak memory with
# 200 parallel sign-ins, wrong passwords checked out of 40 parallel ones. /healthz is measured
# in the same run as the ceiling. Mail after kill -9 is measured by the test
# process::mail_a_killed_server_held_goes_out_within_30_seconds_at_most_once_more.
#
#   bash benches/faults.sh
set -euo pipefail
cd "$(dirname "$0")/.."
PORT=${PORT:-8097}
DIR=$(mktemp -d)
BIN=${BIN:-target/release/kehittamo}
export KEHITTAMO__DATABASE__URL="$DIR/faults.sqlite3" KEHITTAMO__MAIL__BACKEND=memory \
    KEHITTAMO__SERVER__PORT="$PORT" KEHITTAMO__LOG__FILTER=error KEHITTAMO__SERVER__TRUSTED_PROXIES=127.0.0.1
[ -x "$BIN" ] || cargo build --release
"$BIN" demo-data --people 200 > /dev/null
"$BIN" serve > "$DIR/server.log" 2>&1 &
SERVER=$!
trap 'kill $SERVER 2>/dev/null || true; rm -rf "$DIR"' EXIT
for _ in $(seq 1 300); do curl -sf "localhost:$PORT/readyz" > /dev/null && break; sleep 0.1; done
if command -v wrk > /dev/null; then
    echo "/healthz ceiling: $(wrk -t2 -c64 -d3s "http://127.0.0.1:$PORT/healthz" | grep Requests/sec)"
fi
BASE="http://127.0.0.1:$PORT" DB="$DIR/faults.sqlite3" SERVER_PID=$SERVER python3 benches/faults.py
