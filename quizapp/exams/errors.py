"""The exams area's domain error."""
from __future__ import annotations


class ExamError(Exception):
    """A refused exam action: a Chinese message, an HTTP status and a machine code."""

    def __init__(self, message: str, status: int = 422, code: str = "invalid", **extra):
        super().__init__(message)
        self.message = message
        self.status = status
        self.code = code
        self.extra = extra
