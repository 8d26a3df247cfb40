"""REST: JSON errors with fitting 4xx statuses, permissions, flows, docs and metrics."""

from __future__ import annotations

import httpx
import pytest

from tests.support.server import ServerProcess


def auth(server: ServerProcess, email: str, password: str) -> dict[str, str]:
    return {"authorization": f"Bearer {server.login(email, password)}"}


def assert_error(r: httpx.Response, status: int, code: str | None = None) -> dict:
    assert r.status_code == status, r.text
    body = r.json()
    assert set(body) >= {"code", "message"} and body["message"]
    if code:
        assert body["code"] == code
    return body


def test_login_and_me(server) -> None:
    r = httpx.post(f"{server.base}/api/v2/auth/login", json={"email": "agent@demo.local", "password": "agent"})
    assert r.status_code == 200 and r.json()["token_type"] == "bearer"
    me = httpx.get(f"{server.base}/api/v2/users/me", headers={"authorization": f"Bearer {r.json()['access_token']}"})
    assert set(me.json()["permissions"]) >= {"chat:answer", "video:answer", "video:hold"}


@pytest.mark.parametrize(
    ("method", "path", "kwargs", "status", "code"),
    [
        (
            "post",
            "/api/v2/auth/login",
            {"json": {"email": "agent@demo.local", "password": "x"}},
            401,
            "invalid_credentials",
        ),
        (
            "post",
            "/api/v2/auth/login",
            {"content": b"{not json", "headers": {"content-type": "application/json"}},
            400,
            "invalid_input",
        ),
        ("post", "/api/v2/auth/login", {"json": {"email": 5}}, 400, "invalid_input"),
        ("get", "/api/v2/users", {}, 401, "token_missing"),
        ("get", "/api/v2/users", {"headers": {"authorization": "Bearer nope"}}, 401, "token_invalid"),
        ("get", "/api/v2/nowhere", {}, 404, "not_found"),
        ("delete", "/api/v2/users", {}, 405, "method_not_allowed"),
    ],
)
def test_bad_requests_get_json_errors(server, method, path, kwargs, status, code) -> None:
    assert_error(httpx.request(method, server.base + path, **kwargs), status, code)


def test_permissions_are_enforced_on_rest(server) -> None:
    agent = auth(server, "agent@demo.local", "agent")
    admin = auth(server, "admin@demo.local", "admin")
    assert_error(
        httpx.post(f"{server.base}/api/v2/routing/queues", json={"name": "X"}, headers=agent), 403, "permission_denied"
    )
    assert_error(httpx.get(f"{server.base}/api/v2/users", headers=agent), 403, "permission_denied")
    skill = httpx.post(f"{server.base}/api/v2/routing/skills", json={"name": "kettles"}, headers=admin)
    assert skill.status_code == 201
    assert_error(httpx.post(f"{server.base}/api/v2/routing/skills", json={"name": "kettles"}, headers=admin), 409)
    queue = httpx.post(
        f"{server.base}/api/v2/routing/queues",
        headers=admin,
        json={"name": "Kettles", "channels": ["chat"], "requiredSkills": ["kettles"], "members": ["agent@demo.local"]},
    )
    assert queue.status_code == 201 and queue.json()["requiredSkills"] == ["kettles"]
    assert_error(
        httpx.post(f"{server.base}/api/v2/routing/queues", headers=admin, json={"name": "Bad", "channels": ["fax"]}),
        400,
        "invalid_channel",
    )
    user = httpx.post(
        f"{server.base}/api/v2/users",
        headers=admin,
        json={"email": "new@demo.local", "password": "a-long-secret-1", "roles": ["Agent"]},
    )
    assert user.status_code == 201 and "password" not in user.text and "hash" not in user.text
    names = [q["name"] for q in httpx.get(f"{server.base}/api/v2/routing/queues", headers=admin).json()]
    assert {"Video Troubleshooting", "General Chat", "Kettles"} <= set(names)


FLOW_TO_CHAT_QUEUE = """
name: Bad Video Flow
type: webchat
start: video
blocks:
  video: {type: startVideo, mode: one-way, videoSource: camera, audioSource: none, success: route, failure: route}
  route: {type: queue, queue: General Chat}
"""


def test_publishing_video_into_a_chat_only_queue_is_refused_naming_queue_and_channel(server) -> None:
    architect = auth(server, "architect@demo.local", "architect")
    saved = httpx.post(f"{server.base}/api/v2/flows", content=FLOW_TO_CHAT_QUEUE, headers=architect)
    assert saved.status_code == 201
    assert any(p["severity"] == "error" for p in saved.json()["problems"])
    refused = httpx.post(f"{server.base}/api/v2/flows/{saved.json()['id']}/publish", headers=architect)
    body = assert_error(refused, 422, "flow_invalid")
    assert "General Chat" in body["message"] and "video" in body["message"]
    agent = auth(server, "agent@demo.local", "agent")
    assert_error(httpx.post(f"{server.base}/api/v2/flows", content=FLOW_TO_CHAT_QUEUE, headers=agent), 403)
    assert_error(httpx.post(f"{server.base}/api/v2/flows", content="a: [", headers=architect), 400, "invalid_flow")


def test_docs_schema_metrics_and_pages_are_served(server) -> None:
    schema = httpx.get(f"{server.base}/openapi.json").json()
    assert "/api/v2/conversations/{conversation_id}/messages" in schema["paths"]
    assert httpx.get(f"{server.base}/docs").status_code == 200
    assert "showdesk_interactions_waiting" in server.metrics()
    sdk = httpx.get(f"{server.base}/sdk/webchat.js", headers={"origin": "https://any.example"})
    assert sdk.status_code == 200 and sdk.headers["access-control-allow-origin"] == "*"
    agent_page = httpx.get(f"{server.base}/agent/")
    assert "frame-ancestors 'none'" in agent_page.headers["content-security-policy"]
