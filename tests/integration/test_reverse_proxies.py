"""deploy/'s nginx and Caddy configurations, as shipped, terminating TLS in front of two nodes on
PostgreSQL + Redis: a customer and an agent chat over WSS through the proxy, the customer's socket drops
and resumes (wherever the proxy sends it) with nothing missed, the nodes see the customer's own address
(not the proxy's, and not one the customer wrote into a header) and the public scheme and host, and a
photo-sized body gets through (a proxy's default limit is far smaller) while a larger one is refused.

The customer comes from 127.0.0.2 (loopback too) so that its address differs from the proxy's."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from typing import Any

import pytest

from showdesk.domain.photos import MAX_PHOTO_BYTES
from tests.support.proxies import CUSTOMER_ADDRESS, PROXIES, Deployment
from tests.support.seen_address import THROTTLE_FLAGS, address_seen, staff_client

pytestmark = [pytest.mark.postgres, pytest.mark.redis]

CUSTOMER = CUSTOMER_ADDRESS
PHOTO_LIMIT = MAX_PHOTO_BYTES  # --max-upload-bytes by default, and the proxies' body limit


@pytest.fixture(scope="module", params=PROXIES)
def deployment(request: pytest.FixtureRequest) -> Iterator[Deployment]:
    made = Deployment.start(request.param, *THROTTLE_FLAGS, "--agent-grace", "30")
    yield made
    made.cleanup()


async def test_chat_and_resume_through_the_proxy(deployment: Deployment) -> None:
    agent = await deployment.agent(deployment.login())
    await agent.on_queue()
    customer = await deployment.customer()
    started = await customer.start("Ann")
    cid = await agent.take_next()
    await customer.expect("agentJoined")

    said = await customer.say("hello through the proxy")
    assert (await agent.expect("message", conversationId=cid, text="hello through the proxy"))["id"] == said["id"]
    reply = await agent.say(cid, "hello back")
    last_seen = (await customer.expect("message", text="hello back"))["seq"]
    assert last_seen == reply["seq"]

    # The customer's connection drops (no close frame); the agent writes meanwhile; the customer's new
    # socket, wherever the proxy sends it, resumes with what it missed and nothing twice.
    customer.ws.transport.abort()
    missed = await agent.say(cid, "are you still there?")
    back = await deployment.customer()
    await back.send(type="resume", token=started["token"], lastSeq=last_seen)
    resumed = await back.expect("resumed")
    assert resumed["state"] == "connected" and resumed["resync"] is False
    assert [m["text"] for m in resumed["messages"] if m["from"] != "system"] == ["are you still there?"]
    assert resumed["messages"][-1]["id"] == missed["id"]
    after = await back.say("yes, back again")
    assert (await agent.expect("message", conversationId=cid, text="yes, back again"))["id"] == after["id"]

    await back.send(type="end")
    await back.expect("chatEnded")
    await back.close()
    await agent.close()


def test_the_nodes_see_the_customer_s_address_and_the_public_origin(deployment: Deployment) -> None:
    proxy, node = deployment.proxy, deployment.nodes[0]
    spoofed = {"x-forwarded-for": "203.0.113.9", "forwarded": "for=203.0.113.9;proto=http;host=evil.example"}
    token = node.login("admin@demo.local", "admin")
    with staff_client(node.base, token) as staff:
        with proxy.client(CUSTOMER) as customer:
            # Not the proxy's address (127.0.0.1), and not what the customer wrote in the headers.
            assert address_seen(customer, staff, spoofed) == CUSTOMER
            assert address_seen(customer, staff) == CUSTOMER
        with proxy.client() as browser:  # the snippet an administrator copies names the public origin
            site = browser.get("/api/v2/webchat/deployments/demo-webchat", headers={"authorization": f"Bearer {token}"})
    assert f"'{proxy.base}/sdk/webchat.js'" in site.json()["snippet"]  # https and the proxy's host and port


def test_a_photo_sized_body_gets_through_and_a_larger_one_is_refused(deployment: Deployment) -> None:
    """nginx refuses a larger body itself; Caddy counts as it streams, and ShowDesk refuses it too."""
    upload = f"/api/v2/conversations/{uuid.uuid4().hex}/photos"
    headers = {"authorization": "Bearer not-a-token", "content-type": "image/jpeg"}
    with deployment.proxy.client(CUSTOMER) as client:
        at_limit = client.post(upload, content=b"\xff" * PHOTO_LIMIT, headers=headers)
        over = client.post(upload, content=b"\xff" * (PHOTO_LIMIT + 1), headers=headers)
    answered: dict[str, Any] = at_limit.json()  # ShowDesk's own answer: the proxy let the whole body through
    assert at_limit.status_code == 401 and answered["code"], at_limit.text
    assert over.status_code == 413, over.text
