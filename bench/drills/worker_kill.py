"""Drill: a gunicorn worker is killed (SIGKILL) in the middle of answer saves.

    /tmp/venv/bin/python bench/drills/worker_kill.py [--officers 30] [--kills 3]

Runs gunicorn (deploy/gunicorn.conf.py, 2 workers × 4 threads) on 127.0.0.1:18011
against its own PostgreSQL database quizapp_drill_worker on the local server.
Phones save 10 answers × 6 rounds each and retry failures like the exam page;
meanwhile a worker is SIGKILLed every few seconds. PASS when the master replaced
every killed worker, every phone submitted, and no acknowledged answer is missing
or older in the database.
"""
from __future__ import annotations

import argparse
import os
import random
import signal
import time

from harness import Gunicorn, Phone, fresh_database, lost_answers, report, run_phones, seed

URL = os.environ.get("DRILL_DATABASE_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/quizapp_drill_worker")


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--officers", type=int, default=30)
    parser.add_argument("--kills", type=int, default=3)
    args = parser.parse_args()

    fresh_database(URL)
    world = seed(URL, args.officers)
    server = Gunicorn(URL)
    server.start()
    started = time.monotonic()
    try:
        phones = [Phone(server.base, world["exam_id"], token, rounds=6, pause=0.05) for token in world["tokens"]]
        threads = run_phones(phones)
        killed = []
        rng = random.Random(7)
        for _ in range(args.kills):
            time.sleep(2.0)
            victim = rng.choice(server.worker_pids())
            os.kill(victim, signal.SIGKILL)
            killed.append(victim)
        for thread in threads:
            thread.join(timeout=300)
        time.sleep(1.0)
        workers_back = len(server.worker_pids()) == server.workers and not set(killed) & set(server.worker_pids())
    finally:
        server.stop()
    elapsed = time.monotonic() - started
    lost = lost_answers(URL, phones)
    saves = sum(len(p.acked) for p in phones)
    failures = sum((p.failures for p in phones), start=__import__("collections").Counter())
    details = [f"{args.officers} phones, {args.kills} workers SIGKILLed ({killed}), {elapsed:.1f} s",
               f"transient failures the phones retried: {dict(failures) or 'none'}",
               f"answers acknowledged (latest per question): {saves}; lost: {len(lost)}"] + lost[:5]
    return report("gunicorn worker killed mid-save", {
        "killed workers were replaced": workers_back,
        "every phone submitted": all(p.submitted for p in phones),
        "no acknowledged answer lost": not lost,
    }, details)


if __name__ == "__main__":
    raise SystemExit(main())
