"""What routes and sockets ask the services for instead of reading storage themselves: which sites may use a
chat's photos, a transcript, every organization's figures, and the offers a desktop finds waiting."""

from __future__ import annotations

import pytest

from showdesk.domain.deployments import Deployment
from showdesk.domain.errors import Forbidden, NotFound
from showdesk.domain.routing import Presence
from showdesk.services.commands import PostMessage
from showdesk.services.routing import OFFER_MESSAGES
from tests.support.memory import demo_services
from tests.unit.test_chat_services import agent, start_chat


async def test_only_the_chat_s_deployment_s_allowed_origins_may_use_it_while_it_is_active() -> None:
    sd, _, _ = await demo_services()
    conv, _ = await start_chat(sd)
    assert await sd.chat.origin_allowed(conv.id, "http://shop.test")
    assert not await sd.chat.origin_allowed(conv.id, "http://evil.test")
    assert not await sd.chat.origin_allowed("c_of_nobody", "http://shop.test")
    deployment = await sd.store.get_deployment(conv.deployment_id)
    assert isinstance(deployment, Deployment)
    deployment.active = False
    await sd.store.save_deployment(deployment)
    assert not await sd.chat.origin_allowed(conv.id, "http://shop.test")


async def test_a_transcript_is_read_by_its_agent_or_a_supervisor_only() -> None:
    sd, _, _ = await demo_services()
    _, dana = await sd.access.login("agent@demo.local", "agent")
    _, sam = await sd.access.login("agent2@demo.local", "agent")
    _, boss = await sd.access.login("supervisor@demo.local", "supervisor")
    await sd.router.agent_connected(dana.user)
    await sd.router.set_presence(dana.user, Presence.ON_QUEUE)
    conv, claims = await start_chat(sd)
    await sd.router.accept(dana.user, conv.id)
    await sd.chat.guest_message(claims, "k1", "my kettle")
    await sd.chat.agent_message(dana, PostMessage("a1", "which model?", conv.id))
    for reader in (dana, boss):
        texts = [m.text for m in await sd.chat.transcript(reader, conv.id)]
        assert texts[-2:] == ["my kettle", "which model?"]
    with pytest.raises(Forbidden):
        await sd.chat.transcript(sam, conv.id)
    with pytest.raises(NotFound):
        await sd.chat.transcript(boss, "c_of_nobody")


async def test_every_organization_s_figures_for_metrics() -> None:
    sd, _, _ = await demo_services()
    boards = await sd.supervisor.every_organization()
    assert [b.organization_id for b in boards] == [o.id for o in await sd.store.list_organizations()]


async def test_a_desktop_that_connects_finds_its_offer_as_the_offer_event_showed_it() -> None:
    sd, rec, _ = await demo_services(offer_timeout=30)
    dana = await agent(sd, "agent@demo.local")
    await rec.watch(f"agent:{dana.id}")
    await sd.router.agent_connected(dana)
    _, claims = await start_chat(sd)
    for n in range(OFFER_MESSAGES + 5):
        await sd.chat.guest_message(claims, f"k{n}", f"line {n}")
    await sd.router.set_presence(dana, Presence.ON_QUEUE)
    [sent] = rec.of(f"agent:{dana.id}", "offer")
    [waiting] = await sd.router.offers_for(dana.id)
    assert waiting.frame() == sent
    assert len(sent["messages"]) == OFFER_MESSAGES and sent["messages"][-1]["text"] == f"line {OFFER_MESSAGES + 4}"
    assert await sd.router.offers_for((await agent(sd, "agent2@demo.local")).id) == []
