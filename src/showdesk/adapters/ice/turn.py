"""Ephemeral TURN credentials, the "TURN REST API" scheme (draft-uberti-behave-turn-rest-00).

ShowDesk and the TURN server (e.g. coturn with `use-auth-secret`) share one secret. For each session
ShowDesk hands the browser a username `<expiry unix time>:<session id>` and the password
`base64(HMAC-SHA1(secret, username))`. The TURN server recomputes the password from the username alone,
so no per-user state is shared, and the credential stops working once the expiry time has passed.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
from datetime import UTC, datetime, timedelta


def _credential(secret: str, username: str) -> str:
    digest = hmac.new(secret.encode(), username.encode(), hashlib.sha1).digest()
    return base64.b64encode(digest).decode("ascii")


def turn_credentials(secret: str, session_id: str, now: datetime, ttl: timedelta) -> tuple[str, str, datetime]:
    """`(username, credential, expires_at)` valid from `now` for `ttl` (whole seconds, rounded down)."""
    expiry = int((now + ttl).timestamp())
    username = f"{expiry}:{session_id}"
    return username, _credential(secret, username), datetime.fromtimestamp(expiry, UTC)


def verify_turn_credentials(secret: str, username: str, credential: str, now: datetime) -> bool:
    """True when `credential` matches `username` under `secret` and the username's expiry is after `now`.

    `now` should be timezone-aware (a naive datetime is taken as local time by `timestamp()`).
    """
    expiry, sep, _ = username.partition(":")
    if not sep or not (expiry.isascii() and expiry.isdigit()):
        return False
    if int(expiry) <= now.timestamp():
        return False
    return hmac.compare_digest(_credential(secret, username).encode(), credential.encode())
