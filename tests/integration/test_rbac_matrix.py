"""Every role against every REST route and every agent-socket action: allowed, or 403 with
`permission_denied`. The route list is checked against /openapi.json, so a new route without a row
here fails this test."""

from __future__ import annotations

import asyncio
import json
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import httpx
import pytest
import websockets

from showdesk.domain.permissions import BUILT_IN_ROLES
from showdesk.domain.permissions import Permission as P
from tests.support.server import ServerProcess
from tests.support.ws_clients import Agent, Guest

CUSTOM_ROLE = "Queue Keeper"
CUSTOM_PERMISSIONS = frozenset({P.QUEUE_EDIT, P.DIRECTORY_VIEW, P.CHAT_ANSWER})
ANYONE: frozenset[P] = frozenset()  # any signed-in principal


@dataclass
class Who:
    name: str
    token: str
    permissions: frozenset[P]
    sign_in: Callable[[], str]  # a fresh token, for the logout rows (they revoke the one they use, or all)
    user_id: str = ""


def video_flow(name: str) -> str:
    return json.dumps(
        {
            "name": name,
            "type": "webchat",
            "start": "video",
            "blocks": {
                "video": {"type": "startVideo", "mode": "one-way", "success": "route", "failure": "route"},
                "route": {"type": "queue", "queue": "Video Troubleshooting"},
            },
        }
    )


def chat_flow(name: str) -> str:
    return json.dumps(
        {
            "name": name,
            "type": "webchat",
            "start": "route",
            "blocks": {"route": {"type": "queue", "queue": "General Chat"}},
        }
    )


def unique(prefix: str) -> str:
    return f"{prefix} {uuid.uuid4().hex[:8]}"


# (method, path template as in /openapi.json, permissions all required, body maker)
# What a route needs: every permission of a set, or (a tuple of sets) every permission of any one of them.
Needs = frozenset[P] | tuple[frozenset[P], ...]
CANNED_READERS: Needs = (frozenset({P.CHAT_ANSWER}), frozenset({P.CANNED_RESPONSES_MANAGE}))
WRAPUP_READERS: Needs = (frozenset({P.CHAT_ANSWER}), frozenset({P.WRAPUP_CODE_EDIT}), frozenset({P.DIRECTORY_VIEW}))
ROUTES: list[tuple[str, str, Needs, Any]] = [
    ("GET", "/api/v2/users/me", ANYONE, None),
    ("POST", "/api/v2/auth/logout", ANYONE, None),
    ("POST", "/api/v2/auth/logout-all", ANYONE, None),  # an API client: 409, its secret's rotation does that
    # A new password too short: 400 before the current one is checked (nothing changes, no failure counted);
    # an API client has no password: 409.
    ("POST", "/api/v2/auth/password", ANYONE, lambda: {"currentPassword": "unchecked", "newPassword": "short"}),
    ("GET", "/api/v2/users", frozenset({P.DIRECTORY_VIEW}), None),
    (
        "POST",
        "/api/v2/users",
        frozenset({P.USER_EDIT}),
        lambda: {"email": f"{uuid.uuid4().hex[:10]}@x.test", "password": "correct-horse-1"},
    ),
    ("GET", "/api/v2/users/{user_id}", frozenset({P.DIRECTORY_VIEW}), None),
    ("PATCH", "/api/v2/users/{user_id}", frozenset({P.USER_EDIT}), lambda: {"chatCapacity": 3}),
    ("PUT", "/api/v2/users/{user_id}/roles", frozenset({P.USER_EDIT}), lambda: {"roles": []}),
    ("POST", "/api/v2/users/{user_id}/logout", frozenset({P.USER_EDIT}), None),
    ("GET", "/api/v2/routing/skills", frozenset({P.DIRECTORY_VIEW}), None),
    ("POST", "/api/v2/routing/skills", frozenset({P.SKILL_EDIT}), lambda: {"name": unique("skill")}),
    ("DELETE", "/api/v2/routing/skills/{skill_id}", frozenset({P.SKILL_EDIT}), None),
    ("GET", "/api/v2/routing/queues", frozenset({P.DIRECTORY_VIEW}), None),
    ("POST", "/api/v2/routing/queues", frozenset({P.QUEUE_EDIT}), lambda: {"name": unique("queue")}),
    ("GET", "/api/v2/routing/queues/{queue_id}", frozenset({P.DIRECTORY_VIEW}), None),
    ("PATCH", "/api/v2/routing/queues/{queue_id}", frozenset({P.QUEUE_EDIT}), lambda: {"channels": ["chat", "video"]}),
    ("DELETE", "/api/v2/routing/queues/{queue_id}", frozenset({P.QUEUE_EDIT}), None),
    # Wrap-up codes: read by those who close chats with them or see the directory, kept with Wrap-up Code > Edit.
    ("GET", "/api/v2/routing/wrapupcodes", WRAPUP_READERS, None),
    ("POST", "/api/v2/routing/wrapupcodes", frozenset({P.WRAPUP_CODE_EDIT}), lambda: {"name": unique("code")}),
    ("PUT", "/api/v2/routing/wrapupcodes/{code_id}", frozenset({P.WRAPUP_CODE_EDIT}), lambda: {"name": "Renamed"}),
    ("DELETE", "/api/v2/routing/wrapupcodes/{code_id}", frozenset({P.WRAPUP_CODE_EDIT}), None),
    ("GET", "/api/v2/routing/transfertargets", frozenset({P.CHAT_ANSWER}), None),
    ("GET", "/api/v2/authorization/permissions", frozenset({P.DIRECTORY_VIEW}), None),
    ("GET", "/api/v2/authorization/roles", frozenset({P.DIRECTORY_VIEW}), None),
    (
        "POST",
        "/api/v2/authorization/roles",
        frozenset({P.ROLE_EDIT}),
        lambda: {"name": unique("role"), "permissions": []},
    ),
    ("PATCH", "/api/v2/authorization/roles/{role_id}", frozenset({P.ROLE_EDIT}), lambda: {"permissions": []}),
    ("DELETE", "/api/v2/authorization/roles/{role_id}", frozenset({P.ROLE_EDIT}), None),
    ("GET", "/api/v2/webchat/deployments", frozenset({P.OAUTH_CLIENT_EDIT}), None),
    ("POST", "/api/v2/webchat/deployments", frozenset({P.OAUTH_CLIENT_EDIT}), lambda: {"name": unique("site")}),
    ("GET", "/api/v2/webchat/deployments/{deployment_id}", frozenset({P.OAUTH_CLIENT_EDIT}), None),
    ("GET", "/api/v2/webchat/deployments/{deployment_id}/signing-key", frozenset({P.OAUTH_CLIENT_EDIT}), None),
    (
        "PATCH",
        "/api/v2/webchat/deployments/{deployment_id}",
        frozenset({P.OAUTH_CLIENT_EDIT}),
        lambda: {"active": True},
    ),
    ("DELETE", "/api/v2/webchat/deployments/{deployment_id}", frozenset({P.OAUTH_CLIENT_EDIT}), None),
    ("GET", "/api/v2/oauth/clients", frozenset({P.OAUTH_CLIENT_EDIT}), None),
    ("POST", "/api/v2/oauth/clients", frozenset({P.OAUTH_CLIENT_EDIT}), lambda: {"name": unique("client")}),
    ("PATCH", "/api/v2/oauth/clients/{client_id}", frozenset({P.OAUTH_CLIENT_EDIT}), lambda: {"active": True}),
    ("POST", "/api/v2/oauth/clients/{client_id}/secret", frozenset({P.OAUTH_CLIENT_EDIT}), None),
    ("DELETE", "/api/v2/oauth/clients/{client_id}", frozenset({P.OAUTH_CLIENT_EDIT}), None),
    ("GET", "/api/v2/telephony/turn-servers", frozenset({P.TRUNK_EDIT}), None),
    (
        "POST",
        "/api/v2/telephony/turn-servers",
        frozenset({P.TRUNK_EDIT}),
        lambda: {"name": unique("turn"), "urls": ["turn:turn.example.com:3478"], "secret": "s" * 20},
    ),
    ("PATCH", "/api/v2/telephony/turn-servers/{server_id}", frozenset({P.TRUNK_EDIT}), lambda: {"active": True}),
    ("DELETE", "/api/v2/telephony/turn-servers/{server_id}", frozenset({P.TRUNK_EDIT}), None),
    ("GET", "/api/v2/organization/license", frozenset({P.DIRECTORY_VIEW}), None),
    ("PUT", "/api/v2/organization/license", frozenset({P.LICENSE_EDIT}), lambda: {"tier": "CX 3"}),
    ("GET", "/api/v2/flows", frozenset({P.FLOW_VIEW}), None),
    ("POST", "/api/v2/flows", frozenset({P.CHAT_EDIT}), lambda: chat_flow(unique("chat flow"))),
    ("POST", "/api/v2/flows", frozenset({P.CHAT_EDIT, P.VIDEO_EDIT}), lambda: video_flow(unique("video flow"))),
    ("POST", "/api/v2/flows/validate", frozenset({P.FLOW_VIEW}), lambda: video_flow("check")),
    ("GET", "/api/v2/flows/{flow_id}", frozenset({P.FLOW_VIEW}), None),
    ("GET", "/api/v2/flows/{flow_id}/versions", frozenset({P.FLOW_VIEW}), None),
    ("POST", "/api/v2/flows/{flow_id}/publish", frozenset({P.CHAT_EDIT, P.VIDEO_EDIT}), None),
    ("DELETE", "/api/v2/flows/{flow_id}", frozenset({P.CHAT_EDIT}), None),
    ("GET", "/api/v2/audit", frozenset({P.AUDIT_VIEW}), None),
    # Searching: the whole organization with transcript:view, an agent their own chats with chat:answer.
    ("GET", "/api/v2/conversations", (frozenset({P.TRANSCRIPT_VIEW}), frozenset({P.CHAT_ANSWER})), None),
    ("GET", "/api/v2/conversations/{conversation_id}", frozenset({P.TRANSCRIPT_VIEW}), None),
    ("GET", "/api/v2/conversations/{conversation_id}/messages", frozenset({P.TRANSCRIPT_VIEW}), None),
    # The customer panel: the chat's own agent too (test_customer_panel.py); nobody here is this chat's agent.
    ("GET", "/api/v2/conversations/{conversation_id}/customer", frozenset({P.TRANSCRIPT_VIEW}), None),
    # Exports: who may search (the list) or read (one conversation) them.
    ("GET", "/api/v2/conversations/export", (frozenset({P.TRANSCRIPT_VIEW}), frozenset({P.CHAT_ANSWER})), None),
    ("GET", "/api/v2/conversations/{conversation_id}/export", frozenset({P.TRANSCRIPT_VIEW}), None),
    # Photos: the chat's own agent, or transcript:view (the matrix's conversation has no agent yet).
    ("GET", "/api/v2/conversations/{conversation_id}/photos", frozenset({P.TRANSCRIPT_VIEW}), None),
    ("GET", "/api/v2/conversations/{conversation_id}/photos/{photo_id}", frozenset({P.TRANSCRIPT_VIEW}), None),
    # The agent's marked-up copy: chat:answer, then the chat must be their own (a missing one: 404).
    ("POST", "/api/v2/conversations/{conversation_id}/photos", frozenset({P.CHAT_ANSWER}), None),
    # Transfer and wrap-up: chat:answer, then the chat must be the caller's own (a missing one: 404).
    ("POST", "/api/v2/conversations/{conversation_id}/transfer", frozenset({P.CHAT_ANSWER}), lambda: {}),
    ("PUT", "/api/v2/conversations/{conversation_id}/wrapup", frozenset({P.CHAT_ANSWER}), lambda: {}),
    ("GET", "/api/v2/analytics/supervisor", frozenset({P.ANALYTICS_VIEW}), None),
    ("GET", "/api/v2/analytics/agents", frozenset({P.ANALYTICS_VIEW}), None),
    # Canned responses: read with chat:answer or cannedResponses:manage; the organization's made with Manage, one's
    # own with chat:answer; changing a missing one: 404 for either reader (then which it is decides).
    ("GET", "/api/v2/canned-responses", CANNED_READERS, None),
    (
        "POST",
        "/api/v2/canned-responses",
        frozenset({P.CANNED_RESPONSES_MANAGE}),
        lambda: {"scope": "organization", "title": unique("canned"), "text": "Hello {customer.name}"},
    ),
    (
        "POST",
        "/api/v2/canned-responses",
        frozenset({P.CHAT_ANSWER}),
        lambda: {"scope": "personal", "title": unique("canned"), "text": "Hello"},
    ),
    ("PATCH", "/api/v2/canned-responses/{response_id}", CANNED_READERS, lambda: {"text": "Hello"}),
    ("DELETE", "/api/v2/canned-responses/{response_id}", CANNED_READERS, None),
]
PUBLIC = {("POST", "/api/v2/auth/login")}
# The customer's own: their chat's guest token makes a hand-off link, the link's one-time code opens it, and
# photo mode's stills come from their device; no staff permission does any of it (tests/integration/
# test_handoff.py and test_photo_mode.py check who may: staff are refused `customer_only`).
CUSTOMERS = {
    ("POST", "/api/v2/webchat/handoffs"),
    ("POST", "/api/v2/webchat/handoffs/{code}/redeem"),
    ("POST", "/api/v2/conversations/{conversation_id}/photos/stills"),
    ("POST", "/api/v2/conversations/{conversation_id}/photos/attachments"),
}

# Existing targets for reads; ids that do not exist for changes, so an allowed call answers 404 and
# changes nothing, while a refused one answers 403 before anything is looked up.
MISSING = "zz_missing"


@pytest.fixture(scope="module")
def server(backend: str):
    proc = ServerProcess(backend=backend).start()
    yield proc
    proc.cleanup()


def _h(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


@pytest.fixture(scope="module")
def people(server: ServerProcess) -> dict[str, Who]:
    admin = server.login("admin@demo.local", "admin")
    base = server.base
    r = httpx.post(
        f"{base}/api/v2/authorization/roles",
        headers=_h(admin),
        json={"name": CUSTOM_ROLE, "permissions": sorted(p.value for p in CUSTOM_PERMISSIONS)},
    )
    assert r.status_code == 201, r.text
    made = {}
    for key, role in (("chat agent", "Chat Agent"), ("custom", CUSTOM_ROLE), ("nobody", None)):
        email = f"{key.replace(' ', '-')}@demo.local"
        body = {"email": email, "password": "correct-horse-1", "roles": [role] if role else []}
        assert httpx.post(f"{base}/api/v2/users", headers=_h(admin), json=body).status_code == 201
        made[key] = email
    client = httpx.post(f"{base}/api/v2/oauth/clients", headers=_h(admin), json={"name": "ci", "roles": ["Architect"]})
    assert client.status_code == 201
    credentials = {"grant_type": "client_credentials", "client_id": client.json()["id"]}
    credentials["client_secret"] = client.json()["secret"]

    def client_token() -> str:
        r = httpx.post(f"{base}/oauth/token", data=credentials)
        assert r.status_code == 200, r.text
        return str(r.json()["access_token"])

    def person(name: str, email: str, password: str, permissions: frozenset[P]) -> Who:
        return Who(name, server.login(email, password), permissions, lambda: server.login(email, password))

    people = {
        "administrator": person("administrator", "admin@demo.local", "admin", BUILT_IN_ROLES["Administrator"]),
        "architect": person("architect", "architect@demo.local", "architect", BUILT_IN_ROLES["Architect"]),
        "agent": person("agent", "agent@demo.local", "agent", BUILT_IN_ROLES["Agent"]),
        "supervisor": person("supervisor", "supervisor@demo.local", "supervisor", BUILT_IN_ROLES["Supervisor"]),
        "chat agent": person("chat agent", made["chat agent"], "correct-horse-1", BUILT_IN_ROLES["Chat Agent"]),
        "custom": person("custom", made["custom"], "correct-horse-1", CUSTOM_PERMISSIONS),
        "nobody": person("nobody", made["nobody"], "correct-horse-1", frozenset()),
        "api client": Who("api client", client_token(), BUILT_IN_ROLES["Architect"], client_token),
    }
    for who in people.values():
        me = httpx.get(f"{base}/api/v2/users/me", headers=_h(who.token)).json()
        who.user_id = me["id"]
        assert set(me["permissions"]) == {p.value for p in who.permissions}, who.name
    return people


@pytest.fixture(scope="module")
def targets(server: ServerProcess, people: dict[str, Who]) -> dict[str, str]:
    """Existing entities for the read routes: demo ones, and an unanswered conversation."""
    admin = _h(people["administrator"].token)
    flows = httpx.get(f"{server.base}/api/v2/flows", headers=admin).json()

    async def unanswered_conversation() -> str:
        guest = await Guest.connect(server.ws_base, server.base)
        started = await guest.start("Matrix")
        await guest.close()
        return str(started["conversationId"])

    queues = httpx.get(f"{server.base}/api/v2/routing/queues", headers=admin).json()
    return {
        "user_id": people["nobody"].user_id,
        "queue_id": next(q["id"] for q in queues if q["name"] == "General Chat"),
        "deployment_id": "demo-webchat",
        "flow_id": next(f["id"] for f in flows if f["name"] == "Product Support"),
        "conversation_id": asyncio.run(unanswered_conversation()),
    }


def _path(template: str, method: str, targets: dict[str, str]) -> str:
    path = template
    for key, value in targets.items():
        # reads and the harmless changes go to real entities; deletes and the rest to missing ones
        real = method == "GET" or (method in ("PATCH", "PUT") and key in ("user_id", "queue_id", "deployment_id"))
        path = path.replace("{" + key + "}", value if real else MISSING)
    for placeholder in (
        "{skill_id}",
        "{role_id}",
        "{client_id}",
        "{server_id}",
        "{photo_id}",
        "{response_id}",
        "{code_id}",
    ):
        path = path.replace(placeholder, MISSING)
    if method == "POST" and path.endswith("/publish"):
        path = path.replace(MISSING, targets["flow_id"])  # publishing the demo flow again changes nothing
    return path


def _call(server: ServerProcess, method: str, path: str, token: str | None, body: Any) -> httpx.Response:
    headers = _h(token) if token else {}
    if isinstance(body, str):
        headers["content-type"] = "application/json"
        return httpx.request(method, server.base + path, headers=headers, content=body)
    return httpx.request(method, server.base + path, headers=headers, json=body)


def _allowed(needed: Needs, held: frozenset[P]) -> bool:
    return any(each <= held for each in needed) if isinstance(needed, tuple) else needed <= held


def test_the_matrix_covers_every_route_in_the_schema(server: ServerProcess) -> None:
    schema = httpx.get(f"{server.base}/openapi.json").json()
    documented = {
        (method.upper(), path)
        for path, item in schema["paths"].items()
        if path.startswith("/api/v2/")
        for method in item
    }
    covered = {(m, p) for m, p, _, _ in ROUTES} | PUBLIC | CUSTOMERS
    assert documented == covered


@pytest.mark.parametrize(
    "who", ["administrator", "architect", "agent", "supervisor", "chat agent", "custom", "nobody", "api client"]
)
def test_every_role_on_every_route(
    server: ServerProcess, people: dict[str, Who], targets: dict[str, str], who: str
) -> None:
    person = people[who]
    wrong: list[str] = []
    for method, template, needed, body in ROUTES:
        signs_out = template in ("/api/v2/auth/logout", "/api/v2/auth/logout-all")
        token = person.sign_in() if signs_out else person.token
        path = _path(template, method, targets)
        r = _call(server, method, path, token, body() if body else None)
        if signs_out:
            person.token = person.sign_in()  # signing out everywhere ended the one in use too
        allowed = _allowed(needed, person.permissions)
        if allowed and r.status_code in (401, 403):
            wrong.append(f"{method} {path}: expected allowed, got {r.status_code} {r.text[:120]}")
        elif not allowed and (r.status_code != 403 or r.json().get("code") != "permission_denied"):
            wrong.append(f"{method} {path}: expected 403 permission_denied, got {r.status_code} {r.text[:120]}")
        elif r.status_code >= 500:
            wrong.append(f"{method} {path}: {r.status_code}")
    assert wrong == []


def test_every_route_refuses_a_missing_token(server: ServerProcess, targets: dict[str, str]) -> None:
    for method, template, _, body in ROUTES:
        r = _call(server, method, _path(template, method, targets), None, body() if body else None)
        assert r.status_code == 401 and r.json()["code"] == "token_missing", f"{method} {template}"


@pytest.mark.parametrize(
    "who", ["administrator", "architect", "agent", "supervisor", "chat agent", "custom", "nobody", "api client"]
)
def test_every_role_on_metrics(server: ServerProcess, people: dict[str, Who], who: str) -> None:
    """/metrics is outside /api/v2 but held to the same rule: metrics:view, or 403 permission_denied."""
    person = people[who]
    r = httpx.get(f"{server.base}/metrics", headers=_h(person.token))
    if P.METRICS_VIEW in person.permissions:
        assert r.status_code == 200 and 'organization="demo"' in r.text
    else:
        assert r.status_code == 403 and r.json()["code"] == "permission_denied"
    assert httpx.get(f"{server.base}/metrics").status_code == 401


# The agent socket ------------------------------------------------------------------------------------
WS_ACTIONS: list[tuple[dict[str, Any], P]] = [
    ({"type": "presence", "status": "away"}, P.CHAT_ANSWER),  # checked after the permission
    ({"type": "accept", "conversationId": MISSING}, P.CHAT_ANSWER),
    ({"type": "decline", "conversationId": MISSING}, P.CHAT_ANSWER),
    ({"type": "message", "conversationId": MISSING, "clientId": "m1", "text": "hi"}, P.CHAT_ANSWER),
    ({"type": "end", "conversationId": MISSING}, P.CHAT_ANSWER),
    ({"type": "videoRequest", "conversationId": MISSING}, P.VIDEO_ANSWER),
    (
        {"type": "videoSignal", "conversationId": MISSING, "sessionId": MISSING, "signal": "answer", "sdp": "v=0"},
        P.VIDEO_ANSWER,
    ),
    ({"type": "videoStatus", "conversationId": MISSING, "state": "live"}, P.VIDEO_ANSWER),
    ({"type": "videoPreference", "conversationId": MISSING, "preference": "smooth"}, P.VIDEO_ANSWER),
    ({"type": "videoCamera", "conversationId": MISSING, "action": "switch"}, P.VIDEO_ANSWER),
    ({"type": "videoPhoto", "conversationId": MISSING}, P.VIDEO_ANSWER),
    ({"type": "videoPhotoMode", "conversationId": MISSING, "on": True}, P.VIDEO_ANSWER),
    ({"type": "videoHold", "conversationId": MISSING}, P.VIDEO_HOLD),
    ({"type": "videoResume", "conversationId": MISSING}, P.VIDEO_HOLD),
    ({"type": "videoEnd", "conversationId": MISSING}, P.VIDEO_ANSWER),
]


async def _refusal(ws: Any, timeout: float = 5.0) -> dict[str, Any]:
    while True:
        frame = json.loads(await asyncio.wait_for(ws.recv(), timeout))
        if frame.get("type") == "error":
            return frame


@pytest.mark.parametrize(
    "who", ["administrator", "architect", "agent", "supervisor", "chat agent", "custom", "nobody", "api client"]
)
async def test_every_role_on_every_socket_action(server: ServerProcess, people: dict[str, Who], who: str) -> None:
    person = people[who]
    async with websockets.connect(f"{server.ws_base}/ws/v1/agent") as ws:
        await ws.send(json.dumps({"type": "auth", "token": person.token}))
        if P.CHAT_ANSWER not in person.permissions:
            refused = await _refusal(ws)
            assert refused["code"] == "permission_denied"
            return
        wrong = []
        for frame, needed in WS_ACTIONS:
            await ws.send(json.dumps(frame))
            try:
                answer = await _refusal(ws)
            except TimeoutError:
                answer = {"code": "(no error frame)", "frame": frame["type"]}
            denied = answer["code"] == "permission_denied"
            if denied != (needed not in person.permissions):
                wrong.append(f"{frame['type']}: {answer}")
        assert wrong == []


async def _closed_with(agent: Agent, code: str) -> None:
    """The socket says why (an error frame with `code`) and closes with 4401."""
    assert (await agent.expect("error"))["code"] == code
    with pytest.raises(websockets.ConnectionClosed) as closed:
        await asyncio.wait_for(agent.ws.recv(), 5)
    assert closed.value.rcvd is not None and closed.value.rcvd.code == 4401


async def test_a_permission_removed_mid_session_ends_the_sign_in_and_stops_the_next_action(
    server: ServerProcess, people: dict[str, Who]
) -> None:
    admin = _h(people["administrator"].token)
    base = server.base
    role = httpx.post(
        f"{base}/api/v2/authorization/roles",
        headers=admin,
        json={"name": "Video Lite", "permissions": ["chat:answer", "video:answer", "video:hold"]},
    ).json()
    user = httpx.post(
        f"{base}/api/v2/users",
        headers=admin,
        json={"email": "lite@demo.local", "password": "correct-horse-1", "roles": ["Video Lite"]},
    ).json()
    token = server.login("lite@demo.local", "correct-horse-1")
    agent = await Agent.connect(server.ws_base, token)
    await agent.send(type="videoHold", conversationId=MISSING)
    assert (await agent.expect("error"))["code"] != "permission_denied"
    # The role loses Video > Hold: the sign-in ends (socket and token); signed in again, the hold is
    # refused and chat still works.
    r = httpx.patch(
        f"{base}/api/v2/authorization/roles/{role['id']}",
        headers=admin,
        json={"permissions": ["chat:answer", "video:answer"]},
    )
    assert r.status_code == 200
    await _closed_with(agent, "token_revoked")
    assert httpx.get(f"{base}/api/v2/users/me", headers=_h(token)).status_code == 401
    agent = await Agent.connect(server.ws_base, server.login("lite@demo.local", "correct-horse-1"))
    await agent.send(type="videoHold", conversationId=MISSING)
    assert (await agent.expect("error"))["code"] == "permission_denied"
    await agent.on_queue()
    # The user loses the role: the socket closes again, and a new sign-in may not answer chats.
    assert httpx.put(f"{base}/api/v2/users/{user['id']}/roles", headers=admin, json={"roles": []}).status_code == 200
    await _closed_with(agent, "token_revoked")
    async with websockets.connect(f"{server.ws_base}/ws/v1/agent") as ws:
        await ws.send(json.dumps({"type": "auth", "token": server.login("lite@demo.local", "correct-horse-1")}))
        assert (await _refusal(ws))["code"] == "permission_denied"
