"""The REST views: every answer of the API is declared in /openapi.json, and the shapes a REST answer shares
with a socket frame (a message, a video session) are the same whichever way they are sent."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from showdesk.config import Settings
from showdesk.domain.conversation import Message
from showdesk.domain.quality import QualitySample, QualitySummary
from showdesk.domain.video import VideoSession
from showdesk.transport.app import create_app
from showdesk.transport.views import MessageView, VideoSessionView

AT = datetime(2026, 3, 1, 9, 30, 0, 250_000, tzinfo=UTC)
PHOTO = {
    "id": "p_1",
    "kind": "annotation",
    "contentType": "image/png",
    "width": 640,
    "height": 480,
    "size": 12_345,
    "url": "/api/v2/conversations/c_1/photos/p_1",
    "annotates": "p_0",
}


def openapi() -> dict[str, Any]:
    return create_app(Settings(secret_key="s" * 40)).openapi()


def test_every_answer_of_the_api_is_described() -> None:
    schema = openapi()
    undescribed = []
    for path, operations in schema["paths"].items():
        for method, operation in operations.items():
            for status, answer in operation["responses"].items():
                if status == "204" or not status.startswith("2"):
                    continue
                body = answer.get("content", {}).get("application/json", {}).get("schema")
                if body is None and "application/json" not in answer.get("content", {}):
                    continue  # an image, described by its media types
                described = body is not None and ("$ref" in body or "$ref" in body.get("items", {}))
                if not described:
                    undescribed.append(f"{method.upper()} {path} {status}: {body}")
    assert undescribed == []


def test_every_refusal_is_described_as_code_and_message() -> None:
    schema = openapi()
    error = schema["components"]["schemas"]["ErrorView"]
    assert set(error["required"]) == {"code", "message"}
    for path, operations in schema["paths"].items():
        if path.startswith(("/api/v2/", "/oauth/")):
            for method, operation in operations.items():
                refused = operation["responses"].get("4XX", {}).get("content", {}).get("application/json", {})
                assert refused.get("schema") == {"$ref": "#/components/schemas/ErrorView"}, f"{method} {path}"
                assert "422" not in operation["responses"], f"{method} {path} says 422; refusals are 400"


def test_a_message_reads_the_same_in_a_transcript_and_in_a_frame() -> None:
    plain = Message("m_1", "c_1", 3, "agent", "u_1", "Dana", "hello", "c-1", AT)
    with_photo = Message("m_2", "c_1", 4, "agent", "u_1", "Dana", "", "c-2", AT, attachment=PHOTO)
    for message in (plain, with_photo):
        assert MessageView.of(message).model_dump(mode="json") == message.to_wire()
    assert MessageView.of(plain).model_dump(mode="json")["at"] == "2026-03-01T09:30:00.250Z"
    assert "photo" not in MessageView.of(plain).model_dump(mode="json")


def test_a_video_session_reads_the_same_in_a_conversation_and_in_a_frame() -> None:
    summary = QualitySummary()
    summary.add(QualitySample(1280, 720, 29.5, 1800.0, 0.4, 42.0, "relay"))
    session = VideoSession("v_1", "c_1", "demo", "one-way", "none", "camera", "u_1", AT, agent_id="u_1")
    ended = VideoSession(
        "v_2", "c_1", "demo", "one-way", "none", "camera", "customer", AT, "u_1", "ended",
        consent_at=AT, consent_by="Ann", started_at=AT + timedelta(seconds=2), ended_at=AT + timedelta(minutes=3),
        ended_by="agent", outcome="completed", path="relay", problems=["no_frames"], quality=summary.to_wire(),
    )  # fmt: skip
    for video in (session, ended):
        assert VideoSessionView.of(video).model_dump(mode="json") == video.to_wire()
