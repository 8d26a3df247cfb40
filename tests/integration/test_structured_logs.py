"""`serve --log-format json`: every line the server logs is one JSON object; each request has a line with
its method, path, status, duration, client address and request id (the caller's X-Request-Id when it is
plain and short, sent back in the answer), and the user once a token was read; each socket has its
lines (opened, started or authenticated, closed with the code) with its request id and the chat or the
user. A whole chat with tokens, a photo request, a password and a distinctive message leaves none of
them in the log."""

from __future__ import annotations

import json
import secrets
from collections.abc import Iterator
from typing import Any

import httpx
import pytest
import websockets

from tests.integration.test_photos_api import _asked
from tests.integration.test_video_recovery import _leave
from tests.support.images import encoded
from tests.support.server import ServerProcess
from tests.support.waiting import wait_until
from tests.support.ws_clients import Guest


@pytest.fixture(scope="module")
def server() -> Iterator[ServerProcess]:
    proc = ServerProcess("--log-format", "json").start()
    yield proc
    proc.cleanup()


def _lines(server: ServerProcess) -> list[dict[str, Any]]:
    """The log's lines as JSON objects. stdout shares the file: only the --demo note for the person who
    started the server is not a log line."""
    lines = []
    for raw in server.server_log().splitlines():
        if raw.startswith(("--demo:", "Open http")) or not raw.strip():
            continue
        line = json.loads(raw)  # any other line that is not JSON fails here
        assert isinstance(line, dict) and {"timestamp", "level", "logger", "event"} <= set(line), raw
        lines.append(line)
    return lines


def _requests(server: ServerProcess, path: str) -> list[dict[str, Any]]:
    return [line for line in _lines(server) if line["event"] == "request" and line["path"].startswith(path)]


def test_each_request_has_one_line_with_its_id_status_duration_and_client(server: ServerProcess) -> None:
    given = httpx.get(f"{server.base}/healthz", headers={"x-request-id": "lb-7f3a:42"})
    assert given.headers["x-request-id"] == "lb-7f3a:42"
    unsafe = "no good\r\nid " + "x" * 80
    made = httpx.get(f"{server.base}/readyz", headers={"x-request-id": unsafe.replace("\r\n", " ")})
    assert made.headers["x-request-id"] not in (unsafe, "") and len(made.headers["x-request-id"]) <= 64
    token = server.login()
    me = httpx.get(f"{server.base}/api/v2/users/me", headers={"authorization": f"Bearer {token}"})

    # A request's line is written once its answer has gone out, so the last one may still be on its way.
    wait_until(lambda: _requests(server, "/api/v2/users/me"), 10, "the line of the last request")
    [health] = [line for line in _requests(server, "/healthz") if line["request_id"] == "lb-7f3a:42"]
    assert health["method"] == "GET" and health["status"] == 200 and health["client"] == "127.0.0.1"
    assert health["request_id"] == "lb-7f3a:42" and isinstance(health["duration_ms"], float)
    [ready] = _requests(server, "/readyz")
    assert ready["request_id"] == made.headers["x-request-id"]
    assert "no good" not in server.server_log()
    [mine] = _requests(server, "/api/v2/users/me")
    assert mine["user_id"] == me.json()["id"] and mine["status"] == 200


async def test_a_whole_chat_leaves_no_token_password_photo_request_or_text_in_the_log(server: ServerProcess) -> None:
    words = f"my card is {secrets.token_hex(8)}"
    password = f"wrong-{secrets.token_hex(8)}"
    assert httpx.post(
        f"{server.base}/api/v2/auth/login", json={"email": "agent@demo.local", "password": password}
    ).status_code == 401  # fmt: skip
    guest, agent, cid, asked = await _asked(server)
    guest_token, request = guest.started["token"], asked["request"]  # type: ignore[attr-defined]
    await guest.say(words)
    await agent.expect("message", text=words)
    agent_said = await agent.say(cid, f"reply {words}")
    photos = f"{server.base}/api/v2/conversations/{cid}/photos"
    headers = {"authorization": f"Bearer {guest_token}", "content-type": "image/jpeg", "x-photo-request": request}
    assert httpx.post(photos, content=encoded(320, 240), headers=headers).status_code == 201
    staff = server.login()
    httpx.get(f"{server.base}/api/v2/users/me", params={"access_token": staff})  # an old client's token in a URL
    await guest.close()
    resumed = await Guest.connect(server.ws_base, server.base)  # the customer's page comes back
    await resumed.send(type="resume", token=guest_token, lastSeq=0)
    await resumed.expect("resumed")
    async with websockets.connect(f"{server.ws_base}/ws/v1/agent") as bad:
        await bad.send(json.dumps({"type": "auth", "token": "not-" + staff[::-1]}))
        await bad.recv()
    await _leave(resumed, agent)

    log = server.server_log()
    for secret in (words, password, guest_token, staff, request, "not-" + staff[::-1], agent_said["message"]["text"]):
        assert secret not in log
    lines = _lines(server)
    sockets = [line for line in lines if line["logger"] == "showdesk.sockets"]
    started = next(line for line in sockets if line["event"] == "socket started")
    assert started["conversation_id"] == cid
    chat_socket = [line for line in sockets if line["request_id"] == started["request_id"]]
    assert [line["event"] for line in chat_socket] == ["socket opened", "socket started", "socket closed"]
    assert chat_socket[0]["path"] == "/ws/v1/guest" and chat_socket[0]["client"] == "127.0.0.1"
    assert chat_socket[-1]["conversation_id"] == cid and chat_socket[-1]["code"] == 1000
    assert chat_socket[-1]["duration_ms"] > 0
    resumed_line = next(line for line in sockets if line["event"] == "socket resumed")
    assert resumed_line["conversation_id"] == cid
    authenticated = [line for line in sockets if line["event"] == "socket authenticated"]
    assert [line["user_id"] for line in authenticated] == [agent.ready["agent"]["id"]]
    refused = [line for line in sockets if line["event"] == "socket closed" and line["code"] == 4401]
    assert refused and "user_id" not in refused[-1]
    [upload] = [line for line in _requests(server, f"/api/v2/conversations/{cid}/photos") if line["method"] == "POST"]
    assert upload["status"] == 201 and upload["conversation_id"] == cid
    [old_client] = _requests(server, "/api/v2/users/me?")
    assert old_client["path"] == "/api/v2/users/me?access_token=[redacted]"
