"""Photo mode over the real server (SQLite and PostgreSQL): the agent's desktop reports a picture too poor
to read detail, both sides are offered photos, the customer turns them on, stills go up over HTTP and reach
the agent's socket, each replacing the one before; too fast, out of photo mode or from staff, a still is
refused in JSON and nothing is lost."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from typing import Any

import httpx
import pytest

from tests.integration.test_video_recovery import _accepted, _leave
from tests.support.images import decoded_size, encoded
from tests.support.server import ServerProcess
from tests.support.waiting import eventually
from tests.support.ws_clients import Agent, Guest

SLOW = {"width": 320, "height": 180, "fps": 30, "kbps": 140, "lossPercent": 0, "rttMs": 20, "path": "direct"}


@pytest.fixture(scope="module")
def server(backend: str) -> Iterator[ServerProcess]:
    proc = ServerProcess("--photo-mode-after", "1", "--still-interval", "0.5", backend=backend).start()
    yield proc
    proc.cleanup()


async def _live(server: ServerProcess) -> tuple[Guest, Agent, str, str]:
    guest, agent, cid, session_id, _, _ = await _accepted(server)
    await agent.send(type="videoStatus", conversationId=cid, sessionId=session_id, state="live", path="direct")
    await guest.expect("videoStarted")
    return guest, agent, cid, session_id


def _still(server: ServerProcess, cid: str, token: str, data: bytes) -> httpx.Response:
    return httpx.post(
        f"{server.base}/api/v2/conversations/{cid}/photos/stills",
        content=data,
        headers={"authorization": f"Bearer {token}", "content-type": "image/jpeg"},
    )


async def test_a_slow_picture_is_offered_photos_and_stills_reach_the_agent_one_replacing_the_other(
    server: ServerProcess,
) -> None:
    guest, agent, cid, session_id = await _live(server)
    token = guest.started["token"]  # type: ignore[attr-defined]
    status = {"type": "videoStatus", "conversationId": cid, "sessionId": session_id, "state": "quality"}

    async def offered() -> dict[str, Any] | None:
        await agent.send(**status, quality=SLOW)  # the desktop reports every 2 s; here faster, the rule is time
        try:
            return await guest.expect("videoPhotoMode", timeout=0.4)
        except AssertionError:  # not yet
            return None

    offer = await eventually(offered, timeout=10, what="photo mode offered")
    assert offer["state"] == "offered" and "too slow for a clear live picture" in offer["text"]
    assert (await agent.expect("videoPhotoMode"))["state"] == "offered"
    refused = _still(server, cid, token, encoded(1280, 720))
    assert refused.status_code == 409 and refused.json()["code"] == "not_photo_mode"  # offered is not on

    await guest.send(type="videoPhotoMode", on=True)
    on = await agent.expect("videoPhotoMode", state="on")
    assert on["by"] == "customer" and on["video"]["photoMode"] is True

    first = _still(server, cid, token, encoded(1280, 720))
    assert first.status_code == 201, first.text
    arrived = await agent.expect("videoStill")
    assert arrived["photo"]["id"] == first.json()["id"] and arrived["photo"]["kind"] == "still"
    assert (arrived["number"], arrived["photo"]["width"], arrived["photo"]["height"]) == (1, 1280, 720)
    staff = {"authorization": f"Bearer {server.login()}"}
    shown = httpx.get(f"{server.base}{arrived['photo']['url']}", headers=staff)
    assert shown.status_code == 200 and decoded_size(shown.content) == (1280, 720)

    too_fast = _still(server, cid, token, encoded(1280, 720))
    assert too_fast.status_code == 429 and too_fast.json()["code"] == "rate_limited"

    async def second_sent() -> httpx.Response | None:
        response = await asyncio.to_thread(_still, server, cid, token, encoded(1280, 720))
        return response if response.status_code == 201 else None

    second = await eventually(second_sent, timeout=5, what="the next still, once the interval passed")
    assert (await agent.expect("videoStill"))["number"] == 2
    assert httpx.get(f"{server.base}{arrived['photo']['url']}", headers=staff).status_code == 404  # replaced
    photos = httpx.get(f"{server.base}/api/v2/conversations/{cid}/photos", headers=staff).json()
    assert [(p["id"], p["kind"]) for p in photos] == [(second.json()["id"], "still")]

    await agent.send(type="videoPhotoMode", conversationId=cid, on=False)
    assert (await guest.expect("videoPhotoMode", state="off"))["by"] == "agent"
    after = _still(server, cid, token, encoded(640, 480))
    assert after.status_code == 409 and after.json()["code"] == "not_photo_mode"
    from_staff = _still(server, cid, server.login(), encoded(640, 480))
    assert from_staff.status_code == 403 and from_staff.json()["code"] == "customer_only"
    await guest.say("the chat goes on")
    await agent.expect("message", conversationId=cid, text="the chat goes on")
    await _leave(guest, agent)
