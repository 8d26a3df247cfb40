"""The benchmark organization, written through ShowDesk's own store before the server starts.

One chat queue holds every agent, each able to take `chat_capacity` chats at once, so the requested
number of conversations can all be connected at the same time.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from showdesk.adapters.clock import SystemClock
from showdesk.adapters.storage import open_store
from showdesk.domain.deployments import Deployment, normalize_origin
from showdesk.domain.directory import Organization, User
from showdesk.domain.ids import new_id
from showdesk.domain.queues import Queue, Skill
from showdesk.services.access import hash_password
from showdesk.services.flows import FlowService
from showdesk.services.roles import ensure_built_in_roles

ORG_ID = "bench"
DEPLOYMENT_ID = "bench-webchat"
ORIGIN = "https://shop.bench.example"
QUEUE_NAME = "Bench Chat"
SKILL_NAME = "bench-chat"
AGENT_PASSWORD = "bench-agent-password"

FLOW = {
    "name": "Bench Chat",
    "type": "webchat",
    "start": "route",
    "blocks": {"route": {"type": "queue", "queue": QUEUE_NAME}},
}


@dataclass(frozen=True)
class Seeded:
    organization_id: str
    deployment_id: str
    origin: str
    agent_emails: list[str]
    agent_password: str
    chat_capacity: int


def agents_needed(conversations: int, chat_capacity: int) -> int:
    return max(1, math.ceil(conversations / chat_capacity))


async def seed(database_url: str, conversations: int, chat_capacity: int) -> Seeded:
    store = await open_store(database_url)
    try:
        await store.save_organization(Organization(ORG_ID, "Bench Kettles", "CX 3", [], 10))
        await ensure_built_in_roles(store, ORG_ID)
        await store.save_skill(Skill(new_id("s"), ORG_ID, SKILL_NAME))
        password_hash = hash_password(AGENT_PASSWORD)  # one hash for all: argon2 is slow on purpose
        emails: list[str] = []
        agent_ids: list[str] = []
        for i in range(agents_needed(conversations, chat_capacity)):
            email = f"agent{i:04d}@bench.example"
            user = User(
                id=new_id("u"),
                organization_id=ORG_ID,
                email=email,
                name=f"Agent {i:04d}",
                password_hash=password_hash,
                roles=["Agent"],
                skills=[SKILL_NAME],
                chat_capacity=chat_capacity,
            )
            await store.save_user(user)
            emails.append(email)
            agent_ids.append(user.id)
        await store.save_queue(Queue(new_id("q"), ORG_ID, QUEUE_NAME, ["chat"], [SKILL_NAME], agent_ids))
        flows = FlowService(store, SystemClock())
        flow, _ = await flows.save(ORG_ID, FLOW)
        await flows.publish(ORG_ID, flow.id)
        await store.save_deployment(
            Deployment(DEPLOYMENT_ID, ORG_ID, "Bench shop", flow.id, [normalize_origin(ORIGIN)])
        )
    finally:
        await store.close()
    return Seeded(ORG_ID, DEPLOYMENT_ID, ORIGIN, emails, AGENT_PASSWORD, chat_capacity)
