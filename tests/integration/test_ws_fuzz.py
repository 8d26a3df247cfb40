"""Hypothesis against the real sockets: every malformed or hostile frame gets a structured error (or its
normal answer) and the connection, and what it carries, stays as it was: the same socket still answers a
ping, and the chat still takes a message in sequence afterwards."""

from __future__ import annotations

import json
import uuid
from collections.abc import Iterator
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from websockets.sync.client import ClientConnection, connect

from tests.support.server import ServerProcess

GUEST_TYPES = [
    *("ping", "message", "start", "videoStart", "videoDecline", "videoSignal", "videoStop", "videoCameraResult"),
    *("videoRetry", "videoPhotoFailed", "videoHold", "accept"),
]
AGENT_TYPES = [
    *("ping", "message", "accept", "decline", "presence", "videoRequest", "videoSignal", "videoStatus"),
    *("videoPreference", "videoCamera", "videoPhoto", "videoHold", "videoResume", "videoEnd", "start"),
]
FIELDS = [
    *("clientId", "text", "sessionId", "conversationId", "signal", "sdp", "candidate", "state", "quality"),
    *("preference", "action", "value", "how", "reason", "requestId", "status", "attempt", "displayName"),
]

json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False, allow_infinity=False) | st.text(max_size=30),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=8), inner, max_size=3),
    max_leaves=12,
)


def frames(types: list[str]) -> st.SearchStrategy[str | bytes]:
    typed = st.builds(
        lambda kind, fields: json.dumps({"type": kind, **fields}),
        st.sampled_from(types) | json_values,
        st.dictionaries(st.sampled_from(FIELDS), json_values, max_size=5),
    )
    return st.one_of(typed, typed, st.text(max_size=100), st.binary(max_size=50), json_values.map(json.dumps))


@pytest.fixture(scope="module")
def server() -> Iterator[ServerProcess]:
    # The fuzzer sends hundreds of frames a second on purpose: the customer's rate limits are off.
    proc = ServerProcess("--guest-message-rate", "0", "--guest-frame-rate", "0").start()
    yield proc
    proc.stop()


def _read(ws: ClientConnection, timeout: float = 5.0) -> dict[str, Any]:
    frame: dict[str, Any] = json.loads(ws.recv(timeout))
    return frame


def _answer(ws: ClientConnection) -> list[dict[str, Any]]:
    """What the server said to the frame, up to the pong of the ping sent right after it."""
    ws.send(json.dumps({"type": "ping"}))
    said = []
    while (frame := _read(ws))["type"] != "pong":
        said.append(frame)
    return said


def _check(said: list[dict[str, Any]]) -> None:
    for frame in said:
        assert isinstance(frame.get("type"), str), frame
        if frame["type"] == "error":
            assert isinstance(frame["code"], str) and frame["code"] != "internal", frame
            assert isinstance(frame["message"], str) and frame["message"], frame


@pytest.fixture(scope="module")
def guest(server: ServerProcess) -> Iterator[ClientConnection]:
    url = f"{server.ws_base}/ws/v1/guest?organizationId=demo&deploymentId=demo-webchat"
    with connect(url, origin=server.base) as ws:  # type: ignore[arg-type]
        ws.send(json.dumps({"type": "start", "displayName": "Fuzz"}))
        while _read(ws)["type"] != "started":
            pass
        yield ws


@pytest.fixture(scope="module")
def agent(server: ServerProcess) -> Iterator[ClientConnection]:
    with connect(f"{server.ws_base}/ws/v1/agent") as ws:
        ws.send(json.dumps({"type": "auth", "token": server.login()}))
        while _read(ws)["type"] != "ready":
            pass
        yield ws


@given(frames(GUEST_TYPES))
@settings(max_examples=250, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
def test_the_guest_socket_answers_every_frame_and_stays_whole(guest: ClientConnection, raw: str | bytes) -> None:
    guest.send(raw)
    # A message right behind it: its ack says the chat is still this socket's and still takes messages,
    # and everything said before the ack is the answer to the fuzzed frame.
    probe = uuid.uuid4().hex
    guest.send(json.dumps({"type": "message", "clientId": probe, "text": "probe"}))
    said = []
    while not ((frame := _read(guest))["type"] == "ack" and frame["clientId"] == probe):
        said.append(frame)
    _check(said)  # the chat is still this socket's, and still takes messages


@given(frames(AGENT_TYPES))
@settings(max_examples=250, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
def test_the_agent_socket_answers_every_frame_and_stays_whole(agent: ClientConnection, raw: str | bytes) -> None:
    agent.send(raw)
    _check(_answer(agent))
