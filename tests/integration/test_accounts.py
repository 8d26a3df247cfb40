"""Accounts and roles under attack, against a real server on every backend: failed sign-ins slowed per
account and address (the owner still signs in from elsewhere, the audit log says so); a password
change, a disable, a lost permission and "sign out everywhere" end every earlier token and close live
sockets; nobody grants a permission they do not hold; passwords of 12 characters or more (demo
accounts excepted, and marked); a new user's email never reveals another organization's users."""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import Callable, Iterator
from typing import Any

import httpx
import pytest
import websockets

from tests.support.backends import POSTGRES_REDIS, unreachable
from tests.support.orgs import add_organization
from tests.support.server import ServerProcess
from tests.support.ws_clients import Agent

PASSWORD = "correct-horse-battery"


@pytest.fixture(scope="module")
def server(backend: str) -> Iterator[ServerProcess]:
    # The default counts (5 failures per account and address, 20 per address) over ten minutes instead of
    # one: a failure is forgotten every 30 s per address then, not every 3 s, so a slow run counts them all.
    proc = ServerProcess("--login-failure-window", "600", backend=backend).start()
    yield proc
    proc.cleanup()


@pytest.fixture(scope="module")
def admin(server: ServerProcess) -> dict[str, str]:
    return _bearer(server.login("admin@demo.local", "admin"))


def _bearer(token: str) -> dict[str, str]:
    return {"authorization": f"Bearer {token}"}


def _from(server: ServerProcess, address: str) -> httpx.Client:
    """A client whose requests come from `address` (any 127.x.y.z reaches the server on loopback)."""
    return httpx.Client(base_url=server.base, transport=httpx.HTTPTransport(local_address=address), timeout=10)


def _login(client: httpx.Client, email: str, password: str) -> httpx.Response:
    return client.post("/api/v2/auth/login", json={"email": email, "password": password})


def _new_user(
    server: ServerProcess, admin: dict[str, str], roles: list[str], password: str = PASSWORD
) -> dict[str, Any]:
    email = f"u{uuid.uuid4().hex[:10]}@demo.local"
    made = httpx.post(
        f"{server.base}/api/v2/users", headers=admin, json={"email": email, "password": password, "roles": roles}
    )
    assert made.status_code == 201, made.text
    return dict(made.json())


def _new_role(server: ServerProcess, admin: dict[str, str], permissions: list[str]) -> dict[str, Any]:
    made = httpx.post(
        f"{server.base}/api/v2/authorization/roles",
        headers=admin,
        json={"name": f"Role {uuid.uuid4().hex[:8]}", "permissions": permissions},
    )
    assert made.status_code == 201, made.text
    return dict(made.json())


def _audit(server: ServerProcess, admin: dict[str, str], target_type: str, action: str) -> list[dict[str, Any]]:
    page = httpx.get(f"{server.base}/api/v2/audit", headers=admin, params={"targetType": target_type, "limit": 200})
    return [e for e in page.json()["items"] if e["action"] == action]


def _throttled(answer: httpx.Response) -> None:
    assert answer.status_code == 429, answer.text
    assert answer.json()["code"] == "rate_limited" and answer.json()["retryAfterMs"] > 0
    assert int(answer.headers["retry-after"]) >= 1


# Failed sign-ins -------------------------------------------------------------------------------------
def test_failed_sign_ins_are_slowed_per_account_and_address_and_the_owner_still_signs_in_elsewhere(
    server: ServerProcess, admin: dict[str, str]
) -> None:
    email = _new_user(server, admin, ["Agent"])["email"]
    with _from(server, "127.0.0.2") as attacker, _from(server, "127.0.0.3") as owner:
        for _ in range(5):
            assert _login(attacker, email, "not-the-password").status_code == 401
        _throttled(_login(attacker, email, "still-not-it"))
        _throttled(_login(attacker, email, PASSWORD))  # throttled is throttled: the password is not even tried
        assert _login(owner, email, PASSWORD).status_code == 200  # the account is not locked
        assert _login(attacker, "agent@demo.local", "agent").status_code == 200  # nor the address, elsewhere

    entries = [e for e in _audit(server, admin, "user", "user.sign_in_throttled") if e["targetName"] == email]
    assert len(entries) == 1  # the first of the run; the second throttled attempt adds nothing
    assert entries[0]["after"]["address"] == "127.0.0.2" and entries[0]["actorName"] == "sign-in from 127.0.0.2"
    assert entries[0]["after"]["rule"] == "login_failures_account"


def test_one_address_failing_on_many_accounts_is_slowed_on_all(server: ServerProcess, admin: dict[str, str]) -> None:
    email = _new_user(server, admin, ["Agent"])["email"]
    with _from(server, "127.0.0.4") as sprayer, _from(server, "127.0.0.5") as owner:
        for n in range(20):
            assert _login(sprayer, f"guess-{n}@demo.local", "Winter2026!").status_code == 401
        _throttled(_login(sprayer, email, PASSWORD))
        assert _login(owner, email, PASSWORD).status_code == 200
    entries = [e for e in _audit(server, admin, "user", "user.sign_in_throttled") if e["targetName"] == email]
    assert [e["after"]["rule"] for e in entries] == ["login_failures_address"]


def test_client_credentials_are_slowed_the_same_way(server: ServerProcess, admin: dict[str, str]) -> None:
    made = httpx.post(f"{server.base}/api/v2/oauth/clients", headers=admin, json={"name": f"ci {uuid.uuid4().hex[:6]}"})
    client_id, secret = made.json()["id"], made.json()["secret"]

    def exchange(client: httpx.Client, given: str) -> httpx.Response:
        body = {"grant_type": "client_credentials", "client_id": client_id, "client_secret": given}
        return client.post("/oauth/token", data=body)

    with _from(server, "127.0.0.6") as attacker, _from(server, "127.0.0.7") as owner:
        for _ in range(5):
            assert exchange(attacker, "guess").json()["code"] == "invalid_client"
        _throttled(exchange(attacker, secret))
        assert exchange(owner, secret).status_code == 200
    entries = [
        e for e in _audit(server, admin, "api_client", "api_client.sign_in_throttled") if e["targetId"] == client_id
    ]
    assert len(entries) == 1 and entries[0]["after"]["address"] == "127.0.0.6"


# Ending every earlier token ----------------------------------------------------------------------------
async def _closed_with(agent: Agent, code: str) -> None:
    """The socket says why in an error frame, then closes with 4401."""
    assert (await agent.expect("error"))["code"] == code
    with pytest.raises(websockets.ConnectionClosed) as closed:
        await asyncio.wait_for(agent.ws.recv(), 5)
    assert closed.value.rcvd is not None and closed.value.rcvd.code == 4401


def _sign_out_actions(server: ServerProcess, admin: dict[str, str]) -> dict[str, Callable[[dict[str, Any], str], Any]]:
    base = server.base

    def user_path(user: dict[str, Any]) -> str:
        return f"{base}/api/v2/users/{user['id']}"

    return {
        "password change": lambda u, _: httpx.patch(
            user_path(u), headers=admin, json={"password": "a-brand-new-password"}
        ),
        "disable": lambda u, _: httpx.patch(user_path(u), headers=admin, json={"active": False}),
        # Agent to Chat Agent: video permissions lost, chat:answer kept (the socket closes for the token)
        "roles lose a permission": lambda u, _: httpx.put(
            f"{user_path(u)}/roles", headers=admin, json={"roles": ["Chat Agent"]}
        ),
        "role loses a permission": lambda u, _: httpx.patch(
            f"{base}/api/v2/authorization/roles/{u['role']['id']}", headers=admin, json={"permissions": ["chat:answer"]}
        ),
        "sign out everywhere": lambda _, token: httpx.post(f"{base}/api/v2/auth/logout-all", headers=_bearer(token)),
        "signed out by an admin": lambda u, _: httpx.post(f"{user_path(u)}/logout", headers=admin),
    }


@pytest.mark.parametrize(
    "action",
    [
        "password change",
        "disable",
        "roles lose a permission",
        "role loses a permission",
        "sign out everywhere",
        "signed out by an admin",
    ],
)
async def test_each_action_ends_every_earlier_token_and_closes_live_sockets(
    server: ServerProcess, admin: dict[str, str], action: str
) -> None:
    role = _new_role(server, admin, ["chat:answer", "video:answer"])
    user = _new_user(server, admin, ["Agent"] if action == "roles lose a permission" else [role["name"]])
    user["role"] = role
    first, second = server.login(user["email"], PASSWORD), server.login(user["email"], PASSWORD)
    desktops = [await Agent.connect(server.ws_base, first), await Agent.connect(server.ws_base, second)]

    done = _sign_out_actions(server, admin)[action](user, first)
    assert done.is_success, done.text

    code = "account_disabled" if action == "disable" else "token_revoked"
    for desktop in desktops:
        await _closed_with(desktop, code)
    for token in (first, second):
        refused = httpx.get(f"{server.base}/api/v2/users/me", headers=_bearer(token))
        assert refused.status_code == 401 and refused.json()["code"] == code
    if action == "disable":  # enabled again, the account does not bring the old tokens back
        enabled = httpx.patch(f"{server.base}/api/v2/users/{user['id']}", headers=admin, json={"active": True})
        assert enabled.is_success
        for token in (first, second):
            refused = httpx.get(f"{server.base}/api/v2/users/me", headers=_bearer(token))
            assert refused.status_code == 401 and refused.json()["code"] == "token_revoked"
    password = "a-brand-new-password" if action == "password change" else PASSWORD
    fresh = server.login(user["email"], password)  # signing in again works
    assert httpx.get(f"{server.base}/api/v2/users/me", headers=_bearer(fresh)).status_code == 200


async def test_a_change_that_takes_nothing_away_keeps_the_sign_in(server: ServerProcess, admin: dict[str, str]) -> None:
    user = _new_user(server, admin, ["Chat Agent"])
    token = server.login(user["email"], PASSWORD)
    agent = await Agent.connect(server.ws_base, token)
    changes = [
        httpx.patch(f"{server.base}/api/v2/users/{user['id']}", headers=admin, json={"chatCapacity": 2}),
        httpx.put(f"{server.base}/api/v2/users/{user['id']}/roles", headers=admin, json={"roles": ["Agent"]}),
    ]
    assert all(c.status_code == 200 for c in changes)
    assert httpx.get(f"{server.base}/api/v2/users/me", headers=_bearer(token)).status_code == 200
    await agent.send(type="ping")
    assert (await agent.expect("pong"))["type"] == "pong"
    await agent.close()


def test_an_api_client_ends_its_tokens_by_rotating_its_secret(server: ServerProcess, admin: dict[str, str]) -> None:
    made = httpx.post(f"{server.base}/api/v2/oauth/clients", headers=admin, json={"name": f"ci {uuid.uuid4().hex[:6]}"})
    body = {"grant_type": "client_credentials", "client_id": made.json()["id"], "client_secret": made.json()["secret"]}
    token = httpx.post(f"{server.base}/oauth/token", data=body).json()["access_token"]
    answer = httpx.post(f"{server.base}/api/v2/auth/logout-all", headers=_bearer(token))
    assert answer.status_code == 409 and "rotat" in answer.json()["message"]


@pytest.fixture(scope="module")
def short_lived(backend: str) -> Iterator[ServerProcess]:
    proc = ServerProcess("--agent-token-ttl", "3", backend=backend).start()
    yield proc
    proc.cleanup()


async def test_a_live_agent_socket_closes_when_its_token_expires(short_lived: ServerProcess) -> None:
    agent = await Agent.connect(short_lived.ws_base, short_lived.login())
    await agent.send(type="ping")
    await agent.expect("pong")  # open and answering until the token's end
    expired = await agent.expect("error", timeout=8)
    assert expired["code"] == "token_expired" and "expired" in expired["message"]
    with pytest.raises(websockets.ConnectionClosed) as closed:
        await asyncio.wait_for(agent.ws.recv(), 5)
    assert closed.value.rcvd is not None and closed.value.rcvd.code == 4401
    assert closed.value.rcvd.reason == "token_expired"


# Nobody grants what they do not hold ---------------------------------------------------------------------
def _actor(server: ServerProcess, admin: dict[str, str], permission: str) -> dict[str, str]:
    """A signed-in user whose one role holds `permission` and nothing else."""
    role = _new_role(server, admin, [permission])
    return _bearer(server.login(_new_user(server, admin, [role["name"]])["email"], PASSWORD))


def _escalation(answer: httpx.Response, *lacking: str) -> None:
    assert answer.status_code == 403, answer.text
    assert answer.json()["code"] == "permission_escalation"
    for permission in lacking:
        assert permission in answer.json()["message"]


def test_a_user_editor_grants_only_what_they_hold(server: ServerProcess, admin: dict[str, str]) -> None:
    editor = _actor(server, admin, "directory:user:edit")
    own_level = _new_role(server, admin, ["directory:user:edit"])["name"]
    users = f"{server.base}/api/v2/users"

    body = {"email": f"n{uuid.uuid4().hex[:8]}@demo.local", "password": PASSWORD, "roles": ["Agent"]}
    _escalation(httpx.post(users, headers=editor, json=body), "chat:answer", "video:answer", "video:hold")
    made = httpx.post(users, headers=editor, json={**body, "roles": [own_level]})
    assert made.status_code == 201, made.text
    _escalation(
        httpx.put(f"{users}/{made.json()['id']}/roles", headers=editor, json={"roles": ["Administrator"]}),
        "audit:view",
    )
    # Setting a password is signing in as that person: not over someone holding more.
    admin_id = httpx.get(f"{users}/me", headers=admin).json()["id"]
    _escalation(
        httpx.patch(f"{users}/{admin_id}", headers=editor, json={"password": "take-over-the-admin"}), "audit:view"
    )
    assert httpx.patch(
        f"{users}/{made.json()['id']}", headers=editor, json={"password": "their-new-password"}
    ).is_success
    assert httpx.put(f"{users}/{made.json()['id']}/roles", headers=editor, json={"roles": []}).is_success


def test_a_role_editor_grants_only_what_they_hold(server: ServerProcess, admin: dict[str, str]) -> None:
    editor = _actor(server, admin, "authorization:role:edit")
    roles = f"{server.base}/api/v2/authorization/roles"

    _escalation(
        httpx.post(roles, headers=editor, json={"name": "Auditor", "permissions": ["audit:view"]}), "audit:view"
    )
    made = httpx.post(
        roles,
        headers=editor,
        json={"name": f"Keeper {uuid.uuid4().hex[:6]}", "permissions": ["authorization:role:edit"]},
    )
    assert made.status_code == 201, made.text
    grow = {"permissions": ["authorization:role:edit", "billing:license:edit"]}
    _escalation(httpx.patch(f"{roles}/{made.json()['id']}", headers=editor, json=grow), "billing:license:edit")
    # Taking away what they do not hold is no grant.
    held_by_admin = _new_role(server, admin, ["audit:view", "authorization:role:edit"])
    assert httpx.patch(
        f"{roles}/{held_by_admin['id']}", headers=editor, json={"permissions": ["authorization:role:edit"]}
    ).is_success
    assert httpx.patch(f"{roles}/{made.json()['id']}", headers=editor, json={"permissions": []}).is_success


def test_a_client_editor_grants_only_what_they_hold(server: ServerProcess, admin: dict[str, str]) -> None:
    editor = _actor(server, admin, "security:oauthclient:edit")
    own_level = _new_role(server, admin, ["security:oauthclient:edit"])["name"]
    clients = f"{server.base}/api/v2/oauth/clients"

    _escalation(
        httpx.post(clients, headers=editor, json={"name": f"ci {uuid.uuid4().hex[:6]}", "roles": ["Architect"]}),
        "architect:flow:view",
        "engagement:chat:edit",
    )
    made = httpx.post(clients, headers=editor, json={"name": f"ci {uuid.uuid4().hex[:6]}", "roles": [own_level]})
    assert made.status_code == 201, made.text
    _escalation(
        httpx.patch(f"{clients}/{made.json()['id']}", headers=editor, json={"roles": ["Administrator"]}), "audit:view"
    )
    assert httpx.post(f"{clients}/{made.json()['id']}/secret", headers=editor).is_success
    # A new secret is the client's power in hand: not for a client holding more than the editor.
    architect = httpx.post(clients, headers=admin, json={"name": f"ci {uuid.uuid4().hex[:6]}", "roles": ["Architect"]})
    _escalation(httpx.post(f"{clients}/{architect.json()['id']}/secret", headers=editor), "telephony:video:edit")


# Passwords and emails -------------------------------------------------------------------------------------
def test_new_and_changed_passwords_need_twelve_characters_and_demo_accounts_are_marked(
    server: ServerProcess, admin: dict[str, str]
) -> None:
    users = f"{server.base}/api/v2/users"
    email = f"p{uuid.uuid4().hex[:8]}@demo.local"
    short = httpx.post(users, headers=admin, json={"email": email, "password": "eleven-char"})
    assert short.status_code == 400 and short.json()["code"] == "invalid_password"
    assert "at least 12 characters" in short.json()["message"]
    made = httpx.post(users, headers=admin, json={"email": email, "password": "twelve-chars"})
    assert made.status_code == 201, made.text
    changed = httpx.patch(f"{users}/{made.json()['id']}", headers=admin, json={"password": "architect"})
    assert changed.status_code == 400 and "at least 12 characters" in changed.json()["message"]

    listed = {u["email"]: u["demo"] for u in httpx.get(users, headers=admin).json()}
    demo = {
        "admin@demo.local",
        "architect@demo.local",
        "agent@demo.local",
        "agent2@demo.local",
        "supervisor@demo.local",
    }
    assert {e for e, is_demo in listed.items() if is_demo} == demo
    # A demo account may be given back its documented password, and no other short one.
    architect = next(u for u in httpx.get(users, headers=admin).json() if u["email"] == "architect@demo.local")
    assert httpx.patch(f"{users}/{architect['id']}", headers=admin, json={"password": "architect"}).is_success
    assert httpx.patch(f"{users}/{architect['id']}", headers=admin, json={"password": "agent"}).status_code == 400
    assert server.login("architect@demo.local", "architect")


def test_a_taken_email_reveals_nothing_about_another_organization(server: ServerProcess, admin: dict[str, str]) -> None:
    add_organization(server.database_url, "rival-co", "eve@rival-co.test", "rival-password-1")
    users = f"{server.base}/api/v2/users"

    elsewhere = httpx.post(users, headers=admin, json={"email": "eve@rival-co.test", "password": PASSWORD})
    here = httpx.post(users, headers=admin, json={"email": "agent2@demo.local", "password": PASSWORD})

    assert elsewhere.status_code == here.status_code == 409
    assert elsewhere.json()["code"] == here.json()["code"] == "email_unavailable"
    # One answer for both, the address aside: nothing says where the address is in use.
    assert elsewhere.json()["message"].replace("eve@rival-co.test", "X") == here.json()["message"].replace(
        "agent2@demo.local", "X"
    )
    assert "rival" not in elsewhere.json()["message"].replace("eve@rival-co.test", "")


# Across nodes ---------------------------------------------------------------------------------------------
@pytest.fixture
def two_nodes() -> Iterator[tuple[ServerProcess, ServerProcess]]:
    reason = unreachable(POSTGRES_REDIS)
    if reason:
        pytest.skip(reason)
    window = ("--login-failure-window", "600")  # as `server`: no failure forgotten during the test
    first = ServerProcess(*window, backend=POSTGRES_REDIS).start()
    second = ServerProcess(*window, database_url=first.database_url, backend=POSTGRES_REDIS).start()
    yield first, second
    second.cleanup()
    first.cleanup()


@pytest.mark.postgres
@pytest.mark.redis
async def test_failures_and_sign_outs_count_on_every_node(two_nodes: tuple[ServerProcess, ServerProcess]) -> None:
    a, b = two_nodes
    admin = _bearer(a.login("admin@demo.local", "admin"))
    user = _new_user(a, admin, ["Agent"])
    with _from(a, "127.0.0.8") as on_a, _from(b, "127.0.0.8") as on_b:
        for client in (on_a, on_b, on_a, on_b, on_a):
            assert _login(client, user["email"], "wrong-password").status_code == 401
        _throttled(_login(on_b, user["email"], PASSWORD))  # five failures, on two nodes: the sixth waits

    token = a.login(user["email"], PASSWORD)
    on_node_b = await Agent.connect(b.ws_base, token)
    assert httpx.post(f"{a.base}/api/v2/auth/logout-all", headers=_bearer(token)).status_code == 204
    await _closed_with(on_node_b, "token_revoked")
    assert httpx.get(f"{b.base}/api/v2/users/me", headers=_bearer(token)).status_code == 401
