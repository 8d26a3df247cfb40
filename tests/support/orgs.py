"""A second organization, written straight into a running server's database: another company's agent,
for tests that one organization never reaches into another's."""

from __future__ import annotations

import asyncio
from concurrent.futures import ThreadPoolExecutor

from showdesk.adapters.storage import open_store
from showdesk.domain.directory import Organization, User
from showdesk.domain.ids import new_id
from showdesk.services.access import hash_password
from showdesk.services.roles import ensure_built_in_roles


def add_organization(database_url: str, org_id: str, agent_email: str, password: str) -> None:
    """Organization `org_id` with one video agent (role Agent), unless it exists already."""

    async def add() -> None:
        store = await open_store(database_url)
        try:
            if await store.get_organization(org_id) is None:
                await store.save_organization(Organization(org_id, f"{org_id} Inc.", "CX 3", ["live-video"], 10))
                await ensure_built_in_roles(store, org_id)
            if await store.get_user_by_email(agent_email) is None:
                user = User(new_id("u"), org_id, agent_email, "Eve Elsewhere", hash_password(password))
                user.roles, user.video_enabled = ["Agent"], True
                await store.save_user(user)
        finally:
            await store.close()

    # In a thread of its own: the caller may be inside an event loop.
    with ThreadPoolExecutor(1) as pool:
        pool.submit(asyncio.run, add()).result()
