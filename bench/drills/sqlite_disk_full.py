"""Drill: the disk under the SQLite database fills up while officers answer.

    /tmp/venv/bin/python bench/drills/sqlite_disk_full.py [--officers 10]

Needs root (it mounts a 4 MB tmpfs on /tmp/quizapp-drill-full). quizapp runs
from gunicorn (deploy/gunicorn.conf.py) on SQLite in WAL mode on that tmpfs; once
the paper is started a filler file takes every free byte. Saves then fail; after
4 s the "operator" deletes the filler and the phones' retries go through. PASS
when users saw only the 503 "storage full, retry" message (no 500), every phone
submitted, no acknowledged answer was lost and the database passes
integrity_check afterwards.
"""
from __future__ import annotations

import argparse
import collections
import sqlite3
import subprocess
import time
from pathlib import Path

from harness import Gunicorn, Phone, lost_answers, report, run_phones, seed

MOUNT = Path("/tmp/quizapp-drill-full")
DB = MOUNT / "quizapp.db"
URL = f"sqlite:///{DB}"


def fill_disk() -> Path:
    """Write zeros until the file system is full."""
    filler = MOUNT / "filler"
    block = b"\0" * 4096
    with open(filler, "wb", buffering=0) as handle:
        try:
            while True:
                handle.write(block)
        except OSError:  # ENOSPC: the disk is full
            pass
    return filler


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--officers", type=int, default=10)
    args = parser.parse_args()

    MOUNT.mkdir(exist_ok=True)
    subprocess.run(["mount", "-t", "tmpfs", "-o", "size=4m", "tmpfs", str(MOUNT)], check=True)
    server = None
    try:
        world = seed(URL, args.officers)
        server = Gunicorn(URL, port=18013)
        server.start()
        phones = [Phone(server.base, world["exam_id"], token, rounds=6, pause=0.05) for token in world["tokens"]]
        threads = run_phones(phones)
        time.sleep(1.0)
        filler = fill_disk()
        full_for = 4.0
        time.sleep(full_for)
        filler.unlink()
        for thread in threads:
            thread.join(timeout=300)
        if server:
            server.stop()
            server = None
        lost = lost_answers(URL, phones)
        connection = sqlite3.connect(DB)
        integrity = connection.execute("PRAGMA integrity_check").fetchone()[0]
        connection.close()
    finally:
        if server:
            server.stop()
        subprocess.run(["umount", str(MOUNT)], check=False)
    failures = sum((p.failures for p in phones), start=collections.Counter())
    messages = set().union(*(p.messages for p in phones))
    saves = sum(len(p.acked) for p in phones)
    details = [f"{args.officers} phones; disk full for {full_for:.0f} s, then space freed",
               f"transient failures the phones retried: {dict(failures) or 'none'}",
               f"messages shown meanwhile: {sorted(messages) or 'none'}",
               f"answers acknowledged (latest per question): {saves}; lost: {len(lost)}; integrity_check: {integrity}"
               ] + lost[:5]
    return report("SQLite disk full during an exam", {
        "the full disk was hit": failures["HTTP 503"] > 0,
        "no 500 (only the 503 retry message)": "HTTP 500" not in failures,
        "every phone submitted": all(p.submitted for p in phones),
        "no acknowledged answer lost": not lost,
        "database intact afterwards": integrity == "ok",
    }, details)


if __name__ == "__main__":
    raise SystemExit(main())
