"""A customer's sockets and their video (services/guest_presence.py), on a manual clock: a dropped socket's
video waits out the grace for the page to come back, here or on another node, and a newer socket of the same
guest replaces the older one."""

from __future__ import annotations

from showdesk.domain.video_words import CONNECTION_GONE
from showdesk.services.container import Services
from showdesk.services.guest_presence import VIDEO_GRACE_SECONDS
from showdesk.services.tokens import GuestClaims
from tests.support.memory import Recorder, demo_services
from tests.unit.test_photos import live_chat


class Socket:
    """A customer's socket as presence sees it, recording whether it was replaced."""

    def __init__(self, socket_id: str, token_id: str) -> None:
        self.socket_id = socket_id
        self.token_id = token_id
        self.was_replaced = False

    async def replaced(self) -> None:
        self.was_replaced = True


async def video_state(sd: Services, conversation_id: str) -> str:
    return (await sd.video.sessions(conversation_id))[-1].state


async def live(sd: Services, rec: Recorder) -> tuple[str, GuestClaims, Socket, str | None]:
    """A live video, its customer's socket open on this node."""
    await sd.start()  # presence hears CustomerBack on the bus
    conv_id, claims, _ = await live_chat(sd)
    await rec.watch(f"conversation:{conv_id}")
    socket = Socket("s1", claims.jti)
    page = await sd.guest_presence.opened(conv_id, socket)
    return conv_id, claims, socket, page


async def test_a_dropped_socket_s_video_ends_after_the_grace_in_words() -> None:
    sd, rec, clock = await demo_services()
    conv_id, _, socket, page = await live(sd, rec)
    await sd.guest_presence.closed(conv_id, socket, page)
    await clock.run_for(VIDEO_GRACE_SECONDS - 0.1)
    assert await video_state(sd, conv_id) == "live"
    assert sd.guest_presence.counting == 1
    await clock.run_for(0.1)
    assert await video_state(sd, conv_id) == "ended"
    assert rec.of(f"conversation:{conv_id}", "videoEnd")[-1]["text"] == CONNECTION_GONE
    assert (sd.guest_presence.counting, sd.guest_presence.outcomes) == (0, {"gone": 1})


async def test_a_socket_back_on_this_node_within_the_grace_keeps_the_video() -> None:
    sd, rec, clock = await demo_services()
    conv_id, claims, socket, page = await live(sd, rec)
    await sd.guest_presence.closed(conv_id, socket, page)
    await clock.run_for(VIDEO_GRACE_SECONDS / 2)
    await sd.guest_presence.opened(conv_id, Socket("s2", claims.jti))
    await clock.run_for(VIDEO_GRACE_SECONDS)
    assert await video_state(sd, conv_id) == "live"
    assert not rec.of(f"conversation:{conv_id}", "videoEnd")


async def test_a_resume_on_another_node_within_the_grace_keeps_the_video() -> None:
    sd, rec, clock = await demo_services()
    conv_id, claims, socket, page = await live(sd, rec)
    await sd.guest_presence.closed(conv_id, socket, page)
    await clock.run_for(1)
    await sd.chat.resume(claims, 0, "node-b/s2")  # the page's next socket, on another node: CustomerBack
    await clock.run_for(VIDEO_GRACE_SECONDS)
    assert await video_state(sd, conv_id) == "live"
    assert (sd.guest_presence.counting, sd.guest_presence.outcomes) == (0, {"back": 1})


async def test_a_resume_before_the_drop_does_not_keep_a_later_drop_s_video() -> None:
    sd, rec, clock = await demo_services()
    conv_id, claims, socket, page = await live(sd, rec)
    await sd.chat.resume(claims, 0, "s1")  # this very socket resuming, before it drops
    await clock.run_for(1)
    await sd.guest_presence.closed(conv_id, socket, page)
    await clock.run_for(VIDEO_GRACE_SECONDS)
    assert await video_state(sd, conv_id) == "ended"


async def test_a_newer_socket_of_the_same_guest_replaces_the_older_one_only() -> None:
    sd, rec, _ = await demo_services()
    conv_id, claims, older, _ = await live(sd, rec)
    stranger = Socket("s3", "another-guest-token")
    await sd.guest_presence.opened(conv_id, stranger)
    await sd.chat.resume(claims, 0, "s1")  # the same socket resuming again: nothing to replace
    assert not older.was_replaced
    await sd.chat.resume(claims, 0, "node-b/s2")  # a newer socket of the same guest, anywhere
    assert older.was_replaced and not stranger.was_replaced


async def test_a_closed_node_leaves_no_grace_counting_down() -> None:
    sd, rec, clock = await demo_services()
    conv_id, _, socket, page = await live(sd, rec)
    await sd.guest_presence.closed(conv_id, socket, page)
    await sd.guest_presence.close()
    await clock.run_for(VIDEO_GRACE_SECONDS * 2)
    assert await video_state(sd, conv_id) == "live"
