"""The configuration store's contract (`ports.ConfigurationStore`), the same in memory, on SQLite and on
PostgreSQL: deployments, flows and their versions (gone with their flow), API clients, TURN servers
(their secrets given back as they were set, and on SQL stored sealed), and the installation's id."""

from __future__ import annotations

import dataclasses

import pytest
from sqlalchemy import select

from showdesk.adapters.storage import tables as t
from showdesk.adapters.storage.sql import SqlStore
from showdesk.domain.api_clients import ApiClient
from showdesk.domain.deployments import Deployment
from showdesk.domain.errors import Conflict
from showdesk.domain.flow import Flow, FlowVersion
from showdesk.domain.turn_servers import TurnServer
from showdesk.services.ports import Store
from tests.support.records import MINUTE, T0, organization
from tests.support.stores import SECRET_KEY

DEFINITION = {"name": "Main", "type": "webchat", "start": "route", "blocks": {"route": {"queue": "Sales"}}}


def flow(flow_id: str, name: str, org_id: str = "org-a") -> Flow:
    return Flow(flow_id, org_id, name, "webchat", DEFINITION, 2, 1, DEFINITION, T0)


def turn_server(server_id: str, name: str, org_id: str = "org-a") -> TurnServer:
    return TurnServer(
        id=server_id,
        organization_id=org_id,
        name=name,
        urls=["turn:turn.example.com:3478?transport=udp", "turns:turn.example.com:5349"],
        authentication="static",
        secret="",
        username="relay-user",
        credential="the static credential ✓",
        active=True,
    )


async def test_the_installation_id_is_set_and_stays(store: Store) -> None:
    first = await store.installation_id()

    assert first and await store.installation_id() == first


async def test_the_installation_id_is_the_databases_for_every_node(sql_store: SqlStore) -> None:
    other_node = SqlStore(sql_store.url, SECRET_KEY)
    try:
        assert await other_node.installation_id() == await sql_store.installation_id()
    finally:
        await other_node.close()


async def test_deployments_read_back_listed_by_name_and_deleted(store: Store) -> None:
    await organization(store)
    await store.save_flow(flow("f1", "Main"))
    widget = Deployment("d2", "org-a", "Website", "f1", ["https://shop.example.com"], True, {"resolution": "720p"})
    kiosk = Deployment("d1", "org-a", "Kiosk")
    await store.save_deployment(widget)
    await store.save_deployment(kiosk)

    assert await store.list_deployments("org-a") == [kiosk, widget]
    assert await store.get_deployment("d2") == widget
    await store.save_deployment(dataclasses.replace(widget, active=False, allowed_origins=[]))
    await store.delete_deployment("d1")

    assert await store.list_deployments("org-a") == [dataclasses.replace(widget, active=False, allowed_origins=[])]
    assert await store.get_deployment("d1") is None
    assert await store.list_deployments("org-b") == []


async def test_flows_and_their_versions_oldest_first_gone_with_the_flow(store: Store) -> None:
    await organization(store)
    main, other = flow("f1", "Main"), flow("f2", "Another")
    await store.save_flow(main)
    await store.save_flow(other)
    versions = [FlowVersion(f"f1:{n}", "f1", n, {**DEFINITION, "n": n}, T0 + n * MINUTE, "Ada") for n in (2, 1, 3)]
    for version in versions:
        await store.save_flow_version(version)
    await store.save_flow_version(FlowVersion("f2:1", "f2", 1, DEFINITION, T0, "Ada"))

    assert await store.list_flows("org-a") == [other, main]
    assert await store.get_flow("f1") == main
    assert await store.list_flow_versions("f1") == sorted(versions, key=lambda v: v.version)

    await store.delete_flow("f1")

    assert await store.get_flow("f1") is None
    assert await store.list_flow_versions("f1") == []
    assert [v.id for v in await store.list_flow_versions("f2")] == ["f2:1"]


async def test_api_clients_read_back_listed_by_name_and_deleted(store: Store) -> None:
    await organization(store)
    crm = ApiClient("k2", "org-a", "CRM", "sha256$hash", ["role-admin"], True, T0, T0 + MINUTE)
    bot = ApiClient("k1", "org-a", "Bot", "sha256$other")
    await store.save_api_client(crm)
    await store.save_api_client(bot)

    assert await store.list_api_clients("org-a") == [bot, crm]
    assert await store.get_api_client("k2") == crm
    await store.delete_api_client("k2")
    assert await store.get_api_client("k2") is None


async def test_turn_servers_give_back_their_secrets_as_set(store: Store) -> None:
    await organization(store)
    static = turn_server("t2", "Static relay")
    shared = dataclasses.replace(
        turn_server("t1", "Coturn"), authentication="shared-secret", secret="s3cret ✓", username="", credential=""
    )
    await store.save_turn_server(static)
    await store.save_turn_server(shared)

    assert await store.list_turn_servers("org-a") == [shared, static]
    assert await store.get_turn_server("t2") == static
    await store.save_turn_server(dataclasses.replace(static, credential="rotated"))
    found = await store.get_turn_server("t2")
    assert found is not None and found.credential == "rotated"
    await store.delete_turn_server("t2")
    assert await store.get_turn_server("t2") is None


async def test_turn_secrets_are_sealed_in_the_database(sql_store: SqlStore) -> None:
    await organization(sql_store)
    await sql_store.save_turn_server(dataclasses.replace(turn_server("t1", "Coturn"), secret="s3cret"))

    async with sql_store.engine.connect() as conn:
        row = (await conn.execute(select(t.turn_servers).where(t.turn_servers.c.id == "t1"))).one()

    assert row.secret.startswith("sealed:v1:") and "s3cret" not in row.secret
    assert row.credential.startswith("sealed:v1:") and "static credential" not in row.credential
    without_the_key = SqlStore(sql_store.url)
    try:
        found = await without_the_key.get_turn_server("t1")  # sealed values read as not set
        assert found is not None and (found.secret, found.credential) == ("", "")
    finally:
        await without_the_key.close()


@pytest.mark.parametrize("kind", ["flow", "api_client", "turn_server"])
async def test_a_name_is_taken_once_per_organization(store: Store, kind: str) -> None:
    await organization(store)
    await organization(store, "org-b")

    async def made(item_id: str, org_id: str) -> None:
        if kind == "flow":
            await store.save_flow(flow(item_id, "Same", org_id))
        elif kind == "api_client":
            await store.save_api_client(ApiClient(item_id, org_id, "Same", "hash"))
        else:
            await store.save_turn_server(turn_server(item_id, "Same", org_id))

    await made("x1", "org-a")
    with pytest.raises(Conflict):
        await made("x2", "org-a")
    await made("x3", "org-b")
    await made("x1", "org-a")  # its own name: an update
