"""Which address a server saw a client's requests come from, read from its audit log: a new account's
second failed sign-in from that client is throttled and audited with the address (the server runs with
`--login-failures-per-account 1`)."""

from __future__ import annotations

import uuid

import httpx

THROTTLE_FLAGS = ("--login-failures-per-account", "1", "--login-failure-window", "600")


def address_seen(client: httpx.Client, staff: httpx.Client, headers: dict[str, str] | None = None) -> str:
    """The address the server records for `client` (sending `headers`); `staff` signs in as an administrator."""
    email = f"seen-{uuid.uuid4().hex[:10]}@demo.local"
    made = staff.post("/api/v2/users", json={"email": email, "password": "correct-horse-battery", "roles": ["Agent"]})
    assert made.status_code == 201, made.text
    attempt = {"email": email, "password": "not-the-password"}
    assert client.post("/api/v2/auth/login", json=attempt, headers=headers).status_code == 401
    throttled = client.post("/api/v2/auth/login", json=attempt, headers=headers)
    assert throttled.status_code == 429, throttled.text
    page = staff.get("/api/v2/audit", params={"targetType": "user", "limit": 200}).json()["items"]
    [entry] = [e for e in page if e["action"] == "user.sign_in_throttled" and e["targetName"] == email]
    return str(entry["after"]["address"])


def staff_client(base: str, token: str, **options: object) -> httpx.Client:
    return httpx.Client(base_url=base, headers={"authorization": f"Bearer {token}"}, timeout=10, **options)  # type: ignore[arg-type]
