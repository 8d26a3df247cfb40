"""Real coturn running the configuration `showdesk turn config` generates: ShowDesk's ephemeral credentials
allocate, stale or foreign ones do not, the relay refuses every non-public peer, and `showdesk doctor`
tells a good setup from each broken one in words."""

from __future__ import annotations

import os
import re
import socket
import subprocess
import sys
import uuid
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import httpx
import pytest

from showdesk.adapters.ice.coturn import DENIED_PEER_NETWORKS, coturn_config
from showdesk.adapters.ice.stun_message import CREATE_PERMISSION, SUCCESS
from showdesk.adapters.ice.turn import turn_credentials
from showdesk.adapters.ice.turn_client import TurnClient, TurnRefused
from tests.support.coturn import (  # noqa: F401 - coturn_fixture provides the `coturn` fixture
    SECRET,
    CoturnProcess,
    coturn_fixture,
    ipv6_loopback_available,
    turnserver_or_skip,
)
from tests.support.server import ServerProcess
from tests.support.waiting import eventually

REQUIRED_DIRECTIVES = [
    "use-auth-secret",
    f"static-auth-secret={SECRET}",
    "realm=showdesk",
    "listening-ip=127.0.0.1",
    "listening-port=",
    "min-port=",
    "max-port=",
    "fingerprint",
    "no-cli",
    "no-multicast-peers",
    "no-tcp-relay",
    "no-tlsv1",
    "no-tlsv1_1",
    "stale-nonce=600",
    "user-quota=",
    "total-quota=",
    "max-bps=",
    "no-rfc5780",
    "no-stun-backward-compatibility",
    "response-origin-only-with-rfc5780",
    "log-file=stdout",
]


def credentials(
    secret: str = SECRET, ttl: timedelta = timedelta(minutes=5), session: str | None = None
) -> tuple[str, str]:
    """Ephemeral credentials as ShowDesk mints them; a new video session each time unless one is named
    (user-quota counts allocations per username, and coturn frees a released one up to a second later)."""
    session_id = session or uuid.uuid4().hex
    username, credential, _ = turn_credentials(secret, session_id, datetime.now(UTC), ttl)
    return username, credential


def directives(config: str) -> list[str]:
    return [line.strip() for line in config.splitlines() if line.strip() and not line.startswith("#")]


# --- the configuration ---------------------------------------------------------------------------------


def test_the_generated_config_starts_coturn_and_holds_each_required_directive(coturn: CoturnProcess) -> None:
    lines = directives(coturn.config_text)
    for required in REQUIRED_DIRECTIVES:
        assert any(line == required or line.startswith(required) for line in lines if required), required
    assert not any(line.startswith("allow-loopback-peers") for line in lines)
    log = coturn.server_log()
    assert "Bad configuration format" not in log  # what coturn says about an option it does not know
    assert "Wrong address format" not in log  # ... and about a peer range it cannot read
    denied = [line.split("=", 1)[1] for line in lines if line.startswith("denied-peer-ip=")]
    assert len(denied) >= len(DENIED_PEER_NETWORKS)
    for value in denied:
        assert f"Black listing: {value}" in log, value


def test_every_directive_is_one_coturn_4_6_documents() -> None:
    usage = subprocess.run([turnserver_or_skip(), "-h"], capture_output=True, text=True, timeout=10)
    text = usage.stdout + usage.stderr
    generated = coturn_config(
        SECRET,
        listening_ip="192.0.2.10",
        external_ip="198.51.100.7",
        relay_ip="192.0.2.10",
        allowed_peer_ips=["10.9.0.0/16"],
    )
    for line in directives(generated):
        name = line.split("=", 1)[0]
        assert re.search(rf"--{re.escape(name)}\b", text), f"turnserver -h does not list --{name}"


# --- credentials ---------------------------------------------------------------------------------------


async def test_ephemeral_credentials_allocate_and_release(coturn: CoturnProcess) -> None:
    async with TurnClient(coturn.host, coturn.port, *credentials()) as client:
        allocation = await client.allocate()
        assert client.realm == "showdesk"
        assert allocation.relayed[0] == "127.0.0.1"
        assert coturn.min_port <= allocation.relayed[1] <= coturn.max_port
        assert allocation.mapped is not None and allocation.mapped[0] == "127.0.0.1"
        assert allocation.lifetime == 600  # coturn's default when the client asks for none
        assert await client.refresh(100_000) == 3600  # capped at coturn's max-allocate-lifetime
        await client.release()
        # coturn drops a released allocation at its next one-second timer tick; then nothing is left to permit on.

        async def gone() -> bool:
            try:
                await client.create_permission("11.0.0.1")
            except TurnRefused as refused:
                assert refused.code in (400, 437)  # coturn 4.6 answers 400 Bad Request; RFC 8656 says 437
                return True
            return False

        await eventually(gone, timeout=3, what="the allocation gone after Refresh(lifetime=0)", every=0.1)


async def test_ephemeral_credentials_allocate_over_tcp_too(coturn: CoturnProcess) -> None:
    async with TurnClient(coturn.host, coturn.port, *credentials(), protocol="tcp") as client:
        allocation = await client.allocate()
        assert coturn.min_port <= allocation.relayed[1] <= coturn.max_port  # a UDP relay, reached over TCP
        with pytest.raises(TurnRefused) as refused:
            await client.create_permission("127.0.0.1")
        assert refused.value.code == 403
        await client.release()


async def test_credentials_whose_expiry_has_passed_are_refused(coturn: CoturnProcess) -> None:
    async with TurnClient(coturn.host, coturn.port, *credentials(ttl=timedelta(seconds=-5))) as client:
        with pytest.raises(TurnRefused) as refused:
            await client.allocate()
    assert (refused.value.code, refused.value.reason) == (401, "Unauthorized")


async def test_credentials_of_another_secret_are_refused(coturn: CoturnProcess) -> None:
    async with TurnClient(coturn.host, coturn.port, *credentials(secret="another-secret-" + "x" * 16)) as client:
        with pytest.raises(TurnRefused) as refused:
            await client.allocate()
    assert refused.value.code == 401
    assert str(refused.value) == "Allocate refused: 401 Unauthorized"


async def test_one_video_session_gets_at_most_user_quota_allocations(coturn: CoturnProcess) -> None:
    quota = int(next(line for line in directives(coturn.config_text) if line.startswith("user-quota=")).split("=")[1])
    same_session = credentials(session=uuid.uuid4().hex)
    clients = [TurnClient(coturn.host, coturn.port, *same_session) for _ in range(quota + 1)]
    try:
        for client in clients:
            await client.open()
        for client in clients[:quota]:
            await client.allocate()
        with pytest.raises(TurnRefused) as refused:
            await clients[quota].allocate()
        assert (refused.value.code, refused.value.reason) == (486, "Allocation Quota Reached")
        for client in clients[:quota]:
            await client.release()
    finally:
        for client in clients:
            client.close()


# --- peers ---------------------------------------------------------------------------------------------

REFUSED_IPV4_PEERS = [
    "127.0.0.1",
    "127.1.2.3",
    "0.0.0.0",  # noqa: S104 - a peer address, not a bind
    "0.1.2.3",
    "10.1.2.3",
    "172.16.5.4",
    "192.168.1.1",
    "169.254.1.1",
    "169.254.169.254",
    "100.64.0.1",
    "198.18.0.1",
    "192.0.2.1",
    "203.0.113.9",
    "224.0.0.1",
    "255.255.255.255",
]


@pytest.mark.parametrize("peer", REFUSED_IPV4_PEERS)
async def test_non_public_ipv4_peers_are_refused_with_403(coturn: CoturnProcess, peer: str) -> None:
    async with TurnClient(coturn.host, coturn.port, *credentials()) as client:
        await client.allocate()
        with pytest.raises(TurnRefused) as refused:
            await client.create_permission(peer)
        assert (refused.value.code, refused.value.reason) == (403, "Forbidden IP")
        await client.release()


@pytest.mark.parametrize("peer", ["11.0.0.1", "8.8.8.8", "1.1.1.1", "93.184.216.34"])
async def test_public_ipv4_peers_are_allowed(coturn: CoturnProcess, peer: str) -> None:
    async with TurnClient(coturn.host, coturn.port, *credentials()) as client:
        await client.allocate()
        granted = await client.create_permission(peer)
        assert (granted.method, granted.cls) == (CREATE_PERMISSION, SUCCESS)
        assert granted.integrity_ok(client.key)  # signed with this session's key: coturn's own answer
        # The same allocation still refuses a private peer: the answer is about the peer, not a blanket yes.
        with pytest.raises(TurnRefused) as refused:
            await client.create_permission("10.1.2.3")
        assert refused.value.code == 403
        await client.release()


async def test_an_ipv4_mapped_loopback_peer_is_refused_on_an_ipv4_relay(coturn: CoturnProcess) -> None:
    async with TurnClient(coturn.host, coturn.port, *credentials()) as client:
        await client.allocate()
        with pytest.raises(TurnRefused) as refused:
            await client.create_permission("::ffff:127.0.0.1")
        assert refused.value.code == 443  # Peer Address Family Mismatch: an IPv4 relay sends to IPv4 only
        await client.release()


@pytest.fixture(scope="module")
def coturn_ipv6() -> Iterator[CoturnProcess]:
    if not ipv6_loopback_available():
        pytest.skip("no IPv6 loopback (::1) here")
    server = CoturnProcess(host="::1").start()
    yield server
    server.cleanup()


IPV6_REFUSED = [
    "::1",
    "::",
    "::ffff:127.0.0.1",  # coturn 4.6 alone lets this one through; the ::ffff:0:0/96 range stops it
    "::ffff:10.1.2.3",
    "::127.0.0.1",
    "::ffff:0:7f00:1",
    "64:ff9b::7f00:1",
    "fd00::1",
    "fe80::1",
    "ff02::1",
    "2001:db8::1",
    "2002:7f00:1::1",
]


@pytest.mark.parametrize("peer", IPV6_REFUSED)
async def test_non_public_ipv6_peers_are_refused_on_an_ipv6_relay(coturn_ipv6: CoturnProcess, peer: str) -> None:
    async with TurnClient("::1", coturn_ipv6.port, *credentials()) as client:
        allocation = await client.allocate(family=6)
        assert allocation.relayed[0] == "::1"
        with pytest.raises(TurnRefused) as refused:
            await client.create_permission(peer)
        assert refused.value.code == 403
        await client.create_permission("2001:4860:4860::8888")  # and a public one is allowed
        await client.release()


async def test_an_allowed_agent_lan_is_relayed_to_and_loopback_still_is_not() -> None:
    server = CoturnProcess(allowed_peer_ips=["10.20.0.0/16"]).start()
    try:
        async with TurnClient(server.host, server.port, *credentials()) as client:
            await client.allocate()
            await client.create_permission("10.20.1.1")
            for peer in ("10.1.2.3", "127.0.0.1", "192.168.1.1"):
                with pytest.raises(TurnRefused):
                    await client.create_permission(peer)
            await client.release()
    finally:
        server.cleanup()


# --- showdesk doctor -----------------------------------------------------------------------------------


def free_udp_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


STUN_PORT = free_udp_port()


@pytest.fixture(scope="module")
def showdesk_with_stun() -> Iterator[ServerProcess]:
    """`showdesk serve` with its STUN responder on a free port (the later --stun-port wins)."""
    server = ServerProcess("--stun-port", str(STUN_PORT)).start()
    yield server
    server.cleanup()


def run_doctor(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    """`showdesk doctor` allowed to reach the test's coturn, which listens on loopback."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("SHOWDESK_")}
    return subprocess.run(
        [sys.executable, "-m", "showdesk.cli", "doctor", "--timeout", "1", "--allow-private-turn", *args],
        capture_output=True,
        text=True,
        timeout=60,
        cwd=cwd,
        env=env,
    )


def lines(done: subprocess.CompletedProcess[str], status: str) -> list[str]:
    return [line for line in done.stdout.splitlines() if line.startswith(status + " ")]


def add_stored_turn_server(server: ServerProcess, name: str, urls: list[str], secret: str) -> None:
    token = server.login("admin@demo.local", "admin")
    body = {"name": name, "urls": urls, "authentication": "shared-secret", "secret": secret}
    r = httpx.post(
        f"{server.base}/api/v2/telephony/turn-servers", json=body, headers={"Authorization": f"Bearer {token}"}
    )
    assert r.status_code == 201, r.text


def test_doctor_passes_a_good_setup(coturn: CoturnProcess, showdesk_with_stun: ServerProcess, tmp_path: Path) -> None:
    server = showdesk_with_stun
    name = f"edge-{uuid.uuid4().hex[:6]}"
    add_stored_turn_server(server, name, [coturn.url, f"turns:{coturn.host}:5349?transport=tcp"], SECRET)
    done = run_doctor(
        "--stun-port",
        str(STUN_PORT),
        "--turn-url",
        f"{coturn.url},{coturn.url}?transport=tcp",
        "--turn-secret",
        SECRET,
        "--database-url",
        server.database_url,
        "--secret-key",
        server.env["SHOWDESK_SECRET_KEY"],  # the console's secrets are sealed with the server's key
        cwd=tmp_path,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    assert not lines(done, "FAIL")
    passed = lines(done, "PASS")
    stun = rf"PASS stun 127\.0\.0\.1:{STUN_PORT}: answered in [\d.]+ ms, mapped address 127\.0\.0\.1:\d+"
    assert re.fullmatch(stun, passed[0]), passed
    for label in (f"turn {coturn.url}", f"turn {coturn.url}?transport=tcp", f"turn {coturn.url} [console: {name}]"):
        mine = [line for line in passed if line.startswith(f"PASS {label}: ")]
        assert re.search(r"allocated relay 127\.0\.0\.1:\d+ in [\d.]+ ms \(lifetime 600 s\)", mine[0]), mine
        assert "refuses loopback peers (127.0.0.1: 403 Forbidden IP)" in mine[1]
        assert "refuses private and link-local peers" in mine[2]
        assert "relays to public peers" in mine[3]
    assert lines(done, "WARN") == [
        f"WARN turn turns:{coturn.host}:5349?transport=tcp [console: {name}]: not checked "
        "(TURN over TLS is not; turn: URLs over UDP and TCP are)"
    ]


def test_doctor_names_a_wrong_secret(coturn: CoturnProcess, tmp_path: Path) -> None:
    done = run_doctor(
        "--stun-port", "0", "--turn-url", coturn.url, "--turn-secret", "not-the-secret-" + "y" * 8, cwd=tmp_path
    )
    assert done.returncode == 1
    assert lines(done, "FAIL") == [
        f"FAIL turn {coturn.url}: 401 Unauthorized — the shared secret does not match coturn's static-auth-secret "
        "(or this host's clock is more than a minute off coturn's)"
    ]


def test_doctor_names_a_turn_port_where_nothing_listens(tmp_path: Path) -> None:
    port = free_udp_port()
    done = run_doctor("--stun-port", "0", "--turn-url", f"turn:127.0.0.1:{port}", "--turn-secret", SECRET, cwd=tmp_path)
    assert done.returncode == 1
    assert lines(done, "FAIL") == [
        f"FAIL turn turn:127.0.0.1:{port}: nothing listens on udp 127.0.0.1:{port} (port unreachable) — "
        f"is coturn running, listening on UDP {port}?"
    ]


def test_doctor_names_a_tcp_turn_port_where_nothing_listens(tmp_path: Path) -> None:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    url = f"turn:127.0.0.1:{port}?transport=tcp"
    done = run_doctor("--stun-port", "0", "--turn-url", url, "--turn-secret", SECRET, cwd=tmp_path)
    assert done.returncode == 1
    assert lines(done, "FAIL") == [
        f"FAIL turn {url}: nothing listens on tcp 127.0.0.1:{port} (connection refused) — "
        f"is coturn running, listening on TCP {port}?"
    ]


def test_doctor_names_a_turn_server_that_stays_silent(tmp_path: Path) -> None:
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as silent:  # bound: no port unreachable, no answer
        silent.bind(("127.0.0.1", 0))
        port = silent.getsockname()[1]
        done = run_doctor(
            "--stun-port", "0", "--turn-url", f"turn:127.0.0.1:{port}", "--turn-secret", SECRET, cwd=tmp_path
        )
    assert done.returncode == 1
    assert lines(done, "FAIL") == [
        f"FAIL turn turn:127.0.0.1:{port}: no answer in 1 s — is coturn running and is UDP {port} open?"
    ]


def test_doctor_names_a_stun_port_where_nothing_listens(coturn: CoturnProcess, tmp_path: Path) -> None:
    port = free_udp_port()
    done = run_doctor("--stun-port", str(port), "--turn-url", coturn.url, "--turn-secret", SECRET, cwd=tmp_path)
    assert done.returncode == 1
    assert lines(done, "FAIL") == [
        f"FAIL stun 127.0.0.1:{port}: nothing listens on UDP {port} (port unreachable) — "
        f"is `showdesk serve` running with --stun-port {port}?"
    ]
    assert len(lines(done, "PASS")) == 4  # the TURN server is still checked


def test_doctor_checks_the_consoles_turn_servers_too(
    coturn: CoturnProcess, showdesk_with_stun: ServerProcess, tmp_path: Path
) -> None:
    server = showdesk_with_stun
    name = f"stale-{uuid.uuid4().hex[:6]}"
    add_stored_turn_server(server, name, [coturn.url], "an-old-secret-" + "z" * 10)
    key = server.env["SHOWDESK_SECRET_KEY"]
    done = run_doctor("--stun-port", "0", "--database-url", server.database_url, "--secret-key", key, cwd=tmp_path)
    assert done.returncode == 1
    assert f"FAIL turn {coturn.url} [console: {name}]: 401 Unauthorized — the shared secret does not match" in (
        done.stdout
    )


def test_doctor_without_the_server_s_key_says_it_cannot_read_the_console_s_secrets(
    coturn: CoturnProcess, showdesk_with_stun: ServerProcess, tmp_path: Path
) -> None:
    server = showdesk_with_stun
    name = f"sealed-{uuid.uuid4().hex[:6]}"
    add_stored_turn_server(server, name, [coturn.url], SECRET)
    done = run_doctor("--stun-port", "0", "--database-url", server.database_url, cwd=tmp_path)
    assert done.returncode == 1
    assert f"FAIL turn {coturn.url} [console: {name}]: no secret or credential could be read — set it in the " in (
        done.stdout
    )


def test_doctor_says_when_the_database_is_missing_and_nothing_is_configured(tmp_path: Path) -> None:
    done = run_doctor("--stun-port", "0", cwd=tmp_path)
    assert done.returncode == 1
    assert done.stdout.splitlines() == [
        "SKIP stun: --stun-port 0, the built-in STUN responder is off",
        "WARN database showdesk-data/showdesk.db does not exist — checking the command-line TURN flags only",
        "FAIL nothing to check: the STUN check is off (--stun-port 0) and no TURN server is set "
        "(--turn-url, or the console's TURN servers of organization 'demo')",
    ]


def test_doctor_fails_a_relay_that_reaches_loopback_and_private_peers(tmp_path: Path) -> None:
    server = CoturnProcess()
    open_relay = [line for line in server.config_text.splitlines() if not line.startswith("denied-peer-ip")]
    server.config_path.write_text("\n".join([*open_relay, "allow-loopback-peers", ""]))
    server.start()
    try:
        done = run_doctor("--stun-port", "0", "--turn-url", server.url, "--turn-secret", SECRET, cwd=tmp_path)
    finally:
        server.cleanup()
    assert done.returncode == 1
    fail = lines(done, "FAIL")
    assert len(fail) == 1 and "accepts the loopback peer 127.0.0.1 — the relay lets browsers reach" in fail[0]
    warn = [line for line in lines(done, "WARN") if "private" in line]
    assert len(warn) == 1 and "10.0.0.1, 172.16.0.1, 192.168.0.1, 169.254.169.254" in warn[0]
