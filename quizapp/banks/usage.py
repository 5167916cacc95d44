"""Whether anything uses a bank, so that it may not be deleted.

Areas that refer to bank questions register a check with ``register_bank_usage``
(the exams area checks its blueprints, fixed papers and sat papers). A check that
fails in the database refuses the deletion: a bank is never deleted on a guess.
"""
from __future__ import annotations

import logging
from collections.abc import Callable

import sqlalchemy as sa

from ..extensions import db

BANK_USAGE_CHECKS: list[Callable[[object], str | None]] = []
UNKNOWN_USAGE = "无法确认是否被使用，请稍后重试"
log = logging.getLogger(__name__)


def register_bank_usage(check: Callable[[object], str | None]) -> None:
    """Add a check: given a bank, return a Chinese description of what uses it, or None."""
    if check not in BANK_USAGE_CHECKS:
        BANK_USAGE_CHECKS.append(check)


def bank_in_use(bank) -> str | None:
    """What uses the bank (a Chinese phrase), or None when it may be deleted."""
    for check in BANK_USAGE_CHECKS:
        try:
            with db.session.begin_nested():
                usage = check(bank)
        except sa.exc.SQLAlchemyError:
            log.error("bank usage check %s failed: deletion refused", getattr(check, "__name__", check),
                      exc_info=True)
            return UNKNOWN_USAGE
        if usage:
            return usage
    return None
