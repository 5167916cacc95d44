"""Drill: the scheduler process is killed (SIGKILL) and started again.

    /tmp/venv/bin/python bench/drills/scheduler_kill.py

On its own SQLite file (/tmp/quizapp-drill-scheduler.db) with a 1-second
heartbeat: start `quizapp scheduler`, check `quizapp doctor` sees it alive, kill
it, check doctor reports the stale heartbeat (exit 1), start a new one, check it
takes over once the dead one's lease runs out and doctor is happy again.
"""
from __future__ import annotations

import os
import signal
import subprocess
import time
from pathlib import Path

from harness import VENV_BIN, app_env, report

DB = Path("/tmp/quizapp-drill-scheduler.db")


def doctor(env) -> tuple[int, str]:
    result = subprocess.run([str(VENV_BIN / "quizapp"), "doctor"], env=env, capture_output=True, text=True)
    line = next((l for l in result.stdout.splitlines() if "scheduler heartbeat" in l), "")
    return result.returncode, line


def start(env) -> subprocess.Popen:
    return subprocess.Popen([str(VENV_BIN / "quizapp"), "scheduler", "--heartbeat", "1"], env=env,
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)


def wait_alive(env, seconds: float) -> tuple[bool, float, str]:
    started = time.monotonic()
    line = ""
    while time.monotonic() - started < seconds:
        code, line = doctor(env)
        if "[ OK ]" in line:
            return True, time.monotonic() - started, line
        time.sleep(0.5)
    return False, time.monotonic() - started, line


def main() -> int:
    for suffix in ("", "-wal", "-shm"):
        Path(str(DB) + suffix).unlink(missing_ok=True)
    env = app_env(f"sqlite:///{DB}", QUIZAPP_SCHEDULER_HEARTBEAT=1)
    subprocess.run([str(VENV_BIN / "quizapp"), "db", "upgrade"], env=env, check=True, capture_output=True)
    first = start(env)
    second = None
    try:
        alive, took_first, _ = wait_alive(env, 20)
        os.kill(first.pid, signal.SIGKILL)
        first.wait()
        time.sleep(6)  # past three heartbeats: the lease is stale
        stale_code, stale_line = doctor(env)
        second = start(env)
        back, took_second, back_line = wait_alive(env, 30)
    finally:
        for process in (first, second):
            if process and process.poll() is None:
                process.send_signal(signal.SIGTERM)
                process.wait(timeout=30)
    details = [f"first scheduler alive after {took_first:.1f} s; killed (SIGKILL)",
               f"doctor while dead (exit {stale_code}): {stale_line.strip()}",
               f"replacement alive after {took_second:.1f} s: {back_line.strip()}"]
    return report("scheduler killed and restarted", {
        "the scheduler came up": alive,
        "doctor reported the dead scheduler": stale_code == 1 and "[FAIL]" in stale_line,
        "a restarted scheduler took over": back,
    }, details)


if __name__ == "__main__":
    raise SystemExit(main())
