"""The contests area's domain error."""
from __future__ import annotations

from ..errors import DomainError


class ContestError(DomainError):
    """A refused contest action: a Chinese message, an HTTP status and a machine code."""
