"""Slow and greedy clients against a real server: a few hundred half-open requests from one address (half
the headers sent, or the headers and then no body) neither stop the node answering other addresses nor
stay open past the header and body timeouts; that address's connections past the per-address cap are
refused at once; an idle keep-alive connection is closed; oversized headers are refused.

127.0.0.2 is loopback too: the tests come from it to be "another address"."""

from __future__ import annotations

import selectors
import socket
import time
from collections.abc import Iterator

import httpx
import orjson
import pytest
import websockets

from tests.support.server import ServerProcess
from tests.support.ws_clients import Guest

HEADER_TIMEOUT = BODY_TIMEOUT = 2.0
PER_IP = 250
STALLED = 300


@pytest.fixture(scope="module")
def server() -> Iterator[ServerProcess]:
    proc = ServerProcess(
        *("--header-timeout", str(HEADER_TIMEOUT), "--body-timeout", str(BODY_TIMEOUT)),
        *("--keep-alive-timeout", "1", "--max-connections-per-ip", str(PER_IP)),
    ).start()
    yield proc
    proc.cleanup()


def _open(server: ServerProcess, source: str = "127.0.0.1") -> socket.socket:
    sock = socket.socket()
    sock.bind((source, 0))
    sock.connect(("127.0.0.1", server.port))
    return sock


def _healthz_from_elsewhere(server: ServerProcess) -> float:
    transport = httpx.HTTPTransport(local_address="127.0.0.2")
    with httpx.Client(transport=transport, timeout=5) as client:
        started = time.monotonic()
        assert client.get(server.base + "/healthz").status_code == 200
        return time.monotonic() - started


def _wait_for_ends(socks: list[socket.socket], deadline: float) -> dict[socket.socket, tuple[float, bytes]]:
    """For each socket, when the server ended it (EOF or reset) and what it had said first."""
    selector = selectors.DefaultSelector()
    for sock in socks:
        sock.setblocking(False)
        selector.register(sock, selectors.EVENT_READ)
    said: dict[socket.socket, bytes] = {}
    ended: dict[socket.socket, tuple[float, bytes]] = {}
    while len(ended) < len(socks) and time.monotonic() < deadline:
        for key, _ in selector.select(timeout=0.05):
            sock = key.fileobj
            assert isinstance(sock, socket.socket)
            try:
                data = sock.recv(65536)
            except ConnectionResetError:
                data = b""
            if data:
                said[sock] = said.get(sock, b"") + data
                continue
            ended[sock] = (time.monotonic(), said.get(sock, b""))
            selector.unregister(sock)
    selector.close()
    return ended


async def test_hundreds_of_half_open_requests_from_one_address_do_not_stop_the_node(server: ServerProcess) -> None:
    opened = time.monotonic()
    socks = []
    for i in range(STALLED):
        sock = _open(server)
        if i % 2:  # the headers, then a body that never comes
            sock.sendall(b'POST /api/v2/auth/login HTTP/1.1\r\nHost: x\r\nContent-Length: 1000\r\n\r\n{"em')
        else:  # half the headers
            sock.sendall(b"GET /healthz HTTP/1.1\r\nHost: x\r\nX-Slow: ")
        socks.append(sock)

    # Another address is served at once, over HTTP and over a socket.
    assert _healthz_from_elsewhere(server) < 1
    url = f"{server.ws_base}/ws/v1/guest?organizationId=demo&deploymentId=demo-webchat"
    guest = Guest(await websockets.connect(url, origin=server.base, local_addr=("127.0.0.2", 0)))  # type: ignore[arg-type]
    assert (await guest.start())["conversationId"]
    await guest.send(type="end")
    await guest.close()
    served = time.monotonic()

    ended = _wait_for_ends(socks, deadline=opened + HEADER_TIMEOUT + 3)
    refused = [s for s, (_, said) in ended.items() if b"503" in said.split(b"\r\n", 1)[0]]
    stalled = [s for s in socks if s not in refused]
    # Past the cap: refused at once, in JSON.
    assert len(refused) == STALLED - PER_IP
    answer = ended[refused[0]][1]
    assert orjson.loads(answer.split(b"\r\n\r\n", 1)[1])["code"] == "too_many_connections"
    assert all(ended[s][0] - opened < 1 for s in refused)
    # The rest held on until their timeout, then closed by the server, saying nothing.
    assert len([s for s in stalled if s in ended]) == PER_IP, "some stalled connections were never closed"
    assert all(ended[s][1] == b"" for s in stalled)
    closed_after = sorted(ended[s][0] - opened for s in stalled)
    assert served - opened < closed_after[0], "the other address was served only once the stalled ones had gone"
    assert closed_after[0] > HEADER_TIMEOUT - 0.5 and closed_after[-1] < HEADER_TIMEOUT + 2.5, closed_after[:3]
    for sock in socks:
        sock.close()

    # Their slots are free again: the same address is served.
    with httpx.Client(transport=httpx.HTTPTransport(local_address="127.0.0.1"), timeout=5) as client:
        assert client.get(server.base + "/healthz").status_code == 200


def test_an_idle_keep_alive_connection_is_closed(server: ServerProcess) -> None:
    with _open(server, "127.0.0.2") as sock:
        sock.sendall(b"GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n")
        answered = time.monotonic()
        [(ended, said)] = _wait_for_ends([sock], deadline=answered + 5).values()
    assert said.startswith(b"HTTP/1.1 200")
    assert 0.5 < ended - answered < 3


def test_headers_over_their_cap_are_refused(server: ServerProcess) -> None:
    with _open(server, "127.0.0.2") as sock:
        sock.sendall(b"GET /healthz HTTP/1.1\r\nHost: x\r\nX-Big: " + b"a" * (100 * 1024) + b"\r\n")
        [(_, said)] = _wait_for_ends([sock], deadline=time.monotonic() + 5).values()
    assert said.startswith(b"HTTP/1.1 431")
    assert orjson.loads(said.split(b"\r\n\r\n", 1)[1])["code"] == "headers_too_large"
