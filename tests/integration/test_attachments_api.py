"""Images the customer attaches on their own, over the real server on SQLite and PostgreSQL: stored once per
client id without their metadata, shown to both sides as a message, read by the agent with the staff token;
files that are not allowed images refused in words whatever their name, another chat's token refused, and
so many a minute per chat."""

from __future__ import annotations

import uuid
from collections.abc import Iterator

import httpx
import pytest

from tests.integration.test_photo_privacy import assert_clean
from tests.integration.test_video_recovery import _leave
from tests.integration.test_video_signaling import _connected
from tests.support.image_metadata import jpeg_segments, jpeg_with_metadata
from tests.support.images import decoded_size, encoded
from tests.support.server import ServerProcess
from tests.support.ws_clients import Agent, Guest

PER_MINUTE = 3
PDF = b"%PDF-1.7\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"
SVG = b'<svg xmlns="http://www.w3.org/2000/svg" width="64" height="64" onload="alert(1)"><rect/></svg>'
GIF = b"GIF89a\x40\x00\x40\x00\x80\x00\x00\xff\xff\xff\x00\x00\x00,\x00\x00\x00\x00\x01\x00\x01\x00\x00\x02\x02D;"
HTML = b"<!doctype html><html><body><script>alert(document.cookie)</script></body></html>"


@pytest.fixture(scope="module")
def server(backend: str) -> Iterator[ServerProcess]:
    proc = ServerProcess("--attachments-per-chat", str(PER_MINUTE), backend=backend).start()
    yield proc
    proc.cleanup()


def _attach(
    server: ServerProcess, cid: str, token: str, data: bytes, client_id: str | None = None, content_type: str = ""
) -> httpx.Response:
    headers = {"authorization": f"Bearer {token}"}
    if content_type:
        headers["content-type"] = content_type
    return httpx.post(
        f"{server.base}/api/v2/conversations/{cid}/photos/attachments",
        params={"clientId": client_id or uuid.uuid4().hex},
        content=data,
        headers=headers,
    )


async def test_an_attached_image_is_stored_once_without_metadata_and_both_sides_see_it(server: ServerProcess) -> None:
    guest, agent, cid = await _connected(server)
    token = guest.started["token"]  # type: ignore[attr-defined]
    sent = jpeg_with_metadata(encoded(1200, 900), orientation=1)

    # Declared as a PNG: the bytes say JPEG, and that is what is stored and served.
    first = _attach(server, cid, token, sent, "pick-1", content_type="image/png")
    again = _attach(server, cid, token, sent, "pick-1", content_type="image/png")

    assert first.status_code == 201, first.text
    assert again.json() == first.json()
    photo, message = first.json()["photo"], first.json()["message"]
    assert (photo["kind"], photo["contentType"], photo["width"], photo["height"]) == (
        "attachment",
        "image/jpeg",
        1200,
        900,
    )
    assert photo["createdBy"] == "customer" and photo["size"] < len(sent)
    assert message["text"] == "Image sent by the customer (1200 x 900 pixels)"
    pushed = await agent.expect("message", conversationId=cid, **{"from": "customer"})
    assert pushed["id"] == message["id"] and pushed["photo"] == message["photo"]
    staff = {"authorization": f"Bearer {server.login()}"}
    stored = httpx.get(f"{server.base}/api/v2/conversations/{cid}/messages", headers=staff).json()
    assert [m["id"] for m in stored if "photo" in m] == [message["id"]]
    for headers in (staff, {"authorization": f"Bearer {token}"}):
        got = httpx.get(f"{server.base}{photo['url']}", headers=headers)
        assert got.status_code == 200 and got.headers["content-type"] == "image/jpeg"
        assert len(got.content) == photo["size"]
        assert_clean(got.content)  # no GPS, serial, maker, XMP, IPTC or date left
        assert [m for m, _ in jpeg_segments(got.content) if m in (0xE1, 0xED, 0xFE)] in ([], [0xE1])
        assert decoded_size(got.content) == (1200, 900)
    assert got.headers["content-disposition"] == f'inline; filename="attachment-{photo["id"]}.jpg"'

    await _leave(guest, agent)
    ended = _attach(server, cid, token, encoded(64, 64))
    assert ended.status_code == 409 and ended.json()["code"] == "chat_not_connected"


async def test_files_that_are_not_allowed_images_are_refused_whatever_their_name(server: ServerProcess) -> None:
    earlier, earlier_agent, _ = await _connected(server)
    earlier_token = earlier.started["token"]  # type: ignore[attr-defined]
    await _leave(earlier, earlier_agent)
    guest, agent, cid = await _connected(server)
    token = guest.started["token"]  # type: ignore[attr-defined]

    for data in (PDF, SVG, HTML, GIF):
        refused = _attach(server, cid, token, data, content_type="image/jpeg")  # as a file named photo.jpg sends it
        assert refused.status_code == 400, refused.text
        assert refused.json() == {"code": "attachment_type", "message": "Only JPEG, PNG or WebP images can be sent"}
    damaged = _attach(server, cid, token, b"\xff\xd8\xff\xe0 not really a JPEG")
    assert damaged.status_code == 400 and damaged.json()["code"] == "invalid_image"
    too_big = _attach(server, cid, token, b"\xff\xd8\xff" + bytes(16 * 1024 * 1024))
    assert too_big.status_code == 413 and too_big.json()["code"] == "photo_too_large"

    # Only this chat's customer may attach to it: not another chat's customer, not staff, not nobody.
    stranger = _attach(server, cid, earlier_token, encoded(64, 64))
    assert stranger.status_code == 401 and stranger.json()["code"] == "token_invalid"
    staff = _attach(server, cid, server.login(), encoded(64, 64))
    assert staff.status_code == 403 and staff.json()["code"] == "customer_only"
    anonymous = httpx.post(f"{server.base}/api/v2/conversations/{cid}/photos/attachments", content=encoded(64, 64))
    assert anonymous.status_code == 401

    staff_headers = {"authorization": f"Bearer {server.login()}"}
    assert httpx.get(f"{server.base}/api/v2/conversations/{cid}/photos", headers=staff_headers).json() == []
    await guest.say("still here")  # the chat goes on
    assert (await agent.expect("message", conversationId=cid, **{"from": "customer"}))["text"] == "still here"
    await _leave(guest, agent)


async def test_a_chat_takes_so_many_images_a_minute(server: ServerProcess) -> None:
    guest, agent, cid = await _connected(server)
    token = guest.started["token"]  # type: ignore[attr-defined]
    picture = encoded(64, 64, "png")

    sent = [_attach(server, cid, token, picture, f"n-{n}") for n in range(PER_MINUTE)]
    over = _attach(server, cid, token, picture, "one-too-many")
    retried = _attach(server, cid, token, picture, "n-0")  # a retry of a stored one is not another image

    assert [r.status_code for r in sent] == [201] * PER_MINUTE
    assert over.status_code == 429 and over.json()["code"] == "rate_limited"
    assert int(over.headers["retry-after"]) >= 1
    assert retried.status_code == 201 and retried.json()["photo"]["id"] == sent[0].json()["photo"]["id"]
    staff = {"authorization": f"Bearer {server.login()}"}
    listed = httpx.get(f"{server.base}/api/v2/conversations/{cid}/photos", headers=staff).json()
    assert len(listed) == PER_MINUTE
    await _leave(guest, agent)


async def test_a_chat_without_an_agent_yet_takes_no_image(server: ServerProcess) -> None:
    agent = await Agent.connect(server.ws_base, server.login())
    await agent.on_queue()
    guest = await Guest.connect(server.ws_base, server.base)
    started = await guest.start("Ann")

    waiting = _attach(server, started["conversationId"], started["token"], encoded(64, 64))

    assert waiting.status_code == 409
    assert waiting.json() == {
        "code": "chat_not_connected",
        "message": "an image can be sent once an agent is in the chat",
    }
    await agent.take_next()
    await _leave(guest, agent)
