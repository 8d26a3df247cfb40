"""--forwarded-allow-ips against a real server: with no trusted proxy, forwarded headers change nothing,
even from 127.0.0.1; from a trusted proxy they give the client's address (what sign-in limits and the
audit log see) and the scheme and host embed snippets point at; from anyone else they change nothing;
and the per-address connection cap does not count a trusted proxy's connections.

127.0.0.2 is loopback too: a client coming from it is "another address"."""

from __future__ import annotations

import socket
from collections.abc import Iterator

import httpx
import pytest

from tests.support.seen_address import THROTTLE_FLAGS, address_seen, staff_client
from tests.support.server import ServerProcess

SPOOFED = {
    "x-forwarded-for": "6.6.6.6, 203.0.113.9",
    "x-forwarded-proto": "https",
    "x-forwarded-host": "chat.example.test",
}
PER_IP = 3


@pytest.fixture(scope="module")
def plain() -> Iterator[ServerProcess]:
    """A server with no trusted proxy (the default)."""
    proc = ServerProcess(*THROTTLE_FLAGS).start()
    yield proc
    proc.cleanup()


@pytest.fixture(scope="module")
def proxied() -> Iterator[ServerProcess]:
    """A server that trusts 127.0.0.1 as its proxy."""
    flags = ("--forwarded-allow-ips", "127.0.0.1", "--max-connections-per-ip", str(PER_IP))
    proc = ServerProcess(*THROTTLE_FLAGS, *flags).start()
    yield proc
    proc.cleanup()


def _from(server: ServerProcess, address: str) -> httpx.Client:
    return httpx.Client(base_url=server.base, transport=httpx.HTTPTransport(local_address=address), timeout=10)


def _snippet(client: httpx.Client, token: str, headers: dict[str, str]) -> str:
    answer = client.get(
        "/api/v2/webchat/deployments/demo-webchat", headers={"authorization": f"Bearer {token}", **headers}
    )
    assert answer.status_code == 200, answer.text
    return str(answer.json()["snippet"])


def test_without_a_trusted_proxy_forwarded_headers_change_nothing_even_from_loopback(plain: ServerProcess) -> None:
    token = plain.login("admin@demo.local", "admin")
    with staff_client(plain.base, token) as staff, _from(plain, "127.0.0.1") as client:
        assert address_seen(client, staff, SPOOFED) == "127.0.0.1"
        assert address_seen(client, staff, {"forwarded": "for=203.0.113.9;proto=https"}) == "127.0.0.1"
        snippet = _snippet(client, token, SPOOFED)
    assert f"{plain.base}/sdk/webchat.js" in snippet and "chat.example.test" not in snippet


def test_a_trusted_proxy_gives_the_client_s_address_scheme_and_host(proxied: ServerProcess) -> None:
    token = proxied.login("admin@demo.local", "admin")
    with staff_client(proxied.base, token) as staff, _from(proxied, "127.0.0.1") as proxy:
        assert address_seen(proxy, staff, SPOOFED) == "203.0.113.9"  # the right-most untrusted address
        assert address_seen(proxy, staff, {"forwarded": 'for="[2001:db8::7]:443"'}) == "2001:db8::7"
        assert address_seen(proxy, staff, {"x-forwarded-for": "not an address"}) == "127.0.0.1"
        assert address_seen(proxy, staff) == "127.0.0.1"
        assert "https://chat.example.test/sdk/webchat.js" in _snippet(proxy, token, SPOOFED)


def test_anyone_but_the_trusted_proxy_changes_nothing_with_them(proxied: ServerProcess) -> None:
    token = proxied.login("admin@demo.local", "admin")
    with staff_client(proxied.base, token) as staff, _from(proxied, "127.0.0.2") as client:
        assert address_seen(client, staff, SPOOFED) == "127.0.0.2"
        snippet = _snippet(client, token, SPOOFED)
    assert f"{proxied.base}/sdk/webchat.js" in snippet and "chat.example.test" not in snippet


def _connections(server: ServerProcess, source: str, count: int) -> list[socket.socket]:
    opened = []
    for _ in range(count):
        sock = socket.socket()
        sock.bind((source, 0))
        sock.settimeout(5)
        sock.connect(("127.0.0.1", server.port))
        opened.append(sock)
    return opened


def _status(sock: socket.socket) -> bytes:
    sock.sendall(b"GET /healthz HTTP/1.1\r\nhost: showdesk\r\n\r\n")
    return sock.recv(4096).split(b"\r\n", 1)[0]


def test_the_per_address_connection_cap_does_not_count_a_trusted_proxy(proxied: ServerProcess) -> None:
    from_proxy = _connections(proxied, "127.0.0.1", 2 * PER_IP)
    from_client = _connections(proxied, "127.0.0.3", PER_IP + 1)
    try:
        assert [_status(s) for s in from_proxy] == [b"HTTP/1.1 200 OK"] * (2 * PER_IP)
        statuses = [_status(s) for s in from_client[:PER_IP]]
        assert statuses == [b"HTTP/1.1 200 OK"] * PER_IP
        refused = from_client[PER_IP].recv(4096)  # answered at once, before it sent anything
        assert refused.startswith(b"HTTP/1.1 503") and b"too_many_connections" in refused
    finally:
        for sock in from_proxy + from_client:
            sock.close()
