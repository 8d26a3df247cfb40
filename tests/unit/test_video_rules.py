"""The video rules of the domain: one-way answers, licence and capacity, the session's life."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from showdesk.domain.errors import Conflict, InvalidInput
from showdesk.domain.video import (
    MAX_ICE_RESTARTS,
    PICTURE_PROBLEMS,
    RELAY,
    RESTART,
    VideoSession,
    VideoState,
    refuse_agent_answer,
    refuse_video,
    refuse_watcher_answer,
    video_settings,
)

HEAD = "v=0\r\no=- 1 2 IN IP4 127.0.0.1\r\ns=-\r\nt=0 0\r\n"


def _answer(*sections: str) -> str:
    return HEAD + "".join(sections)


def test_a_one_way_answer_must_receive_only() -> None:
    video_recv = "m=video 9 UDP/TLS/RTP/SAVPF 96\r\na=recvonly\r\n"
    audio_recv = "m=audio 9 UDP/TLS/RTP/SAVPF 111\r\na=recvonly\r\n"
    assert refuse_agent_answer(_answer(video_recv, audio_recv), "one-way") is None
    assert refuse_agent_answer(_answer("m=video 0 UDP/TLS/RTP/SAVPF 96\r\na=sendrecv\r\n"), "one-way") is None
    for bad in ("a=sendrecv", "a=sendonly", ""):
        refusal = refuse_agent_answer(_answer(video_recv, f"m=audio 9 UDP/TLS/RTP/SAVPF 111\r\n{bad}\r\n"), "one-way")
        assert refusal is not None and refusal.code == "one_way_violation" and "audio" in refusal.message
    assert refuse_agent_answer(_answer("m=video 9 UDP/TLS/RTP/SAVPF 96\r\na=sendrecv\r\n"), "two-way") is None
    assert refuse_agent_answer("not sdp", "one-way").code == "invalid_sdp"  # type: ignore[union-attr]


def test_a_supervisor_s_answer_to_the_relayed_picture_receives_only() -> None:
    video_recv = "m=video 9 UDP/TLS/RTP/SAVPF 96\r\na=recvonly\r\n"
    assert refuse_watcher_answer(_answer(video_recv)) is None
    assert refuse_watcher_answer(_answer("m=video 9 UDP/TLS/RTP/SAVPF 96\r\na=inactive\r\n")) is None
    for bad in ("a=sendrecv", "a=sendonly", ""):
        refusal = refuse_watcher_answer(_answer(f"m=video 9 UDP/TLS/RTP/SAVPF 96\r\n{bad}\r\n"))
        assert refusal is not None and refusal.code == "one_way_violation" and "supervisor" in refusal.message


def test_licence_then_capacity() -> None:
    assert refuse_video(False, 0, 10).code == "video_not_allowed"  # type: ignore[union-attr]
    assert refuse_video(True, 10, 10).code == "video_capacity"  # type: ignore[union-attr]
    assert refuse_video(True, 9, 10) is None


def test_only_start_video_chats_are_video_capable() -> None:
    with pytest.raises(Exception, match="Start Video") as caught:
        video_settings(None)
    assert getattr(caught.value, "code", "") == "video_not_allowed"
    assert video_settings({"mode": "two-way", "audioSource": "microphone"})["mode"] == "two-way"


def test_a_session_records_consent_duration_and_outcome() -> None:
    t0 = datetime(2026, 11, 25, 10, 0, tzinfo=UTC)
    session = VideoSession("vid_1", "c_1", "org", "one-way", "none", "camera", "u_1", t0)
    with pytest.raises(Conflict):
        session.went_live(t0)  # no consent yet
    session.consent("Ann", t0 + timedelta(seconds=2))
    session.went_live(t0 + timedelta(seconds=3))
    session.move_to(VideoState.HELD)
    session.went_live(t0 + timedelta(seconds=20))
    session.finish("agent", t0 + timedelta(seconds=63), "completed")
    wire = session.to_wire()
    assert wire["consentBy"] == "Ann" and wire["durationSeconds"] == 60.0 and wire["outcome"] == "completed"
    assert not session.is_open
    with pytest.raises(Conflict):
        session.finish("agent", t0, "completed")


def _consented() -> VideoSession:
    t0 = datetime(2026, 11, 25, 10, 0, tzinfo=UTC)
    session = VideoSession("vid_2", "c_2", "org", "one-way", "none", "camera", "u_1", t0)
    session.consent("Ann", t0)
    return session


def test_the_relay_is_tried_once_and_only_before_the_picture_came() -> None:
    session = _consented()
    session.retry(RELAY)
    assert session.relay_retries == 1
    with pytest.raises(Conflict) as again:
        session.retry(RELAY)
    assert again.value.code == "relay_already_tried"
    session.went_live(datetime.now(UTC))
    other = _consented()
    other.went_live(datetime.now(UTC))
    with pytest.raises(Conflict) as live:
        other.retry(RELAY)
    assert live.value.code == "video_state"


def test_ice_restarts_are_for_live_or_held_video_and_limited() -> None:
    session = _consented()
    with pytest.raises(Conflict):
        session.retry(RESTART)  # nothing to restart before it ever connected: that is the relay's job
    session.went_live(datetime.now(UTC))
    session.retry(RESTART)
    session.move_to(VideoState.HELD)
    for _ in range(MAX_ICE_RESTARTS - 1):
        session.retry(RESTART)
    with pytest.raises(Conflict) as limit:
        session.retry(RESTART)
    assert limit.value.code == "too_many_restarts" and session.ice_restarts == MAX_ICE_RESTARTS
    with pytest.raises(InvalidInput):
        session.retry("teleport")


def test_picture_problems_are_kept_once_each_in_order() -> None:
    session = _consented()
    assert session.note_problem("no_frames") and session.note_problem("black_frames")
    assert not session.note_problem("no_frames")
    assert session.to_wire()["problems"] == ["no_frames", "black_frames"]
    with pytest.raises(InvalidInput):
        session.note_problem("gremlins")
    assert set(PICTURE_PROBLEMS) == {"no_frames", "not_decoding", "black_frames", "frozen"}


def test_only_a_consented_open_session_is_active() -> None:
    t0 = datetime(2026, 11, 25, 10, 0, tzinfo=UTC)
    session = VideoSession("vid_3", "c_3", "org", "one-way", "none", "camera", "u_1", t0)
    assert session.is_open and not session.is_active  # asked, not yet accepted
    session.consent("Ann", t0)
    assert session.is_active
    session.finish("customer", t0, "completed")
    assert not session.is_active
