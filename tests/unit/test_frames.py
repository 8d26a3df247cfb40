"""Socket frames read once into typed commands (transport/frames.py): each type into its command, a field of
the wrong kind as missing, a nested object that cannot be read kept as its refusal for the service to raise
after the checks that come first."""

from __future__ import annotations

from typing import Any

import pytest

from showdesk.domain.errors import InvalidInput, NotFound, ShowDeskError
from showdesk.domain.routing import Presence
from showdesk.services import commands as c
from showdesk.services.video_signals import IceCandidate, Signal
from showdesk.transport.frames import AGENT_FRAMES, GUEST_FRAMES, agent_command, guest_command
from tests.support.memory import demo_services
from tests.unit.test_photos import live_chat


@pytest.mark.parametrize(
    ("frame", "command"),
    [
        ({"type": "start", "displayName": "Ann"}, c.StartChat("Ann")),
        ({"type": "resume", "token": "t", "lastSeq": 7}, c.ResumeChat("t", 7)),
        ({"type": "resume", "token": "t", "lastSeq": -1}, c.ResumeChat("t", 0)),
        ({"type": "message", "clientId": "k", "text": "hi", "conversationId": "ignored"}, c.PostMessage("k", "hi")),
        ({"type": "videoStart"}, c.StartVideo(None, answers_request=False)),
        ({"type": "videoStart", "sessionId": "vid_1"}, c.StartVideo("vid_1", answers_request=True)),
        ({"type": "videoStart", "sessionId": 5}, c.StartVideo(None, answers_request=True)),  # accepted: not found
        ({"type": "videoStop", "reason": "page_left"}, c.StopVideo("page_left")),
        ({"type": "seen", "upTo": 4, "conversationId": "ignored"}, c.MarkSeen(4)),
        ({"type": "seen", "upTo": True}, c.MarkSeen(None)),  # refused by the service: invalid_seen
        ({"type": "videoPhotoFailed", "requestId": [1], "reason": "no_camera"}, c.ReportPhotoFailed(None, "no_camera")),
        ({"type": "videoRetry", "sessionId": "v", "how": "relay", "reason": 3}, c.RetryVideo("v", "relay", None)),
    ],
)
def test_a_customer_s_frame_reads_as_its_command(frame: dict[str, Any], command: c.GuestCommand) -> None:
    assert guest_command(frame) == command


@pytest.mark.parametrize(
    ("frame", "command"),
    [
        ({"type": "presence", "status": "on_queue"}, c.SetPresence(Presence.ON_QUEUE)),
        ({"type": "presence", "status": "busy"}, c.SetPresence(None)),  # refused after the permission check
        ({"type": "accept", "conversationId": 12}, c.AcceptOffer(None)),
        ({"type": "message", "conversationId": "c1", "clientId": "k", "text": 5}, c.PostMessage("k", None, "c1")),
        ({"type": "videoHold", "conversationId": "c1"}, c.HoldVideo("c1", held=True)),
        ({"type": "videoResume", "conversationId": "c1"}, c.HoldVideo("c1", held=False)),
        ({"type": "seen", "conversationId": "c1", "upTo": "4"}, c.MarkSeen(None, "c1")),
        (
            {"type": "videoSignal", "conversationId": "c1", "sessionId": "v", "signal": "answer", "sdp": "v=0 x"},
            c.SendSignal("c1", "v", Signal("answer", 0, sdp="v=0 x")),
        ),
        (
            {"type": "videoSignal", "signal": "candidate", "attempt": 2, "candidate": {"candidate": "a", "x": 1}},
            c.SendSignal(None, None, Signal("candidate", 2, candidate=IceCandidate("a", None, None))),
        ),
        (
            {"type": "videoCamera", "conversationId": "c1", "action": "torch", "value": True},
            c.AdjustCamera("c1", c.CameraRequest("torch", True)),
        ),
    ],
)
def test_an_agent_s_frame_reads_as_its_command(frame: dict[str, Any], command: c.AgentCommand) -> None:
    assert agent_command(frame) == command


@pytest.mark.parametrize(
    ("frame", "code", "message"),
    [
        ({"signal": "answer"}, "invalid_signal", "signal must be one of offer, candidate"),
        ({"signal": "offer", "attempt": True, "sdp": "v=0"}, "invalid_signal", "attempt must be a small whole number"),
        ({"signal": "offer", "attempt": 11, "sdp": "v=0"}, "invalid_signal", "attempt must be a small whole number"),
        ({"signal": "offer", "sdp": "hello"}, "invalid_sdp", "sdp must be an SDP string (starting with v=0)"),
        ({"signal": "candidate", "candidate": "a"}, "invalid_signal", "candidate must be an RTCIceCandidateInit object or null"),  # noqa: E501
        ({"signal": "candidate", "candidate": {"candidate": 5}}, "invalid_signal", "candidate.candidate must be a short string"),  # noqa: E501
    ],
)
def test_a_signal_that_cannot_be_read_is_kept_as_its_refusal(frame: dict[str, Any], code: str, message: str) -> None:
    command = guest_command({"type": "videoSignal", "sessionId": "v", **frame})
    assert isinstance(command, c.SendSignal) and isinstance(command.signal, c.Refused)
    with pytest.raises(InvalidInput) as refused:
        c.accepted(command.signal)
    assert (refused.value.code, refused.value.message) == (code, message)


def test_unknown_types_are_none_for_the_customer_and_refused_for_the_agent() -> None:
    assert guest_command({"type": "accept"}) is None
    with pytest.raises(ShowDeskError) as refused:
        agent_command({"type": "start"})
    assert (refused.value.code, refused.value.message) == ("unknown_type", "unknown frame type 'start'")


def test_every_frame_type_of_the_protocol_has_a_reader() -> None:
    assert set(GUEST_FRAMES) == {
        *("ping", "start", "resume", "message", "typing", "end", "videoStart", "videoDecline", "videoSignal"),
        *("videoStop", "seen"),
        *("videoCameraResult", "videoPhotoFailed", "videoRetry", "videoMarksClear", "videoPhotoMode"),
    }
    assert set(AGENT_FRAMES) == {
        *("ping", "presence", "accept", "decline", "message", "typing", "end", "videoRequest", "videoSignal"),
        *("videoStatus", "seen"),
        *("videoCamera", "videoPreference", "videoPhoto", "videoHold", "videoResume", "videoEnd", "suggestPhone"),
        *("videoMark", "videoMarksClear", "videoPhotoMode", "monitorSignal", "monitorClosed"),
    }


async def test_a_bad_signal_for_a_session_that_is_not_there_is_told_the_session_first() -> None:
    sd, _, _ = await demo_services()
    conv_id, claims, agent = await live_chat(sd)
    bad = {"type": "videoSignal", "conversationId": conv_id, "sessionId": "vid_gone", "signal": "offer"}
    with pytest.raises(NotFound) as refused:
        await sd.video.agent_signal(agent, agent_command(bad))
    assert refused.value.code == "video_not_found"
    with pytest.raises(NotFound):
        await sd.video.customer_signal(claims, agent_command(bad))
