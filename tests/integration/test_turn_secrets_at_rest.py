"""TURN servers' shared secrets and static credentials are stored sealed with the server's key: the raw
database row holds no plain secret, the API and the audit log never show it (sealed or not), and the
browsers' relay credentials minted from it still check out. Rows of an older version (plain text) keep
working and are sealed at the next start. API client secrets are stored only as hashes."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import httpx
import pytest
from sqlalchemy import text
from sqlalchemy.ext.asyncio import create_async_engine

from tests.integration.test_video_recovery import _accepted, _check_ephemeral, _leave, _turn_entries
from tests.support.server import ServerProcess

SHARED_SECRET = "coturn-shared-" + "q7Zx" * 110  # 454 characters: sealed, longer than the old column
STATIC_CREDENTIAL = "static-pass-Yh3k"


@pytest.fixture(scope="module")
def server(backend: str) -> Iterator[ServerProcess]:
    proc = ServerProcess(backend=backend).start()
    yield proc
    proc.cleanup()


async def raw_rows(database_url: str, table: str) -> list[dict[str, Any]]:
    engine = create_async_engine(database_url)
    try:
        async with engine.connect() as conn:
            return [dict(r._mapping) for r in await conn.execute(text(f"SELECT * FROM {table}"))]  # noqa: S608
    finally:
        await engine.dispose()


def admin(server: ServerProcess) -> dict[str, str]:
    return {"authorization": f"Bearer {server.login('admin@demo.local', 'admin')}"}


def add_turn_servers(server: ServerProcess) -> list[dict[str, Any]]:
    route = f"{server.base}/api/v2/telephony/turn-servers"
    bodies = [
        {"name": "Sealed shared", "urls": ["turn:203.0.113.5:3478"], "secret": SHARED_SECRET},
        {
            "name": "Sealed static",
            "urls": ["turn:203.0.113.6:3478"],
            "authentication": "static",
            "username": "shop",
            "credential": STATIC_CREDENTIAL,
        },
    ]
    made = [httpx.post(route, headers=admin(server), json=body) for body in bodies]
    assert [r.status_code for r in made] == [201, 201], [r.text for r in made]
    return [r.json() for r in made]


async def assert_relays_work(server: ServerProcess) -> None:
    guest, agent, _cid, session_id, ready, starting = await _accepted(server)
    for ice in (ready["iceServers"], starting["iceServers"]):
        entries = {tuple(e["urls"]): e for e in _turn_entries(ice)}
        _check_ephemeral(entries[("turn:203.0.113.5:3478",)], session_id, SHARED_SECRET)
        assert entries[("turn:203.0.113.6:3478",)]["credential"] == STATIC_CREDENTIAL
    await _leave(guest, agent)


async def test_turn_secrets_are_sealed_in_the_database_and_never_shown(server: ServerProcess) -> None:
    made = add_turn_servers(server)
    try:
        rows = {r["name"]: r for r in await raw_rows(server.database_url, "turn_servers")}
        shared, static = rows["Sealed shared"], rows["Sealed static"]
        assert shared["secret"].startswith("sealed:v1:") and static["credential"].startswith("sealed:v1:")
        for row in (shared, static):
            assert SHARED_SECRET[:20] not in str(row) and STATIC_CREDENTIAL not in str(row)

        # A change of another field keeps the secret (and keeps it sealed).
        route = f"{server.base}/api/v2/telephony/turn-servers"
        renamed = httpx.patch(f"{route}/{made[0]['id']}", headers=admin(server), json={"name": "Sealed shared 2"})
        assert renamed.status_code == 200 and renamed.json()["secretSet"] is True
        await assert_relays_work(server)

        # Nothing a person can read shows the secret, plain or sealed.
        listed = httpx.get(route, headers=admin(server)).text
        audit = httpx.get(f"{server.base}/api/v2/audit", headers=admin(server)).text
        for shown in (listed, audit, renamed.text, str(made)):
            for secret in (SHARED_SECRET[:20], STATIC_CREDENTIAL, "sealed:"):
                assert secret not in shown
        assert '"secret":"set"' in audit.replace(" ", "")
    finally:
        for server_made in made:
            httpx.delete(f"{server.base}/api/v2/telephony/turn-servers/{server_made['id']}", headers=admin(server))


async def test_api_client_secrets_are_stored_as_hashes_only(server: ServerProcess) -> None:
    made = httpx.post(f"{server.base}/api/v2/oauth/clients", headers=admin(server), json={"name": "hashed"})
    assert made.status_code == 201
    secret = made.json()["secret"]
    [row] = [r for r in await raw_rows(server.database_url, "api_clients") if r["id"] == made.json()["id"]]
    assert secret not in str(row) and row["secret_hash"].startswith("$argon2")
    credentials = {"grant_type": "client_credentials", "client_id": row["id"], "client_secret": secret}
    assert httpx.post(f"{server.base}/oauth/token", data=credentials).status_code == 200


async def test_plain_secrets_of_an_older_version_keep_working_and_are_sealed_at_the_next_start() -> None:
    first = ServerProcess().start()
    try:
        add_turn_servers(first)
        first.stop()
        engine = create_async_engine(first.database_url)  # what an older version left: plain text
        async with engine.begin() as conn:
            await conn.execute(
                text("UPDATE turn_servers SET secret = :s WHERE name = 'Sealed shared'"), {"s": SHARED_SECRET}
            )
            await conn.execute(
                text("UPDATE turn_servers SET credential = :c WHERE name = 'Sealed static'"), {"c": STATIC_CREDENTIAL}
            )
        await engine.dispose()

        again = ServerProcess(database_url=first.database_url).start()
        try:
            rows = await raw_rows(first.database_url, "turn_servers")
            assert all(r["secret"].startswith("sealed:v1:") for r in rows if r["name"] == "Sealed shared")
            assert all(r["credential"].startswith("sealed:v1:") for r in rows if r["name"] == "Sealed static")
            await assert_relays_work(again)
        finally:
            again.cleanup()

        # Under another secret key the sealed secrets cannot be read: the relays are left out, in words.
        other = ServerProcess(database_url=first.database_url, env={"SHOWDESK_SECRET_KEY": "another-key-" + "z" * 32})
        other.start()
        try:
            guest, agent, _cid, _session_id, ready, _ = await _accepted(other)
            assert _turn_entries(ready["iceServers"]) == []
            await _leave(guest, agent)
            assert "cannot be read with this server's secret key" in other.server_log()
        finally:
            other.cleanup()
    finally:
        first.cleanup()
