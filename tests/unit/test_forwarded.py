"""Forwarded headers (--forwarded-allow-ips): believed only from a trusted proxy's connection, and then
only as far as the chain of trusted proxies goes; anything malformed or hostile keeps the peer's values."""

from __future__ import annotations

import time
from typing import Any

import pytest
from pydantic import ValidationError
from typer.testing import CliRunner

from showdesk.cli import app as cli
from showdesk.config import Settings
from showdesk.transport.forwarded import ForwardedHeaders, TrustedProxies, read_forwarded

PROXIES = TrustedProxies.parse("10.0.0.0/24, 192.0.2.1, 2001:db8:aa::/48")
PEER = ("10.0.0.5", 41000)  # the proxy's own connection


async def _scope_seen(
    headers: list[tuple[str, str]], peer: tuple[str, int] | None = PEER, kind: str = "http", proxies: str | None = None
) -> dict[str, Any]:
    """The scope the application sees after the middleware."""
    seen: dict[str, Any] = {}

    async def application(scope: Any, receive: Any, send: Any) -> None:
        seen.update(scope)

    scope = {
        "type": kind,
        "scheme": "ws" if kind == "websocket" else "http",
        "client": peer,
        "headers": [(b"host", b"10.0.0.11:8080")] + [(k.lower().encode(), v.encode()) for k, v in headers],
    }
    trusted = PROXIES if proxies is None else TrustedProxies.parse(proxies)
    await ForwardedHeaders(application, trusted)(scope, None, None)  # type: ignore[arg-type]
    return seen


def _host(scope: dict[str, Any]) -> list[bytes]:
    return [v for k, v in scope["headers"] if k == b"host"]


def _client(*headers: tuple[str, str]) -> str | None:
    return read_forwarded([(k.lower().encode(), v.encode()) for k, v in headers], PROXIES).client


SPOOF = [
    ("X-Forwarded-For", "203.0.113.9"),
    ("X-Forwarded-Proto", "https"),
    ("X-Forwarded-Host", "evil.example"),
    ("Forwarded", "for=203.0.113.9;proto=https;host=evil.example"),
]


@pytest.mark.parametrize("peer", [("198.51.100.7", 5000), ("10.0.1.5", 5000), ("::1", 5000), None])
async def test_headers_from_anyone_but_a_trusted_proxy_change_nothing(peer: tuple[str, int] | None) -> None:
    scope = await _scope_seen(SPOOF, peer=peer)
    assert scope["client"] == peer and scope["scheme"] == "http" and _host(scope) == [b"10.0.0.11:8080"]


async def test_without_trusted_proxies_even_a_loopback_peer_changes_nothing() -> None:
    scope = await _scope_seen(SPOOF, peer=("127.0.0.1", 5000), proxies=Settings().forwarded_allow_ips)
    assert scope["client"] == ("127.0.0.1", 5000) and scope["scheme"] == "http"


async def test_a_trusted_proxy_gives_the_client_scheme_and_host() -> None:
    scope = await _scope_seen(
        [("X-Forwarded-For", "203.0.113.9"), ("X-Forwarded-Proto", "https"), ("X-Forwarded-Host", "Chat.Example.com")]
    )
    assert scope["client"] == ("203.0.113.9", 0) and scope["scheme"] == "https"
    assert _host(scope) == [b"chat.example.com"]  # one Host, the forwarded one
    socket = await _scope_seen([("X-Forwarded-Proto", "https")], kind="websocket")
    assert socket["scheme"] == "wss" and socket["client"] == PEER


async def test_lifespan_and_other_scopes_pass_untouched() -> None:
    seen: dict[str, Any] = {}

    async def application(scope: Any, receive: Any, send: Any) -> None:
        seen.update(scope)

    await ForwardedHeaders(application, PROXIES)({"type": "lifespan"}, None, None)  # type: ignore[arg-type]
    assert seen == {"type": "lifespan"}


@pytest.mark.parametrize(
    ("chain", "client"),
    [
        ("203.0.113.9", "203.0.113.9"),
        ("6.6.6.6, 203.0.113.9", "203.0.113.9"),  # what the client wrote itself is left of what the proxy saw
        ("203.0.113.9, 10.0.0.7", "203.0.113.9"),  # a second trusted proxy in the chain is walked over
        ("203.0.113.9, 192.0.2.1, 10.0.0.7", "203.0.113.9"),
        ("10.0.0.9, 10.0.0.7", "10.0.0.9"),  # every hop trusted: the left-most
        ("garbage, 203.0.113.9", "203.0.113.9"),  # garbage left of the client is never read
        (" , 203.0.113.9", "203.0.113.9"),
        ("203.0.113.9:5555", "203.0.113.9"),
        ("[2001:db8::1]:443", "2001:db8::1"),
        ("[2001:db8::1]", "2001:db8::1"),
        ("2001:DB8::1", "2001:db8::1"),
        ("::ffff:203.0.113.9", "203.0.113.9"),  # IPv4-mapped: the IPv4 address, one key for the limits
        ("203.0.113.9, not-an-address", None),  # the nearest proxy's entry is unreadable: believe nothing
        ("203.0.113.9, 10.0.0.7, ", None),
        ("", None),
        ("unknown", None),
        ("fe80::1%eth0", None),  # a zone names an interface of the proxy, not a client
        ("203.0.113.9:http", None),
        ("[2001:db8::1", None),
        ("[2001:db8::1]x", None),
        ("203.0.113.300", None),
        ("1" * 200, None),
    ],
)
def test_x_forwarded_for_is_walked_from_the_right(chain: str, client: str | None) -> None:
    assert _client(("X-Forwarded-For", chain)) == client


def test_several_x_forwarded_for_lines_are_one_list() -> None:
    assert _client(("X-Forwarded-For", "6.6.6.6"), ("X-Forwarded-For", "203.0.113.9, 10.0.0.7")) == "203.0.113.9"


async def test_an_unreadable_chain_keeps_the_peer() -> None:
    scope = await _scope_seen([("X-Forwarded-For", "203.0.113.9, <script>")])
    assert scope["client"] == PEER


@pytest.mark.parametrize(
    ("proto", "scheme"),
    [("https", "https"), ("HTTPS", "https"), ("http", "http"), ("http, https", "https"), ("https, http", "http")],
)
async def test_the_nearest_proxys_proto_is_used(proto: str, scheme: str) -> None:
    assert (await _scope_seen([("X-Forwarded-Proto", proto)]))["scheme"] == scheme


@pytest.mark.parametrize("proto", ["javascript", "ftp", "", "https;", "wss"])
async def test_a_proto_that_is_no_scheme_of_ours_is_ignored(proto: str) -> None:
    assert (await _scope_seen([("X-Forwarded-Proto", proto)]))["scheme"] == "http"


@pytest.mark.parametrize(
    ("host", "kept"),
    [
        ("chat.example.com", b"chat.example.com"),
        ("chat.example.com:8443", b"chat.example.com:8443"),
        ("[2001:db8::1]:8443", b"[2001:db8::1]:8443"),
        ("a.example, chat.example.com", b"chat.example.com"),
        ("evil.example/path", b"10.0.0.11:8080"),
        ("evil.example@chat.example.com", b"10.0.0.11:8080"),
        ("a b", b"10.0.0.11:8080"),
        ("chat.example.com:99999", b"10.0.0.11:8080"),
        ("chat.example.com:", b"10.0.0.11:8080"),
        ("x" * 300, b"10.0.0.11:8080"),
        ("", b"10.0.0.11:8080"),
    ],
)
async def test_a_forwarded_host_must_be_a_host(host: str, kept: bytes) -> None:
    assert _host(await _scope_seen([("X-Forwarded-Host", host)])) == [kept]


@pytest.mark.parametrize(
    ("forwarded", "client", "scheme", "host"),
    [
        ("for=203.0.113.9;proto=https;host=chat.example.com", "203.0.113.9", "https", "chat.example.com"),
        ('For="[2001:db8:cafe::17]:4711";Proto=https', "2001:db8:cafe::17", "https", None),
        ('for="203.0.113.9:5000"', "203.0.113.9", None, None),
        # The client's own element, then the user-facing proxy's, then an inner trusted proxy's: the
        # element of the right-most untrusted address says which scheme and host the client used.
        (
            "for=6.6.6.6;proto=http;host=evil.example, for=203.0.113.9;proto=https;host=chat.example.com, "
            "for=10.0.0.7;proto=http;host=10.0.0.11",
            "203.0.113.9",
            "https",
            "chat.example.com",
        ),
        ("for=10.0.0.9, for=10.0.0.7", "10.0.0.9", None, None),
        (",, for=203.0.113.9 ,", "203.0.113.9", None, None),  # empty elements are allowed
        ('for=203.0.113.9;host="chat.example.com:8443"', "203.0.113.9", None, "chat.example.com:8443"),
        ('for=203.0.113.9;proto="ht\\tps"', "203.0.113.9", "https", None),  # a quoted pair is its character
        ("for=unknown", None, None, None),
        ("for=_hidden, for=10.0.0.7", None, None, None),
        ("proto=https;host=chat.example.com", None, None, None),  # says nothing of the client: nothing
        ('for="203.0.113.9', None, None, None),  # an open quote: malformed
        ('for="6.6.6.6, for=203.0.113.9', None, None, None),
        ("for=203.0.113.9;proto", None, None, None),
        ("for=203.0.113.9;=x", None, None, None),
        ("for=[2001:db8::1]", None, None, None),  # brackets must be quoted
        ('for=203.0.113.9;proto=javascript;host="a/b"', "203.0.113.9", None, None),
        ("for=203.0.113.9;host=a/b", None, None, None),  # not a token, not quoted: malformed
    ],
)
def test_forwarded_elements(forwarded: str, client: str | None, scheme: str | None, host: str | None) -> None:
    seen = read_forwarded([(b"forwarded", forwarded.encode())], PROXIES)
    assert (seen.client, seen.scheme, seen.host) == (client, scheme, host)


def test_forwarded_wins_over_x_forwarded_for() -> None:
    assert _client(("Forwarded", "for=203.0.113.9"), ("X-Forwarded-For", "198.51.100.1")) == "203.0.113.9"


def test_a_header_as_large_as_the_header_cap_is_read_quickly() -> None:
    started = time.perf_counter()
    for value in ("," * 60_000, "1.2.3.4, " * 7_000, '"' * 60_000, "for=1.2.3.4;" * 5_000, "a=" + "\\" * 60_000):
        for name in (b"x-forwarded-for", b"forwarded", b"x-forwarded-host"):
            read_forwarded([(name, value.encode())], PROXIES)
    assert time.perf_counter() - started < 2.0


def test_trusted_proxies_are_addresses_and_networks() -> None:
    proxies = TrustedProxies.parse(" 127.0.0.1 ,10.1.0.0/16,, ::1 , 10.9.9.9/8")
    assert [str(n) for n in proxies.networks] == ["127.0.0.1/32", "10.1.0.0/16", "::1/128", "10.0.0.0/8"]
    assert proxies.trusts("127.0.0.1") and proxies.trusts("10.1.200.3") and proxies.trusts("::1")
    assert proxies.trusts("::ffff:127.0.0.1")  # a dual-stack socket's view of an IPv4 peer
    assert not proxies.trusts("127.0.0.2") and not proxies.trusts("11.0.0.1") and not proxies.trusts("unknown")
    assert not TrustedProxies.parse("") and not TrustedProxies.parse(None).trusts("127.0.0.1")


@pytest.mark.parametrize("bad", ["localhost", "10.0.0.300", "10.0.0.0/33", "*"])
def test_a_proxy_list_that_does_not_parse_is_refused(bad: str) -> None:
    with pytest.raises(ValidationError, match="is not an IP address or a CIDR network"):
        Settings(forwarded_allow_ips=f"127.0.0.1,{bad}")


def test_serve_refuses_a_bad_proxy_list_by_its_flag(monkeypatch: pytest.MonkeyPatch) -> None:
    result = CliRunner().invoke(cli, ["serve", "--forwarded-allow-ips", "proxy.internal"])
    assert result.exit_code == 2
    assert "--forwarded-allow-ips" in result.output and "'proxy.internal' is not an IP address" in result.output
    monkeypatch.setenv("SHOWDESK_FORWARDED_ALLOW_IPS", "10.0.0.0/8")
    assert Settings().forwarded_allow_ips == "10.0.0.0/8"
