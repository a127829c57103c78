#!/usr/bin/env bash
# Load benchmark for the idea pages: builds the release binary, creates the scale data set
# (100,000 ideas with about 300,000 comments) in a SQLite file once, starts the server and
# measures with wrk from the same machine. Loopback only; every run is bounded in time.
#
#   bash benches/load.sh              # defaults: 100000 ideas, 64 connections, 10 s per case
#   IDEAS=20000 DURATION=5 bash benches/load.sh
#
# Needs wrk (apt-get install wrk) and curl.
set -euo pipefail
cd "$(dirname "$0")/.."
IDEAS=${IDEAS:-100000}
EXPERIMENTS=${EXPERIMENTS:-20000}
CONNECTIONS=${CONNECTIONS:-64}
DURATION=${DURATION:-10}
PORT=${PORT:-8099}
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

"$BIN" serve > "$DIR/server.log" 2>&1 &
SERVER=$!
trap 'kill $SERVER 2>/dev/null || true' EXIT
for _ in $(seq 1 100); do curl -sf "localhost:$PORT/readyz" > /dev/null && break; sleep 0.1; done

# A signed-in session cookie and an API token for a key expert.
JAR="$DIR/cookies.txt"
rm -f "$JAR"
curl -s -c "$JAR" -b "$JAR" "localhost:$PORT/login" -o /dev/null
CSRF=$(awk '/kehittamo_csrf/ {print $7}' "$JAR")
curl -s -c "$JAR" -b "$JAR" -o /dev/null -X POST "localhost:$PORT/login" \
    --data-urlencode "csrf_token=$CSRF" --data-urlencode "email=avainosaaja@demo.kehittamo.fi" \
    --data-urlencode "password=kehittamo-demo-2026" --data-urlencode "next=/"
SESSION=$(awk '/kehittamo_session/ {print $7}' "$JAR")
COOKIE="kehittamo_session=$SESSION; kehittamo_csrf=$CSRF"
TOKEN=$(curl -s -X POST "localhost:$PORT/api/v1/auth/token" -H 'Content-Type: application/json' \
    -d '{"email":"avainosaaja@demo.kehittamo.fi","password":"kehittamo-demo-2026"}' | sed 's/.*"access_token":"\([^"]*\)".*/\1/')
UNIT=$(curl -s "localhost:$PORT/api/v1/units" -H "Authorization: Bearer $TOKEN" | sed 's/^\[{"id":\([0-9]*\).*/\1/')
IDEA=$(curl -s "localhost:$PORT/api/v1/ideas?limit=1&sort=most_discussed" -H "Authorization: Bearer $TOKEN" | sed 's/.*"items":\[{"id":\([0-9]*\).*/\1/')
EXPERIMENT=$(curl -s "localhost:$PORT/api/v1/experiments?limit=1&results=true" -H "Authorization: Bearer $TOKEN" | sed 's/.*"items":\[{"id":\([0-9]*\).*/\1/')

run() {
    local name=$1 path=$2
    echo "== $name: GET $path"
    wrk -t"$(( CONNECTIONS < 2 ? 1 : 2 ))" -c"$CONNECTIONS" -d"${DURATION}s" --latency -H "Cookie: $COOKIE" "http://127.0.0.1:$PORT$path" \
        | grep -E "Requests/sec|Latency  |  50%|  99%|Non-2xx"
}
run "idea list, first page" "/ideas"
run "idea list, unit filter" "/ideas?unit=$UNIT"
run "idea list, page 2,500 by cursor" "/ideas?after=$((IDEAS - 50000))"
run "idea page" "/ideas/$IDEA"
run "search" "/ideas?q=kotihoidon"
# One connection: the latency one person sees when the server is otherwise idle.
CONNECTIONS_SAVED=$CONNECTIONS CONNECTIONS=1
run "search, one connection" "/ideas?q=kotihoidon"
run "idea page, one connection" "/ideas/$IDEA"
run "experiment page, one connection" "/experiments/$EXPERIMENT"
CONNECTIONS=$CONNECTIONS_SAVED
run "experiment list" "/experiments"
run "experiment list, unit filter" "/experiments?unit=$UNIT"
run "experiment page" "/experiments/$EXPERIMENT"
run "results library search" "/experiments/results?q=arjen"
run "review queue" "/reviews"
echo "== API idea list: GET /api/v1/ideas?status=in_discussion"
wrk -t2 -c"$CONNECTIONS" -d"${DURATION}s" --latency -H "Authorization: Bearer $TOKEN" "http://127.0.0.1:$PORT/api/v1/ideas?status=in_discussion" \
    | grep -E "Requests/sec|Latency  |  50%|  99%|Non-2xx"

cat > "$DIR/post.lua" <<LUA
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"
wrk.headers["Authorization"] = "Bearer $TOKEN"
wrk.body = '{"title":"Kuormitustestin idea","problem":"Ongelma","proposal":"Ehdotus","unit_ids":[$UNIT],"tags":["kuorma"]}'
LUA
echo "== submitting ideas: POST /api/v1/ideas (16 connections)"
wrk -t2 -c16 -d"${DURATION}s" --latency -s "$DIR/post.lua" "http://127.0.0.1:$PORT/api/v1/ideas" \
    | grep -E "Requests/sec|Latency  |  50%|  99%|Non-2xx"
echo "== server memory"
grep -E "VmRSS|VmHWM" "/proc/$SERVER/status"
