"""The administration API as an administrator and an architect use it: each change takes effect,
each unsafe change is refused in words, and the audit log tells who changed what."""

from __future__ import annotations

import contextlib
import json
import uuid
from typing import Any

import httpx
import pytest
import websockets

from tests.support.server import ServerProcess
from tests.support.ws_clients import Agent, Guest


@pytest.fixture(scope="module")
def server(backend: str):
    proc = ServerProcess(backend=backend).start()
    yield proc
    proc.cleanup()


class Api:
    def __init__(self, server: ServerProcess, email: str, password: str) -> None:
        self.base = server.base + "/api/v2"
        self.headers = {"Authorization": f"Bearer {server.login(email, password)}"}

    def __call__(self, method: str, path: str, status: int, body: Any = None, **kw: Any) -> Any:
        headers = {**self.headers, **kw.pop("headers", {})}
        if isinstance(body, str):
            kw["content"] = body
        elif body is not None:
            kw["json"] = body
        r = httpx.request(method, self.base + path, headers=headers, **kw)
        assert r.status_code == status, f"{method} {path}: {r.status_code} {r.text}"
        return r.json() if r.content else None


@pytest.fixture(scope="module")
def admin(server: ServerProcess) -> Api:
    return Api(server, "admin@demo.local", "admin")


@pytest.fixture(scope="module")
def architect(server: ServerProcess) -> Api:
    return Api(server, "architect@demo.local", "architect")


def name(prefix: str) -> str:
    return f"{prefix}-{uuid.uuid4().hex[:6]}"


JSON = {"content-type": "application/json"}


def test_a_user_gets_video_settings_and_a_disabled_user_is_signed_out(server: ServerProcess, admin: Api) -> None:
    email = f"{name('tech')}@demo.local"
    body = {"email": email, "password": "correct-horse-1", "roles": ["Agent"], "skills": ["video-troubleshooting"]}
    user = admin("POST", "/users", 201, {**body, "videoEnabled": True, "defaultCamera": "environment"})
    assert (user["videoEnabled"], user["defaultCamera"], user["skills"]) == (
        True,
        "environment",
        ["video-troubleshooting"],
    )
    own = Api(server, email, "correct-horse-1")
    assert own("GET", "/users/me", 200)["permissions"] == ["chat:answer", "video:answer", "video:hold"]
    changed = admin("PATCH", f"/users/{user['id']}", 200, {"defaultMicrophone": "Headset", "active": False})
    assert changed["defaultMicrophone"] == "Headset" and changed["active"] is False
    assert own("GET", "/users/me", 401)["code"] == "account_disabled"
    me = admin("GET", "/users/me", 200)
    assert admin("PATCH", f"/users/{me['id']}", 409, {"active": False})["code"] == "cannot_disable_self"
    assert admin("PATCH", f"/users/{user['id']}", 400, {"roles": ["Wizard"]})["code"] == "unknown_role"
    assert admin("PATCH", f"/users/{user['id']}", 400, {"defaultCamera": "left"})["code"] == "invalid_input"


def test_a_field_the_api_does_not_know_or_a_value_out_of_range_is_refused_by_name(admin: Api) -> None:
    me = admin("GET", "/users/me", 200)
    for method, path, body in [
        ("POST", "/users", {"email": f"{name('x')}@demo.local", "password": "correct-horse-1", "nickname": "X"}),
        ("PATCH", f"/users/{me['id']}", {"nickname": "X"}),
        ("POST", "/authorization/roles", {"name": name("Role"), "nickname": "X"}),
        ("POST", "/routing/queues", {"name": name("Queue"), "nickname": "X"}),
        ("POST", "/webchat/deployments", {"name": name("Site"), "nickname": "X"}),
        ("PATCH", "/webchat/deployments/demo-webchat", {"videoQuality": {"nickname": "X"}}),
        ("POST", "/oauth/clients", {"name": name("Client"), "nickname": "X"}),
        ("POST", "/telephony/turn-servers", {"name": name("Turn"), "urls": ["turn:t.example:3478"], "nickname": "X"}),
        ("PUT", "/organization/license", {"nickname": "X"}),
    ]:
        refused = admin(method, path, 400, body)
        assert refused["code"] == "invalid_input" and "nickname" in refused["message"], (path, refused)
    for capacity in (0, 21):
        refused = admin("PATCH", f"/users/{me['id']}", 400, {"chatCapacity": capacity})
        assert refused["code"] == "invalid_input" and refused["message"].startswith("chatCapacity: ")
    assert admin("GET", "/users/me", 200)["chatCapacity"] == me["chatCapacity"]


def test_queues_that_published_flows_route_video_to_are_protected(admin: Api) -> None:
    queues = {q["name"]: q for q in admin("GET", "/routing/queues", 200)}
    video = queues["Video Troubleshooting"]
    refused = admin("PATCH", f"/routing/queues/{video['id']}", 409, {"channels": ["chat"]})
    assert refused["code"] == "queue_in_use" and "Product Support" in refused["message"]
    assert admin("PATCH", f"/routing/queues/{video['id']}", 409, {"name": "Renamed"})["code"] == "queue_in_use"
    assert admin("DELETE", f"/routing/queues/{video['id']}", 409)["code"] == "queue_in_use"
    assert admin("PATCH", f"/routing/queues/{video['id']}", 400, {"channels": ["video"]})["code"] == "invalid_channel"
    fresh = admin("POST", "/routing/queues", 201, {"name": name("Spare"), "channels": ["chat"]})
    change = {"channels": ["chat", "video"], "members": ["agent@demo.local"]}
    updated = admin("PATCH", f"/routing/queues/{fresh['id']}", 200, change)
    assert updated["channels"] == ["chat", "video"] and len(updated["members"]) == 1
    admin("DELETE", f"/routing/queues/{fresh['id']}", 204)
    assert admin("GET", f"/routing/queues/{fresh['id']}", 404)["code"] == "queue_not_found"
    log = admin("GET", "/audit", 200, params={"targetType": "queue", "limit": 3})["items"]
    assert [e["action"] for e in log] == ["queue.delete", "queue.update", "queue.create"]
    assert log[1]["before"]["channels"] == ["chat"] and log[1]["after"]["channels"] == ["chat", "video"]
    assert log[1]["actorName"] == "Alex Admin" and log[0]["after"] is None


def test_a_skill_a_queue_requires_cannot_be_deleted_and_a_deleted_skill_leaves_its_agents(admin: Api) -> None:
    skills = {s["name"]: s for s in admin("GET", "/routing/skills", 200)}
    assert admin("DELETE", f"/routing/skills/{skills['video-troubleshooting']['id']}", 409)["code"] == "skill_in_use"
    skill = admin("POST", "/routing/skills", 201, {"name": name("descaling")})
    body = {"email": f"{name('s')}@demo.local", "password": "correct-horse-1", "skills": [skill["name"]]}
    user = admin("POST", "/users", 201, body)
    admin("DELETE", f"/routing/skills/{skill['id']}", 204)
    assert admin("GET", f"/users/{user['id']}", 200)["skills"] == []


def test_built_in_roles_are_fixed_and_custom_roles_follow_the_rules(admin: Api) -> None:
    roles = {r["name"]: r for r in admin("GET", "/authorization/roles", 200)}
    assert roles["Agent"]["builtIn"]
    assert set(roles["Agent"]["permissions"]) == {"video:answer", "video:hold", "chat:answer"}
    assert set(roles["Architect"]["permissions"]) >= {"telephony:video:edit", "engagement:chat:edit"}
    assert set(roles["Administrator"]["permissions"]) >= {"telephony:trunk:edit", "security:oauthclient:edit"}
    agent_role = f"/authorization/roles/{roles['Agent']['id']}"
    assert admin("PATCH", agent_role, 409, {"permissions": []})["code"] == "built_in_role"
    assert admin("DELETE", agent_role, 409)["code"] == "built_in_role"
    bad = admin("POST", "/authorization/roles", 400, {"name": "X", "permissions": ["video:teleport"]})
    assert bad["code"] == "unknown_permission" and "video:teleport" in bad["message"]
    role = admin("POST", "/authorization/roles", 201, {"name": name("Night"), "permissions": ["chat:answer"]})
    body = {"email": f"{name('n')}@demo.local", "password": "correct-horse-1", "roles": [role["name"]]}
    holder = admin("POST", "/users", 201, body)
    assert admin("DELETE", f"/authorization/roles/{role['id']}", 409)["code"] == "role_in_use"
    admin("PUT", f"/users/{holder['id']}/roles", 200, {"roles": []})
    admin("DELETE", f"/authorization/roles/{role['id']}", 204)
    catalogue = {p["name"] for p in admin("GET", "/authorization/permissions", 200)}
    assert {"video:answer", "video:hold", "chat:answer", "telephony:video:edit"} <= catalogue


VIDEO_BLOCK = {
    "type": "startVideo",
    "mode": "one-way",
    "audioSource": "microphone",
    "success": "route",
    "failure": "route",
}
VIDEO_FLOW = {
    "type": "webchat",
    "start": "video",
    "blocks": {"video": VIDEO_BLOCK, "route": {"type": "queue", "queue": "Video Troubleshooting"}},
}


async def test_a_deployment_bound_to_a_published_flow_lets_its_site_chat(
    server: ServerProcess, admin: Api, architect: Api
) -> None:
    path_origin = {"name": "X", "allowedOrigins": ["https://shop.test/path"]}
    assert admin("POST", "/webchat/deployments", 400, path_origin)["code"] == "invalid_input"
    site = {"name": name("Shop"), "allowedOrigins": ["https://Shop.Example.com:443"]}
    site = admin("POST", "/webchat/deployments", 201, site)
    assert site["allowedOrigins"] == ["https://shop.example.com"] and site["flowId"] is None
    assert f"deploymentId: '{site['id']}'" in site["snippet"] and f"{server.base}/sdk/webchat.js" in site["snippet"]
    widget = site["widgetSnippet"]  # the ready-made widget, shown first in the console
    assert f'<script src="{server.base}/sdk/widget.js"' in widget and f'data-deployment="{site["id"]}"' in widget
    draft = architect("POST", "/flows", 201, json.dumps({**VIDEO_FLOW, "name": name("Mic flow")}), headers=JSON)
    bind = f"/webchat/deployments/{site['id']}"
    assert admin("PATCH", bind, 422, {"flowId": draft["id"]})["code"] == "flow_not_published"
    architect("POST", f"/flows/{draft['id']}/publish", 200)
    assert admin("PATCH", bind, 200, {"flowId": draft["id"]})["flowName"] == draft["name"]
    guest = await Guest.connect(server.ws_base, "https://shop.example.com", deployment=site["id"])
    started = await guest.start("Kim")
    await guest.close()
    conversation = admin("GET", f"/conversations/{started['conversationId']}", 200)
    assert conversation["video"]["audioSource"] == "microphone"  # the bound flow's Start Video block
    assert architect("DELETE", f"/flows/{draft['id']}", 409)["code"] == "flow_in_use"
    admin("PATCH", bind, 200, {"active": False})
    refused = await Guest.connect(server.ws_base, "https://shop.example.com", deployment=site["id"])
    with contextlib.suppress(websockets.ConnectionClosed):  # the node may refuse the socket before this arrives
        await refused.send(type="start", displayName="Kim")
    try:
        code = (await refused.expect("error"))["code"]
    except websockets.ConnectionClosed:
        code = refused.ws.close_reason  # the close frame says it too: 4403 deployment_not_found
    assert code == "deployment_not_found"
    await refused.close()


def test_flows_keep_versions_and_any_version_can_be_published(architect: Api) -> None:
    flow_name = name("Versioned")
    first = architect("POST", "/flows", 201, json.dumps({**VIDEO_FLOW, "name": flow_name}), headers=JSON)
    two_way = {
        **VIDEO_FLOW,
        "name": flow_name,
        "blocks": {**VIDEO_FLOW["blocks"], "video": {**VIDEO_BLOCK, "mode": "two-way"}},
    }
    second = architect("POST", "/flows", 201, json.dumps(two_way), headers=JSON)
    assert (first["id"], first["version"], second["version"]) == (second["id"], 1, 2)
    assert any(p["severity"] == "warning" and p["block"] == "video" for p in second["problems"])
    published = architect("POST", f"/flows/{first['id']}/publish", 200, params={"version": 1})
    assert published["publishedVersion"] == 1
    assert published["publishedDefinition"]["blocks"]["video"]["mode"] == "one-way"
    versions = architect("GET", f"/flows/{first['id']}/versions", 200)
    made = [(v["version"], v["published"], v["createdBy"]) for v in versions]
    assert made == [(1, True, "Ari Architect"), (2, False, "Ari Architect")]
    missing = architect("POST", f"/flows/{first['id']}/publish", 404, params={"version": 9})
    assert missing["code"] == "flow_version_not_found"


def test_live_validation_reports_problems_without_saving(architect: Api) -> None:
    text = "name: Draft\ntype: webchat\nstart: a\nblocks:\n  a: {type: queue, queue: Nope}\n"
    checked = architect("POST", "/flows/validate", 200, text)
    assert checked["valid"] is False and checked["definition"]["start"] == "a"
    assert checked["problems"] == [{"severity": "error", "block": "a", "message": "queue 'Nope' does not exist"}]
    broken = architect("POST", "/flows/validate", 200, "name: [")
    assert broken["valid"] is False and broken["problems"][0]["block"] == "flow"
    assert "Draft" not in {f["name"] for f in architect("GET", "/flows", 200)}


def test_an_api_client_secret_is_shown_once_and_rotation_ends_the_old_one(server: ServerProcess, admin: Api) -> None:
    made = admin("POST", "/oauth/clients", 201, {"name": name("ci"), "roles": ["Architect"]})
    assert all("secret" not in c for c in admin("GET", "/oauth/clients", 200))

    def token(secret: str, status: int = 200) -> dict[str, Any]:
        form = {"grant_type": "client_credentials", "client_id": made["id"], "client_secret": secret}
        r = httpx.post(f"{server.base}/oauth/token", data=form)
        assert r.status_code == status, r.text
        return dict(r.json())

    first = token(made["secret"])["access_token"]
    assert httpx.get(f"{server.base}/api/v2/flows", headers={"Authorization": f"Bearer {first}"}).status_code == 200
    assert token("wrong", 401)["code"] == "invalid_client"
    rotated = admin("POST", f"/oauth/clients/{made['id']}/secret", 200)
    assert rotated["secret"] != made["secret"]
    old = httpx.get(f"{server.base}/api/v2/flows", headers={"Authorization": f"Bearer {first}"})
    assert old.status_code == 401 and old.json()["code"] == "token_revoked"
    assert token(made["secret"], 401)["code"] == "invalid_client"
    token(rotated["secret"])
    admin("PATCH", f"/oauth/clients/{made['id']}", 200, {"active": False})
    assert token(rotated["secret"], 401)["code"] == "invalid_client"
    log = admin("GET", "/audit", 200, params={"targetType": "api_client"})["items"]
    assert made["secret"] not in json.dumps(log) and rotated["secret"] not in json.dumps(log)
    assert "api_client.rotate_secret" in [e["action"] for e in log]


def test_turn_servers_keep_their_secrets_to_themselves(admin: Api) -> None:
    short = {"name": "T", "urls": ["turn:turn.example.com:3478"], "secret": "short"}
    assert admin("POST", "/telephony/turn-servers", 400, short)["code"] == "invalid_secret"
    bad_url = {"name": "T", "urls": ["http://turn.example.com"], "secret": "s" * 20}
    assert admin("POST", "/telephony/turn-servers", 400, bad_url)["code"] == "invalid_url"
    static = {"name": "T", "urls": ["turns:turn.example.com:443?transport=tcp"], "authentication": "static"}
    assert admin("POST", "/telephony/turn-servers", 400, static)["code"] == "invalid_secret"
    secret = "coturn-shared-secret-" + uuid.uuid4().hex
    body = {"name": name("edge"), "urls": ["turn:turn.example.com:3478?transport=udp"], "secret": secret}
    made = admin("POST", "/telephony/turn-servers", 201, body)
    assert made["secretSet"] is True and secret not in json.dumps(made)
    change = {"urls": ["turn:turn2.example.com:3478"]}
    kept = admin("PATCH", f"/telephony/turn-servers/{made['id']}", 200, change)
    assert kept["secretSet"] is True and kept["urls"] == ["turn:turn2.example.com:3478"]
    log = admin("GET", "/audit", 200, params={"targetType": "turn_server"})["items"]
    assert secret not in json.dumps(log) and log[0]["after"]["secret"] == "set"


async def test_the_licence_governs_video_at_once(server: ServerProcess, admin: Api) -> None:
    assert admin("PUT", "/organization/license", 400, {"tier": "CX 4"})["code"] == "invalid_input"
    assert admin("PUT", "/organization/license", 400, {"videoConcurrencyLimit": -1})["code"] == "invalid_input"
    off = admin("PUT", "/organization/license", 200, {"liveVideo": False, "tier": "CX 1"})
    assert (off["liveVideo"], off["tier"], off["videoConcurrencyLimit"]) == (False, "CX 1", 10)
    try:
        agent = await Agent.connect(server.ws_base, server.login("agent2@demo.local", "agent"))
        await agent.on_queue()
        guest = await Guest.connect(server.ws_base, server.base)
        await guest.start("Lee")
        conversation_id = await agent.take_next()
        await agent.send(type="videoRequest", conversationId=conversation_id)
        assert (await agent.expect("error"))["code"] == "video_not_allowed"
        await guest.send(type="end")
        await agent.send(type="presence", status="off_queue")
        await agent.close()
        await guest.close()
    finally:
        admin("PUT", "/organization/license", 200, {"liveVideo": True, "tier": "CX 3"})
    log = admin("GET", "/audit", 200, params={"targetType": "license", "limit": 2})["items"]
    assert log[1]["before"]["features"] == ["live-video"] and log[1]["after"]["features"] == []


def test_the_audit_log_pages_back_in_time(admin: Api) -> None:
    first = admin("GET", "/audit", 200, params={"limit": 2})
    assert len(first["items"]) == 2 and first["next"] == first["items"][-1]["id"]
    second = admin("GET", "/audit", 200, params={"limit": 2, "before": first["next"]})
    assert second["items"][0]["id"] < first["items"][-1]["id"]
    assert admin("GET", "/audit", 400, params={"limit": 0})["code"] == "invalid_input"


async def test_queue_membership_changes_route_at_once(server: ServerProcess, admin: Api) -> None:
    queues = {q["name"]: q for q in admin("GET", "/routing/queues", 200)}
    video = queues["Video Troubleshooting"]
    sam = await Agent.connect(server.ws_base, server.login("agent2@demo.local", "agent"))
    sam_id = sam.ready["agent"]["id"]
    admin("PATCH", f"/routing/queues/{video['id']}", 200, {"members": [m for m in video["members"] if m != sam_id]})
    try:
        await sam.on_queue()
        guest = await Guest.connect(server.ws_base, server.base)
        await guest.start("Ola")
        await guest.expect("routing", state="no_agent_available")
        # Sam joins the queue: the waiting chat is offered without anyone doing anything else.
        admin("PATCH", f"/routing/queues/{video['id']}", 200, {"members": video["members"]})
        await sam.expect("offer", timeout=5)
        await guest.send(type="end")
        await guest.close()
    finally:
        admin("PATCH", f"/routing/queues/{video['id']}", 200, {"members": video["members"]})
        await sam.send(type="presence", status="off_queue")
        await sam.close()


async def test_a_deployment_sets_the_default_picture_and_a_block_of_its_own_wins(
    server: ServerProcess, admin: Api, architect: Api
) -> None:
    site = admin("POST", "/webchat/deployments", 201, {"name": name("Picture"), "allowedOrigins": ["https://pic.test"]})
    bind = f"/webchat/deployments/{site['id']}"
    too_fast = {"videoQuality": {"resolution": "640x480", "frameRate": 240}}
    assert "frameRate" in admin("PATCH", bind, 400, too_fast)["message"]
    assert admin("PATCH", bind, 400, {"videoQuality": {"resolution": "8k"}})["code"] == "invalid_input"
    wanted = {
        "resolution": "640x480",
        "frameRate": 15,
        "maxBitrateKbps": 600,
        "preference": "smooth",
        "photoMode": "switch",  # a link too slow to read detail: straight to sharp photos
    }
    assert admin("PATCH", bind, 200, {"videoQuality": wanted})["videoQuality"] == wanted

    async def video_of_a_new_chat(flow: dict[str, Any]) -> Any:
        made = architect("POST", "/flows", 201, json.dumps({**flow, "name": name("Picture flow")}), headers=JSON)
        architect("POST", f"/flows/{made['id']}/publish", 200)
        admin("PATCH", bind, 200, {"flowId": made["id"]})
        guest = await Guest.connect(server.ws_base, "https://pic.test", deployment=site["id"])
        started = await guest.start("Pia")
        await guest.send(type="end")
        await guest.close()
        return admin("GET", f"/conversations/{started['conversationId']}", 200)["video"]

    video = await video_of_a_new_chat(VIDEO_FLOW)  # its Start Video block says nothing of quality
    assert video["quality"] == {
        "width": 640,
        "height": 480,
        "frameRate": 15,
        "maxBitrateKbps": 600,
        "preference": "smooth",
        "photoMode": "switch",
    }
    own = json.loads(json.dumps(VIDEO_FLOW))
    own["blocks"]["video"]["quality"] = {"resolution": "1920x1080", "preference": "detail"}
    video = await video_of_a_new_chat(own)
    assert video["quality"] == {
        "width": 1920,
        "height": 1080,
        "frameRate": 30,
        "maxBitrateKbps": 2500,
        "preference": "detail",
        "photoMode": "offer",
    }
    assert admin("PATCH", bind, 200, {"videoQuality": None})["videoQuality"] is None
    log = admin("GET", "/audit", 200, params={"targetType": "deployment", "limit": 20})["items"]
    assert any((e["after"] or {}).get("videoQuality") == wanted for e in log)  # who changed the picture, when
