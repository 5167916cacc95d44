"""The exams area's domain error."""
from __future__ import annotations

from ..errors import DomainError


class ExamError(DomainError):
    """A refused exam action: a Chinese message, an HTTP status and a machine code."""
