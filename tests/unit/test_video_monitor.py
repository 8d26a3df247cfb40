"""VideoMonitor, the services' side of a supervisor seeing the live picture: who may ask and when, that the
customer is told, and that a chat's picture is asked for so many times a minute at most."""

from __future__ import annotations

import pytest

from showdesk.domain.errors import Conflict, Forbidden
from showdesk.domain.events import agent_topic, conversation_topic
from showdesk.domain.rate_limit import RateLimited
from tests.support.memory import demo_services
from tests.unit.test_photos import connecting_chat, live_chat, login


async def test_a_holder_of_video_monitor_asks_the_chat_s_agent_and_the_customer_reads_it() -> None:
    sd, recorder, _ = await demo_services()
    cid, _, agent = await live_chat(sd)
    await recorder.watch(conversation_topic(cid))
    await recorder.watch(agent_topic(agent.user.id))
    admin = await login(sd, "admin@demo.local", "admin")
    monitoring, _ = await sd.video_monitor.prepare(admin, cid, "127.0.0.1")
    assert monitoring.agent_id == agent.user.id and monitoring.conversation_id == cid
    assert not recorder.of(agent_topic(agent.user.id), "monitorRequested")  # asked only by `ask`
    await sd.video_monitor.ask(admin, monitoring)
    [asked] = recorder.of(agent_topic(agent.user.id), "monitorRequested")
    assert asked["monitorId"] == monitoring.id and asked["watcherName"] == "Alex Admin"
    assert not [m for m in await sd.store.list_messages(cid) if "supervisor" in m.text]  # told at the offer
    await sd.video_monitor.announce(monitoring)
    lines = [m.text for m in await sd.store.list_messages(cid) if m.sender == "system"]
    assert lines[-1] == "A supervisor is now also watching the video, to help with your question."

    await sd.video_monitor.stop(monitoring, "stopped", tell_customer=True)
    [ended] = recorder.of(agent_topic(agent.user.id), "monitorEnded")
    assert ended["reason"] == "stopped"
    lines = [m.text for m in await sd.store.list_messages(cid) if m.sender == "system"]
    assert lines[-1] == "The supervisor is no longer watching the video."


async def test_without_video_monitor_or_a_live_video_nothing_is_asked() -> None:
    sd, _, _ = await demo_services()
    cid, _, agent = await live_chat(sd)
    supervisor = await login(sd, "supervisor@demo.local", "supervisor")
    with pytest.raises(Forbidden) as refused:
        await sd.video_monitor.prepare(supervisor, cid, "127.0.0.1")
    assert refused.value.code == "permission_denied"
    await sd.video.agent_end(agent, cid)
    admin = await login(sd, "admin@demo.local", "admin")
    with pytest.raises(Conflict) as over:
        await sd.video_monitor.prepare(admin, cid, "127.0.0.1")
    assert over.value.code == "no_live_video"


async def test_a_chat_s_picture_is_asked_for_so_many_times_a_minute() -> None:
    sd, _, _ = await demo_services(monitor_starts_per_chat=2)
    cid, _, _ = await live_chat(sd)
    admin = await login(sd, "admin@demo.local", "admin")
    for _ in range(2):
        await sd.video_monitor.prepare(admin, cid, "127.0.0.1")
    with pytest.raises(RateLimited) as limited:
        await sd.video_monitor.prepare(admin, cid, "127.0.0.1")
    assert "try again in" in limited.value.message and limited.value.retry_after > 0
    lines = [m.text for m in await sd.store.list_messages(cid) if "supervisor" in m.text.lower()]
    assert lines == []  # refused before the customer was told anything


async def test_an_installation_may_show_the_picture_to_no_supervisor() -> None:
    sd, _, _ = await demo_services(monitors_per_video=0)
    cid, _, _ = await live_chat(sd)
    admin = await login(sd, "admin@demo.local", "admin")
    with pytest.raises(Forbidden) as refused:
        await sd.video_monitor.prepare(admin, cid, "127.0.0.1")
    assert refused.value.code == "monitoring_off" and "supervisors" in refused.value.message


async def test_a_video_still_connecting_is_not_yet_watched() -> None:
    sd, _, _ = await demo_services()
    cid, _, _, _ = await connecting_chat(sd)  # no picture to relay yet
    admin = await login(sd, "admin@demo.local", "admin")
    with pytest.raises(Conflict) as early:
        await sd.video_monitor.prepare(admin, cid, "127.0.0.1")
    assert early.value.code == "video_connecting" and "once it is live" in early.value.message
