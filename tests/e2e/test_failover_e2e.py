"""The customer's widget is given two nodes (`data-servers`, the SDK's `serverUrls`). The node it chats through
is killed (-9): the SDK reconnects to the other node, resumes the chat and sends what was typed meanwhile, once."""

from __future__ import annotations

import json
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import httpx
import pytest
from playwright.sync_api import expect
from websockets.sync.client import ClientConnection, connect

from tests.e2e.conftest import Contexts
from tests.e2e.pages import CustomerPage
from tests.support.backends import POSTGRES_REDIS, unreachable
from tests.support.server import ServerProcess

pytestmark = [pytest.mark.postgres, pytest.mark.redis]


@pytest.fixture
def nodes() -> Iterator[tuple[ServerProcess, ServerProcess]]:
    reason = unreachable(POSTGRES_REDIS)
    if reason:
        pytest.skip(reason)
    first = ServerProcess("--agent-grace", "30", backend=POSTGRES_REDIS).start()
    second = ServerProcess("--agent-grace", "30", database_url=first.database_url, backend=POSTGRES_REDIS).start()
    yield first, second
    second.cleanup()
    first.cleanup()


def _frames_until(ws: ClientConnection, kind: str, **match: Any) -> dict[str, Any]:
    while True:
        frame: dict[str, Any] = json.loads(ws.recv(15))
        if frame["type"] == kind and all(frame.get(k) == v for k, v in match.items()):
            return frame


@contextmanager
def _agent(node: ServerProcess, token: str) -> Iterator[tuple[ClientConnection, dict[str, Any]]]:
    with connect(f"{node.ws_base}/ws/v1/agent") as ws:
        ws.send(json.dumps({"type": "auth", "token": token}))
        yield ws, _frames_until(ws, "ready")


def test_the_widget_moves_to_the_other_node_and_loses_nothing(
    nodes: tuple[ServerProcess, ServerProcess], site_people: Contexts
) -> None:
    a, b = nodes
    page = site_people.new_page()
    # A site embedding the widget with both nodes (data-servers: the others to try when the first is gone).
    site = f"{a.base}/two-nodes.html"
    snippet = (
        f'<script src="{a.base}/sdk/widget.js" data-organization="demo" data-deployment="demo-webchat" '
        f'data-servers="{b.base}" async></script>'
    )
    page.route(site, lambda route: route.fulfill(content_type="text/html", body=f"<!doctype html><body>{snippet}"))
    page.goto(site)
    customer = CustomerPage(page, a)
    token = a.login()
    with _agent(a, token) as (agent, _):
        agent.send(json.dumps({"type": "presence", "status": "on_queue"}))
        customer.start_chat("Ann")
        offer = _frames_until(agent, "offer")
        agent.send(json.dumps({"type": "accept", "conversationId": offer["conversationId"]}))
        customer.expect_line("joined the chat")
        customer.say("before the crash")
        _frames_until(agent, "message", text="before the crash")

    a.stop(kill=True)
    customer.say("typed while the node was down")

    with _agent(b, token) as (agent, ready):  # the agent's desktop reconnects too, to node B
        [interaction] = ready["interactions"]
        cid = interaction["conversationId"]
        if "typed while the node was down" not in [m["text"] for m in interaction["messages"]]:
            _frames_until(agent, "message", text="typed while the node was down")
        agent.send(json.dumps({"type": "message", "conversationId": cid, "clientId": "welcome",
                               "text": "welcome back, via node B"}))  # fmt: skip
        customer.expect_line("welcome back, via node B")
    staff = {"authorization": f"Bearer {b.login('supervisor@demo.local', 'supervisor')}"}
    stored = httpx.get(f"{b.base}/api/v2/conversations/{cid}/messages", headers=staff)
    chat = [m["text"] for m in stored.json() if m["from"] != "system"]
    assert chat == ["before the crash", "typed while the node was down", "welcome back, via node B"]
    expect(page.locator(".msg--failed")).to_have_count(0)
