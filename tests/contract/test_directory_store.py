"""The directory store's contract (`ports.DirectoryStore`), the same in memory, on SQLite and on
PostgreSQL: organizations, users (an email once; the token version moved only forward, by one, and never
by a save), roles, skills and queues (a name once per organization), each list in its order."""

from __future__ import annotations

import asyncio
import dataclasses

import pytest

from showdesk.domain.directory import Role, User
from showdesk.domain.errors import Conflict
from showdesk.domain.queues import Queue, Skill
from showdesk.services.ports import Store
from tests.support.records import organization


def user(user_id: str, email: str, org_id: str = "org-a", **changes: object) -> User:
    found = User(
        id=user_id,
        organization_id=org_id,
        email=email,
        name=f"Name {user_id}",
        password_hash="argon2$hash",
        roles=["role-agent"],
        skills=["skill-fr"],
        video_enabled=True,
        default_camera="cam-1",
        default_microphone="mic-1",
        chat_capacity=3,
        active=True,
        demo=False,
    )
    return dataclasses.replace(found, **changes)  # type: ignore[arg-type]


async def test_organizations_read_back_as_saved_listed_by_id(store: Store) -> None:
    b = await organization(store, "org-b")
    a = await organization(store, "org-a")
    changed = dataclasses.replace(b, name="Org B renamed", license_tier="CX 1", features=[], video_concurrency_limit=0)
    await store.save_organization(changed)

    assert await store.list_organizations() == [a, changed]
    assert await store.get_organization("org-b") == changed
    assert await store.get_organization("nobody") is None


async def test_users_read_back_as_saved_found_by_email_listed_by_email(store: Store) -> None:
    await organization(store)
    await organization(store, "org-b")
    zoe, adam = user("u1", "zoe@example.com"), user("u2", "adam@example.com", demo=True, chat_capacity=1)
    await store.save_user(zoe)
    await store.save_user(adam)
    await store.save_user(user("u3", "other@example.com", "org-b"))

    assert await store.list_users("org-a") == [adam, zoe]
    assert await store.get_user("u1") == zoe
    assert await store.get_user_by_email("ZOE@Example.com") == zoe  # looked up in lower case
    assert await store.get_user_by_email("nobody@example.com") is None
    assert await store.get_user("nobody") is None


async def test_an_email_belongs_to_one_user_in_every_organization(store: Store) -> None:
    await organization(store)
    await organization(store, "org-b")
    await store.save_user(user("u1", "sam@example.com"))

    with pytest.raises(Conflict):
        await store.save_user(user("u2", "sam@example.com", "org-b"))
    await store.save_user(user("u1", "sam@example.com", name="Sam again"))  # its own email: an update

    assert [u.id for u in await store.list_users("org-b")] == []
    found = await store.get_user("u1")
    assert found is not None and found.name == "Sam again"


async def test_the_token_version_moves_by_one_and_never_by_a_save(store: Store) -> None:
    await organization(store)
    await store.save_user(user("u1", "sam@example.com"))
    read_before = await store.get_user("u1")
    assert read_before is not None and read_before.token_version == 0

    await store.bump_token_version("u1")
    await store.bump_token_version("u1")
    read_before.name = "Sam renamed"
    await store.save_user(read_before)  # a copy read before the bumps: its version is old
    await store.save_user(dataclasses.replace(read_before, token_version=99))  # nor can a save move it on
    await store.bump_token_version("nobody")  # harmless

    found = await store.get_user("u1")
    assert found is not None and (found.name, found.token_version) == ("Sam renamed", 2)


async def test_bumps_at_once_each_count(store: Store) -> None:
    await organization(store)
    await store.save_user(user("u1", "sam@example.com"))

    await asyncio.gather(*(store.bump_token_version("u1") for _ in range(10)))

    found = await store.get_user("u1")
    assert found is not None and found.token_version == 10


async def test_roles_skills_and_queues_read_back_listed_by_name_and_deleted(store: Store) -> None:
    await organization(store)
    await organization(store, "org-b")
    roles = [Role("r2", "org-a", "Supervisor", ["supervisor:view"], True), Role("r1", "org-a", "Agent", ["chat"])]
    skills = [Skill("s2", "org-a", "French"), Skill("s1", "org-a", "English")]
    queues = [Queue("q2", "org-a", "Sales", ["webchat"], ["s1"], ["u1"]), Queue("q1", "org-a", "Billing")]
    for role, skill, queue in zip(roles, skills, queues, strict=True):
        await store.save_role(role)
        await store.save_skill(skill)
        await store.save_queue(queue)
    await store.save_role(Role("r3", "org-b", "Agent"))

    assert await store.list_roles("org-a") == roles[::-1]
    assert await store.list_skills("org-a") == skills[::-1]
    assert await store.list_queues("org-a") == queues[::-1]
    assert (await store.get_role("r2"), await store.get_skill("s2"), await store.get_queue("q2")) == (
        roles[0],
        skills[0],
        queues[0],
    )

    await store.delete_role("r2")
    await store.delete_skill("s2")
    await store.delete_queue("q2")
    await store.delete_queue("nobody")  # harmless

    assert (await store.get_role("r2"), await store.get_skill("s2"), await store.get_queue("q2")) == (None, None, None)
    assert [r.id for r in await store.list_roles("org-a")] == ["r1"]
    assert [r.id for r in await store.list_roles("org-b")] == ["r3"]


@pytest.mark.parametrize("kind", ["role", "skill", "queue"])
async def test_a_name_is_taken_once_per_organization(store: Store, kind: str) -> None:
    await organization(store)
    await organization(store, "org-b")
    made = {
        "role": lambda i, org, name: store.save_role(Role(i, org, name)),
        "skill": lambda i, org, name: store.save_skill(Skill(i, org, name)),
        "queue": lambda i, org, name: store.save_queue(Queue(i, org, name)),
    }[kind]
    await made("x1", "org-a", "Tier 1")

    with pytest.raises(Conflict):
        await made("x2", "org-a", "Tier 1")
    await made("x3", "org-b", "Tier 1")  # another organization's
    await made("x1", "org-a", "Tier 1")  # its own name again: an update

    listed = {"role": store.list_roles, "skill": store.list_skills, "queue": store.list_queues}[kind]
    assert [x.id for x in await listed("org-a")] == ["x1"]


async def test_what_a_caller_changes_in_a_read_user_stays_out_of_the_store(store: Store) -> None:
    await organization(store)
    await store.save_user(user("u1", "sam@example.com"))
    found = await store.get_user("u1")
    assert found is not None
    found.roles.append("role-admin")

    again = await store.get_user("u1")
    assert again is not None and again.roles == ["role-agent"]
