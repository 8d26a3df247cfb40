"""Errors the domain and services raise. Each carries a stable `code` and a sentence for people.

The transport maps the kind of error to an HTTP status or a WebSocket error frame; the domain only
says what went wrong.
"""

from __future__ import annotations


class ShowDeskError(Exception):
    """Base of every refusal ShowDesk gives on purpose."""

    code = "error"

    def __init__(self, message: str, code: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        if code is not None:
            self.code = code


class InvalidInput(ShowDeskError):
    code = "invalid_input"


class Unauthenticated(ShowDeskError):
    code = "unauthenticated"


class Forbidden(ShowDeskError):
    code = "forbidden"


class NotFound(ShowDeskError):
    code = "not_found"


class Conflict(ShowDeskError):
    code = "conflict"


class Gone(ShowDeskError):
    """Something that existed and cannot be used any more (a hand-off link already used, or expired)."""

    code = "gone"


class TooLarge(InvalidInput):
    """More bytes than ShowDesk accepts for the thing sent (a photo over the size limit)."""

    code = "too_large"


class Unprocessable(ShowDeskError):
    """Well-formed input that breaks a rule (e.g. a flow that fails validation)."""

    code = "unprocessable"


class Unavailable(ShowDeskError):
    """Something this needs is briefly out of reach (another node is taking over routing); try again soon."""

    code = "unavailable"
