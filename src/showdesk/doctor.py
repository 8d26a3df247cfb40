"""`showdesk doctor`: can browsers get video through this deployment's STUN and TURN servers?

Each check prints one line starting with PASS, FAIL, WARN or SKIP and says what is wrong in words.
The TURN checks do what a browser does (allocate a relay with the credentials ShowDesk would hand out)
and then probe the relay's hardening: CreatePermission for a loopback and for private peers must be
refused, for a public peer granted.

TURN servers are typed in by console admins, so doctor connects only to public addresses (checked after
name resolution, then connected to as checked): it must not become a way to probe the host's own
services or its private network. `--allow-private-turn` lifts this for a relay that is meant to be there.
"""

from __future__ import annotations

import socket
import time
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path

from showdesk.adapters.ice.public_address import NotPublic, public_address
from showdesk.adapters.ice.stun import stun_binding
from showdesk.adapters.ice.turn import turn_credentials
from showdesk.adapters.ice.turn_client import (
    TurnClient,
    TurnError,
    TurnRefused,
    TurnTimeout,
    TurnUnreachable,
    TurnUrl,
    parse_turn_url,
)

LOOPBACK_PEER = "127.0.0.1"
PRIVATE_PEERS = ("10.0.0.1", "172.16.0.1", "192.168.0.1", "169.254.169.254")
PUBLIC_PEER = "11.0.0.1"  # public unicast; CreatePermission sends it nothing
CREDENTIAL_TTL = timedelta(seconds=60)


@dataclass(frozen=True)
class Line:
    status: str  # PASS | FAIL | WARN | SKIP
    text: str

    def __str__(self) -> str:
        return f"{self.status} {self.text}"


@dataclass(frozen=True)
class TurnTarget:
    """One TURN server as browsers would be told about it, with the credentials they would get."""

    urls: list[str]
    source: str  # "" for the command-line flags, else the console's server name
    authentication: str  # shared-secret | static
    secret: str = ""
    username: str = ""
    credential: str = ""

    def label(self, url: str) -> str:
        return f"turn {url}" + (f" [console: {self.source}]" if self.source else "")


@dataclass
class DoctorOptions:
    stun_host: str = "127.0.0.1"
    stun_port: int = 3478
    turn_urls: list[str] = field(default_factory=list)
    turn_secret: str = ""
    turn_username: str = ""
    turn_credential: str = ""
    database_url: str = ""
    organization: str = "demo"
    timeout: float = 3.0
    secret_key: str = ""  # the server's, to open the console's sealed TURN secrets; default: the kept one
    allow_private_turn: bool = False  # connect to TURN servers on loopback, private or other non-public addresses


async def check_stun(host: str, port: int, timeout: float) -> Line:  # noqa: ASYNC109 - the check's deadline
    where = f"stun {host}:{port}"
    started = time.perf_counter()
    try:
        mapped = await stun_binding(host, port, timeout=timeout)
    except TimeoutError:
        return Line(
            "FAIL",
            f"{where}: no answer in {timeout:g} s — is `showdesk serve` running with --stun-port {port}, "
            f"and is UDP {port} open?",
        )
    except ConnectionRefusedError:
        return Line(
            "FAIL",
            f"{where}: nothing listens on UDP {port} (port unreachable) — "
            f"is `showdesk serve` running with --stun-port {port}?",
        )
    except OSError as exc:
        return Line("FAIL", f"{where}: {exc.strerror or exc}")
    elapsed = (time.perf_counter() - started) * 1000
    return Line("PASS", f"{where}: answered in {elapsed:.1f} ms, mapped address {mapped[0]}:{mapped[1]}")


def _credentials(target: TurnTarget, now: datetime) -> tuple[str, str] | None:
    if target.authentication == "shared-secret" and target.secret:
        username, credential, _ = turn_credentials(target.secret, "doctor", now, CREDENTIAL_TTL)
        return username, credential
    if target.authentication == "static" and target.username and target.credential:
        return target.username, target.credential
    return None


def _refusal(exc: TurnError, target: TurnTarget, url: TurnUrl, timeout: float) -> str:
    """Why an Allocate failed, in words, with what to look at."""
    where = f"{url.transport.upper()} {url.port}"
    if isinstance(exc, TurnTimeout):
        return f"no answer in {timeout:g} s — is coturn running and is {where} open?"
    if isinstance(exc, TurnUnreachable):
        return f"{exc} — is coturn running, listening on {where}?"
    if isinstance(exc, TurnRefused):
        said = f"{exc.code} {exc.reason}".rstrip()
        if exc.code == 401 and target.authentication == "shared-secret":
            return (
                f"{said} — the shared secret does not match coturn's static-auth-secret "
                "(or this host's clock is more than a minute off coturn's)"
            )
        if exc.code == 401:
            return f"{said} — coturn does not accept this username and credential"
        if exc.code == 486:
            return f"{said} — coturn's user-quota or total-quota is used up"
        if exc.code == 508:
            return f"{said} — coturn has no free relay port (min-port..max-port)"
        return f"Allocate refused: {said}"
    return str(exc)


async def check_turn(
    target: TurnTarget,
    url: str,
    timeout: float,  # noqa: ASYNC109 - the check's deadline
    now: datetime,
    allow_private: bool = False,
) -> AsyncIterator[Line]:
    label = target.label(url)
    try:
        parsed = parse_turn_url(url)
    except ValueError as exc:
        yield Line("FAIL", f"{label}: {exc}")
        return
    if not parsed.checkable:
        yield Line("WARN", f"{label}: not checked (TURN over TLS is not; turn: URLs over UDP and TCP are)")
        return
    credentials = _credentials(target, now)
    if credentials is None:
        if target.source:
            yield Line(
                "FAIL",
                f"{label}: no secret or credential could be read — set it in the console, or give doctor the "
                "server's --secret-key (SHOWDESK_SECRET_KEY) if it runs with one",
            )
            return
        missing = (
            "no shared secret (--turn-secret)"
            if target.authentication == "shared-secret"
            else "no username and credential"
        )
        yield Line("FAIL", f"{label}: {missing} — browsers would get no TURN credentials")
        return
    kind = socket.SOCK_DGRAM if parsed.transport == "udp" else socket.SOCK_STREAM
    try:
        address = await public_address(parsed.host, parsed.port, kind, allow_private)
    except NotPublic as exc:
        yield Line(
            "FAIL",
            f"{label}: not checked: {exc} — doctor connects only to public addresses; pass "
            "--allow-private-turn to check a TURN server on this host or on a private network",
        )
        return
    except OSError as exc:
        yield Line("FAIL", f"{label}: cannot resolve '{parsed.host}': {exc.strerror or exc}")
        return
    started = time.perf_counter()
    client = TurnClient(address, parsed.port, *credentials, timeout=timeout, protocol=parsed.transport)
    try:
        await client.open()
        allocation = await client.allocate()
    except TurnError as exc:
        client.close()
        yield Line("FAIL", f"{label}: {_refusal(exc, target, parsed, timeout)}")
        return
    try:
        elapsed = (time.perf_counter() - started) * 1000
        relayed = f"{allocation.relayed[0]}:{allocation.relayed[1]}"
        yield Line("PASS", f"{label}: allocated relay {relayed} in {elapsed:.1f} ms (lifetime {allocation.lifetime} s)")
        yield await _loopback_check(client, label)
        yield await _private_check(client, label)
        yield await _public_check(client, label)
        try:
            await client.release()
        except TurnError as exc:
            yield Line("WARN", f"{label}: could not release the test allocation ({exc}); it expires by itself")
    finally:
        client.close()


async def _permission(client: TurnClient, peer: str) -> TurnError | None:
    try:
        await client.create_permission(peer)
    except TurnError as exc:
        return exc
    return None


def _said(exc: TurnError) -> str:
    return f"{exc.code} {exc.reason}".rstrip() if isinstance(exc, TurnRefused) else str(exc)


async def _loopback_check(client: TurnClient, label: str) -> Line:
    refused = await _permission(client, LOOPBACK_PEER)
    if refused is None:
        return Line(
            "FAIL",
            f"{label}: accepts the loopback peer {LOOPBACK_PEER} — the relay lets browsers reach the TURN "
            "host's own services; drop allow-loopback-peers and use the config of `showdesk turn config`",
        )
    if isinstance(refused, TurnRefused) and refused.code == 403:
        return Line("PASS", f"{label}: refuses loopback peers ({LOOPBACK_PEER}: {_said(refused)})")
    return Line("WARN", f"{label}: CreatePermission for {LOOPBACK_PEER} failed with {_said(refused)}, not 403")


async def _private_check(client: TurnClient, label: str) -> Line:
    accepted = [peer for peer in PRIVATE_PEERS if await _permission(client, peer) is None]
    if accepted:
        return Line(
            "WARN",
            f"{label}: relays to private or link-local peers ({', '.join(accepted)}) — the relay can reach the "
            "TURN server's own network; fine only for an agent LAN allowed on purpose, otherwise add the "
            "denied-peer-ip ranges of `showdesk turn config`",
        )
    return Line("PASS", f"{label}: refuses private and link-local peers ({', '.join(PRIVATE_PEERS)})")


async def _public_check(client: TurnClient, label: str) -> Line:
    refused = await _permission(client, PUBLIC_PEER)
    if refused is None:
        return Line("PASS", f"{label}: relays to public peers ({PUBLIC_PEER})")
    return Line(
        "FAIL",
        f"{label}: refuses the public peer {PUBLIC_PEER} ({_said(refused)}) — browsers could not relay to each "
        "other; check denied-peer-ip (in coturn 4.6 a range starting at 0.0.0.0 or :: refuses every peer)",
    )


def _sqlite_path(database_url: str) -> Path | None:
    if not database_url.startswith("sqlite") or ":memory:" in database_url:
        return None
    return Path(database_url.split("///", 1)[1]) if "///" in database_url else None


async def stored_targets(
    database_url: str, organization: str, secret_key: str = ""
) -> tuple[list[Line], list[TurnTarget]]:
    """The active TURN servers of `organization` in the console's table, and lines about what was skipped.

    Their secrets are stored sealed with the server's key: `secret_key`, else the one kept in the data
    folder. The store is only read (a wrong key must not seal anything)."""
    from showdesk.adapters.storage import open_store
    from showdesk.adapters.storage.private_files import read_secret_key
    from showdesk.config import DATA_DIR

    path = _sqlite_path(database_url)
    if path is not None and not path.exists():
        return [Line("WARN", f"database {path} does not exist — checking the command-line TURN flags only")], []
    key = secret_key or read_secret_key(DATA_DIR / "secret.key")
    try:
        store = await open_store(database_url, key, seal_plain_secrets=False)
    except Exception as exc:  # any driver's failure to connect reads the same to an operator
        return [Line("WARN", f"cannot open the database ({exc}) — checking the command-line TURN flags only")], []
    try:
        if await store.get_organization(organization) is None:
            return [Line("WARN", f"organization '{organization}' is not in the database; no stored TURN servers")], []
        servers = await store.list_turn_servers(organization)
    finally:
        await store.close()
    lines = [Line("SKIP", f"turn [console: {s.name}]: inactive") for s in servers if not s.active]
    targets = [
        TurnTarget(
            urls=list(s.urls),
            source=s.name,
            authentication=s.authentication,
            secret=s.secret,
            username=s.username,
            credential=s.credential,
        )
        for s in servers
        if s.active
    ]
    return lines, targets


async def run_doctor(options: DoctorOptions) -> AsyncIterator[Line]:
    """Every check's line, in order: STUN, then each TURN URL of the flags and of the console."""
    if options.stun_port:
        yield await check_stun(options.stun_host, options.stun_port, options.timeout)
    else:
        yield Line("SKIP", "stun: --stun-port 0, the built-in STUN responder is off")

    targets: list[TurnTarget] = []
    if options.turn_urls:
        authentication = "shared-secret" if options.turn_secret or not options.turn_username else "static"
        targets.append(
            TurnTarget(
                urls=options.turn_urls,
                source="",
                authentication=authentication,
                secret=options.turn_secret,
                username=options.turn_username,
                credential=options.turn_credential,
            )
        )
    notes, stored = await stored_targets(options.database_url, options.organization, options.secret_key)
    for line in notes:
        yield line
    targets += stored

    now = datetime.now(UTC)
    for target in targets:
        for url in target.urls:
            async for line in check_turn(target, url, options.timeout, now, options.allow_private_turn):
                yield line

    if not targets:
        where = f"--turn-url, or the console's TURN servers of organization '{options.organization}'"
        if options.stun_port:
            yield Line(
                "WARN",
                f"turn: none configured ({where}) — browsers behind strict firewalls get no video; "
                "see `showdesk turn config`",
            )
        else:
            yield Line(
                "FAIL", f"nothing to check: the STUN check is off (--stun-port 0) and no TURN server is set ({where})"
            )
