"""Errors that services raise for a rule the caller broke."""

from __future__ import annotations


class DomainError(Exception):
    """A business rule refused the change. Nothing was saved.

    ``field`` names the input at fault, so forms put the message next to it and
    the API returns it under ``errors``. ``status`` is the HTTP status the API
    answers with: 400 for bad input, 409 for a conflict with the current state.
    """

    status = 400

    def __init__(self, message: str, *, field: str | None = None, status: int | None = None):
        super().__init__(message)
        self.message = message
        self.field = field
        if status is not None:
            self.status = status


class ConflictError(DomainError):
    status = 409
