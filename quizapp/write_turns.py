"""Turns for SQLite's single writer on the hot write paths (answer saves, heartbeats).

SQLite lets one connection write at a time. A second writer waits in SQLite's busy
handler, which polls by sleeping 1, 2, 5, 10, … up to 100 ms between tries, so under
a storm of small writes the sleeping, not the writing, becomes the latency. A write
that takes its turn here first waits instead on a lock shared by this process's
threads and an ``flock`` on a file beside the database shared with the other worker
processes; both hand over to the next waiter the moment the holder lets go.

PostgreSQL needs nothing of the kind (row locks queue writers properly), so for it
``write_turn`` does nothing. Writers that do not take a turn still work: they meet
the busy handler as before.
"""
from __future__ import annotations

import os
import threading
from contextlib import contextmanager

try:
    import fcntl
except ImportError:  # Windows: the threads of one process still queue on the lock
    fcntl = None

_guard = threading.Lock()
_thread_locks: dict[str, threading.RLock] = {}
_held = threading.local()  # per thread: how deep in a turn, by database path
# Opened per process: after a fork both processes would share one open file
# description, and with it one flock.
_lock_files: dict[tuple[int, str], int | None] = {}


@contextmanager
def write_turn(bind):
    """Hold the write turn of the database behind ``bind`` (an Engine or Connection) for
    the block; a no-op unless it is an SQLite file. A thread already holding the turn
    may take it again (a save that submits, say)."""
    if bind.dialect.name != "sqlite":
        yield
        return
    path = bind.engine.url.database or ""
    depths = _held.__dict__.setdefault("depths", {})
    with _thread_lock(path):
        outermost = not depths.get(path)
        depths[path] = depths.get(path, 0) + 1
        descriptor = _lock_file(path) if outermost else None
        try:
            if descriptor is not None:
                fcntl.flock(descriptor, fcntl.LOCK_EX)
            try:
                yield
            finally:
                if descriptor is not None:
                    fcntl.flock(descriptor, fcntl.LOCK_UN)
        finally:
            depths[path] -= 1


def _thread_lock(path: str) -> threading.RLock:
    lock = _thread_locks.get(path)  # the usual case, without taking the guard on every write
    if lock is None:
        with _guard:
            lock = _thread_locks.setdefault(path, threading.RLock())
    return lock


def _lock_file(path: str) -> int | None:
    """This process's descriptor of the database's turn file; None for in-memory databases
    or when the file cannot be made (the busy handler then arbitrates between processes)."""
    if fcntl is None or path in ("", ":memory:") or path.startswith("file:"):
        return None
    key = (os.getpid(), path)
    if key not in _lock_files:
        try:
            _lock_files[key] = os.open(f"{path}-writeturn", os.O_RDWR | os.O_CREAT | os.O_CLOEXEC, 0o600)
        except OSError:
            _lock_files[key] = None
    return _lock_files[key]
