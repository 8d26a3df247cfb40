"""The configuration services with their typed changes, on the in-memory services: what is another
organization's is not found, in the words of what does not exist, and a change says what it leaves alone."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

import pytest

from showdesk.domain.api_clients import ApiClient
from showdesk.domain.deployments import Deployment
from showdesk.domain.directory import Organization, Role, User
from showdesk.domain.errors import NotFound
from showdesk.domain.flow import Flow
from showdesk.domain.queues import Queue, Skill
from showdesk.domain.turn_servers import TurnServer
from showdesk.services.api_clients import ClientChanges
from showdesk.services.deployments import DeploymentChanges
from showdesk.services.directory import UserChanges
from showdesk.services.queues import QueueChanges
from showdesk.services.roles import RoleChanges
from showdesk.services.turn_servers import TurnServerChanges
from tests.support.memory import demo_services

OTHER = "other-org"


async def test_another_organization_s_configuration_is_not_found_like_what_does_not_exist() -> None:
    sd, _, _ = await demo_services()
    store = sd.store
    await store.save_organization(Organization(OTHER, "Other"))
    theirs = {
        "user": User("u_theirs", OTHER, "them@other.example", "Them", ""),
        "skill": Skill("s_theirs", OTHER, "theirs"),
        "queue": Queue("q_theirs", OTHER, "Theirs"),
        "role": Role("r_theirs", OTHER, "Theirs", []),
        "deployment": Deployment("d_theirs", OTHER, "Theirs"),
        "client": ApiClient("k_theirs", OTHER, "theirs", ""),
        "turn_server": TurnServer("t_theirs", OTHER, "Theirs", ["turn:t.other.example"]),
        "flow": Flow("f_theirs", OTHER, "Theirs", "webchat", {}, published_definition={}),
    }
    await store.save_user(theirs["user"])
    await store.save_skill(theirs["skill"])
    await store.save_queue(theirs["queue"])
    await store.save_role(theirs["role"])
    await store.save_deployment(theirs["deployment"])
    await store.save_api_client(theirs["client"])
    await store.save_turn_server(theirs["turn_server"])
    await store.save_flow(theirs["flow"])
    _, admin = await sd.access.login("admin@demo.local", "admin")
    reads: dict[str, Callable[[str], Awaitable[Any]]] = {
        "user": lambda i: sd.directory.update_user(admin, i, UserChanges(name="Mine")),
        "skill": lambda i: sd.queues.delete_skill(admin, i),
        "queue": lambda i: sd.queues.update_queue(admin, i, QueueChanges(name="Mine")),
        "role": lambda i: sd.roles.update_role(admin, i, RoleChanges(name="Mine")),
        "deployment": lambda i: sd.deployments.update_deployment(admin, i, DeploymentChanges(name="Mine")),
        "client": lambda i: sd.api_clients.update_client(admin, i, ClientChanges(name="Mine")),
        "turn_server": lambda i: sd.turn_servers.update_server(admin, i, TurnServerChanges(name="Mine")),
        "flow": lambda i: sd.deployments.update_deployment(admin, "demo-webchat", DeploymentChanges(flow_id=i)),
    }
    for kind, read in reads.items():
        theirs_id, nobody_s = theirs[kind].id, f"{theirs[kind].id}-none"
        found, missing = await refusal(read, theirs_id), await refusal(read, nobody_s)
        assert found.code == missing.code and found.code.endswith("_not_found"), kind
        assert found.message == missing.message.replace(nobody_s, theirs_id), kind
    assert (await store.get_user("u_theirs")).name == "Them"
    assert (await store.get_queue("q_theirs")).name == "Theirs"
    assert (await store.get_deployment("demo-webchat")).flow_id != "f_theirs"


async def refusal(read: Callable[[str], Awaitable[Any]], entity_id: str) -> NotFound:
    with pytest.raises(NotFound) as refused:
        await read(entity_id)
    return refused.value


async def test_a_deployment_change_leaves_what_it_does_not_name_and_none_unbinds_the_flow() -> None:
    sd, _, _ = await demo_services()
    _, admin = await sd.access.login("admin@demo.local", "admin")
    bound = await sd.deployments.get_deployment(admin, "demo-webchat")
    assert bound.flow_id is not None
    quality = {"resolution": "640x480"}
    renamed = await sd.deployments.update_deployment(
        admin, "demo-webchat", DeploymentChanges(name="Shop", video_quality=quality)
    )
    assert (renamed.name, renamed.flow_id, renamed.video_quality) == ("Shop", bound.flow_id, quality)
    unbound = await sd.deployments.update_deployment(admin, "demo-webchat", DeploymentChanges(flow_id=None))
    assert (unbound.flow_id, unbound.video_quality, unbound.allowed_origins) == (
        None,
        quality,
        bound.allowed_origins,
    )
    cleared = await sd.deployments.update_deployment(admin, "demo-webchat", DeploymentChanges(video_quality=None))
    assert (cleared.name, cleared.video_quality) == ("Shop", None)
