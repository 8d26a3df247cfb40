"""What one client can make a node read: request bodies are refused by their declared length before they
are sent, and cut off at their cap while they stream (413 `{code, message}`); WebSocket messages over
`--max-frame-bytes` are refused by the protocol itself (close 1009) before the server takes them in.

The server here runs with small caps so that the tests send little."""

from __future__ import annotations

import asyncio
import base64
import contextlib
import os
import socket
import struct
from collections.abc import Iterator

import httpx
import orjson
import pytest
import websockets

from tests.support.server import ServerProcess
from tests.support.ws_clients import Guest

GENERAL, ANONYMOUS, FLOW, FRAME = 64 * 1024, 4096, 128 * 1024, 32 * 1024
PHOTO = 15 * 1024 * 1024  # the documented photo limit (docs/protocol.md), the upload cap's default


@pytest.fixture(scope="module")
def server() -> Iterator[ServerProcess]:
    proc = ServerProcess(
        *("--max-body-bytes", str(GENERAL), "--max-anonymous-body-bytes", str(ANONYMOUS)),
        *("--max-flow-bytes", str(FLOW), "--max-frame-bytes", str(FRAME)),
    ).start()
    yield proc
    proc.cleanup()


def _connect(server: ServerProcess) -> socket.socket:
    return socket.create_connection(("127.0.0.1", server.port), timeout=5)


def _answer(sock: socket.socket) -> tuple[int, dict, bool]:
    """Status, JSON body and whether the server then closed the connection (the answer must come within 1 s)."""
    sock.settimeout(1)
    data = b""
    while b"\r\n\r\n" not in data:
        chunk = sock.recv(65536)
        assert chunk, f"closed without an answer: {data!r}"
        data += chunk
    head, body = data.split(b"\r\n\r\n", 1)
    length = int(next(h.split(b":")[1] for h in head.split(b"\r\n") if h.lower().startswith(b"content-length")))
    while len(body) < length:
        body += sock.recv(65536)
    sock.settimeout(0.5)
    try:
        closed = sock.recv(1) == b""
    except (TimeoutError, ConnectionResetError):
        closed = False
    return int(head.split()[1]), orjson.loads(body[:length]), closed


def _head(method: str, path: str, length: int, token: str | None = None, chunked: bool = False) -> bytes:
    lines = [f"{method} {path} HTTP/1.1", "Host: showdesk", "Content-Type: application/json"]
    lines.append("Transfer-Encoding: chunked" if chunked else f"Content-Length: {length}")
    if token:
        lines.append(f"Authorization: Bearer {token}")
    return ("\r\n".join(lines) + "\r\n\r\n").encode()


def test_a_body_declared_over_its_cap_is_refused_before_it_is_sent(server: ServerProcess) -> None:
    token = server.login("admin@demo.local", "admin")
    cases = [  # method, path, token, declared length, the cap that applies, the code
        ("POST", "/api/v2/auth/login", None, 10_000_000, ANONYMOUS, "too_large"),
        ("POST", "/oauth/token", None, ANONYMOUS + 1, ANONYMOUS, "too_large"),
        ("POST", "/api/v2/roles", None, ANONYMOUS + 1, ANONYMOUS, "too_large"),  # no token: the small cap
        ("PATCH", "/api/v2/users/u-1", token, GENERAL + 1, GENERAL, "too_large"),
        ("POST", "/api/v2/flows/validate", token, FLOW + 1, FLOW, "too_large"),
        ("POST", "/api/v2/conversations/c-1/photos", "any-token", PHOTO + 1, PHOTO, "photo_too_large"),
        ("POST", "/api/v2/conversations/c-1/photos/stills", "any-token", PHOTO + 1, PHOTO, "photo_too_large"),
    ]
    for method, path, bearer, declared, cap, code in cases:
        with _connect(server) as sock:
            sock.sendall(_head(method, path, declared, bearer))  # the headers only: not one byte of the body
            status, body, closed = _answer(sock)
            assert (status, body["code"]) == (413, code), (path, body)
            assert f"{declared} bytes" in body["message"] and f"{cap} bytes" in body["message"]
            assert closed == (declared > 2 * cap), path  # a little over is read and dropped; far over is not


def test_each_route_has_its_own_cap(server: ServerProcess) -> None:
    token = server.login("architect@demo.local", "architect")
    staff = {"authorization": f"Bearer {token}"}
    # A flow document larger than the general cap is read: flows have their own.
    flow = b"name: Padded\ntype: webchat\nstart: a\nblocks:\n  a: {type: disconnect}\n" + b"#" * (GENERAL + 100) + b"\n"
    checked = httpx.post(f"{server.base}/api/v2/flows/validate", content=flow, headers=staff)
    assert checked.status_code == 200 and checked.json()["valid"] is True
    # An upload larger than the general cap reaches the photo checks (here: a token that is no chat's), be it
    # a photo or photo mode's still (a phone's 1080p still may pass 1 MiB).
    for route in ("photos", "photos/stills"):
        upload = httpx.post(
            f"{server.base}/api/v2/conversations/c-1/{route}",
            content=b"\xff\xd8\xff" + b"\0" * (2 * GENERAL),
            headers={"authorization": "Bearer not-a-token", "content-type": "image/jpeg"},
        )
        assert upload.status_code == 401 and upload.json()["code"] == "token_invalid", route
    # Sign-in under its cap still works.
    assert httpx.post(f"{server.base}/api/v2/auth/login", json={"email": "agent@demo.local", "password": "agent"})


def test_a_streamed_body_is_cut_off_at_its_cap(server: ServerProcess) -> None:
    chunk = b"x" * 1024
    with _connect(server) as sock:
        sock.sendall(_head("POST", "/api/v2/auth/login", 0, chunked=True))
        sent = 0
        sock.settimeout(0.2)
        answered = b""
        while not answered and sent < 100 * len(chunk):
            sock.sendall(b"%x\r\n%s\r\n" % (len(chunk), chunk))
            sent += len(chunk)
            with contextlib.suppress(TimeoutError):  # no answer yet: send more
                answered = sock.recv(1, socket.MSG_PEEK)
        status, body, closed = _answer(sock)
    assert (status, body["code"]) == (413, "too_large") and f"{ANONYMOUS} bytes" in body["message"]
    assert sent <= ANONYMOUS + 2 * len(chunk), f"the server read {sent} bytes before refusing"
    assert closed


async def test_a_message_over_the_frame_cap_closes_the_socket_and_the_chat_goes_on(server: ServerProcess) -> None:
    guest = await Guest.connect(server.ws_base, server.base)
    started = await guest.start()
    padded = '{"type": "ping", "pad": "%s"}'
    await guest.ws.send(padded % ("x" * (FRAME - 100)))  # under the cap: read (whatever it is answered)
    await guest.send(type="ping")
    await guest.expect("pong")  # and the socket is still open
    await guest.ws.send(padded % ("x" * FRAME))
    with pytest.raises(websockets.ConnectionClosed) as closed:
        while True:  # frames still on their way (an answer to the first frame) come before the close
            await asyncio.wait_for(guest.ws.recv(), 5)
    assert closed.value.rcvd is not None and closed.value.rcvd.code == 1009

    back = await Guest.connect(server.ws_base, server.base)
    await back.send(type="resume", token=started["token"], lastSeq=0)
    assert (await back.expect("resumed"))["conversationId"] == started["conversationId"]
    assert (await back.say("still here"))["seq"] >= 1
    await back.send(type="end")
    await back.close()


async def test_an_announced_oversized_frame_is_refused_before_its_payload_arrives(server: ServerProcess) -> None:
    reader, writer = await asyncio.open_connection("127.0.0.1", server.port)
    key = base64.b64encode(os.urandom(16)).decode()
    writer.write(
        (
            f"GET /ws/v1/guest?organizationId=demo&deploymentId=demo-webchat HTTP/1.1\r\nHost: 127.0.0.1\r\n"
            f"Upgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: {key}\r\n"
            f"Sec-WebSocket-Version: 13\r\nOrigin: {server.base}\r\n\r\n"
        ).encode()
    )
    assert (await reader.readuntil(b"\r\n\r\n")).startswith(b"HTTP/1.1 101")
    # A text frame that says 512 KiB follow (more than the cap, less than uvicorn's own 16 MiB default),
    # and then only 10 bytes of it.
    writer.write(bytes([0x81, 0x80 | 127]) + struct.pack(">Q", 512 * 1024) + b"mask" + b"x" * 10)
    await writer.drain()
    frame = await asyncio.wait_for(reader.read(2 + 125), timeout=2)
    assert frame[0] == 0x88 and struct.unpack(">H", frame[2:4])[0] == 1009  # close, "message too big"
    writer.close()
