"""Portable INSERT … ON CONFLICT for SQLite and PostgreSQL (both support it)."""
from __future__ import annotations

from sqlalchemy.dialects import postgresql, sqlite

from .extensions import db


def _insert(table):
    # Core tables, not ORM entities: the ORM's bulk insert path reports rowcount -1.
    table = getattr(table, "__table__", table)
    dialect = db.session.get_bind().dialect.name
    if dialect == "postgresql":
        return postgresql.insert(table)
    if dialect == "sqlite":
        return sqlite.insert(table)
    raise NotImplementedError(f"no upsert for {dialect}")


def insert_ignore(table, values, conflict: list[str]) -> int:
    """Insert the row(s) unless one with the same conflict key exists; returns rows inserted."""
    target = getattr(table, "__table__", table)
    statement = _insert(table).on_conflict_do_nothing(index_elements=conflict)
    # RETURNING rather than rowcount: drivers disagree on rowcount for ON CONFLICT.
    result = db.session.execute(statement.values(values).returning(target.c[conflict[0]]))
    return len(result.all())


def insert_or_add(table, values: dict, conflict: list[str], added: list[str]) -> None:
    """Insert the row, or add its ``added`` columns onto the existing row's."""
    statement = _insert(table).values(values)
    target = getattr(table, "__table__", table)
    statement = statement.on_conflict_do_update(
        index_elements=conflict,
        set_={name: target.c[name] + statement.excluded[name] for name in added},
    )
    db.session.execute(statement)


def insert_or_replace(table, values: dict, conflict: list[str], replaced: list[str]) -> None:
    """Insert the row, or overwrite the existing row's ``replaced`` columns with its values."""
    statement = _insert(table).values(values)
    statement = statement.on_conflict_do_update(
        index_elements=conflict, set_={name: statement.excluded[name] for name in replaced})
    db.session.execute(statement)


__all__ = ["insert_ignore", "insert_or_add", "insert_or_replace"]
