"""Laptop to phone: a one-time code that moves a customer's chat onto another device of theirs.

The customer's chat makes a hand-off; its code (128 random bits, URL-safe) goes to the other device in a
QR code or a link. The code is bound to that one chat, valid for a while (`--handoff-ttl`) and good for
one redemption: the device that redeems it joins the same conversation with a guest token of its own,
and the first device keeps its chat. Only a digest of the code is kept, so a copy of the database opens
no chat. A reused, expired or unknown code is refused in words.
"""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from showdesk.domain.errors import Gone, InvalidInput, NotFound

CODE_BYTES = 16  # 128 bits from the system's random source
MAX_CODE_CHARS = 64  # a code longer than this is not one of ours: refused before anything reads it
DEVICES = ("phone", "tablet", "computer")

USED = "This link was already used. Ask for a new one on your computer."
EXPIRED = "This link has expired. Ask for a new one on your computer."
UNKNOWN = "This link does not work. Ask for a new one on your computer."


def new_code() -> str:
    return secrets.token_urlsafe(CODE_BYTES)


def code_digest(code: str) -> str:
    """What is stored of a code: its SHA-256, hex."""
    return hashlib.sha256(code.encode()).hexdigest()


def device_kind(value: str | None) -> str:
    """The kind of device a browser says it is; anything else is a computer."""
    return value if value in DEVICES else "computer"


def known_device(value: str | None) -> str | None:
    """The kind of device a browser says it is, or None when it says none ShowDesk knows."""
    return value if value in DEVICES else None


def check_code(code: str | None) -> str:
    if not code or len(code) > MAX_CODE_CHARS:
        raise NotFound(UNKNOWN, code="handoff_not_found")
    return code


@dataclass
class Handoff:
    id: str  # the digest of its code
    conversation_id: str
    organization_id: str
    deployment_id: str
    created_at: datetime
    expires_at: datetime
    redeemed_at: datetime | None = None
    device: str | None = None  # the kind of device that redeemed it

    @classmethod
    def create(
        cls, code: str, conversation_id: str, organization_id: str, deployment_id: str, now: datetime, ttl: int
    ) -> Handoff:
        if ttl <= 0:
            raise InvalidInput("a hand-off must be valid for some time", code="invalid_input")
        return cls(
            code_digest(code), conversation_id, organization_id, deployment_id, now, now + timedelta(seconds=ttl)
        )

    def expired(self, now: datetime) -> bool:
        return now >= self.expires_at

    def refuse_redeem(self, now: datetime) -> None:
        """Refuses a code that was used or has expired, saying so in words (used first: it says more)."""
        if self.redeemed_at is not None:
            raise Gone(USED, code="handoff_used")
        if self.expired(now):
            raise Gone(EXPIRED, code="handoff_expired")
