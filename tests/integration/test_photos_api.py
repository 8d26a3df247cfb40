"""Photos over the real server: the request over the sockets, the upload and download over HTTP, who may
read what, bad uploads refused in JSON without harm, and cross-origin access only for the deployment's
allowed origins."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import httpx
import pytest

from tests.integration.test_video_recovery import _accepted, _leave
from tests.support.images import decoded_size, encoded
from tests.support.server import ServerProcess
from tests.support.ws_clients import Agent, Guest


@pytest.fixture(scope="module")
def server(backend: str) -> Iterator[ServerProcess]:
    proc = ServerProcess(backend=backend).start()
    yield proc
    proc.cleanup()


async def _asked(server: ServerProcess) -> tuple[Guest, Agent, str, dict[str, Any]]:
    """Live video and the agent's photo request, as the customer's page receives it."""
    guest, agent, cid, session_id, _, _ = await _accepted(server)
    await agent.send(type="videoStatus", conversationId=cid, sessionId=session_id, state="live", path="direct")
    await guest.expect("videoStarted")
    await agent.send(type="videoPhoto", conversationId=cid)
    asked = await guest.expect("videoPhotoRequested")
    await agent.expect("videoPhotoRequested")
    return guest, agent, cid, asked


def _upload(server: ServerProcess, cid: str, token: str, data: bytes, **params: str) -> httpx.Response:
    content_type = params.pop("content_type", "image/jpeg")
    return httpx.post(
        f"{server.base}/api/v2/conversations/{cid}/photos",
        params=params,
        content=data,
        headers={"authorization": f"Bearer {token}", "content-type": content_type},
    )


async def test_upload_is_stored_once_and_downloads_as_sent(server: ServerProcess) -> None:
    guest, agent, cid, asked = await _asked(server)
    token = guest.started["token"]  # type: ignore[attr-defined]
    jpeg = encoded(1600, 1200)

    first = _upload(server, cid, token, jpeg, request=asked["request"])
    again = _upload(server, cid, token, jpeg, request=asked["request"])

    assert first.status_code == 201 and again.status_code == 201
    assert first.json() == again.json()
    photo, message = first.json()["photo"], first.json()["message"]
    assert (photo["width"], photo["height"], photo["size"]) == (1600, 1200, len(jpeg))
    pushed = await agent.expect("message", conversationId=cid, **{"from": "customer"})
    assert pushed["photo"] == message["photo"] and pushed["id"] == message["id"]
    staff = {"authorization": f"Bearer {server.login()}"}
    stored = httpx.get(f"{server.base}/api/v2/conversations/{cid}/messages", headers=staff).json()
    assert [m["id"] for m in stored if "photo" in m] == [message["id"]]
    for headers in (staff, {"authorization": f"Bearer {token}"}):
        got = httpx.get(f"{server.base}{photo['url']}", headers=headers)
        assert got.status_code == 200 and got.content == jpeg and decoded_size(got.content) == (1600, 1200)
        assert got.headers["content-type"] == "image/jpeg"
        assert got.headers["x-content-type-options"] == "nosniff"
        assert "sandbox" in got.headers["content-security-policy"]
        assert got.headers["content-disposition"] == f'inline; filename="capture-{photo["id"]}.jpg"'
    saved = httpx.get(f"{server.base}{photo['url']}", params={"download": "true"}, headers=staff)
    assert saved.headers["content-disposition"].startswith("attachment;")
    listed = httpx.get(f"{server.base}/api/v2/conversations/{cid}/photos", headers=staff).json()
    assert [p["id"] for p in listed] == [photo["id"]] and listed[0]["createdBy"] == "customer"
    await _leave(guest, agent)


async def test_bad_uploads_are_refused_in_json_and_the_chat_goes_on(server: ServerProcess) -> None:
    guest, agent, cid, asked = await _asked(server)
    token = guest.started["token"]  # type: ignore[attr-defined]
    request = asked["request"]
    cases = [
        (_upload(server, cid, token, b"<svg onload=alert(1)>", request=request), 400, "invalid_image"),
        (_upload(server, cid, token, encoded(64, 64, "png"), request=request), 400, "invalid_image"),  # sent as jpeg
        (_upload(server, cid, token, b"", request=request), 400, "invalid_image"),
        (_upload(server, cid, token, encoded(64, 64)), 403, "photo_request_invalid"),
        (_upload(server, cid, token, encoded(64, 64), request="x.y.z"), 403, "photo_request_invalid"),
        (_upload(server, cid, token, encoded(64, 64), request=token), 403, "photo_request_invalid"),  # a guest token
        (_upload(server, cid, "nonsense", encoded(64, 64), request=request), 401, "token_invalid"),
        (_upload(server, "c-elsewhere", token, encoded(64, 64), request=request), 401, "token_invalid"),
    ]
    for response, status, code in cases:
        assert response.status_code == status, response.text
        assert response.json()["code"] == code and response.json()["message"]
    huge = httpx.post(
        f"{server.base}/api/v2/conversations/{cid}/photos",
        params={"request": request},
        content=b"\xff\xd8\xff" + b"\0" * (16 * 1024 * 1024),
        headers={"authorization": f"Bearer {token}", "content-type": "image/jpeg"},
    )
    assert huge.status_code == 413 and huge.json()["code"] == "photo_too_large"
    staff = {"authorization": f"Bearer {server.login()}"}
    assert httpx.get(f"{server.base}/api/v2/conversations/{cid}/photos", headers=staff).json() == []
    # Nothing was lost or broken: the request still works, and so does the chat.
    assert _upload(server, cid, token, encoded(320, 240), request=request).status_code == 201
    await guest.say("still here")
    await agent.expect("message", conversationId=cid, text="still here")
    await _leave(guest, agent)


async def test_only_the_chat_s_people_read_its_photos(server: ServerProcess) -> None:
    guest, agent, cid, asked = await _asked(server)
    token = guest.started["token"]  # type: ignore[attr-defined]
    photo = _upload(server, cid, token, encoded(64, 64), request=asked["request"]).json()["photo"]
    url = f"{server.base}{photo['url']}"
    # Another customer's chat, and its token.
    stranger = await Guest.connect(server.ws_base, server.base)
    stranger_token = (await stranger.start("Eve"))["token"]
    assert httpx.get(url, headers={"authorization": f"Bearer {stranger_token}"}).status_code == 404
    other_agent = httpx.get(url, headers={"authorization": f"Bearer {server.login('agent2@demo.local')}"})
    assert other_agent.status_code == 403 and other_agent.json()["code"] == "permission_denied"
    supervisor = httpx.get(
        url, headers={"authorization": f"Bearer {server.login('supervisor@demo.local', 'supervisor')}"}
    )
    assert supervisor.status_code == 200
    assert httpx.get(url).status_code == 401
    await stranger.send(type="end")
    await stranger.close()
    await _leave(guest, agent)


async def test_the_agent_s_marked_up_copy_reaches_the_customer(server: ServerProcess) -> None:
    guest, agent, cid, asked = await _asked(server)
    token = guest.started["token"]  # type: ignore[attr-defined]
    original = _upload(server, cid, token, encoded(800, 600), request=asked["request"]).json()["photo"]
    await guest.expect("message", conversationId=cid, **{"from": "customer"})
    marked = encoded(800, 600, colour=(255, 0, 0))
    staff_token = server.login()

    sent = _upload(server, cid, staff_token, marked, annotates=original["id"], clientId="m-1", caption="this screw")
    resent = _upload(server, cid, staff_token, marked, annotates=original["id"], clientId="m-1", caption="this screw")

    assert sent.status_code == 201 and sent.json() == resent.json()
    pushed = await guest.expect("message", conversationId=cid, **{"from": "agent"})
    assert pushed["text"] == "this screw" and pushed["photo"]["annotates"] == original["id"]
    got = httpx.get(f"{server.base}{pushed['photo']['url']}", headers={"authorization": f"Bearer {token}"})
    assert got.content == marked
    refused = _upload(server, cid, token, marked, annotates=original["id"], clientId="m-2")  # a customer cannot
    assert refused.status_code == 403
    await _leave(guest, agent)


async def test_cross_origin_access_only_for_the_deployment_s_origins(server: ServerProcess) -> None:
    guest, agent, cid, _ = await _asked(server)
    path = f"{server.base}/api/v2/conversations/{cid}/photos"
    preflight = {"access-control-request-method": "POST", "access-control-request-headers": "authorization"}
    allowed = httpx.options(path, headers={"origin": server.base, **preflight})
    assert allowed.status_code == 204
    assert allowed.headers["access-control-allow-origin"] == server.base
    assert "access-control-allow-credentials" not in allowed.headers
    host, port = server.base.rsplit(":", 1)
    for origin in ("https://evil.example", "null", f"{host}:{int(port) + 1}", server.base + ".evil.example"):
        refused = httpx.options(path, headers={"origin": origin, **preflight})
        assert refused.status_code == 403 and "access-control-allow-origin" not in refused.headers, origin
        listed = httpx.get(path, headers={"origin": origin, "authorization": f"Bearer {server.login()}"})
        assert "access-control-allow-origin" not in listed.headers, origin
    plain = httpx.get(path, headers={"origin": server.base, "authorization": f"Bearer {server.login()}"})
    assert plain.headers["access-control-allow-origin"] == server.base and "Origin" in plain.headers["vary"]
    await _leave(guest, agent)
