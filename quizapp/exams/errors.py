"""The exams area's domain error."""
from __future__ import annotations

from ..errors import DomainError


class ExamError(DomainError):
    """A refused exam action: a Chinese message, an HTTP status and a machine code."""


# What an officer who is not invited sees, on the intro page (from a link or QR code) and on starting.
NOT_A_CANDIDATE = "您不在本场考试的参考人员名单中，如有疑问请联系组织部门。"
