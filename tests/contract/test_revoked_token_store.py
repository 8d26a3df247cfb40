"""The revoked-token store's contract (`ports.RevokedTokenStore`), the same in memory, on SQLite and on
PostgreSQL: a token signed out stays signed out, others are not, and signing out twice is harmless."""

from __future__ import annotations

from showdesk.services.ports import Store
from tests.support.records import MINUTE, T0


async def test_a_revoked_token_is_known_as_such_and_only_it(store: Store) -> None:
    await store.revoke_token("jti-1", T0 + 60 * MINUTE)
    await store.revoke_token("jti-1", T0 + 90 * MINUTE)  # signed out twice

    assert await store.is_token_revoked("jti-1")
    assert not await store.is_token_revoked("jti-2")
