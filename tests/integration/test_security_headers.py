"""What the server says about each answer, on a real server: every HTML page has a CSP with
frame-ancestors, nosniff and a Referrer-Policy; every JSON answer has nosniff; token and secret answers
are never cached; and tokens or photo requests put in a URL never reach the server's log."""

from __future__ import annotations

import base64
import hashlib
import re
import secrets
from collections.abc import Iterator

import httpx
import pytest
import websockets

from tests.integration.test_photos_api import _asked
from tests.integration.test_video_recovery import _leave
from tests.support.images import encoded
from tests.support.server import ServerProcess

PAGES = ["/", "/demo/", "/agent/", "/admin/", "/supervisor/", "/docs", "/examples/react-embed/"]
CONSOLES = ["/agent/", "/admin/", "/supervisor/"]


@pytest.fixture(scope="module")
def server() -> Iterator[ServerProcess]:
    proc = ServerProcess().start()
    yield proc
    proc.cleanup()


def directives(csp: str) -> dict[str, str]:
    return {part.split()[0]: part.strip() for part in csp.split(";") if part.strip()}


@pytest.mark.parametrize("path", PAGES)
def test_every_page_has_csp_with_frame_ancestors_nosniff_and_referrer_policy(server: ServerProcess, path: str) -> None:
    page = httpx.get(server.base + path)
    assert page.status_code == 200 and page.headers["content-type"].startswith("text/html")
    assert page.headers["x-content-type-options"] == "nosniff"
    assert page.headers["referrer-policy"] == "strict-origin-when-cross-origin"
    policy = directives(page.headers["content-security-policy"])
    assert "frame-ancestors" in policy and "'unsafe-inline'" not in policy["script-src"]
    assert policy["object-src"] == "object-src 'none'"
    if path in CONSOLES or path in ("/", "/docs"):
        assert policy["frame-ancestors"] == "frame-ancestors 'none'"
    # Each inline script the page has is allowed by its hash, and nothing else inline is.
    for script in re.findall(rb"<script(?![^>]*\bsrc=)[^>]*>(.*?)</script>", page.content, re.DOTALL):
        digest = base64.b64encode(hashlib.sha256(script).digest()).decode()
        assert f"'sha256-{digest}'" in policy["script-src"], path


def test_the_demo_widget_may_reach_other_nodes_but_is_framed_only_by_the_shop(server: ServerProcess) -> None:
    policy = directives(httpx.get(f"{server.base}/demo/").headers["content-security-policy"])
    assert {"https:", "wss:"} <= set(policy["connect-src"].split())
    assert policy["frame-ancestors"] == "frame-ancestors 'self'"


def test_json_answers_carry_nosniff_and_api_answers_are_not_cached(server: ServerProcess) -> None:
    token = server.login()
    auth = {"authorization": f"Bearer {token}"}
    answers = [
        httpx.get(f"{server.base}/api/v2/users/me", headers=auth),
        httpx.get(f"{server.base}/api/v2/users/me"),  # 401
        httpx.get(f"{server.base}/api/v2/nothing-here", headers=auth),  # 404
        httpx.get(f"{server.base}/healthz"),
        httpx.get(f"{server.base}/openapi.json"),
        httpx.get(f"{server.base}/metrics"),  # 401
    ]
    for answer in answers:
        assert answer.headers["content-type"].startswith("application/json"), answer.url
        assert answer.headers["x-content-type-options"] == "nosniff", answer.url
    for answer in answers[:3]:
        assert answer.headers["cache-control"] == "no-store", answer.url


def test_answers_with_tokens_or_secrets_are_never_cached(server: ServerProcess) -> None:
    login = httpx.post(f"{server.base}/api/v2/auth/login", json={"email": "admin@demo.local", "password": "admin"})
    admin = {"authorization": f"Bearer {login.json()['access_token']}"}
    client = httpx.post(f"{server.base}/api/v2/oauth/clients", headers=admin, json={"name": "cache-check"})
    rotated = httpx.post(f"{server.base}/api/v2/oauth/clients/{client.json()['id']}/secret", headers=admin)
    token = httpx.post(
        f"{server.base}/oauth/token",
        data={
            "grant_type": "client_credentials",
            "client_id": client.json()["id"],
            "client_secret": rotated.json()["secret"],
        },
    )
    for answer in (login, client, rotated, token):
        assert answer.is_success, answer.text
        assert answer.headers["cache-control"] == "no-store", answer.url
        assert answer.headers["x-content-type-options"] == "nosniff"


async def test_tokens_and_photo_requests_in_urls_never_reach_the_log(server: ServerProcess) -> None:
    guest, agent, cid, asked = await _asked(server)
    guest_token = guest.started["token"]  # type: ignore[attr-defined]
    request = asked["request"]
    staff = server.login()
    made_up = "made-up-" + secrets.token_urlsafe(16)

    # The SDK's way: the photo request in a header. An older client's: in the query string.
    photos = f"{server.base}/api/v2/conversations/{cid}/photos"
    headers = {"authorization": f"Bearer {guest_token}", "content-type": "image/jpeg"}
    sent = httpx.post(photos, content=encoded(320, 240), headers={**headers, "x-photo-request": request})
    assert sent.status_code == 201, sent.text
    again = httpx.post(photos, params={"request": request}, content=encoded(320, 240), headers=headers)
    assert again.status_code == 201 and again.json()["photo"] == sent.json()["photo"]
    httpx.get(f"{server.base}/api/v2/users/me", params={"access_token": staff, "token": made_up})
    httpx.post(
        photos,
        params={"annotates": "ph-x", "clientId": "c1", "caption": "card 4111 1111"},
        content=b"x",
        headers={"authorization": f"Bearer {staff}"},
    )
    async with websockets.connect(f"{server.ws_base}/ws/v1/agent?token={staff}&code={made_up}") as ws:
        await ws.close()
    await _leave(guest, agent)

    log = server.server_log()
    assert f"/api/v2/conversations/{cid}/photos?request=[redacted]" in log  # the request was logged, not its secret
    for secret in (request, guest_token, staff, made_up):
        assert secret not in log
    # The caption, however written into a URL (a lone "4111" can be part of a random request id).
    assert not any(caption in log for caption in ("card 4111 1111", "4111+1111", "4111%201111"))
