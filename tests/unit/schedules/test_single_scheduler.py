"""Exactly one scheduler: the database lock, in-process and across real processes."""
import os
import queue
import signal
import subprocess
import sys
import threading
import time
from datetime import timedelta
from pathlib import Path
from urllib.parse import quote

import pytest
import sqlalchemy as sa
import time_machine

from quizapp import timeutil
from quizapp.extensions import db
from quizapp.schedules.lock import SchedulerLock
from quizapp.schedules.models import SchedulerLease
from quizapp.schedules.services import scheduler_health

QUIZAPP = str(Path(sys.executable).with_name("quizapp"))


def test_second_holder_is_refused_until_the_lease_expires(app, backend):
    first = SchedulerLock(db.engine, lease_seconds=60, holder="first")
    second = SchedulerLock(db.engine, lease_seconds=60, holder="second")
    try:
        assert first.try_acquire()
        assert not second.try_acquire()
        assert first.renew()
        if backend == "sqlite":
            # Lease-based: once the holder stops renewing, the lease runs out.
            with time_machine.travel(timeutil.now() + timedelta(seconds=61), tick=False):
                assert second.try_acquire()
                assert not first.renew()
        else:
            # Advisory lock: held while the holder's connection lives, whatever the clock.
            with time_machine.travel(timeutil.now() + timedelta(seconds=61), tick=False):
                assert not second.try_acquire()
            first.release()
            assert second.try_acquire()
    finally:
        first.release()
        second.release()


def test_heartbeat_drives_the_admin_warning(app, client):
    from tests.factories import login, make_officer

    make_officer(badge="A1", role="admin")
    login(client, "A1")
    assert not scheduler_health().alive
    assert "调度器" in client.get("/").get_data(as_text=True)

    lock = SchedulerLock(db.engine, lease_seconds=90, holder="me")
    assert lock.try_acquire()
    db.session.expire_all()
    assert scheduler_health().alive
    assert "调度器" not in client.get("/").get_data(as_text=True)
    with time_machine.travel(timeutil.now() + timedelta(minutes=5), tick=False):
        db.session.expire_all()
        assert not scheduler_health().alive
    lock.release()


def _database_url(app, backend) -> str:
    url = app.config["SQLALCHEMY_DATABASE_URI"]
    if backend == "postgres":
        options = app.config["SQLALCHEMY_ENGINE_OPTIONS"]["connect_args"]["options"]
        url += "?options=" + quote(options)
    return url


def _start(url: str, lines: queue.Queue, name: str) -> subprocess.Popen:
    env = dict(os.environ, DATABASE_URL=url, SECRET_KEY="k", QUIZAPP_ENV="testing", QUIZAPP_SCHEDULER="off",
               PYTHONUNBUFFERED="1")
    process = subprocess.Popen([QUIZAPP, "scheduler", "--heartbeat", "1", "--lease", "5"], stdout=subprocess.PIPE,
                               stderr=subprocess.DEVNULL, text=True, env=env)

    def pump():
        for line in process.stdout:
            lines.put((name, line.strip()))

    threading.Thread(target=pump, daemon=True).start()
    return process


def _leaders(lines: queue.Queue, until: float, settle: float = 0) -> list[str]:
    """Processes announcing leadership before ``until``; after the first, watch ``settle`` s more."""
    found = []
    while time.monotonic() < until:
        try:
            name, line = lines.get(timeout=max(0.05, until - time.monotonic()))
        except queue.Empty:
            break
        if "调度器已启动" in line:
            found.append(name)
            until = min(until, time.monotonic() + settle)
    return found


@pytest.mark.slow
def test_two_scheduler_processes_never_lead_at_once_and_the_survivor_takes_over(app, backend):
    db.session.commit()
    url = _database_url(app, backend)
    lines: queue.Queue = queue.Queue()
    processes = {"a": _start(url, lines, "a"), "b": _start(url, lines, "b")}
    try:
        # Both processes start (about 2 s each, more under load) and tick every second;
        # after the first leads, a whole lease more shows no second leader.
        leaders = _leaders(lines, time.monotonic() + 30, settle=5.5)
        assert len(leaders) == 1, leaders
        leader = leaders[0]
        holder = db.session.scalar(sa.select(SchedulerLease.holder))
        assert f":{processes[leader].pid}:" in holder

        # The leader dies without releasing anything; the other takes over after the lease.
        processes[leader].send_signal(signal.SIGKILL)
        processes[leader].wait()
        follower = "b" if leader == "a" else "a"
        assert _leaders(lines, time.monotonic() + 20) == [follower]
    finally:
        for process in processes.values():
            if process.poll() is None:
                process.terminate()
                process.wait(timeout=10)


@pytest.mark.slow
def test_inprocess_web_server_leads_and_a_separate_scheduler_process_waits(app, backend, tmp_path):
    """QUIZAPP_SCHEDULER=inprocess starts with the first request; `quizapp scheduler` then never leads."""
    import socket
    import urllib.request

    db.session.commit()
    url = _database_url(app, backend)
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    env = dict(os.environ, DATABASE_URL=url, SECRET_KEY="k", QUIZAPP_ENV="development", QUIZAPP_SCHEDULER="inprocess",
               QUIZAPP_SCHEDULER_HEARTBEAT="1", PYTHONUNBUFFERED="1")
    web = subprocess.Popen([QUIZAPP, "run", "--port", str(port), "--no-reload"], env=env, cwd=tmp_path,
                           stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    lines: queue.Queue = queue.Queue()
    separate = None
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=1).read()
                break
            except OSError:
                assert time.monotonic() < deadline, "web server did not start"
                time.sleep(0.2)  # polling a starting process, not waiting on the clock under test
        holder = None
        while holder is None and time.monotonic() < deadline:
            db.session.rollback()
            holder = db.session.scalar(sa.select(SchedulerLease.holder))
            time.sleep(0.2)
        assert holder is not None and f":{web.pid}:" in holder
        separate = _start(url, lines, "separate")
        assert _leaders(lines, time.monotonic() + 6) == []
        db.session.rollback()
        assert f":{web.pid}:" in db.session.scalar(sa.select(SchedulerLease.holder))
    finally:
        for process in (web, separate):
            if process is not None and process.poll() is None:
                process.terminate()
                process.wait(timeout=10)
