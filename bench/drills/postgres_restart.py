"""Drill: PostgreSQL restarts while officers are answering.

    /tmp/venv/bin/python bench/drills/postgres_restart.py [--officers 30] [--restarts 2]

The shared PostgreSQL server is never touched: the drill starts a private
cluster (initdb in /tmp/quizapp-drill-pg, port 55432, run as the postgres user),
serves quizapp from gunicorn (deploy/gunicorn.conf.py) on 127.0.0.1:18012 and
restarts the cluster (`pg_ctl restart -m fast`) during the saves. PASS when
every phone submitted, no acknowledged answer was lost, and what users saw
while the database was away was the 503 "please retry" message, never a 500.
"""
from __future__ import annotations

import argparse
import collections
import os
import shutil
import subprocess
import time
from pathlib import Path

from harness import Gunicorn, Phone, fresh_database, lost_answers, report, run_phones, seed

PGBIN = Path("/usr/lib/postgresql/15/bin")
DATA = Path("/tmp/quizapp-drill-pg")
PORT = 55432
URL = f"postgresql+psycopg://postgres@127.0.0.1:{PORT}/quizapp_drill_pg"


def as_postgres(*command: str) -> subprocess.CompletedProcess:
    """Run a PostgreSQL tool as the postgres user (root may not run the server)."""
    prefix = ["runuser", "-u", "postgres", "--"] if os.geteuid() == 0 else []
    return subprocess.run([*prefix, *command], check=True, capture_output=True, text=True)


def pg_ctl(action: str, *extra: str) -> None:
    as_postgres(str(PGBIN / "pg_ctl"), "-D", str(DATA), "-l", str(DATA / "server.log"), "-w", "-t", "60",
                *extra, action)


def start_cluster() -> None:
    if DATA.exists():
        shutil.rmtree(DATA)
    DATA.mkdir()
    shutil.chown(DATA, "postgres", "postgres")
    as_postgres(str(PGBIN / "initdb"), "-D", str(DATA), "-U", "postgres", "--auth=trust", "-E", "UTF8")
    options = (f"-p {PORT} -k {DATA} -c listen_addresses=127.0.0.1 -c shared_buffers=32MB "
               "-c max_connections=60")
    pg_ctl("start", "-o", options)


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--officers", type=int, default=30)
    parser.add_argument("--restarts", type=int, default=2)
    args = parser.parse_args()

    start_cluster()
    server = None
    try:
        fresh_database(URL)
        world = seed(URL, args.officers)
        server = Gunicorn(URL, port=18012)
        server.start()
        started = time.monotonic()
        phones = [Phone(server.base, world["exam_id"], token, rounds=6, pause=0.05) for token in world["tokens"]]
        threads = run_phones(phones)
        outages = []
        for _ in range(args.restarts):
            time.sleep(2.0)
            down = time.monotonic()
            pg_ctl("restart", "-m", "fast")
            outages.append(time.monotonic() - down)
        for thread in threads:
            thread.join(timeout=300)
        elapsed = time.monotonic() - started
        lost = lost_answers(URL, phones)
    finally:
        if server:
            server.stop()
        try:
            pg_ctl("stop", "-m", "fast")
        finally:
            shutil.rmtree(DATA, ignore_errors=True)
    failures = sum((p.failures for p in phones), start=collections.Counter())
    messages = set().union(*(p.messages for p in phones))
    saves = sum(len(p.acked) for p in phones)
    details = [f"{args.officers} phones, {args.restarts} restarts (pg_ctl restart took "
               f"{', '.join(f'{o:.1f}' for o in outages)} s), {elapsed:.1f} s in all",
               f"transient failures the phones retried: {dict(failures) or 'none'}",
               f"messages shown meanwhile: {sorted(messages) or 'none'}",
               f"answers acknowledged (latest per question): {saves}; lost: {len(lost)}"] + lost[:5]
    return report("PostgreSQL restarted during an exam", {
        "every phone submitted": all(p.submitted for p in phones),
        "no acknowledged answer lost": not lost,
        "no 500 while the database was away (503 + retry message only)": "HTTP 500" not in failures,
    }, details)


if __name__ == "__main__":
    raise SystemExit(main())
