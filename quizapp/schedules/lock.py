"""The database lock that lets exactly one process run the scheduler.

PostgreSQL: a session-level advisory lock held on a dedicated connection; it
vanishes with the process, so a successor takes over at once. SQLite (and as the
heartbeat everywhere): one row in ``scheduler_leases`` whose lease the holder
renews every heartbeat; another process may take it only after it expires.
"""
from __future__ import annotations

import os
import socket
import uuid
from datetime import timedelta

import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError

from .. import timeutil
from .models import SchedulerLease

LEASE_NAME = "scheduler"
ADVISORY_KEY = 7_146_295_331  # arbitrary, fixed: "the quizapp scheduler"


def holder_id() -> str:
    """This process, recognisably: host:pid:random."""
    return f"{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex[:8]}"


class SchedulerLock:
    """Acquire, renew and release the scheduler lock on one engine."""

    def __init__(self, engine: sa.Engine, lease_seconds: int = 90, holder: str | None = None):
        self.engine = engine
        self.lease = timedelta(seconds=lease_seconds)
        self.holder = holder or holder_id()
        self._advisory = None  # the PostgreSQL connection holding the advisory lock
        self.table = SchedulerLease.__table__

    @property
    def uses_advisory_lock(self) -> bool:
        return self.engine.dialect.name == "postgresql"

    def try_acquire(self) -> bool:
        """Become the scheduler if nobody else is; True when this process holds the lock."""
        if self.uses_advisory_lock and self._advisory is None:
            connection = self.engine.connect()
            got = connection.execute(sa.select(sa.func.pg_try_advisory_lock(ADVISORY_KEY))).scalar()
            connection.commit()
            if not got:
                connection.close()
                return False
            self._advisory = connection
        return self._take_lease(force=self.uses_advisory_lock)

    def _take_lease(self, force: bool) -> bool:
        """Write the lease row; without ``force`` only when it is ours or expired."""
        now = timeutil.now()
        values = dict(holder=self.holder, acquired_at=now, heartbeat_at=now, expires_at=now + self.lease)
        condition = self.table.c.name == LEASE_NAME
        if not force:
            condition &= sa.or_(self.table.c.holder == self.holder, self.table.c.expires_at < now)
        with self.engine.begin() as connection:
            if connection.execute(self.table.update().where(condition).values(**values)).rowcount == 1:
                return True
        try:
            with self.engine.begin() as connection:
                connection.execute(self.table.insert().values(name=LEASE_NAME, **values))
            return True
        except IntegrityError:
            return False

    def renew(self) -> bool:
        """Write the heartbeat and extend the lease; False when the lock was lost."""
        if self.uses_advisory_lock:
            try:
                self._advisory.execute(sa.select(1))
                self._advisory.commit()
            except Exception:  # the connection (and with it the lock) is gone
                self._drop_advisory()
                return False
        now = timeutil.now()
        with self.engine.begin() as connection:
            updated = connection.execute(
                self.table.update()
                .where(self.table.c.name == LEASE_NAME, self.table.c.holder == self.holder)
                .values(heartbeat_at=now, expires_at=now + self.lease)
            ).rowcount
        if updated == 1:
            return True
        # On PostgreSQL the advisory lock is the authority: restore a row someone cleared.
        return self._take_lease(force=True) if self.uses_advisory_lock else False

    def release(self) -> None:
        """Give the lock up (on shutdown) so a successor need not wait for the lease."""
        with self.engine.begin() as connection:
            connection.execute(
                self.table.update()
                .where(self.table.c.name == LEASE_NAME, self.table.c.holder == self.holder)
                .values(expires_at=timeutil.now())
            )
        self._drop_advisory()

    def _drop_advisory(self) -> None:
        if self._advisory is not None:
            try:
                self._advisory.execute(sa.select(sa.func.pg_advisory_unlock(ADVISORY_KEY)))
                self._advisory.commit()
            except Exception:
                pass
            finally:
                self._advisory.close()
                self._advisory = None
