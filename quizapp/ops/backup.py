"""Online backup of the embedded SQLite database through sqlite3's backup API.

The copy is one consistent snapshot even while the app writes: in WAL mode the
backup reads a snapshot and writers carry on. It is written beside the target as
``*.partial``, checked (integrity_check) and only then renamed into place.
"""
from __future__ import annotations

import os
import sqlite3
from dataclasses import dataclass
from pathlib import Path

import sqlalchemy as sa

from .. import timeutil


class BackupError(RuntimeError):
    """The backup could not be made; the message says why, for operators."""


@dataclass(frozen=True)
class BackupResult:
    """Where the copy went, its size and the row count of every table."""

    path: Path
    size: int
    row_counts: dict[str, int]


def backup_target(destination: Path) -> Path:
    """A directory gets a time-stamped file name; a file path is used as given."""
    if destination.is_dir():
        stamp = timeutil.now().strftime("%Y%m%dT%H%M%SZ")
        return destination / f"quizapp-{stamp}.db"
    return destination


def row_counts(connection: sqlite3.Connection) -> dict[str, int]:
    """Rows per table of an SQLite database."""
    names = [row[0] for row in connection.execute(
        "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name")]
    return {name: connection.execute(f'SELECT count(*) FROM "{name}"').fetchone()[0] for name in names}


def backup_sqlite(engine: sa.Engine, destination: Path) -> BackupResult:
    """Copy the live SQLite database to destination (file or directory), consistently."""
    if engine.dialect.name != "sqlite":
        raise BackupError("数据库是PostgreSQL：请用 deploy/backup-postgres.sh（pg_dump）备份 "
                          "(this command backs up SQLite only).")
    target = backup_target(destination)
    if target.exists():
        raise BackupError(f"{target} 已存在，不会覆盖 (refusing to overwrite).")
    if not target.parent.is_dir():
        raise BackupError(f"目录 {target.parent} 不存在 (directory does not exist).")
    partial = target.with_name(target.name + ".partial")
    partial.unlink(missing_ok=True)
    # Password hashes and answers: readable by the service account only.
    partial.touch(mode=0o600)
    raw = engine.raw_connection()
    try:
        copy = sqlite3.connect(partial)
        try:
            # One step (pages=-1): a single read snapshot, so the copy is consistent.
            raw.driver_connection.backup(copy)
            # A self-contained single file: no -wal beside it to forget.
            copy.execute("PRAGMA journal_mode=DELETE")
            check = copy.execute("PRAGMA integrity_check").fetchone()[0]
            if check != "ok":
                raise BackupError(f"备份文件校验失败 (integrity_check): {check}")
            counts = row_counts(copy)
        finally:
            copy.close()
    except sqlite3.Error as error:
        partial.unlink(missing_ok=True)
        raise BackupError(f"备份失败 (backup failed): {error}") from error
    except BackupError:
        partial.unlink(missing_ok=True)
        raise
    finally:
        raw.close()
    with open(partial, "rb") as handle:
        os.fsync(handle.fileno())
    os.replace(partial, target)
    return BackupResult(target, target.stat().st_size, counts)
