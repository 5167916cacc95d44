"""Running the scheduler: one leader among any number of processes.

A supervisor loop tries to take the database lock; the process that holds it
runs an APScheduler BackgroundScheduler with the periodic jobs (deterministic
ids, so a restart neither doubles nor loses one) and renews the lock — its
heartbeat — every ``heartbeat`` seconds. Every job is an idempotent sweep, so
running one twice (say, just after a takeover) does no harm.
"""
from __future__ import annotations

import logging
import threading
from dataclasses import dataclass
from datetime import timedelta

from apscheduler.executors.pool import ThreadPoolExecutor
from apscheduler.schedulers.background import BackgroundScheduler
from flask import Flask

from .. import timeutil
from ..extensions import db
from .lock import SchedulerLock

log = logging.getLogger("quizapp.scheduler")


@dataclass(frozen=True)
class Job:
    """A periodic sweep: a deterministic id, a function path and an interval."""

    id: str
    func: str
    seconds: int


JOBS: list[Job] = [
    Job("fire-due-schedules", "quizapp.schedules.services:fire_due_schedules", 60),
    Job("close-overdue-attempts", "quizapp.schedules.jobs:close_overdue_attempts", 60),
    Job("admit-latecomers", "quizapp.exams.candidates:admit_latecomers", 600),
    Job("exam-notices", "quizapp.schedules.jobs:send_exam_notices", 300),
    Job("study-reminders", "quizapp.schedules.jobs:send_study_reminders", 3600),
    Job("flagged-questions", "quizapp.schedules.jobs:notify_flagged_questions", 3600),
    Job("send-emails", "quizapp.notifications.email:send_pending_emails", 60),
    Job("online-contest-points", "quizapp.contests.online:award_closed_contests", 120),
]


def heartbeat_seconds(app: Flask) -> int:
    """Seconds between heartbeats: QUIZAPP_SCHEDULER_HEARTBEAT, default 30."""
    return max(1, int(app.config.get("QUIZAPP_SCHEDULER_HEARTBEAT") or 30))


def _resolve(path: str):
    import importlib

    module, _, name = path.partition(":")
    return getattr(importlib.import_module(module), name)


def run_job(app: Flask, job_id: str) -> None:
    """Run one job in an app context; errors are logged, never fatal to the scheduler."""
    job = next(j for j in JOBS if j.id == job_id)
    with app.app_context():
        try:
            _resolve(job.func)()
        except Exception:
            log.exception("scheduler job %s failed", job.id)
            db.session.rollback()
        finally:
            db.session.remove()


class SchedulerRunner:
    """The supervisor: leadership through the lock, then the APScheduler jobs."""

    def __init__(self, app: Flask, heartbeat: int | None = None, lease: int | None = None):
        self.app = app
        self.heartbeat = heartbeat or heartbeat_seconds(app)
        with app.app_context():
            engine = db.engine
        self.lock = SchedulerLock(engine, lease_seconds=lease or self.heartbeat * 3)
        self.scheduler: BackgroundScheduler | None = None
        self.stopping = threading.Event()
        self.thread: threading.Thread | None = None
        self.on_lead = None  # callback, e.g. the CLI printing that it leads

    @property
    def leading(self) -> bool:
        return self.scheduler is not None

    def start_background(self) -> None:
        """Supervise in a daemon thread (the in-process mode of the web server)."""
        self.thread = threading.Thread(target=self.run, name="quizapp-scheduler", daemon=True)
        self.thread.start()

    def run(self) -> None:
        """Supervise until stop(): lead when the lock is free, keep the heartbeat."""
        while not self.stopping.is_set():
            try:
                self.step()
            except Exception:
                log.exception("scheduler supervisor step failed")
            self.stopping.wait(self.heartbeat)
        self._stop_jobs()
        try:
            self.lock.release()
        except Exception:
            log.exception("could not release the scheduler lock")

    def step(self) -> None:
        """One supervisor tick: acquire or renew the lock and start or stop the jobs."""
        if self.leading:
            if not self.lock.renew():
                log.warning("scheduler lock lost; stopping jobs")
                self._stop_jobs()
        elif self.lock.try_acquire():
            log.info("scheduler lock acquired by %s", self.lock.holder)
            self._start_jobs()
            if self.on_lead:
                self.on_lead(self.lock.holder)

    def stop(self) -> None:
        """Ask the supervisor to stop and release the lock."""
        self.stopping.set()
        if self.thread is not None:
            self.thread.join(timeout=10)

    def _start_jobs(self) -> None:
        scheduler = BackgroundScheduler(
            executors={"default": ThreadPoolExecutor(2)},
            job_defaults={"coalesce": True, "max_instances": 1, "misfire_grace_time": 300},
            timezone=timeutil.local_zone(),
        )
        first = timeutil.now() + timedelta(seconds=1)
        for job in JOBS:
            # First run right away: catching up whatever was missed while nobody led.
            scheduler.add_job(run_job, "interval", seconds=job.seconds, args=(self.app, job.id), id=job.id,
                              name=job.id, replace_existing=True, next_run_time=first)
        scheduler.start()
        self.scheduler = scheduler

    def _stop_jobs(self) -> None:
        if self.scheduler is not None:
            self.scheduler.shutdown(wait=False)
            self.scheduler = None
