"""Photo mode on the in-memory store and bus, time moved by hand: a picture kept under the detail goal for
the set time is offered photos (or switched to them where the chat's settings say so), either side turns
them on and off, stills come only in photo mode, each replacing the one before, and no faster than allowed."""

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from showdesk.domain.errors import Conflict
from showdesk.domain.events import conversation_topic
from showdesk.domain.photo_mode import UplinkWatch, meets_detail_goal, photo_mode_policy
from showdesk.domain.quality import QualitySample, quality_problems, quality_settings
from showdesk.domain.rate_limit import RateLimited
from showdesk.services.access import Principal
from showdesk.services.commands import UsePhotos
from showdesk.services.container import Services
from showdesk.transport.frames import agent_command
from tests.support.images import encoded
from tests.support.memory import ManualClock, Recorder, demo_services
from tests.unit.test_photos import live_chat

T0 = datetime(2026, 1, 1, tzinfo=UTC)


def sample(width: int, height: int, fps: float) -> QualitySample:
    return QualitySample(width, height, fps, kbps=140, loss_percent=0, rtt_ms=20, path="direct")


def test_the_detail_goal_is_640_by_360_at_5_frames_either_way_up() -> None:
    assert meets_detail_goal(sample(640, 360, 5))
    assert meets_detail_goal(sample(360, 640, 5))  # a phone held upright
    assert meets_detail_goal(sample(1280, 720, 30))
    assert not meets_detail_goal(sample(639, 360, 30))
    assert not meets_detail_goal(sample(640, 359, 30))
    assert not meets_detail_goal(sample(1280, 720, 4.9))  # sharp but barely moving: a stale picture


def test_the_watch_answers_once_after_the_picture_stayed_under_the_goal_for_the_whole_time() -> None:
    watch = UplinkWatch(timedelta(seconds=10))
    low = sample(320, 180, 30)
    assert not watch.observe(low, T0)
    assert not watch.observe(low, T0 + timedelta(seconds=8))
    assert not watch.observe(sample(1280, 720, 12), T0 + timedelta(seconds=9))  # good again: counted afresh
    assert not watch.observe(low, T0 + timedelta(seconds=12))
    assert not watch.observe(low, T0 + timedelta(seconds=21.9))
    assert watch.observe(low, T0 + timedelta(seconds=22))
    assert not watch.observe(low, T0 + timedelta(seconds=40))  # said once


def test_the_photo_mode_setting_is_checked_and_offer_is_the_default() -> None:
    assert photo_mode_policy(None) == "offer"
    assert photo_mode_policy({"resolution": "1280x720"}) == "offer"
    assert photo_mode_policy(quality_settings({"photoMode": "switch"})) == "switch"
    assert quality_settings({})["photoMode"] == "offer"
    assert quality_problems({"photoMode": "off"}) == []
    assert quality_problems({"photoMode": "sometimes"}) == ["quality.photoMode must be one of offer, switch, off"]


async def report(sd: Services, agent: Principal, conv_id: str, width: int, height: int, fps: float) -> None:
    session = await sd.video.open_session(conv_id)
    quality = {"width": width, "height": height, "fps": fps, "kbps": 140, "lossPercent": 0, "rttMs": 20}
    frame = {"type": "videoStatus", "conversationId": conv_id, "sessionId": session.id, "state": "quality"}
    await sd.video.agent_status(agent, agent_command({**frame, "quality": quality}))


async def slow_for(sd: Services, clock: ManualClock, agent: Principal, conv_id: str, seconds: int) -> None:
    """The agent's desktop reports a small picture every 2 s for `seconds`."""
    for _ in range(seconds // 2 + 1):
        await report(sd, agent, conv_id, 320, 180, 30)
        await clock.run_for(2)


def photo_modes(recorder: Recorder, conv_id: str) -> list[dict[str, Any]]:
    return recorder.of(conversation_topic(conv_id), "videoPhotoMode")


async def test_a_slow_picture_is_offered_photos_and_the_customer_switches_to_them() -> None:
    sd, recorder, clock = await demo_services(photo_mode_after=10)
    conv_id, claims, agent = await live_chat(sd)
    await recorder.watch(conversation_topic(conv_id))

    await slow_for(sd, clock, agent, conv_id, 8)
    assert photo_modes(recorder, conv_id) == []  # not yet: 8 s
    await slow_for(sd, clock, agent, conv_id, 4)

    [offered] = photo_modes(recorder, conv_id)
    assert offered["state"] == "offered" and offered["video"]["photoMode"] is False
    assert "too slow for a clear live picture" in offered["text"]
    await slow_for(sd, clock, agent, conv_id, 20)
    assert len(photo_modes(recorder, conv_id)) == 1  # offered once

    await sd.video.customer_photos(claims, UsePhotos(None, on=True))

    turned_on = photo_modes(recorder, conv_id)[-1]
    assert (turned_on["state"], turned_on["by"], turned_on["video"]["photoMode"]) == ("on", "customer", True)
    lines = [m.text for m in await sd.store.list_messages(conv_id)]
    assert offered["text"] in lines and turned_on["text"] in lines  # both in the transcript


async def test_keep_live_video_answers_the_offer_and_the_agent_hears_it() -> None:
    sd, recorder, clock = await demo_services(photo_mode_after=10)
    conv_id, claims, agent = await live_chat(sd)
    await recorder.watch(conversation_topic(conv_id))
    await slow_for(sd, clock, agent, conv_id, 12)
    lines_before = len(await sd.store.list_messages(conv_id))

    await sd.video.customer_photos(claims, UsePhotos(None, on=False))  # "Keep live video"

    offered, declined = photo_modes(recorder, conv_id)
    assert (offered["state"], declined["state"], declined["by"]) == ("offered", "declined", "customer")
    assert "keeps the live video" in declined["text"] and declined["video"]["photoMode"] is False
    assert len(await sd.store.list_messages(conv_id)) == lines_before  # no line in the transcript
    # The agent may still switch to photos afterwards.
    await sd.video.agent_photos(agent, UsePhotos(conv_id, on=True))
    assert photo_modes(recorder, conv_id)[-1]["state"] == "on"


async def test_a_chat_set_to_switch_goes_to_photos_by_itself_and_one_set_to_off_never_does() -> None:
    for policy, expected in (("switch", [("on", "system")]), ("off", [])):
        sd, recorder, clock = await demo_services(photo_mode_after=10)
        conv_id, _, agent = await live_chat(sd)
        conv = await sd.store.get_conversation(conv_id)
        assert conv is not None and conv.video is not None
        conv.video["quality"] = quality_settings({"photoMode": policy})
        await sd.store.save_conversation(conv)
        await recorder.watch(conversation_topic(conv_id))

        await slow_for(sd, clock, agent, conv_id, 14)

        assert [(f["state"], f.get("by")) for f in photo_modes(recorder, conv_id)] == expected, policy


async def test_smooth_motion_chosen_by_the_agent_is_not_a_slow_link() -> None:
    sd, recorder, clock = await demo_services(photo_mode_after=10)
    conv_id, _, agent = await live_chat(sd)
    await recorder.watch(conversation_topic(conv_id))
    await sd.video.agent_preference(agent, conv_id, "smooth")

    await slow_for(sd, clock, agent, conv_id, 20)

    assert photo_modes(recorder, conv_id) == []


async def test_stills_come_only_in_photo_mode_each_replacing_the_one_before() -> None:
    sd, recorder, clock = await demo_services(still_interval=1.0)
    conv_id, claims, agent = await live_chat(sd)
    await recorder.watch(conversation_topic(conv_id))
    with pytest.raises(Conflict) as refused:
        await sd.photos.customer_still(claims, "image/jpeg", encoded(1280, 720))
    assert refused.value.code == "not_photo_mode"

    await sd.video.agent_photos(agent, UsePhotos(conv_id, on=True))
    first = await sd.photos.customer_still(claims, "image/jpeg", encoded(1280, 720))
    with pytest.raises(RateLimited):  # the same second: too fast
        await sd.photos.customer_still(claims, "image/jpeg", encoded(1280, 720))
    await clock.run_for(1)
    second = await sd.photos.customer_still(claims, "image/jpeg", encoded(1280, 720))

    stills = recorder.of(conversation_topic(conv_id), "videoStill")
    assert [(s["number"], s["photo"]["id"]) for s in stills] == [(1, first.id), (2, second.id)]
    assert (stills[-1]["photo"]["width"], stills[-1]["photo"]["height"], stills[-1]["photo"]["kind"]) == (
        1280,
        720,
        "still",
    )
    assert [p.id for p in await sd.photos.list_for_staff(agent, conv_id)] == [second.id]  # the latest only
    assert (await sd.video.open_session(conv_id)).stills == 2
    transcript = [m.to_wire() for m in await sd.store.list_messages(conv_id)]
    assert not any("photo" in m for m in transcript)  # stills are not chat messages

    await sd.video.agent_photos(agent, UsePhotos(conv_id, on=False))
    await clock.run_for(1)
    with pytest.raises(Conflict):
        await sd.photos.customer_still(claims, "image/jpeg", encoded(1280, 720))
    off = photo_modes(recorder, conv_id)[-1]
    assert (off["state"], off["by"], off["text"]) == ("off", "agent", "The agent went back to live video.")


async def test_photos_wait_while_the_video_is_on_hold() -> None:
    sd, _, clock = await demo_services()
    conv_id, claims, agent = await live_chat(sd)
    await sd.video.customer_photos(claims, UsePhotos(None, on=True))
    await sd.video.hold(agent, conv_id, held=True)

    with pytest.raises(Conflict):
        await sd.photos.customer_still(claims, "image/jpeg", encoded(640, 480))
    await sd.video.hold(agent, conv_id, held=False)
    await clock.run_for(1)
    assert (await sd.photos.customer_still(claims, "image/jpeg", encoded(640, 480))).kind == "still"
