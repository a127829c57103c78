#!/usr/bin/env bash
# The dashboard's benchmark: the organisation-wide figures for the last year on the scale data set
# (100,000 ideas, 20,000 experiments) in SQLite, as the organisation's manager sees them.
# Builds the release binary and the data set if missing (as benches/load.sh does), then times
# the JSON figures and the page one request at a time.
#
#   bash benches/dashboard.sh          # 30 timed requests of each
set -euo pipefail
cd "$(dirname "$0")/.."
IDEAS=${IDEAS:-100000}
EXPERIMENTS=${EXPERIMENTS:-20000}
ROUNDS=${ROUNDS:-30}
PORT=${PORT:-8098}
DIR=${BENCH_DIR:-target/bench}
DB="$DIR/scale-$IDEAS-$EXPERIMENTS.sqlite3"
BIN=${BIN:-target/release/kehittamo}
export KEHITTAMO__DATABASE__URL="$DB" KEHITTAMO__MAIL__BACKEND=memory KEHITTAMO__SERVER__PORT="$PORT" KEHITTAMO__LOG__FILTER=warn

[ -x "$BIN" ] || cargo build --release
mkdir -p "$DIR"
if [ ! -f "$DB" ]; then
    echo "== creating the scale data set ($IDEAS ideas, $EXPERIMENTS experiments)"
    /usr/bin/time -f "   %e s, max RSS %M KB" "$BIN" demo-data --ideas "$IDEAS" --experiments "$EXPERIMENTS" > /dev/null
fi
"$BIN" serve > "$DIR/dashboard-server.log" 2>&1 &
SERVER=$!
trap 'kill $SERVER 2>/dev/null || true' EXIT
for _ in $(seq 1 100); do curl -sf "localhost:$PORT/readyz" > /dev/null && break; sleep 0.1; done
TOKEN=$(curl -s -X POST "localhost:$PORT/api/v1/auth/token" -H 'Content-Type: application/json' \
    -d '{"email":"johto@demo.kehittamo.fi","password":"kehittamo-demo-2026"}' | sed 's/.*"access_token":"\([^"]*\)".*/\1/')
TO=$(date -u +%F)
FROM=$(date -u -d "$TO - 365 days" +%F)
URL="localhost:$PORT/api/v1/dashboard?from=$FROM&to=$TO"
echo "== ideas in the year: $(curl -s "$URL" -H "Authorization: Bearer $TOKEN" | sed 's/.*"total":\([0-9]*\).*/\1/')"
measure() {
    local name=$1 url=$2
    for _ in $(seq 1 "$ROUNDS"); do
        curl -s -o /dev/null -w '%{time_total}\n' "$url" -H "Authorization: Bearer $TOKEN"
    done | sort -n | awk -v name="$name" '{ t[NR] = $1 * 1000 } END {
        printf "== %s: %d requests, min %.1f ms, median %.1f ms, p90 %.1f ms, max %.1f ms\n",
            name, NR, t[1], t[int((NR + 1) / 2)], t[int(NR * 0.9 + 0.5)], t[NR] }'
}
measure "dashboard figures, organisation-wide, one year (JSON)" "$URL"
measure "dashboard figures, one unit's subtree, one year (JSON)" \
    "$URL&unit=$(curl -s "localhost:$PORT/api/v1/units" -H "Authorization: Bearer $TOKEN" | sed 's/^\[{"id":\([0-9]*\).*/\1/')"
echo "== server memory"
grep -E "VmRSS|VmHWM" "/proc/$SERVER/status"
