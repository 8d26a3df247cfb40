"""POST /api/v2/auth/password against a real server on every backend: the current password is required
(and a wrong one counts as a failed sign-in), the new one follows the 12-character rule, and a change ends
every earlier token, live sockets included, while the answer's fresh token goes on working."""

from __future__ import annotations

import asyncio
import uuid
from typing import Any

import httpx
import pytest
import websockets

from tests.support.server import ServerProcess
from tests.support.ws_clients import Agent

PASSWORD = "correct-horse-battery"
NEW_PASSWORD = "a-brand-new-staple"
PATH = "/api/v2/auth/password"


def _bearer(token: str) -> dict[str, str]:
    return {"authorization": f"Bearer {token}"}


def _agent(server: ServerProcess) -> str:
    admin = _bearer(server.login("admin@demo.local", "admin"))
    email = f"pw{uuid.uuid4().hex[:10]}@demo.local"
    made = httpx.post(
        f"{server.base}/api/v2/users", headers=admin, json={"email": email, "password": PASSWORD, "roles": ["Agent"]}
    )
    assert made.status_code == 201, made.text
    return email


def _change(client: httpx.Client, token: str, current: str, new: str) -> httpx.Response:
    return client.post(PATH, headers=_bearer(token), json={"currentPassword": current, "newPassword": new})


def _from(server: ServerProcess, address: str) -> httpx.Client:
    """Requests from `address` (any 127.x.y.z reaches the server), so this test's failures are its own."""
    return httpx.Client(base_url=server.base, transport=httpx.HTTPTransport(local_address=address), timeout=10)


async def test_a_password_change_needs_the_current_one_and_ends_every_earlier_token(server: ServerProcess) -> None:
    email = _agent(server)
    first, second = server.login(email, PASSWORD), server.login(email, PASSWORD)
    desktop = await Agent.connect(server.ws_base, second)

    with _from(server, "127.0.0.31") as client:
        wrong = _change(client, first, "not-my-password", NEW_PASSWORD)
        assert wrong.status_code == 400 and wrong.json()["code"] == "wrong_password", wrong.text
        short = _change(client, first, PASSWORD, "short")
        assert short.status_code == 400 and short.json()["code"] == "invalid_password", short.text
        assert "12 characters" in short.json()["message"]
        assert httpx.get(f"{server.base}/api/v2/users/me", headers=_bearer(first)).status_code == 200  # unchanged

        changed = _change(client, first, PASSWORD, NEW_PASSWORD)

    assert changed.status_code == 200, changed.text
    body: dict[str, Any] = changed.json()
    assert body["token_type"] == "bearer" and body["user"]["email"] == email
    fresh = body["access_token"]
    me = httpx.get(f"{server.base}/api/v2/users/me", headers=_bearer(fresh))
    assert me.status_code == 200 and "chat:answer" in me.json()["permissions"]
    for token in (first, second):
        refused = httpx.get(f"{server.base}/api/v2/users/me", headers=_bearer(token))
        assert refused.status_code == 401 and refused.json()["code"] == "token_revoked"
    assert (await desktop.expect("error"))["code"] == "token_revoked"
    with pytest.raises(websockets.ConnectionClosed) as closed:
        await asyncio.wait_for(desktop.ws.recv(), 5)
    assert closed.value.rcvd is not None and closed.value.rcvd.code == 4401
    again = await Agent.connect(server.ws_base, fresh)  # the fresh token opens the desktop again
    await again.close()
    old = httpx.post(f"{server.base}/api/v2/auth/login", json={"email": email, "password": PASSWORD})
    assert old.status_code == 401
    assert server.login(email, NEW_PASSWORD)


def test_wrong_current_passwords_are_slowed_like_sign_ins(server: ServerProcess) -> None:
    email = _agent(server)
    token = server.login(email, PASSWORD)
    with _from(server, "127.0.0.32") as client:
        answers = [_change(client, token, f"guess-{n}", NEW_PASSWORD).status_code for n in range(6)]
        assert answers == [400] * 5 + [429]  # --login-failures-per-account (5) from one address
        right = _change(client, token, PASSWORD, NEW_PASSWORD)
        assert right.status_code == 429 and right.headers["retry-after"]  # the right one waits too
        sign_in = client.post("/api/v2/auth/login", json={"email": email, "password": PASSWORD})
        assert sign_in.status_code == 429  # the same count as sign-ins
    with _from(server, "127.0.0.33") as elsewhere:  # the owner, from another address, is not slowed
        assert _change(elsewhere, token, PASSWORD, NEW_PASSWORD).status_code == 200
