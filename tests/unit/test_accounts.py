"""Accounts on the in-memory services: which changes end a user's sign-ins, and how failed sign-ins are
counted over time."""

from __future__ import annotations

import pytest

from showdesk.domain.errors import Unauthenticated
from showdesk.domain.rate_limit import RateLimited
from showdesk.services.access import hash_password
from showdesk.services.directory import UserChanges
from showdesk.services.roles import RoleChanges
from showdesk.services.tokens import TokenCodec
from tests.support.memory import demo_services

LONG = "correct-horse-battery"


async def test_a_role_edit_ends_only_the_sign_ins_of_those_who_lose_a_permission() -> None:
    sd, _, _ = await demo_services()
    await sd.start()
    _, admin = await sd.access.login("admin@demo.local", "admin")
    role = await sd.roles.create_role(admin, "Lite", ["chat:answer", "video:answer"])
    only = await sd.directory.create_user(admin, "only@demo.local", UserChanges(password=LONG, roles=["Lite"]))
    both = await sd.directory.create_user(admin, "both@demo.local", UserChanges(password=LONG, roles=["Lite", "Agent"]))
    only_token, _ = await sd.access.login(only.email, LONG)
    both_token, _ = await sd.access.login(both.email, LONG)

    await sd.roles.update_role(admin, role.id, RoleChanges(permissions=["chat:answer"]))

    with pytest.raises(Unauthenticated) as ended:
        await sd.access.authenticate(only_token)
    assert ended.value.code == "token_revoked"
    assert (await sd.access.authenticate(both_token)).user.id == both.id  # Agent still grants video:answer


async def test_a_stale_copy_saved_after_a_sign_out_does_not_bring_old_tokens_back() -> None:
    sd, _, _ = await demo_services()
    token, principal = await sd.access.login("agent@demo.local", "agent")
    stale = await sd.store.get_user(principal.user.id)
    assert stale is not None
    await sd.access.end_sessions(stale.id)
    stale.chat_capacity = 2
    await sd.store.save_user(stale)  # e.g. another admin's change, read before the sign-out
    with pytest.raises(Unauthenticated):
        await sd.access.authenticate(token)


def test_tokens_from_before_versions_were_kept_are_version_zero() -> None:
    import jwt

    codec = TokenCodec("k" * 40)
    old = jwt.encode({"kind": "agent", "sub": "u1", "org": "o", "jti": "t1", "exp": 4_000_000_000}, "k" * 40)
    assert codec.read_agent(old).token_version == 0


async def test_failed_sign_ins_wait_out_the_window_and_only_failures_count() -> None:
    sd, _, clock = await demo_services()
    user = await sd.store.get_user_by_email("agent2@demo.local")
    assert user is not None
    user.password_hash = hash_password(LONG)
    await sd.store.save_user(user)
    for _ in range(10):  # successes are never counted
        await sd.access.login(user.email, LONG, "10.0.0.1")
    for _ in range(5):
        with pytest.raises(Unauthenticated):
            await sd.access.login(user.email, "wrong", "10.0.0.1")
    with pytest.raises(RateLimited) as waiting:
        await sd.access.login(user.email, LONG, "10.0.0.1")
    assert 0 < waiting.value.retry_after <= 12  # 5 a minute: one more every 12 s
    await sd.access.login(user.email, LONG, "10.0.0.2")  # the owner, elsewhere
    clock.advance(waiting.value.retry_after)
    await sd.access.login(user.email, LONG, "10.0.0.1")
