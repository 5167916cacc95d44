"""SQLite write turns (quizapp/write_turns.py): one writer at a time, handed over at once,
between the threads of a process and between processes."""
from __future__ import annotations

import subprocess
import sys
import threading
import time

import sqlalchemy as sa

from quizapp import write_turns


def test_sqlite_write_turns_are_taken_one_at_a_time(tmp_path):
    engine = sa.create_engine(f"sqlite:///{tmp_path / 'turns.db'}")
    inside, overlapped = [0], []

    def writer():
        with engine.connect() as connection:
            for _ in range(20):
                with write_turns.write_turn(connection):
                    inside[0] += 1
                    overlapped.append(inside[0] > 1)
                    time.sleep(0.0005)
                    inside[0] -= 1

    threads = [threading.Thread(target=writer) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(overlapped) == 80 and not any(overlapped)
    assert (tmp_path / "turns.db-writeturn").exists()  # the other processes' half of the turn
    engine.dispose()


def test_another_process_holding_the_turn_makes_a_writer_wait(tmp_path):
    database = tmp_path / "turns.db"
    engine = sa.create_engine(f"sqlite:///{database}")
    holder = subprocess.Popen(
        [sys.executable, "-c", "import fcntl, os, sys, time\n"
         f"fd = os.open({str(database)!r} + '-writeturn', os.O_RDWR | os.O_CREAT)\n"
         "fcntl.flock(fd, fcntl.LOCK_EX); print('held', flush=True); time.sleep(0.6)"],
        stdout=subprocess.PIPE, text=True)
    try:
        assert holder.stdout.readline().strip() == "held"
        started = time.monotonic()
        with engine.connect() as connection, write_turns.write_turn(connection):
            waited = time.monotonic() - started
    finally:
        holder.wait(timeout=10)
        engine.dispose()
    assert waited > 0.3



def test_a_thread_may_take_its_turn_again_and_keeps_it_until_the_outer_turn_ends(tmp_path):
    database = tmp_path / "turns.db"
    engine = sa.create_engine(f"sqlite:///{database}")
    probe = ("import fcntl, os\n"
             f"fd = os.open({str(database)!r} + '-writeturn', os.O_RDWR)\n"
             "try:\n    fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB); print('free')\n"
             "except BlockingIOError:\n    print('held')")

    def others_see() -> str:
        return subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, timeout=30).stdout.strip()

    with engine.connect() as connection:
        with write_turns.write_turn(connection):
            with write_turns.write_turn(engine):  # e.g. a save that goes on to submit
                assert others_see() == "held"
            assert others_see() == "held"
        assert others_see() == "free"
    engine.dispose()
