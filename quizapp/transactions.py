"""One use case, one transaction: ``with transaction(): …`` commits once at the end, or
rolls everything back and re-raises when anything inside (or the commit) fails."""
from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from .extensions import db


@contextmanager
def transaction() -> Iterator[None]:
    """Commit the session's work when the block ends; on any error roll it back and re-raise."""
    try:
        yield
        db.session.commit()
    except BaseException:
        db.session.rollback()
        raise
