"""The customer panel over the real server, on SQLite and PostgreSQL: a start signed with the deployment's
key is verified and a tampered one is not (never refused); details beyond their limits are refused in
words; earlier chats of the same customer id are listed, newest first, never another organization's; the
panel is read by the chat's agent or with Transcript > View only, and the signing key with Security >
OAuth Client > Edit only."""

from __future__ import annotations

import asyncio
import hashlib
import hmac
import json
import uuid
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
import pytest
import websockets

from showdesk.adapters.storage import open_store
from showdesk.domain.conversation import Conversation
from showdesk.domain.directory import Organization
from showdesk.domain.ids import new_id
from showdesk.services.roles import ensure_built_in_roles
from tests.integration.test_metrics_access import add_supervisor_elsewhere
from tests.support.server import ServerProcess
from tests.support.ws_clients import Agent, Guest

IPHONE = (
    "Mozilla/5.0 (iPhone; CPU iPhone OS 17_4 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) "
    "Version/17.4 Mobile/15E148 Safari/604.1"
)
ELSEWHERE = "metrics-elsewhere"  # the organization add_supervisor_elsewhere makes


@pytest.fixture(scope="module")
def server(backend: str) -> Iterator[ServerProcess]:
    proc = ServerProcess(backend=backend).start()
    yield proc
    proc.cleanup()


def _api(server: ServerProcess, email: str, password: str) -> httpx.Client:
    token = server.login(email, password)
    return httpx.Client(base_url=f"{server.base}/api/v2", headers={"authorization": f"Bearer {token}"}, timeout=10)


def _sign(key: str, customer: dict[str, str]) -> str:
    """What a site's server computes, as README.md says it."""
    block = {"email": customer.get("email", ""), "id": customer.get("id", ""), "name": customer.get("name", "")}
    canonical = json.dumps(block, separators=(",", ":"), sort_keys=True, ensure_ascii=False).encode()
    return hmac.new(key.encode(), canonical, hashlib.sha256).hexdigest()


async def _guest(server: ServerProcess) -> Guest:
    url = f"{server.ws_base}/ws/v1/guest?organizationId=demo&deploymentId=demo-webchat"
    return Guest(await websockets.connect(url, origin=server.base, user_agent_header=IPHONE))  # type: ignore[arg-type]


async def _start(server: ServerProcess, **details: Any) -> str:
    """A chat started with `details` in its start frame, then ended by its customer; its id."""
    guest = await _guest(server)
    await guest.send(type="start", displayName="Ann", **details)
    started = await guest.expect("started")
    await guest.send(type="end")
    await guest.expect("chatEnded")
    await guest.close()
    return str(started["conversationId"])


async def _taken(server: ServerProcess, agent: Agent, **details: Any) -> tuple[Guest, str]:
    guest = await _guest(server)
    await guest.send(type="start", displayName="Ann", **details)
    cid = (await guest.expect("started"))["conversationId"]
    while (offer := await agent.expect("offer"))["conversationId"] != cid:  # another test's chat left waiting
        await agent.send(type="decline", conversationId=offer["conversationId"])
    await agent.send(type="accept", conversationId=cid)
    await agent.expect("interaction", conversationId=cid)
    return guest, str(cid)


async def _agent(server: ServerProcess, email: str = "agent@demo.local") -> Agent:
    agent = await Agent.connect(server.ws_base, server.login(email))
    for left_over in agent.ready["interactions"]:  # type: ignore[attr-defined]  # earlier tests' chats
        await agent.send(type="end", conversationId=left_over["conversationId"])
        await agent.expect("interactionEnded", conversationId=left_over["conversationId"])
    await agent.on_queue()
    return agent


async def test_a_signed_start_is_verified_and_a_tampered_one_is_not(server: ServerProcess) -> None:
    admin = _api(server, "admin@demo.local", "admin")
    answer = admin.get("/webchat/deployments/demo-webchat/signing-key")
    assert answer.status_code == 200, answer.text
    key = answer.json()["signingKey"]
    assert len(key) == 64 and answer.json()["example"].startswith("hmac.new(")
    customer_id = f"cust-{uuid.uuid4().hex[:8]}"
    ann = {"name": "Ann Example", "email": "ann@example.com", "id": customer_id}
    agent = await _agent(server)
    guest, cid = await _taken(
        server,
        agent,
        customer=ann,
        customerSignature=_sign(key, ann),
        attributes={"plan": "Gold", "note": "<b>not markup</b>"},
        page={"url": "https://shop.test/cart", "title": "Your cart"},
    )
    mine = _api(server, "agent@demo.local", "agent")
    panel = mine.get(f"/conversations/{cid}/customer")
    assert panel.status_code == 200, panel.text
    assert panel.json() == {
        "conversationId": cid,
        "name": "Ann Example",
        "email": "ann@example.com",
        "id": customer_id,
        "verified": True,
        "attributes": {"plan": "Gold", "note": "<b>not markup</b>"},
        "page": {"url": "https://shop.test/cart", "title": "Your cart"},
        "device": {"kind": "phone", "browser": "Safari", "system": "iOS"},
        "earlier": [],
    }
    assert mine.get(f"/conversations/{cid}").json()["customerName"] == "Ann"  # the chat's own name stays
    await guest.send(type="end")
    await agent.expect("interactionEnded", conversationId=cid)

    tampered = {**ann, "id": customer_id + "-x"}
    other_guest, other = await _taken(server, agent, customer=tampered, customerSignature=_sign(key, ann))
    told = mine.get(f"/conversations/{other}/customer").json()
    assert told["verified"] is False and told["id"] == customer_id + "-x"
    await agent.send(type="presence", status="off_queue")  # the chats below are nobody's
    await agent.expect("presence", status="off_queue")
    unsigned = mine.get(f"/conversations/{await _start(server, customer=ann)}/customer")
    assert unsigned.status_code in (403, 404)  # nobody took it: not this agent's chat
    boss = _api(server, "supervisor@demo.local", "supervisor")
    assert boss.get(f"/conversations/{await _start(server, customer=ann)}/customer").json()["verified"] is False
    await other_guest.send(type="end")
    await agent.expect("interactionEnded", conversationId=other)
    for socket in (guest, other_guest, agent):
        await socket.close()


@pytest.mark.parametrize(
    ("details", "code", "words"),
    [
        ({"attributes": {f"k{i}": "v" for i in range(21)}}, "invalid_attributes", "at most 20"),
        ({"attributes": {"plan": "v" * 201}}, "invalid_attributes", "longer than 200 characters"),
        ({"attributes": {"k" * 41: "v"}}, "invalid_attributes", "1 to 40 characters"),
        ({"attributes": {"orders": 3}}, "invalid_attributes", "must be text"),
        ({"customer": {"id": "x" * 101}}, "invalid_customer", "longer than 100 characters"),
        ({"customer": "Ann"}, "invalid_customer", "must be an object"),
    ],
)
async def test_customer_details_beyond_their_limits_are_refused_in_words(
    server: ServerProcess, details: dict[str, Any], code: str, words: str
) -> None:
    guest = await _guest(server)
    await guest.send(type="start", displayName="Ann", **details)
    refused = await guest.expect("error")
    assert refused["code"] == code and words in refused["message"]
    await guest.send(type="start", displayName="Ann")  # the socket goes on: a start without them works
    assert (await guest.expect("started"))["conversationId"]
    await guest.send(type="end")
    await guest.expect("chatEnded")
    await guest.close()


def _conversation_elsewhere(database_url: str, customer_id: str) -> str:
    """A chat of another organization with the same customer id, written straight into the database."""
    conversation_id = new_id("c")

    async def add() -> None:
        store = await open_store(database_url)
        try:
            if await store.get_organization(ELSEWHERE) is None:
                await store.save_organization(Organization(ELSEWHERE, "Elsewhere Inc.", "CX 3", ["live-video"], 10))
                await ensure_built_in_roles(store, ELSEWHERE)
            conv = Conversation(
                conversation_id, ELSEWHERE, "d_elsewhere", "Ann", datetime.now(UTC) + timedelta(hours=1)
            )
            conv.customer_info = {"id": customer_id, "verified": True}
            conv.customer_ref = customer_id
            await store.save_conversation(conv)
        finally:
            await store.close()

    with ThreadPoolExecutor(1) as pool:
        pool.submit(asyncio.run, add()).result()
    return conversation_id


async def test_earlier_chats_of_the_same_id_are_listed_never_another_organization_s(server: ServerProcess) -> None:
    customer_id = f"cust-{uuid.uuid4().hex[:8]}"
    ann = {"name": "Ann", "id": customer_id}
    elsewhere = _conversation_elsewhere(server.database_url, customer_id)
    first = await _start(server, customer=ann)
    await _start(server, customer={"id": customer_id + "0"})  # another customer
    agent = await _agent(server)
    guest, wrapped = await _taken(server, agent, customer=ann)
    await guest.send(type="end")
    await agent.expect("interactionEnded", conversationId=wrapped)
    mine = _api(server, "agent@demo.local", "agent")
    code = next(c for c in mine.get("/routing/wrapupcodes").json() if c["name"] == "Resolved")
    assert mine.put(f"/conversations/{wrapped}/wrapup", json={"code": code["id"]}).status_code == 200
    guest, current = await _taken(server, agent, customer=ann)

    panel = mine.get(f"/conversations/{current}/customer").json()
    assert panel["verified"] is False and panel["id"] == customer_id
    assert [c["id"] for c in panel["earlier"]] == [wrapped, first]
    assert panel["earlier"][0]["wrapupName"] == "Resolved" and panel["earlier"][0]["state"] == "ended"
    assert panel["earlier"][1]["wrapupName"] is None and panel["earlier"][0]["verified"] is False
    assert elsewhere not in [c["id"] for c in panel["earlier"]]

    email = f"sid-{uuid.uuid4().hex[:6]}@elsewhere.test"
    add_supervisor_elsewhere(server.database_url, email, "elsewhere-pass")
    theirs = _api(server, email, "elsewhere-pass")
    assert theirs.get(f"/conversations/{elsewhere}/customer").json()["earlier"] == []
    await guest.send(type="end")
    await agent.expect("interactionEnded", conversationId=current)
    for socket in (guest, agent):
        await socket.close()


async def test_the_panel_is_read_by_the_chat_s_agent_or_transcript_view_only(server: ServerProcess) -> None:
    agent = await _agent(server)
    guest, cid = await _taken(server, agent, customer={"id": "cust-readers"})
    assert _api(server, "agent@demo.local", "agent").get(f"/conversations/{cid}/customer").status_code == 200
    assert _api(server, "supervisor@demo.local", "supervisor").get(f"/conversations/{cid}/customer").status_code == 200
    other = _api(server, "agent2@demo.local", "agent").get(f"/conversations/{cid}/customer")
    assert other.status_code == 403 and other.json()["code"] == "permission_denied" and other.json()["message"]
    email = f"sid-{uuid.uuid4().hex[:6]}@elsewhere.test"
    add_supervisor_elsewhere(server.database_url, email, "elsewhere-pass")
    foreign = _api(server, email, "elsewhere-pass").get(f"/conversations/{cid}/customer")
    assert foreign.status_code == 404 and foreign.json()["code"] == "conversation_not_found"
    assert httpx.get(f"{server.base}/api/v2/conversations/{cid}/customer").status_code == 401

    staff = _api(server, "agent@demo.local", "agent").get("/webchat/deployments/demo-webchat/signing-key")
    assert staff.status_code == 403 and staff.json()["code"] == "permission_denied"
    admin = _api(server, "admin@demo.local", "admin")
    missing = admin.get("/webchat/deployments/d_of_nobody/signing-key")
    assert missing.status_code == 404 and missing.json()["code"] == "deployment_not_found"
    await guest.send(type="end")
    await agent.expect("interactionEnded", conversationId=cid)
    for socket in (guest, agent):
        await socket.close()
