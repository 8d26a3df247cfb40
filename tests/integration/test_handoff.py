"""Laptop to phone over a real server: the customer's chat makes a one-time link, a second device redeems it
and both stay in the chat (every agent line reaches both, the phone's line reaches the agent, the laptop
and the stored transcript); the link works once, expires, is refused in words; only the chat's own
customer makes one, never for an ended chat; the phone's page is ShowDesk's own, whose origin only a
hand-off's token may use."""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator, Iterator
from datetime import datetime
from typing import Any

import httpx
import pytest
import websockets

from tests.support.server import ServerProcess
from tests.support.waiting import wait_until
from tests.support.ws_clients import Agent, Guest

USED = "This link was already used. Ask for a new one on your computer."
EXPIRED = "This link has expired. Ask for a new one on your computer."
UNKNOWN = "This link does not work. Ask for a new one on your computer."


@pytest.fixture
async def dana(server: ServerProcess) -> AsyncIterator[Agent]:
    agent = await Agent.connect(server.ws_base, server.login("agent@demo.local"))
    await agent.on_queue()
    yield agent
    await agent.send(type="presence", status="off_queue")
    await agent.close()


def create(server: ServerProcess, token: str, status: int = 201, **headers: str) -> httpx.Response:
    r = httpx.post(
        f"{server.base}/api/v2/webchat/handoffs", headers={"Authorization": f"Bearer {token}", **headers}, timeout=10
    )
    assert r.status_code == status, r.text
    return r


def redeem(server: ServerProcess, code: str, status: int = 200, device: str = "phone") -> dict[str, Any]:
    r = httpx.post(f"{server.base}/api/v2/webchat/handoffs/{code}/redeem", json={"device": device}, timeout=10)
    assert r.status_code == status, r.text
    answer: dict[str, Any] = r.json()
    return answer


async def leave(*guests: Guest) -> None:
    """Each chat ends (the first socket of each says so), so the next test's chat is the only one in line."""
    for guest in guests:
        await guest.send(type="end")
        await guest.expect("chatEnded")
        await guest.close()


async def phone_joins(server: ServerProcess, token: str, origin: str | None = None) -> tuple[Guest, dict[str, Any]]:
    phone = await Guest.connect(server.ws_base, origin or server.base)
    await phone.send(type="resume", token=token, lastSeq=0)
    return phone, await phone.expect("resumed")


async def test_the_phone_joins_the_same_chat_and_both_devices_get_every_message(
    server: ServerProcess, dana: Agent
) -> None:
    laptop = await Guest.connect(server.ws_base, server.base)
    started = await laptop.start("Ann")
    conversation_id = await dana.take_next()
    assert conversation_id == started["conversationId"]
    await laptop.say("The kettle is in the kitchen")

    made = create(server, started["token"]).json()
    assert made["url"] == f"{server.base}/h/{made['code']}"
    assert made["qrSvg"].startswith("<svg") and datetime.fromisoformat(made["expiresAt"]) > datetime.now().astimezone()
    redeemed = redeem(server, made["code"])
    assert (redeemed["conversationId"], redeemed["displayName"], redeemed["device"]) == (
        conversation_id,
        "Ann",
        "phone",
    )
    assert redeemed["token"] != started["token"]

    phone, resumed = await phone_joins(server, redeemed["token"])
    assert "The kettle is in the kitchen" in [m["text"] for m in resumed["messages"]]
    joined = await laptop.expect("handoff")
    assert (joined["state"], joined["device"], joined["deviceId"]) == ("opened", "phone", redeemed["deviceId"])

    reply = await dana.say(conversation_id, "Please show me the base")
    for device in (laptop, phone):
        assert (await device.expect("message", id=reply["id"]))["text"] == "Please show me the base"
    from_phone = await phone.say("Here it is")
    assert (await dana.expect("message", id=from_phone["id"]))["text"] == "Here it is"
    assert (await laptop.expect("message", id=from_phone["id"]))["text"] == "Here it is"
    later = await laptop.say("Still here on the laptop")  # neither socket replaced the other
    assert (await phone.expect("message", id=later["id"]))["text"] == "Still here on the laptop"

    transcript = httpx.get(
        f"{server.base}/api/v2/conversations/{conversation_id}/messages",
        headers={"Authorization": f"Bearer {server.login()}"},
        timeout=10,
    ).json()
    texts = [m["text"] for m in transcript]
    assert texts.index("Please show me the base") < texts.index("Here it is") < texts.index("Still here on the laptop")

    again = await Guest.connect(server.ws_base, server.base)  # the phone's page reloaded: the same device
    await again.send(type="resume", token=redeemed["token"], lastSeq=0)
    await again.expect("resumed")
    assert (await phone.expect("error"))["code"] == "session_replaced"
    final = await dana.say(conversation_id, "Thanks")
    assert (await laptop.expect("message", id=final["id"]))["text"] == "Thanks"
    await leave(laptop)
    await again.close()


async def test_a_link_opens_the_chat_once_and_is_refused_in_words_after(server: ServerProcess) -> None:
    laptop = await Guest.connect(server.ws_base, server.base)
    started = await laptop.start("Ann")
    code = create(server, started["token"]).json()["code"]

    redeem(server, code)
    used = redeem(server, code, status=410)
    unknown = redeem(server, "not-a-code", status=404)

    assert used == {"code": "handoff_used", "message": USED}
    assert unknown == {"code": "handoff_not_found", "message": UNKNOWN}
    assert code not in server.server_log()  # the code is redacted from the logs, like a token
    await leave(laptop)


async def test_another_customer_s_token_makes_a_link_to_their_own_chat_only(server: ServerProcess) -> None:
    ann = await Guest.connect(server.ws_base, server.base)
    bob = await Guest.connect(server.ws_base, server.base, from_address="127.0.0.2")
    anns = await ann.start("Ann")
    bobs = await bob.start("Bob")

    opened = redeem(server, create(server, bobs["token"]).json()["code"])

    assert opened["conversationId"] == bobs["conversationId"] != anns["conversationId"]
    staff = httpx.post(
        f"{server.base}/api/v2/webchat/handoffs", headers={"Authorization": f"Bearer {server.login()}"}, timeout=10
    )
    nobody = httpx.post(f"{server.base}/api/v2/webchat/handoffs", timeout=10)
    assert (staff.status_code, staff.json()["code"]) == (401, "token_invalid")
    assert (nobody.status_code, nobody.json()["code"]) == (401, "token_missing")
    await leave(ann, bob)


async def test_an_ended_chat_makes_no_link_and_its_links_no_longer_open_it(server: ServerProcess) -> None:
    laptop = await Guest.connect(server.ws_base, server.base)
    started = await laptop.start("Ann")
    code = create(server, started["token"]).json()["code"]
    await laptop.send(type="end")
    await laptop.expect("chatEnded")

    refused = create(server, started["token"], status=409).json()
    gone = redeem(server, code, status=410)

    assert refused["code"] == gone["code"] == "chat_ended"
    assert "ended" in refused["message"] and "ended" in gone["message"]
    await laptop.close()


async def test_the_link_is_made_from_the_deployment_s_site_and_read_there(server: ServerProcess) -> None:
    laptop = await Guest.connect(server.ws_base, server.base)
    started = await laptop.start("Ann")

    preflight = httpx.options(
        f"{server.base}/api/v2/webchat/handoffs",
        headers={"Origin": server.base, "Access-Control-Request-Method": "POST"},
        timeout=10,
    )
    made = create(server, started["token"], Origin=server.base)
    foreign = create(server, started["token"], status=403, Origin="http://evil.test")

    assert preflight.status_code == 204 and "authorization" in preflight.headers["access-control-allow-headers"]
    assert made.headers["access-control-allow-origin"] == server.base
    assert foreign.json()["code"] == "origin_not_allowed"
    await leave(laptop)


async def test_the_phone_s_page_loads_the_widget_with_the_code_and_says_so_without_javascript(
    server: ServerProcess,
) -> None:
    laptop = await Guest.connect(server.ws_base, server.base)
    started = await laptop.start("Ann")
    made = create(server, started["token"]).json()

    page = httpx.get(made["url"], timeout=10)
    unknown = httpx.get(f"{server.base}/h/nothing-of-ours", timeout=10)

    assert page.status_code == 200 and page.headers["content-type"].startswith("text/html")
    assert page.headers["referrer-policy"] == "no-referrer" and page.headers["cache-control"] == "no-store"
    assert '<script src="/sdk/widget.js" data-organization="demo" data-deployment="demo-webchat"' in page.text
    assert f'data-handoff="{made["code"]}" data-layout="fullscreen" async>' in page.text
    assert "<noscript><p>This page continues your support chat on this device." in page.text
    assert unknown.status_code == 200 and 'data-handoff="nothing-of-ours"' in unknown.text
    await leave(laptop)


async def test_showdesk_s_own_origin_is_open_to_a_handoff_s_token_only(server: ServerProcess) -> None:
    admin = httpx.post(
        f"{server.base}/api/v2/auth/login", json={"email": "admin@demo.local", "password": "admin"}, timeout=10
    ).json()["access_token"]
    site = httpx.post(
        f"{server.base}/api/v2/webchat/deployments",
        headers={"Authorization": f"Bearer {admin}"},
        json={"name": f"Shop-{uuid.uuid4().hex[:6]}", "allowedOrigins": ["https://shop.test"]},
        timeout=10,
    ).json()
    laptop = await Guest.connect(server.ws_base, "https://shop.test", deployment=site["id"])
    started = await laptop.start("Ann")
    redeemed = redeem(server, create(server, started["token"], Origin="https://shop.test").json()["code"])

    phone = await Guest.connect(server.ws_base, server.base, deployment=site["id"])
    await phone.send(type="resume", token=redeemed["token"], lastSeq=0)
    resumed = await phone.expect("resumed")
    stranger = await Guest.connect(server.ws_base, server.base, deployment=site["id"])
    await stranger.send(type="start", displayName="Eve")
    started_here = await stranger.expect("error")
    laptop_token_here = await Guest.connect(server.ws_base, server.base, deployment=site["id"])
    await laptop_token_here.send(type="resume", token=started["token"], lastSeq=0)
    resumed_here = await laptop_token_here.expect("error")
    elsewhere = await Guest.connect(server.ws_base, "http://evil.test", deployment=site["id"])
    refused = await elsewhere.expect("error")

    assert resumed["conversationId"] == started["conversationId"]
    assert started_here["code"] == resumed_here["code"] == refused["code"] == "origin_not_allowed"
    for guest in (laptop, phone, stranger, laptop_token_here):
        await guest.close()
    with pytest.raises(websockets.ConnectionClosed):
        await elsewhere.ws.recv()


@pytest.fixture(scope="module")
def short_lived(backend: str) -> Iterator[ServerProcess]:
    """A server whose hand-off links last one second."""
    proc = ServerProcess("--handoff-ttl", "1", backend=backend).start()
    yield proc
    proc.cleanup()


async def test_a_link_past_its_time_is_refused_in_words(short_lived: ServerProcess) -> None:
    laptop = await Guest.connect(short_lived.ws_base, short_lived.base)
    started = await laptop.start("Ann")
    made = create(short_lived, started["token"]).json()
    expires = datetime.fromisoformat(made["expiresAt"])

    wait_until(lambda: datetime.now().astimezone() > expires, timeout=5, what="the link's expiry")
    expired = redeem(short_lived, made["code"], status=410)

    assert expired == {"code": "handoff_expired", "message": EXPIRED}
    await laptop.close()


async def test_the_chat_s_agent_suggests_the_phone_and_only_they_may(server: ServerProcess, dana: Agent) -> None:
    laptop = await Guest.connect(server.ws_base, server.base)
    await laptop.start("Ann")
    conversation_id = await dana.take_next()
    sam = await Agent.connect(server.ws_base, server.login("agent2@demo.local"))

    await dana.send(type="suggestPhone", conversationId=conversation_id)
    suggested = await laptop.expect("phoneSuggested")
    line = await laptop.expect("message", text=suggested["text"])
    await sam.send(type="suggestPhone", conversationId=conversation_id)
    refused = await sam.expect("error")

    assert "phone's camera" in suggested["text"] and line["from"] == "system"
    assert refused["code"] == "not_your_conversation"
    await sam.close()
    await leave(laptop)


@pytest.fixture(scope="module")
def few_tries(backend: str) -> Iterator[ServerProcess]:
    """A server where one address may try 3 hand-off codes a minute."""
    proc = ServerProcess("--handoff-redeems-per-address", "3", backend=backend).start()
    yield proc
    proc.cleanup()


async def test_codes_tried_by_the_thousand_are_stopped_per_address(few_tries: ServerProcess) -> None:
    laptop = await Guest.connect(few_tries.ws_base, few_tries.base)
    started = await laptop.start("Ann")
    code = create(few_tries, started["token"]).json()["code"]
    for _ in range(3):  # wrong codes count too
        assert redeem(few_tries, "0" * 22, status=404)["code"] == "handoff_not_found"
    url = f"{few_tries.base}/api/v2/webchat/handoffs/{code}/redeem"
    refused = httpx.post(url, json={"device": "phone"}, timeout=10)
    assert refused.status_code == 429, refused.text
    assert refused.json()["code"] == "rate_limited" and "try again in" in refused.json()["message"]
    assert int(refused.headers["retry-after"]) > 0
    await leave(laptop)
