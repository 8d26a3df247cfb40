"""The demo organization of CONTRACT §2, created when absent and kept reachable from this server."""

from __future__ import annotations

from showdesk.domain.deployments import Deployment, normalize_origin
from showdesk.domain.directory import Organization, User
from showdesk.domain.ids import new_id
from showdesk.domain.queues import Queue, Skill
from showdesk.domain.wrapup import WrapupCode
from showdesk.services.access import hash_password_off_loop
from showdesk.services.flows import FlowService
from showdesk.services.ports import Clock, OrganizationStore
from showdesk.services.roles import ensure_built_in_roles

ORG_ID = "demo"
DEPLOYMENT_ID = "demo-webchat"
VIDEO_QUEUE = "Video Troubleshooting"
CHAT_QUEUE = "General Chat"
VIDEO_SKILL = "video-troubleshooting"
DEMO_WRAPUP_CODES = ("Resolved", "Replacement sent", "Needs follow-up")

DEMO_FLOW = {
    "name": "Product Support",
    "type": "webchat",
    "start": "video",
    "blocks": {
        "video": {
            "type": "startVideo",
            "mode": "one-way",
            "videoSource": "camera",
            "audioSource": "none",
            "success": "route",
            "failure": "route",
        },
        "route": {"type": "queue", "queue": VIDEO_QUEUE},
    },
}

DEMO_USERS = [
    ("admin@demo.local", "admin", "Alex Admin", "Administrator"),
    ("architect@demo.local", "architect", "Ari Architect", "Architect"),
    ("agent@demo.local", "agent", "Dana Agent", "Agent"),
    ("agent2@demo.local", "agent", "Sam Agent", "Agent"),
    ("supervisor@demo.local", "supervisor", "Sky Supervisor", "Supervisor"),
]


def documented_password(user: User) -> str | None:
    """A demo account's password as CONTRACT §2 documents it (short: the 12-character rule spares it)."""
    if user.organization_id != ORG_ID:
        return None
    return next((password for email, password, _, _ in DEMO_USERS if email == user.email), None)


async def seed_demo(store: OrganizationStore, clock: Clock, server_origins: list[str]) -> None:
    """Create the demo data if absent; make sure this server's own origins may use the demo widget."""
    if await store.get_organization(ORG_ID) is None:
        await store.save_organization(Organization(ORG_ID, "Brightline Kettles (demo)", "CX 3", ["live-video"], 10))
        await ensure_built_in_roles(store, ORG_ID)
        await store.save_skill(Skill(new_id("s"), ORG_ID, VIDEO_SKILL))
        agent_ids = []
        for email, password, name, role in DEMO_USERS:
            is_agent = role == "Agent"
            user = User(
                id=new_id("u"),
                organization_id=ORG_ID,
                email=email,
                name=name,
                password_hash=await hash_password_off_loop(password),
                roles=[role],
                skills=[VIDEO_SKILL] if is_agent else [],
                video_enabled=is_agent,
                demo=True,
            )
            await store.save_user(user)
            if is_agent:
                agent_ids.append(user.id)
        await store.save_queue(Queue(new_id("q"), ORG_ID, VIDEO_QUEUE, ["chat", "video"], [VIDEO_SKILL], agent_ids))
        await store.save_queue(Queue(new_id("q"), ORG_ID, CHAT_QUEUE, ["chat"], [], agent_ids))
        for code in DEMO_WRAPUP_CODES:
            await store.save_wrapup_code(WrapupCode(new_id("w"), ORG_ID, code))
        flows = FlowService(store, clock)
        flow, _ = await flows.save(ORG_ID, DEMO_FLOW, ("demo", "Demo data"))
        await flows.publish(ORG_ID, flow.id)
        await store.save_deployment(Deployment(DEPLOYMENT_ID, ORG_ID, "Demo shop", flow.id, []))
    await ensure_built_in_roles(store, ORG_ID)  # roles added in newer versions reach older demo data
    for email, *_ in DEMO_USERS:  # demo data from before accounts were marked
        found = await store.get_user_by_email(email)
        if found is not None and found.organization_id == ORG_ID and not found.demo:
            found.demo = True
            await store.save_user(found)
    deployment = await store.get_deployment(DEPLOYMENT_ID)
    if deployment is not None:
        wanted = [normalize_origin(o) for o in server_origins]
        missing = [o for o in wanted if o not in deployment.allowed_origins]
        if missing:
            deployment.allowed_origins = [*deployment.allowed_origins, *missing]
            await store.save_deployment(deployment)
