#!/usr/bin/env bash
# The participation loop at scale: the time to record a comment on an idea that 5,000 people
# follow (SQLite, release build), beside /healthz in the same run, and the digest run for those
# 5,000 people the next morning. One in ten followers chose email at once, so each comment also
# queues about 500 mails; the rest wait for the daily digest.
#
#   bash benches/followers.sh          # FOLLOWERS=5000 ROUNDS=30
set -euo pipefail
cd "$(dirname "$0")/.."
FOLLOWERS=${FOLLOWERS:-5000}
ROUNDS=${ROUNDS:-30}
PORT=${PORT:-8097}
DIR=${BENCH_DIR:-target/bench}
DB="$DIR/followers-$FOLLOWERS.sqlite3"
BIN=${BIN:-target/release/kehittamo}
export KEHITTAMO__DATABASE__URL="$DB" KEHITTAMO__MAIL__BACKEND=memory KEHITTAMO__SERVER__PORT="$PORT" KEHITTAMO__LOG__FILTER=warn

[ -x "$BIN" ] || cargo build --release
mkdir -p "$DIR"
rm -f "$DB" "$DB-wal" "$DB-shm"
# Seven in ten generated people are staff, who may read a staff idea.
echo "== creating the data set: the demo organisation and $((FOLLOWERS * 10 / 7 + 10)) more people"
"$BIN" demo-data --people $((FOLLOWERS * 10 / 7 + 10)) > /dev/null
python3 - "$DB" "$FOLLOWERS" <<'PY'
import sqlite3, sys
db = sqlite3.connect(sys.argv[1])
idea = db.execute("SELECT i.id FROM ideas i JOIN people p ON p.id = i.author_id "
                  "WHERE p.email = 'tyontekija@demo.kehittamo.fi' ORDER BY i.id LIMIT 1").fetchone()[0]
people = [r[0] for r in db.execute("SELECT id FROM people WHERE active AND kind <> 'customer' "
                                   "AND email LIKE 'henkilo%' ORDER BY id LIMIT ?", (int(sys.argv[2]),))]
db.executemany("INSERT OR IGNORE INTO follows (object_type, object_id, person_id, following, reason, created_at) "
               "VALUES ('idea', ?, ?, 1, 'chosen', '2026-01-01 00:00:00')", [(idea, p) for p in people])
db.executemany("INSERT OR REPLACE INTO notification_preferences (person_id, kind, channel) "
               "VALUES (?, 'idea_commented', 'immediate')", [(p,) for p in people[::10]])
db.commit()
n = db.execute("SELECT COUNT(*) FROM follows WHERE object_type = 'idea' AND object_id = ? AND following", (idea,)).fetchone()[0]
print(f"   idea {idea} has {n} followers")
open(sys.argv[1] + ".idea", "w").write(str(idea))
PY
IDEA=$(cat "$DB.idea")
"$BIN" serve > "$DIR/followers-server.log" 2>&1 &
SERVER=$!
trap 'kill $SERVER 2>/dev/null || true' EXIT
for _ in $(seq 1 100); do curl -sf "localhost:$PORT/readyz" > /dev/null && break; sleep 0.1; done
TOKEN=$(curl -s -X POST "localhost:$PORT/api/v1/auth/token" -H 'Content-Type: application/json' \
    -d '{"email":"luottamus@demo.kehittamo.fi","password":"kehittamo-demo-2026"}' | sed 's/.*"access_token":"\([^"]*\)".*/\1/')
summary() {
    sort -n | awk -v name="$1" '{ t[NR] = $1 * 1000 } END {
        printf "== %s: %d requests, min %.1f ms, median %.1f ms, p90 %.1f ms, max %.1f ms\n",
            name, NR, t[1], t[int((NR + 1) / 2)], t[int(NR * 0.9 + 0.5)], t[NR] }'
}
for _ in $(seq 1 "$ROUNDS"); do curl -s -o /dev/null -w '%{time_total}\n' "localhost:$PORT/healthz"; done | summary "/healthz"
for i in $(seq 1 "$ROUNDS"); do
    curl -s -o /dev/null -w '%{time_total}\n' -X POST "localhost:$PORT/api/v1/ideas/$IDEA/comments" \
        -H "Authorization: Bearer $TOKEN" -H 'Content-Type: application/json' \
        -d "{\"body\": \"Kommentti numero $i: hyvä ajatus, kokeillaan.\"}"
done | summary "comment on an idea with $FOLLOWERS followers (POST /api/v1/ideas/$IDEA/comments)"
echo "== written: $(python3 -c "
import sqlite3; db = sqlite3.connect('$DB')
print(db.execute(\"SELECT COUNT(*) FROM notifications WHERE kind = 'idea_commented'\").fetchone()[0], 'notifications,',
      db.execute(\"SELECT COUNT(*) FROM outbox WHERE list_kind = 'idea_commented'\").fetchone()[0], 'mails')")"
echo "== server memory"
grep -E "VmRSS|VmHWM" "/proc/$SERVER/status"
kill $SERVER; wait $SERVER 2>/dev/null || true
trap - EXIT
TOMORROW=$(date -u -d "tomorrow 12:00" +%FT%TZ)
echo "== the daily digests the next morning ($TOMORROW)"
/usr/bin/time -f "   %e s wall, max RSS %M KB" "$BIN" send-digests --at "$TOMORROW"
echo "== again (nothing left to send)"
"$BIN" send-digests --at "$TOMORROW"
