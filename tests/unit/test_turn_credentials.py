"""TURN REST API credentials: what coturn's `use-auth-secret` expects, expiry and tampering."""

from __future__ import annotations

import base64
import hashlib
import hmac
from datetime import UTC, datetime, timedelta

from showdesk.adapters.ice.turn import turn_credentials, verify_turn_credentials

SECRET = "north-wind-secret"
NOW = datetime(2024, 5, 1, 12, 0, 0, tzinfo=UTC)
TTL = timedelta(hours=1)


def test_known_answer() -> None:
    username, credential, expires_at = turn_credentials(SECRET, "sess-42", NOW, TTL)
    expiry = int(NOW.timestamp()) + 3600
    assert expiry == 1714568400
    assert username == f"{expiry}:sess-42"
    digest = hmac.new(SECRET.encode(), username.encode(), hashlib.sha1).digest()
    assert credential == base64.b64encode(digest).decode()
    assert expires_at == datetime(2024, 5, 1, 13, 0, 0, tzinfo=UTC)


def test_fractional_seconds_round_down() -> None:
    username, _, expires_at = turn_credentials(SECRET, "s", NOW + timedelta(microseconds=900_000), TTL)
    assert username == "1714568400:s"
    assert expires_at == NOW + TTL


def test_valid_until_expiry() -> None:
    username, credential, expires_at = turn_credentials(SECRET, "sess-42", NOW, TTL)
    assert verify_turn_credentials(SECRET, username, credential, NOW)
    assert verify_turn_credentials(SECRET, username, credential, expires_at - timedelta(seconds=1))
    assert not verify_turn_credentials(SECRET, username, credential, expires_at)
    assert not verify_turn_credentials(SECRET, username, credential, expires_at + timedelta(days=1))


def test_tampering_is_detected() -> None:
    username, credential, _ = turn_credentials(SECRET, "sess-42", NOW, TTL)
    expiry, _, session = username.partition(":")
    assert not verify_turn_credentials("other-secret", username, credential, NOW)
    assert not verify_turn_credentials(SECRET, f"{expiry}:sess-43", credential, NOW)
    assert not verify_turn_credentials(SECRET, f"{int(expiry) + 86400}:{session}", credential, NOW)
    flipped = ("B" if credential[0] == "A" else "A") + credential[1:]
    assert not verify_turn_credentials(SECRET, username, flipped, NOW)
    assert not verify_turn_credentials(SECRET, username, "", NOW)


def test_malformed_usernames_are_rejected() -> None:
    for username in ["", "sess-42", "soon:sess-42", "-5:sess-42", "²:sess"]:
        digest = hmac.new(SECRET.encode(), username.encode(), hashlib.sha1).digest()
        assert not verify_turn_credentials(SECRET, username, base64.b64encode(digest).decode(), NOW)
