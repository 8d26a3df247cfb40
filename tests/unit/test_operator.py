"""The operator's commands as services (`showdesk init`, `showdesk user ...`) and a person's own password
change, on the in-memory store: what they create, what they refuse, and that the audit log names who."""

from __future__ import annotations

import pytest

from showdesk.adapters.bus.memory import MemoryBus
from showdesk.adapters.storage.memory import MemoryStore
from showdesk.domain.directory import Organization, organization_id_for
from showdesk.domain.errors import Conflict, InvalidInput, NotFound, Unauthenticated
from showdesk.domain.passwords import MIN_PASSWORD_LENGTH
from showdesk.domain.permissions import BUILT_IN_ROLES
from showdesk.domain.rate_limit import RateLimited
from showdesk.services.access import OPERATOR_NAME, verify_password
from showdesk.services.api_clients import ClientChanges
from showdesk.services.operator import OperatorCommands
from tests.support.memory import ManualClock, demo_services

EMAIL = "ops@acme.example"
PASSWORD = "correct-horse-battery"


@pytest.fixture
def store() -> MemoryStore:
    return MemoryStore()


@pytest.fixture
def tools(store: MemoryStore) -> OperatorCommands:
    return OperatorCommands.wired(store, MemoryBus(), ManualClock())


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("Acme Support", "acme-support"),
        ("  Café Ünïcode!  ", "cafe-unicode"),
        ("R&D / Ops 2", "r-d-ops-2"),
        ("日本サポート", "organization"),
        ("x" * 100, "x" * 40),
    ],
)
def test_an_organization_id_is_made_from_its_name(name: str, expected: str) -> None:
    assert organization_id_for(name) == expected


async def test_init_creates_the_organization_its_roles_and_an_administrator(
    store: MemoryStore, tools: OperatorCommands
) -> None:
    made = await tools.initialize("Acme Support", EMAIL, None, force=False)

    assert made.organization.id == "acme-support" and made.organization.name == "Acme Support"
    assert {r.name for r in await store.list_roles("acme-support")} == set(BUILT_IN_ROLES)
    assert made.admin.roles == ["Administrator"] and made.admin.active
    assert made.password is not None and len(made.password) >= MIN_PASSWORD_LENGTH
    assert verify_password(made.admin.password_hash, made.password)
    audit = await store.list_audit("acme-support")
    assert {(e.action, e.actor_name) for e in audit} == {
        ("organization.create", OPERATOR_NAME),
        ("user.create", OPERATOR_NAME),
    }


async def test_init_again_changes_nothing(store: MemoryStore, tools: OperatorCommands) -> None:
    first = await tools.initialize("Acme Support", EMAIL, PASSWORD, force=False)
    assert first.password is None  # given, not generated: nothing to show

    again = await tools.initialize("Acme Support", EMAIL, "another-long-password", force=False)

    assert again.done == [] and again.password is None
    admin = await store.get_user_by_email(EMAIL)
    assert admin is not None and verify_password(admin.password_hash, PASSWORD)  # the password was left alone
    assert admin.token_version == first.admin.token_version
    assert len(await store.list_audit("acme-support")) == 2


async def test_init_refuses_another_first_organization_unless_forced(
    store: MemoryStore, tools: OperatorCommands
) -> None:
    await tools.initialize("Acme Support", EMAIL, None, force=False)

    with pytest.raises(Conflict) as refused:
        await tools.initialize("Other Co", "boss@other.example", None, force=False)
    assert "organization 'Acme Support' (id acme-support)" in refused.value.message
    assert "--force would add 'Other Co' (id other-co)" in refused.value.message
    assert await store.get_organization("other-co") is None

    forced = await tools.initialize("Other Co", "boss@other.example", None, force=True)
    assert forced.organization.id == "other-co"
    assert {o.id for o in await store.list_organizations()} == {"acme-support", "other-co"}


async def test_init_refuses_to_change_an_existing_organization_unless_forced(
    store: MemoryStore, tools: OperatorCommands
) -> None:
    first = await tools.initialize("Acme Support", EMAIL, None, force=False)
    admin = first.admin
    admin.active = False  # someone disabled the first administrator
    await store.save_user(admin)
    version = admin.token_version

    with pytest.raises(Conflict) as refused:
        await tools.initialize("Acme Support", EMAIL, PASSWORD, force=False)
    assert "ops@acme.example is disabled there" in refused.value.message
    assert "--force would make ops@acme.example an active Administrator with a new password" in refused.value.message

    forced = await tools.initialize("Acme Support", EMAIL, PASSWORD, force=True)
    assert forced.admin.active and verify_password(forced.admin.password_hash, PASSWORD)
    now = await store.get_user(admin.id)
    assert now is not None and now.token_version > version  # whatever tokens were out there ended

    with pytest.raises(Conflict) as renamed:
        await tools.initialize("ACME support", "boss@acme.example", None, force=False)
    assert "--force would rename it to 'ACME support' and add boss@acme.example as an Administrator" in (
        renamed.value.message
    )


async def test_init_finishes_an_organization_left_without_users(store: MemoryStore, tools: OperatorCommands) -> None:
    await store.save_organization(Organization("acme-support", "Acme Support"))  # an init cut short

    made = await tools.initialize("Acme Support", EMAIL, None, force=False)

    assert made.admin.roles == ["Administrator"] and made.password is not None


async def test_an_email_of_another_organization_is_refused_even_forced(
    store: MemoryStore, tools: OperatorCommands
) -> None:
    await tools.initialize("Acme Support", EMAIL, None, force=False)
    with pytest.raises(Conflict) as refused:
        await tools.initialize("Other Co", EMAIL, None, force=True)
    assert "signs in to one account only" in refused.value.message


async def test_init_refuses_a_short_password(store: MemoryStore, tools: OperatorCommands) -> None:
    with pytest.raises(InvalidInput) as refused:
        await tools.initialize("Acme Support", EMAIL, "short", force=False)
    assert refused.value.code == "invalid_password"


async def test_user_commands_go_through_the_directory_and_are_audited(
    store: MemoryStore, tools: OperatorCommands
) -> None:
    await tools.initialize("Acme Support", EMAIL, None, force=False)

    agent = await tools.create_user("acme-support", "kim@acme.example", "Kim", ["Agent"], None)
    chat_only = await tools.create_user("acme-support", "lou@acme.example", None, ["Chat Agent"], PASSWORD)
    assert agent.user.video_enabled and not chat_only.user.video_enabled  # video with a role that answers it
    assert agent.password is not None and chat_only.password is None
    with pytest.raises(InvalidInput, match="unknown role"):
        await tools.create_user("acme-support", "x@acme.example", None, ["Wizard"], PASSWORD)
    with pytest.raises(NotFound):
        await tools.create_user("nowhere", "y@acme.example", None, ["Agent"], PASSWORD)

    changed = await tools.set_password("KIM@acme.example", PASSWORD)
    assert verify_password(changed.user.password_hash, PASSWORD)
    kim = await store.get_user(agent.user.id)
    assert kim is not None and kim.token_version == 1  # every token they held ended
    disabled = await tools.disable("kim@acme.example")
    assert disabled.changed and not disabled.user.active
    assert not (await tools.disable("kim@acme.example")).changed
    with pytest.raises(NotFound):
        await tools.set_password("nobody@acme.example", PASSWORD)

    actions = [(e.action, e.actor_name, e.target_name) for e in await store.list_audit("acme-support", "user")]
    assert ("user.update", OPERATOR_NAME, "Kim") in actions
    assert sum(1 for a in actions if a[0] == "user.update") == 2  # the second disable changed nothing


# A person's own password --------------------------------------------------------------------------------
async def test_a_password_change_needs_the_current_one_and_counts_wrong_ones_as_failed_sign_ins() -> None:
    services, _, _ = await demo_services(login_failures_per_account=3)
    token, who = await services.access.login("agent@demo.local", "agent", "10.0.0.1")

    with pytest.raises(InvalidInput) as short:
        await services.directory.change_own_password(who, "agent", "short", "10.0.0.1")
    assert short.value.code == "invalid_password"
    for _ in range(3):
        with pytest.raises(InvalidInput) as wrong:
            await services.directory.change_own_password(who, "not-it", PASSWORD, "10.0.0.1")
        assert wrong.value.code == "wrong_password"
    with pytest.raises(RateLimited):  # now even the right one waits, as a sign-in would
        await services.directory.change_own_password(who, "agent", PASSWORD, "10.0.0.1")
    with pytest.raises(RateLimited):
        await services.access.login("agent@demo.local", "agent", "10.0.0.1")

    fresh, changed = await services.directory.change_own_password(who, "agent", PASSWORD, "10.0.0.2")

    with pytest.raises(Unauthenticated):
        await services.access.authenticate(token)
    assert (await services.access.authenticate(fresh)).user.id == changed.user.id
    await services.access.login("agent@demo.local", PASSWORD, "10.0.0.2")
    entries = await services.store.list_audit("demo", "user")
    assert [(e.action, e.actor_name) for e in entries if e.action == "user.password_change"] == [
        ("user.password_change", "Dana Agent")
    ]


async def test_an_api_client_has_no_password_to_change() -> None:
    services, _, _ = await demo_services()
    _, admin = await services.access.login("admin@demo.local", "admin", "10.0.0.1")
    client, secret = await services.api_clients.create_client(admin, ClientChanges("ci", ["Architect"]))
    token, _ = await services.api_clients.exchange("client_credentials", client.id, secret, "10.0.0.1")
    as_client = await services.access.authenticate(token)

    with pytest.raises(Conflict) as refused:
        await services.directory.change_own_password(as_client, "x", PASSWORD, "10.0.0.1")
    assert refused.value.code == "client_token"
