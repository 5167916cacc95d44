"""The base of every area's domain errors."""
from __future__ import annotations


class DomainError(Exception):
    """A refused action: a Chinese message, an HTTP status and a machine code.

    Services raise it; the app's error handler turns one that escapes an API view
    into the JSON error {"error": {"code", "message", …}} with its status, so API
    views need not translate each area's errors themselves.
    """

    def __init__(self, message: str, status: int = 422, code: str = "invalid", **extra):
        super().__init__(message)
        self.message = message
        self.status = status
        self.code = code
        self.extra = extra
