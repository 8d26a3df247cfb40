"""HD photos on the in-memory store and bus: asked for during live video, stored once per request, shown in
the transcript, marked up by the agent, read only by the chat's own people."""

from typing import Any

import pytest

from showdesk.domain.errors import Conflict, Forbidden, InvalidInput, NotFound
from showdesk.domain.events import conversation_topic
from showdesk.domain.routing import Presence
from showdesk.services.access import Principal
from showdesk.services.container import Services
from showdesk.services.photos import PhotoRequestRefused
from showdesk.services.tokens import GuestClaims
from showdesk.transport.frames import agent_command
from tests.support.images import encoded
from tests.support.memory import ManualClock, Recorder, demo_services
from tests.unit.test_chat_services import start_chat


async def login(sd: Services, email: str, password: str) -> Principal:
    _, principal = await sd.access.login(email, password)
    return principal


async def connecting_chat(sd: Services) -> tuple[str, GuestClaims, Principal, str]:
    """A chat Dana answered, its one-way video accepted by the customer and connecting: the session's id last."""
    dana = await sd.store.get_user_by_email("agent@demo.local")
    assert dana is not None
    await sd.router.agent_connected(dana)
    await sd.router.set_presence(dana, Presence.ON_QUEUE)
    conv, claims = await start_chat(sd, "Ann")
    await sd.router.accept(dana, conv.id)
    agent = await login(sd, "agent@demo.local", "agent")
    session = await sd.video.agent_request(agent, conv.id)
    await sd.video.customer_accept(claims, session.id)
    return conv.id, claims, agent, session.id


async def live_chat(sd: Services) -> tuple[str, GuestClaims, Principal]:
    """A chat Dana answered, with one-way video live."""
    cid, claims, agent, session_id = await connecting_chat(sd)
    live = {"type": "videoStatus", "conversationId": cid, "sessionId": session_id, "state": "live"}
    await sd.video.agent_status(agent, agent_command(live))
    return cid, claims, agent


async def ask(sd: Services, recorder: Recorder, conversation_id: str, agent: Principal) -> dict[str, Any]:
    await sd.photos.agent_request(agent, conversation_id)
    return recorder.of(conversation_topic(conversation_id), "videoPhotoRequested")[-1]


async def test_the_agent_asks_the_customer_uploads_and_both_see_it_in_the_transcript() -> None:
    sd, recorder, _ = await demo_services()
    conv_id, claims, agent = await live_chat(sd)
    await recorder.watch(conversation_topic(conv_id))
    asked = await ask(sd, recorder, conv_id, agent)
    assert asked["text"] == "Dana Agent asked for a photo of the product."
    jpeg = encoded(1920, 1080)

    stored = await sd.photos.customer_upload(claims, asked["request"], "image/jpeg", jpeg)

    photo = stored.photo
    assert (photo.width, photo.height, photo.size, photo.kind) == (1920, 1080, len(jpeg), "capture")
    assert photo.request_id == asked["requestId"] and photo.session_id == asked["video"]["id"]
    wire = stored.message.to_wire()
    assert wire["from"] == "customer" and wire["displayName"] == "Ann"
    assert wire["text"] == "Photo of the product (1920 x 1080 pixels)"
    assert wire["photo"]["url"] == f"/api/v2/conversations/{conv_id}/photos/{photo.id}"
    assert (wire["photo"]["width"], wire["photo"]["contentType"]) == (1920, "image/jpeg")
    transcript = [m.to_wire() for m in await sd.store.list_messages(conv_id)]
    assert transcript[-2]["text"] == asked["text"] and transcript[-1] == wire
    assert [m["photo"]["id"] for m in recorder.of(conversation_topic(conv_id), "message") if "photo" in m] == [photo.id]
    _, data = await sd.photos.read_for_customer(claims, conv_id, photo.id)
    assert data == jpeg


async def test_an_upload_sent_again_stores_nothing_new() -> None:
    sd, recorder, _ = await demo_services()
    conv_id, claims, agent = await live_chat(sd)
    await recorder.watch(conversation_topic(conv_id))
    asked = await ask(sd, recorder, conv_id, agent)
    first = await sd.photos.customer_upload(claims, asked["request"], "image/jpeg", encoded(640, 480))

    again = await sd.photos.customer_upload(claims, asked["request"], "image/png", encoded(32, 32, "png"))

    assert again.photo == first.photo and again.message.id == first.message.id
    assert len(await sd.store.list_photos(conv_id)) == 1
    assert sum(1 for m in await sd.store.list_messages(conv_id) if m.attachment) == 1
    assert len([m for m in recorder.of(conversation_topic(conv_id), "message") if "photo" in m]) == 1


async def test_a_photo_is_asked_for_only_while_the_video_is_live() -> None:
    sd, _, _ = await demo_services()
    conv_id, _, agent = await live_chat(sd)
    await sd.video.hold(agent, conv_id, held=True)
    with pytest.raises(Conflict) as held:
        await sd.photos.agent_request(agent, conv_id)
    assert held.value.code == "video_state"
    await sd.video.agent_end(agent, conv_id)
    with pytest.raises(Conflict) as ended:
        await sd.photos.agent_request(agent, conv_id)
    assert ended.value.code == "video_not_open"
    other = await login(sd, "agent2@demo.local", "agent")
    with pytest.raises(Forbidden):
        await sd.photos.agent_request(other, conv_id)


async def test_forged_foreign_and_expired_requests_are_refused_and_store_nothing() -> None:
    sd, recorder, clock = await demo_services()
    conv_id, claims, agent = await live_chat(sd)
    await recorder.watch(conversation_topic(conv_id))
    asked = await ask(sd, recorder, conv_id, agent)
    jpeg = encoded(64, 64)
    for forged, code in [
        (None, "photo_request_invalid"),
        ("not-a-token", "photo_request_invalid"),
        (asked["request"][:-3] + "abc", "photo_request_invalid"),
    ]:
        with pytest.raises(PhotoRequestRefused) as refused:
            await sd.photos.customer_upload(claims, forged, "image/jpeg", jpeg)
        assert refused.value.code == code
    # another chat's customer holding this chat's request
    _, other_claims = await start_chat(sd, "Bob")
    with pytest.raises(PhotoRequestRefused):
        await sd.photos.customer_upload(other_claims, asked["request"], "image/jpeg", jpeg)
    # a request older than its two minutes (and the token's leeway)
    expired = await _request_made_at(sd, recorder, clock, conv_id, agent, minutes_ago=10)
    with pytest.raises(PhotoRequestRefused) as late:
        await sd.photos.customer_upload(claims, expired, "image/jpeg", jpeg)
    assert late.value.code == "photo_request_expired" and "ask again" in late.value.message
    assert await sd.store.list_photos(conv_id) == []


async def _request_made_at(
    sd: Services, recorder: Recorder, clock: ManualClock, conv_id: str, agent: Principal, minutes_ago: int
) -> str:
    clock.advance(-60 * minutes_ago)
    try:
        return str((await ask(sd, recorder, conv_id, agent))["request"])
    finally:
        clock.advance(60 * minutes_ago)


async def test_what_is_not_an_image_is_refused_and_the_request_stays_usable() -> None:
    sd, recorder, _ = await demo_services()
    conv_id, claims, agent = await live_chat(sd)
    await recorder.watch(conversation_topic(conv_id))
    asked = await ask(sd, recorder, conv_id, agent)
    with pytest.raises(InvalidInput) as bad:
        await sd.photos.customer_upload(claims, asked["request"], "image/jpeg", b"<script>alert(1)</script>")
    assert bad.value.code == "invalid_image"

    stored = await sd.photos.customer_upload(claims, asked["request"], "image/jpeg", encoded(800, 600))

    assert stored.photo.width == 800


async def test_the_device_says_why_it_could_not_and_both_sides_read_it() -> None:
    sd, recorder, _ = await demo_services()
    conv_id, claims, agent = await live_chat(sd)
    await recorder.watch(conversation_topic(conv_id))
    asked = await ask(sd, recorder, conv_id, agent)

    await sd.photos.customer_failed(claims, asked["requestId"], "upload_failed")

    [failed] = recorder.of(conversation_topic(conv_id), "videoPhotoFailed")
    assert failed["requestId"] == asked["requestId"] and failed["reason"] == "upload_failed"
    assert "could not be sent" in failed["text"]
    assert (await sd.store.list_messages(conv_id))[-1].text == failed["text"]
    await sd.photos.customer_failed(claims, asked["requestId"], "<b>anything</b>")
    assert (await sd.store.list_messages(conv_id))[-1].text == "The photo could not be taken on the customer's device."


async def test_the_agent_marks_up_a_photo_and_sends_it_back_once() -> None:
    sd, recorder, _ = await demo_services()
    conv_id, claims, agent = await live_chat(sd)
    await recorder.watch(conversation_topic(conv_id))
    asked = await ask(sd, recorder, conv_id, agent)
    original = (await sd.photos.customer_upload(claims, asked["request"], "image/jpeg", encoded(1280, 720))).photo
    marked = encoded(1280, 720, colour=(255, 0, 0))

    sent = await sd.photos.agent_annotation(agent, conv_id, original.id, "c-1", "  this screw ", "image/jpeg", marked)
    again = await sd.photos.agent_annotation(agent, conv_id, original.id, "c-1", "this screw", "image/jpeg", marked)

    assert again.message.id == sent.message.id and again.photo.id == sent.photo.id
    wire = sent.message.to_wire()
    assert (wire["from"], wire["displayName"], wire["text"]) == ("agent", "Dana Agent", "this screw")
    assert wire["photo"]["annotates"] == original.id and wire["photo"]["kind"] == "annotation"
    _, data = await sd.photos.read_for_customer(claims, conv_id, sent.photo.id)
    assert data == marked
    plain = await sd.photos.agent_annotation(agent, conv_id, original.id, "c-2", None, "image/jpeg", marked)
    assert plain.message.text == "I marked the spot on your photo."


async def test_marking_up_needs_a_photo_of_this_chat_and_the_chat_s_own_agent() -> None:
    sd, recorder, _ = await demo_services()
    conv_id, claims, agent = await live_chat(sd)
    await recorder.watch(conversation_topic(conv_id))
    asked = await ask(sd, recorder, conv_id, agent)
    original = (await sd.photos.customer_upload(claims, asked["request"], "image/jpeg", encoded(64, 64))).photo
    jpeg = encoded(64, 64)
    with pytest.raises(NotFound):
        await sd.photos.agent_annotation(agent, conv_id, "ph-nope", "c-1", None, "image/jpeg", jpeg)
    for email, password in [("agent2@demo.local", "agent"), ("supervisor@demo.local", "supervisor")]:
        with pytest.raises(Forbidden):
            await sd.photos.agent_annotation(
                await login(sd, email, password), conv_id, original.id, "c-1", None, "image/jpeg", jpeg
            )
    with pytest.raises(InvalidInput):
        await sd.photos.agent_annotation(agent, conv_id, original.id, "c-1", "x" * 501, "image/jpeg", jpeg)


async def test_photos_are_read_by_the_chat_s_customer_its_agent_and_supervisors_only() -> None:
    sd, recorder, _ = await demo_services()
    conv_id, claims, agent = await live_chat(sd)
    await recorder.watch(conversation_topic(conv_id))
    asked = await ask(sd, recorder, conv_id, agent)
    photo = (await sd.photos.customer_upload(claims, asked["request"], "image/jpeg", encoded(64, 64))).photo

    supervisor = await login(sd, "supervisor@demo.local", "supervisor")
    assert (await sd.photos.read_for_staff(supervisor, conv_id, photo.id))[0] == photo
    assert [p.id for p in await sd.photos.list_for_staff(agent, conv_id)] == [photo.id]
    with pytest.raises(Forbidden):
        await sd.photos.read_for_staff(await login(sd, "agent2@demo.local", "agent"), conv_id, photo.id)
    _, stranger = await start_chat(sd, "Eve")
    with pytest.raises(NotFound):
        await sd.photos.read_for_customer(stranger, conv_id, photo.id)
    # a photo id of one chat under another chat's address
    with pytest.raises(NotFound):
        await sd.photos.read_for_customer(stranger, stranger.conversation_id, photo.id)


async def test_an_ended_chat_takes_no_upload() -> None:
    sd, recorder, _ = await demo_services()
    conv_id, claims, agent = await live_chat(sd)
    await recorder.watch(conversation_topic(conv_id))
    asked = await ask(sd, recorder, conv_id, agent)
    await sd.chat.guest_end(claims)
    with pytest.raises(Conflict) as ended:
        await sd.photos.customer_upload(claims, asked["request"], "image/jpeg", encoded(64, 64))
    assert ended.value.code == "chat_ended"


async def test_a_failure_reported_after_the_video_ended_is_still_said() -> None:
    sd, recorder, _ = await demo_services()
    conv_id, claims, agent = await live_chat(sd)
    await recorder.watch(conversation_topic(conv_id))
    asked = await ask(sd, recorder, conv_id, agent)
    await sd.video.agent_end(agent, conv_id)

    await sd.photos.customer_failed(claims, asked["requestId"], "no_camera")

    [failed] = recorder.of(conversation_topic(conv_id), "videoPhotoFailed")
    assert failed["video"]["state"] == "ended" and "camera is not sharing" in failed["text"]
