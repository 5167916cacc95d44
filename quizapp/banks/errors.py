"""The refusals of bank use cases, with Chinese messages."""
from ..errors import DomainError


class BankError(DomainError):
    """A refused bank operation; the message is Chinese."""


class QuestionInvalid(BankError):
    """A question that breaks a rule; ``column`` names the field at fault."""

    def __init__(self, column: str, message: str):
        super().__init__(message)
        self.column = column
