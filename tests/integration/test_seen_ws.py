"""Seen receipts over the real sockets: the customer's receipt reaches the agent's desktop and the agent's the
customer's page, never the side that sent it; another agent's receipt for the chat is refused and another
customer's reaches nobody of it; a flood of receipts reaches the other side as one; nothing is stored."""

from __future__ import annotations

from collections.abc import Iterator

import httpx
import pytest

from tests.integration.test_video_recovery import _leave
from tests.integration.test_video_signaling import _connected
from tests.support.server import ServerProcess
from tests.support.ws_clients import Guest


@pytest.fixture(scope="module")
def server(backend: str) -> Iterator[ServerProcess]:
    proc = ServerProcess(backend=backend).start()
    yield proc
    proc.cleanup()


async def test_each_side_hears_what_the_other_has_seen_and_never_its_own(server: ServerProcess) -> None:
    guest, agent, cid = await _connected(server)
    asked = (await agent.say(cid, "Which model is it?"))["seq"]
    await guest.expect("message", text="Which model is it?")
    await guest.send(type="seen", upTo=asked)
    told = await agent.expect("seen")
    assert (told["conversationId"], told["by"], told["upTo"]) == (cid, "customer", asked)

    answered = (await guest.say("The K-200"))["seq"]
    await agent.expect("message", text="The K-200")
    await agent.send(type="seen", conversationId=cid, upTo=answered)
    read = await guest.expect("seen")
    assert (read["by"], read["upTo"]) == ("agent", answered)

    await guest.say("here it is")  # a frame after the receipts: everything before it has arrived
    await agent.expect("message", text="here it is")
    assert [f["by"] for f in guest.seen if f["type"] == "seen"] == ["agent"]
    assert [f["by"] for f in agent.seen if f["type"] == "seen"] == ["customer"]
    await _leave(guest, agent)


async def test_a_flood_of_receipts_reaches_the_agent_as_one(server: ServerProcess) -> None:
    guest, agent, cid = await _connected(server)
    last = (await agent.say(cid, "Hello Ann"))["seq"]
    await guest.expect("message", text="Hello Ann")
    for _ in range(50):
        await guest.send(type="seen", upTo=last)
    await guest.say("done reading")
    await agent.expect("message", text="done reading")  # sent after the receipts: they have all arrived
    assert [f["upTo"] for f in agent.seen if f["type"] == "seen"] == [last]
    assert not [f for f in guest.seen if f["type"] == "error"]  # paced, not refused

    token = server.login()
    listed = httpx.get(
        f"{server.base}/api/v2/conversations/{cid}/messages", headers={"authorization": f"Bearer {token}"}
    )
    assert [m["text"] for m in listed.json()][-2:] == ["Hello Ann", "done reading"]
    await _leave(guest, agent)


async def test_a_receipt_beyond_the_chat_s_last_message_is_refused(server: ServerProcess) -> None:
    guest, agent, _ = await _connected(server)
    await guest.send(type="seen", upTo=10_000)
    assert (await guest.expect("error"))["code"] == "invalid_seen"
    await guest.send(type="seen", upTo="all")
    assert (await guest.expect("error"))["code"] == "invalid_seen"
    await guest.say("still here")
    await agent.expect("message", text="still here")
    assert not [f for f in agent.seen if f["type"] == "seen"]
    await _leave(guest, agent)


async def test_another_agent_is_refused_and_another_customer_reaches_nobody_of_the_chat(
    server: ServerProcess,
) -> None:
    guest, agent, cid = await _connected(server)
    await agent.send(type="presence", status="off_queue")  # the next chat goes to the other agent
    await agent.expect("presence", status="off_queue")
    other_guest, other_agent, other_cid = await _connected(server, "agent2@demo.local")
    await other_agent.send(type="seen", conversationId=cid, upTo=1)
    assert (await other_agent.expect("error"))["code"] == "not_your_conversation"

    # Another customer's socket carries its own chat only: its receipt reaches its own agent, nobody else.
    await other_guest.send(type="seen", upTo=1)
    assert (await other_agent.expect("seen"))["conversationId"] == other_cid
    # A page without a chat has nothing to have seen.
    stranger = await Guest.connect(server.ws_base, server.base)
    await stranger.send(type="seen", upTo=1)
    assert (await stranger.expect("error"))["code"] == "no_chat"
    await stranger.close()

    await guest.say("still here")
    await agent.expect("message", text="still here")
    assert not [f for f in guest.seen if f["type"] == "seen"]
    assert not [f for f in agent.seen if f["type"] == "seen"]
    await _leave(guest, agent)
    await _leave(other_guest, other_agent)
