"""/metrics is not public: 401 JSON without a bearer token; the operator's metrics token reads every
series; a person or API client holding metrics:view reads their own organization's series only; anyone
else gets 403. Label values are ids and fixed words, never text a client typed."""

from __future__ import annotations

import asyncio
import re
import uuid
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor

import httpx
import pytest

from showdesk.adapters.storage import open_store
from showdesk.domain.directory import Organization, User
from showdesk.domain.ids import new_id
from showdesk.services.access import hash_password
from showdesk.services.roles import ensure_built_in_roles
from tests.integration.test_video_recovery import _accepted, _leave
from tests.support.server import METRICS_TOKEN, ServerProcess

OTHER_ORG = "metrics-elsewhere"


@pytest.fixture(scope="module")
def server() -> Iterator[ServerProcess]:
    proc = ServerProcess().start()
    yield proc
    proc.cleanup()


def scrape(server: ServerProcess, token: str | None) -> httpx.Response:
    headers = {"authorization": f"Bearer {token}"} if token is not None else {}
    return httpx.get(f"{server.base}/metrics", headers=headers)


def organizations(text: str) -> set[str]:
    return set(re.findall(r'organization="([^"]*)"', text))


def add_supervisor_elsewhere(database_url: str, email: str, password: str) -> None:
    """A second organization with a Supervisor of its own, written straight into the database."""

    async def add() -> None:
        store = await open_store(database_url)
        try:
            if await store.get_organization(OTHER_ORG) is None:
                await store.save_organization(Organization(OTHER_ORG, "Elsewhere Inc.", "CX 3", ["live-video"], 10))
                await ensure_built_in_roles(store, OTHER_ORG)
            user = User(new_id("u"), OTHER_ORG, email, "Sid Elsewhere", hash_password(password))
            user.roles = ["Supervisor"]
            await store.save_user(user)
        finally:
            await store.close()

    with ThreadPoolExecutor(1) as pool:
        pool.submit(asyncio.run, add()).result()


def test_without_a_token_metrics_answer_401_in_json(server: ServerProcess) -> None:
    for token in (None, "not-a-token", METRICS_TOKEN + "x"):
        refused = scrape(server, token)
        assert refused.status_code == 401, token
        assert refused.json()["code"] in ("token_missing", "token_invalid") and refused.json()["message"]
        assert "showdesk_" not in refused.text
    basic = httpx.get(f"{server.base}/metrics", headers={"authorization": f"Basic {METRICS_TOKEN}"})
    assert basic.status_code == 401


def test_the_metrics_token_reads_every_series(server: ServerProcess) -> None:
    answer = scrape(server, METRICS_TOKEN)
    assert answer.status_code == 200 and answer.headers["content-type"].startswith("text/plain")
    assert "showdesk_interactions_waiting" in answer.text and 'organization="demo"' in answer.text


def test_people_read_only_their_organization_s_series_and_only_with_metrics_view(server: ServerProcess) -> None:
    supervisor = server.login("supervisor@demo.local", "supervisor")
    mine = scrape(server, supervisor)
    assert mine.status_code == 200
    assert organizations(mine.text) == {"demo"}
    assert "showdesk_video_last_hour_sessions" in mine.text
    assert "showdesk_interactions_waiting" not in mine.text  # the node's own figures are the operator's

    agent = scrape(server, server.login())
    assert agent.status_code == 403 and agent.json()["code"] == "permission_denied"
    assert "metrics:view" in agent.json()["message"]

    email = f"sid-{uuid.uuid4().hex[:6]}@elsewhere.test"
    add_supervisor_elsewhere(server.database_url, email, "elsewhere-pass")
    theirs = scrape(server, server.login(email, "elsewhere-pass"))
    assert theirs.status_code == 200 and "demo" not in organizations(theirs.text)
    assert organizations(theirs.text) <= {OTHER_ORG}


def test_an_api_client_with_metrics_view_scrapes(server: ServerProcess) -> None:
    admin = {"authorization": f"Bearer {server.login('admin@demo.local', 'admin')}"}
    role = {"name": f"Scraper {uuid.uuid4().hex[:6]}", "permissions": ["metrics:view"]}
    assert httpx.post(f"{server.base}/api/v2/authorization/roles", headers=admin, json=role).status_code == 201
    client = httpx.post(
        f"{server.base}/api/v2/oauth/clients", headers=admin, json={"name": "prometheus", "roles": [role["name"]]}
    ).json()
    token = httpx.post(
        f"{server.base}/oauth/token",
        data={"grant_type": "client_credentials", "client_id": client["id"], "client_secret": client["secret"]},
    ).json()["access_token"]
    answer = scrape(server, token)
    assert answer.status_code == 200 and organizations(answer.text) == {"demo"}


async def test_labels_carry_no_text_a_client_typed(server: ServerProcess) -> None:
    admin = {"authorization": f"Bearer {server.login('admin@demo.local', 'admin')}"}
    queue_name = f"VIP line of Mrs Smith {uuid.uuid4().hex[:4]}"
    made = httpx.post(f"{server.base}/api/v2/routing/queues", headers=admin, json={"name": queue_name})
    assert made.status_code == 201
    typed_reason = 'card 4111 "}\\n showdesk_fake 1'
    guest, agent, cid, session_id, _, _ = await _accepted(server)
    await agent.send(type="videoStatus", conversationId=cid, sessionId=session_id, state="failed", reason=typed_reason)
    await guest.expect("videoEnd")
    await _leave(guest, agent)

    text = server.metrics()
    assert queue_name not in text and f'queue_id="{made.json()["id"]}"' in text
    assert "4111" not in text and "showdesk_fake" not in text
    assert re.search(r'showdesk_video_last_hour_failures\{organization="demo",reason="other"\} [1-9]', text)
    labels = re.findall(r'(\w+)="([^"]*)"', text)
    typed = {"queue", "name", "text", "displayName"}
    assert not [label for label, _ in labels if label in typed]
