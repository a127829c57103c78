#!/usr/bin/env bash
# Load benchmark for the public showcase: the scale data set (100,000 ideas, 20,000
# experiments; the demo organisation opens its showcase), /healthz beside the public pages in
# one run, 64 connections and one. No session, no cookies: as a resident or a search engine.
#
#   bash benches/showcase.sh
#   IDEAS=20000 DURATION=5 bash benches/showcase.sh
#
# Needs wrk (apt-get install wrk) and curl.
set -euo pipefail
cd "$(dirname "$0")/.."
IDEAS=${IDEAS:-100000}
EXPERIMENTS=${EXPERIMENTS:-20000}
CONNECTIONS=${CONNECTIONS:-64}
DURATION=${DURATION:-10}
PORT=${PORT:-8098}
DIR=${BENCH_DIR:-target/bench}
DB="$DIR/showcase-$IDEAS-$EXPERIMENTS.sqlite3"
BIN=${BIN:-target/release/kehittamo}
export KEHITTAMO__DATABASE__URL="$DB" KEHITTAMO__MAIL__BACKEND=memory KEHITTAMO__SERVER__PORT="$PORT" KEHITTAMO__LOG__FILTER=warn

[ -x "$BIN" ] || cargo build --release
mkdir -p "$DIR"
if [ ! -f "$DB" ]; then
    echo "== creating the scale data set ($IDEAS ideas, $EXPERIMENTS experiments)"
    /usr/bin/time -f "   %e s, max RSS %M KB" "$BIN" demo-data --ideas "$IDEAS" --experiments "$EXPERIMENTS" > /dev/null
fi

"$BIN" serve > "$DIR/showcase-server.log" 2>&1 &
SERVER=$!
trap 'kill $SERVER 2>/dev/null || true' EXIT
for _ in $(seq 1 100); do curl -sf "localhost:$PORT/readyz" > /dev/null && break; sleep 0.1; done

EXPERIMENT=$(curl -s "localhost:$PORT/showcase" | grep -o 'href="/showcase/experiments/[0-9]*"' | head -n 1 | grep -o '[0-9]*')
echo "== public experiment $EXPERIMENT"

run() {
    local name=$1 path=$2 connections=$3
    echo "== $name: GET $path ($connections connections)"
    wrk -t"$(( connections < 2 ? 1 : 2 ))" -c"$connections" -d"${DURATION}s" --latency "http://127.0.0.1:$PORT$path" \
        | grep -E "Requests/sec|  50%|  99%|Non-2xx"
}
for c in "$CONNECTIONS" 1; do
    run "healthz" "/healthz" "$c"
    run "showcase front page" "/showcase" "$c"
    run "showcase, one municipality" "/showcase?municipality=1" "$c"
    run "public experiment" "/showcase/experiments/$EXPERIMENT" "$c"
    run "Atom feed" "/showcase/feed.atom" "$c"
done
echo "== server memory: $(awk '/VmHWM/ {print $2, $3}' /proc/$SERVER/status) peak, $(awk '/VmRSS/ {print $2, $3}' /proc/$SERVER/status) now"
