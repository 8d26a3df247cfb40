"""What a new password must be: long enough to resist guessing, short enough to hash quickly."""

from __future__ import annotations

import secrets

from showdesk.domain.errors import InvalidInput

MIN_PASSWORD_LENGTH = 12
MAX_PASSWORD_LENGTH = 200


def check_new_password(password: object, documented: str | None = None) -> str:
    """The password, if it may be set. `documented`: the demo account's own documented password (CONTRACT
    §2), which that account alone may be given back although it is short."""
    if not isinstance(password, str):
        raise InvalidInput("password must be text", code="invalid_password")
    if documented is not None and password == documented:
        return password
    if len(password) < MIN_PASSWORD_LENGTH:
        raise InvalidInput(
            f"the password must be at least {MIN_PASSWORD_LENGTH} characters long (it has {len(password)}); "
            "a few unrelated words make a long password that is easy to remember",
            code="invalid_password",
        )
    if len(password) > MAX_PASSWORD_LENGTH:
        raise InvalidInput(f"the password must be at most {MAX_PASSWORD_LENGTH} characters", code="invalid_password")
    return password


def generated_password() -> str:
    """A strong new password for someone to be given once: 24 characters, 144 random bits."""
    return secrets.token_urlsafe(18)
