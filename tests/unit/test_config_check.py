"""`showdesk config check`'s rules: which hosts are loopback, how secrets are masked, what is unsafe."""

from __future__ import annotations

from typing import Any

import pytest

from showdesk.config import Settings
from showdesk.config_check import effective, findings, loopback_only, masked

LONG = "a-long-random-value-" + "q1w2e3r4t5y6" * 3
SAFE: dict[str, Any] = {
    "host": "127.0.0.1",
    "secret_key": LONG,
    "metrics_token": LONG,
    "turn_url": "turn:turn.example.com:3478",
    "turn_secret": LONG,
}


def settings(**overrides: Any) -> Settings:
    return Settings(**{**SAFE, **overrides})


def kinds(found: list[Any]) -> list[tuple[str, str]]:
    return [(f.kind, f.text) for f in found]


def counted(s: Settings, console_turn_servers: int | None = 0) -> list[str]:
    return [f.text for f in findings(s, console_turn_servers) if f.counts]


@pytest.mark.parametrize(
    ("host", "loopback"),
    [
        ("127.0.0.1", True),
        ("127.8.9.10", True),
        ("::1", True),
        ("[::1]", True),
        ("localhost", True),
        ("LOCALHOST", True),
        ("0.0.0.0", False),  # noqa: S104 - hosts to classify
        ("::", False),
        ("192.168.1.20", False),
        ("showdesk.example.com", False),
    ],
)
def test_loopback_hosts(host: str, loopback: bool) -> None:
    assert loopback_only(host) is loopback


def test_secrets_are_masked_and_urls_lose_their_password() -> None:
    assert masked("secret_key", "abc") == "(set, 3 characters)"
    assert masked("turn_credential", "xyz") == "(set, 3 characters)"
    assert masked("metrics_token", None) == "(not set)"
    assert masked("agent_token_ttl", 3600) == "3600"  # a number named after tokens is no secret
    assert masked("database_url", "postgresql+asyncpg://showdesk:hunter2@db/showdesk") == (
        "postgresql+asyncpg://showdesk:***@db/showdesk"
    )
    assert masked("redis_url", "redis://:hunter2@cache:6379/0") == "redis://:***@cache:6379/0"
    assert masked("database_url", "sqlite+aiosqlite:///x.db") == "sqlite+aiosqlite:///x.db"

    shown = "\n".join(f"{flag} {value}" for flag, value, _ in effective(settings(turn_credential="hunter3")))
    for secret in (LONG, "hunter3"):
        assert secret not in shown
    assert "--secret-key (set, " in shown


def test_safe_settings_have_nothing_to_count() -> None:
    assert counted(settings()) == []
    assert counted(settings(host="0.0.0.0", public_origin="https://chat.example.com")) == []  # noqa: S104


def test_demo_accounts_on_a_public_host_are_unsafe() -> None:
    assert counted(settings(demo=True)) == []
    found = counted(settings(demo=True, demo_public=True, host="192.168.1.20", public_origin="https://x.example"))
    assert len(found) == 1 and "admin@demo.local / admin" in found[0]


def test_plain_http_on_a_public_host_is_unsafe() -> None:
    found = counted(settings(host="0.0.0.0"))  # noqa: S104
    assert len(found) == 1 and "plain HTTP" in found[0]
    found = counted(settings(public_origin="http://chat.example.com", max_connections_per_ip=0))
    assert len(found) == 1 and "--public-origin http://chat.example.com is plain HTTP" in found[0]
    if "tls" in Settings.model_fields:  # --tls self-signed: HTTPS served directly
        assert counted(settings(host="0.0.0.0", tls="self-signed")) == []  # noqa: S104


def test_no_turn_relay_fails_for_a_reachable_server_only() -> None:
    public = {"host": "192.168.1.20", "public_origin": "https://chat.example.com", "turn_url": None}
    found = counted(settings(**public), console_turn_servers=0)
    assert len(found) == 1 and "video across strict networks" in found[0]
    assert counted(settings(**public), console_turn_servers=1) == []  # a relay set up in the console
    only_here = findings(settings(turn_url=None, turn_secret=None), 0)
    assert [f.kind for f in only_here if "TURN" in f.text] == ["NOTE"]  # this machine only: worth knowing
    assert [f.kind for f in findings(settings(**public), None) if "TURN" in f.text] == ["NOTE"]  # unreadable


def test_weak_secrets_are_unsafe() -> None:
    assert any("serve refuses less than 32 bytes" in t for t in counted(settings(secret_key="short")))
    assert any("forged" in t for t in counted(settings(secret_key="k" * 40)))
    assert any("/metrics" in t for t in counted(settings(metrics_token="change-me")))
    assert any("relays through" in t for t in counted(settings(turn_secret="turn")))
    several = counted(settings(secret_key=None, redis_url="redis://127.0.0.1:6379/0"))
    assert len(several) == 1 and "the same key on every node" in several[0]
    no_token = findings(settings(metrics_token=None), 0)
    assert [f.kind for f in no_token if "metrics" in f.text] == ["NOTE"]  # /metrics then needs metrics:view


def test_a_proxy_without_forwarded_allow_ips_makes_every_client_one_address() -> None:
    found = counted(settings(public_origin="https://chat.example.com"))
    assert len(found) == 1 and "--forwarded-allow-ips" in found[0]
    assert counted(settings(public_origin="https://chat.example.com", max_connections_per_ip=0)) == []
    if "forwarded_allow_ips" in Settings.model_fields:
        assert counted(settings(public_origin="https://chat.example.com", forwarded_allow_ips="127.0.0.1")) == []
