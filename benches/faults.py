#!/usr/bin/env python3
"""Fault and attack figures for the release binary (issue 13's re-run), printed as a table:

- writes while another process holds SQLite's write lock for 1 s and for 10 s (answers by status);
- peak memory of the server with 200 parallel sign-ins;
- how many of 40 parallel wrong passwords on one account were checked.

Run through benches/faults.sh, which builds the binary and starts a fresh demo server.
Only the standard library is used.
"""

import json
import os
import sqlite3
import sys
import threading
import time
import urllib.error
import urllib.request
from collections import Counter

BASE = os.environ["BASE"]
DB = os.environ["DB"]
PID = int(os.environ["SERVER_PID"])
PASSWORD = "kehittamo-demo-2026"


def call(method, path, body=None, token=None, headers=None):
    data = json.dumps(body).encode() if body is not None else None
    req = urllib.request.Request(BASE + path, data=data, method=method)
    req.add_header("Content-Type", "application/json")
    if token:
        req.add_header("Authorization", "Bearer " + token)
    for k, v in (headers or {}).items():
        req.add_header(k, v)
    try:
        with urllib.request.urlopen(req, timeout=30) as res:
            return res.status, res.read()
    except urllib.error.HTTPError as e:
        return e.code, e.read()
    except Exception as e:  # connection errors count as their own kind
        return type(e).__name__, b""


def token(email):
    status, body = call("POST", "/api/v1/auth/token", {"email": email, "password": PASSWORD})
    assert status == 200, (status, body)
    return json.loads(body)["access_token"]


def rss_kb(field):
    with open(f"/proc/{PID}/status") as f:
        for line in f:
            if line.startswith(field):
                return int(line.split()[1])
    return 0


def parallel(n, work):
    results = [None] * n
    def run(i):
        results[i] = work(i)
    threads = [threading.Thread(target=run, args=(i,)) for i in range(n)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return results


def writes_during_lock(seconds, writer, unit):
    """Writers post ideas while another process holds the write lock for `seconds`."""
    stop = threading.Event()
    statuses = Counter()
    lock = threading.Lock()
    def write(i):
        n = 0
        while not stop.is_set():
            status, _ = call("POST", "/api/v1/ideas", {
                "title": f"Kokeilu lukituksen aikana {i}-{n}",
                "problem": "Toinen prosessi pitää tietokantaa lukittuna.",
                "proposal": "Palvelu vastaa silti selvästi eikä anna virhettä 500.",
                "unit_ids": [unit],
            }, token=writer)
            with lock:
                statuses[status] += 1
            n += 1
    threads = [threading.Thread(target=write, args=(i,)) for i in range(8)]
    for t in threads:
        t.start()
    time.sleep(0.3)
    other = sqlite3.connect(DB, timeout=30, isolation_level=None)
    other.execute("BEGIN IMMEDIATE")
    time.sleep(seconds)
    other.execute("ROLLBACK")
    other.close()
    time.sleep(0.5)
    stop.set()
    for t in threads:
        t.join()
    return statuses


def main():
    rows = []
    writer = token("tyontekija@demo.kehittamo.fi")
    _, units = call("GET", "/api/v1/units", token=writer)
    unit = json.loads(units)[0]["id"]
    for seconds in (1, 10):
        s = writes_during_lock(seconds, writer, unit)
        rows.append((f"writes during a {seconds} s external write lock", dict(sorted(s.items(), key=str))))

    # 200 people signing in at once, each from their own address (through the trusted proxy),
    # so that every attempt reaches the password check.
    before = rss_kb("VmRSS")
    statuses = parallel(200, lambda i: call("POST", "/api/v1/auth/token",
                                            {"email": f"henkilo{i + 1}@demo.kehittamo.fi", "password": PASSWORD},
                                            headers={"X-Forwarded-For": f"10.9.{i // 250}.{i % 250 + 1}"})[0])
    peak = rss_kb("VmHWM")
    rows.append(("200 parallel sign-ins: answers", dict(Counter(statuses))))
    rows.append(("200 parallel sign-ins: RSS before / peak (MB)", f"{before / 1024:.0f} / {peak / 1024:.0f}"))

    statuses = parallel(40, lambda i: call("POST", "/api/v1/auth/token",
                                           {"email": "luottamus@demo.kehittamo.fi", "password": "guess guess guess"})[0])
    c = Counter(statuses)
    rows.append(("40 parallel wrong passwords, one account: checked (401) / refused (429)",
                 f"{c.get(401, 0)} / {c.get(429, 0)}"))

    width = max(len(r[0]) for r in rows)
    for name, value in rows:
        print(f"{name:<{width}}  {value}")


if __name__ == "__main__":
    sys.exit(main())
