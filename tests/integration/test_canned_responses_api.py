"""/api/v2/canned-responses over a real server, on SQLite and PostgreSQL: an administrator's response reaches
every agent, filled in with their chat's names; an agent keeps responses of their own that nobody else sees
or changes, and may not touch the organization's; every refusal is a 4xx {code, message}."""

from __future__ import annotations

import uuid
from typing import Any

import httpx

from tests.integration.test_video_signaling import _connected
from tests.support.server import ServerProcess

PATH = "/api/v2/canned-responses"


def _call(server: ServerProcess, method: str, token: str, path: str = PATH, **kwargs: Any) -> httpx.Response:
    return httpx.request(method, server.base + path, headers={"authorization": f"Bearer {token}"}, **kwargs)


def _refused(r: httpx.Response, status: int, code: str) -> None:
    assert r.status_code == status, r.text
    body = r.json()
    assert body["code"] == code and isinstance(body["message"], str) and body["message"], body


async def test_an_organization_response_reaches_agents_filled_with_their_chat_s_names(server: ServerProcess) -> None:
    admin = server.login("admin@demo.local", "admin")
    title = f"Greeting {uuid.uuid4().hex[:6]}"
    made = _call(
        server,
        "POST",
        admin,
        json={
            "scope": "organization",
            "title": title,
            "text": "Hi {customer.name}, {agent.name} here. {customer.email}",
        },
    )
    assert made.status_code == 201, made.text
    assert made.json()["scope"] == "organization" and "filled" not in made.json()
    guest, agent, cid = await _connected(server)
    dana = server.login("agent@demo.local", "agent")

    listed = _call(server, "GET", dana, params={"q": title.lower(), "conversationId": cid})
    assert listed.status_code == 200, listed.text
    [found] = listed.json()
    assert (found["id"], found["title"]) == (made.json()["id"], title)
    assert found["filled"] == "Hi Ann, Dana Agent here. {customer.email}"
    assert found["text"] == "Hi {customer.name}, {agent.name} here. {customer.email}"

    sam = server.login("agent2@demo.local", "agent")
    _refused(_call(server, "GET", sam, params={"conversationId": cid}), 403, "not_your_conversation")
    _refused(_call(server, "GET", dana, params={"conversationId": "c_nobody"}), 404, "conversation_not_found")
    _refused(_call(server, "GET", dana, params={"q": "x" * 101}), 400, "invalid_input")

    audit = _call(server, "GET", admin, "/api/v2/audit", params={"targetType": "canned_response"}).json()
    assert any(e["action"] == "canned_response.create" and e["targetName"] == title for e in audit["items"])
    await guest.close()
    await agent.close()


def test_an_agent_keeps_their_own_and_may_not_touch_the_organization_s_or_another_s(server: ServerProcess) -> None:
    admin = server.login("admin@demo.local", "admin")
    dana = server.login("agent@demo.local", "agent")
    sam = server.login("agent2@demo.local", "agent")
    shared = _call(server, "POST", admin, json={"scope": "organization", "title": uuid.uuid4().hex, "text": "Shared"})
    assert shared.status_code == 201, shared.text
    shared_path = f"{PATH}/{shared.json()['id']}"

    _refused(
        _call(server, "POST", dana, json={"scope": "organization", "title": "Mine", "text": "x"}),
        403,
        "permission_denied",
    )
    _refused(_call(server, "PATCH", dana, shared_path, json={"text": "Changed"}), 403, "permission_denied")
    _refused(_call(server, "DELETE", dana, shared_path), 403, "permission_denied")

    own = _call(server, "POST", dana, json={"scope": "personal", "title": f"Mine {uuid.uuid4().hex}", "text": "Own"})
    assert own.status_code == 201 and own.json()["scope"] == "personal", own.text
    own_path = f"{PATH}/{own.json()['id']}"
    assert own.json()["id"] in [r["id"] for r in _call(server, "GET", dana).json()]
    assert own.json()["id"] not in [r["id"] for r in _call(server, "GET", sam).json()]
    assert own.json()["id"] not in [r["id"] for r in _call(server, "GET", admin).json()]
    for method, kwargs in (("PATCH", {"json": {"text": "Sam's now"}}), ("DELETE", {})):
        _refused(_call(server, method, sam, own_path, **kwargs), 404, "canned_response_not_found")
        _refused(_call(server, method, admin, own_path, **kwargs), 404, "canned_response_not_found")

    changed = _call(server, "PATCH", dana, own_path, json={"text": "Own, changed"})
    assert changed.status_code == 200 and changed.json()["text"] == "Own, changed", changed.text
    assert _call(server, "DELETE", dana, own_path).status_code == 204
    _refused(_call(server, "DELETE", dana, own_path), 404, "canned_response_not_found")
    assert _call(server, "DELETE", admin, shared_path).status_code == 204


def test_bodies_that_cannot_be_read_are_refused_saying_why(server: ServerProcess) -> None:
    dana = server.login("agent@demo.local", "agent")
    for body, code in (
        ({"title": "No scope", "text": "x"}, "invalid_input"),
        ({"scope": "team", "title": "Team", "text": "x"}, "invalid_input"),
        ({"scope": "personal", "title": "x" * 101, "text": "x"}, "invalid_input"),
        ({"scope": "personal", "title": "Long", "text": "x" * 2001}, "invalid_input"),
        ({"scope": "personal", "title": "Extra", "text": "x", "owner": "someone"}, "invalid_input"),
        ({"scope": "personal", "title": "   ", "text": "x"}, "invalid_title"),
        ({"scope": "personal", "title": "Blank", "text": " \n "}, "invalid_text"),
    ):
        _refused(_call(server, "POST", dana, json=body), 400, code)
    title = f"Twice {uuid.uuid4().hex}"
    assert _call(server, "POST", dana, json={"scope": "personal", "title": title, "text": "x"}).status_code == 201
    _refused(
        _call(server, "POST", dana, json={"scope": "personal", "title": title.upper(), "text": "y"}),
        409,
        "canned_response_exists",
    )
    _refused(_call(server, "PATCH", dana, f"{PATH}/cr_nobody", json={"text": "x"}), 404, "canned_response_not_found")
    _refused(httpx.get(server.base + PATH), 401, "token_missing")
