"""No client can flood or strand the queue: chats started too fast are refused per address and per
deployment; a customer gone from the line for longer than the grace leaves it as abandoned (one who comes
back keeps their place), and the agent sees whether the customer is there. On a real server, on each backend."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import httpx
import pytest

from tests.support.server import ServerProcess
from tests.support.waiting import eventually
from tests.support.ws_clients import Agent, Guest

GRACE = 1.5


@pytest.fixture(scope="module")
def strict_server(backend: str) -> Iterator[ServerProcess]:
    """Three chats a minute per address, six per deployment."""
    flags = ["--chat-starts-per-address", "3", "--chat-starts-per-deployment", "6"]
    proc = ServerProcess(*flags, backend=backend).start()
    yield proc
    proc.cleanup()


@pytest.fixture(scope="module")
def server(backend: str) -> Iterator[ServerProcess]:
    """A waiting customer gone for GRACE seconds leaves the line."""
    proc = ServerProcess("--customer-grace", str(GRACE), "--offer-timeout", "30", backend=backend).start()
    yield proc
    proc.cleanup()


def _conversation(server: ServerProcess, cid: str) -> dict[str, Any]:
    token = server.login("admin@demo.local", "admin")
    found = httpx.get(f"{server.base}/api/v2/conversations/{cid}", headers={"authorization": f"Bearer {token}"})
    found.raise_for_status()
    return dict(found.json())


async def test_chats_started_too_fast_are_refused_per_address_and_per_deployment(
    strict_server: ServerProcess,
) -> None:
    server = strict_server
    guests: list[Guest] = []

    async def start(address: str) -> dict[str, Any]:
        guest = await Guest.connect(server.ws_base, server.base, from_address=address)
        guests.append(guest)
        await guest.send(type="start", displayName="Flo")
        return await guest.expect_one_of("started", "error")

    answers = [await start("127.0.0.11") for _ in range(4)]
    assert [a["type"] for a in answers] == ["started", "started", "started", "error"]
    refused = answers[-1]
    assert refused["code"] == "rate_limited" and refused["retryAfterMs"] > 0
    assert "try again" in refused["message"]
    # Another address is served; the deployment's own limit (6 a minute) then stops everyone.
    more = [await start(f"127.0.0.{n}") for n in (12, 13, 14, 15)]
    assert [a["type"] for a in more] == ["started", "started", "started", "error"]
    assert more[-1]["code"] == "rate_limited"
    for guest in guests:
        await guest.close()


async def test_a_customer_gone_from_the_line_is_abandoned_and_one_back_keeps_their_place(
    server: ServerProcess,
) -> None:
    leaver = await Guest.connect(server.ws_base, server.base, from_address="127.0.0.21")
    left_cid = (await leaver.start("Lou"))["conversationId"]
    stayer = await Guest.connect(server.ws_base, server.base, from_address="127.0.0.22")
    started = await stayer.start("Sue")
    stay_cid = started["conversationId"]
    await stayer.close()  # this one only reloads ...
    stayer = await Guest.connect(server.ws_base, server.base, from_address="127.0.0.22")
    await stayer.send(type="resume", token=started["token"], lastSeq=0)
    await stayer.expect("resumed")
    await leaver.close()  # ... and this page is gone, after the other one's dropped
    abandoned = lambda: _conversation(server, left_cid)["state"] == "abandoned"  # noqa: E731
    await eventually(abandoned, timeout=GRACE + 8, what="the chat abandoned", every=0.1)
    gone = _conversation(server, left_cid)
    assert (gone["endedBy"], gone["endReason"]) == ("system", "abandoned") and gone["endedAt"]
    assert "showdesk_conversations_abandoned_total 1.0" in server.metrics()
    # The reloaded page's socket dropped first: had it not come back, its grace would be over by now.
    assert _conversation(server, stay_cid)["state"] == "queued"  # still in line
    agent = await Agent.connect(server.ws_base, server.login())
    for left_over in agent.ready["interactions"]:  # type: ignore[attr-defined]
        await agent.send(type="end", conversationId=left_over["conversationId"])
    await agent.on_queue()
    offer = await agent.expect("offer", timeout=5)
    assert offer["conversationId"] == stay_cid and offer["customer"] == "online"
    await agent.send(type="accept", conversationId=stay_cid)
    await agent.expect("interaction", conversationId=stay_cid)
    # Connected: the agent sees the customer go away, then leave, then come back.
    await stayer.close()
    assert (await agent.expect("customerPresence", conversationId=stay_cid))["status"] == "away"
    assert (await agent.expect("customerPresence", timeout=GRACE + 5, conversationId=stay_cid))["status"] == "left"
    assert _conversation(server, stay_cid)["state"] == "connected"
    stayer = await Guest.connect(server.ws_base, server.base, from_address="127.0.0.22")
    await stayer.send(type="resume", token=started["token"], lastSeq=0)
    await stayer.expect("resumed")
    assert (await agent.expect("customerPresence", conversationId=stay_cid))["status"] == "online"
    # A customer who comes back to an abandoned chat is told it ended.
    back = await Guest.connect(server.ws_base, server.base, from_address="127.0.0.21")
    await back.send(type="resume", token=(await _token_of(leaver)), lastSeq=0)
    resumed = await back.expect("resumed")
    assert resumed["state"] == "abandoned"
    assert any("away while waiting" in m["text"] for m in resumed["messages"])
    await stayer.send(type="end")
    await agent.expect("interactionEnded")
    for client in (back, stayer, agent):
        await client.close()


async def _token_of(guest: Guest) -> str:
    started = next(f for f in guest.seen if f["type"] == "started")
    return str(started["token"])
