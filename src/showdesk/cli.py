"""The `showdesk` command: serve, init, user, config check, flow validate/publish, turn config, doctor, purge,
backup, restore."""

from __future__ import annotations

import asyncio
import inspect
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

from showdesk.backup_commands import backup, restore
from showdesk.config import Settings
from showdesk.operator_commands import check_database, config_app, config_check, init, refuse_public_demo, user_app

if TYPE_CHECKING:
    from showdesk.serve_tls import ServedTls

app = typer.Typer(help="ShowDesk: web chat with one-way video escalation.", no_args_is_help=True)
flow_app = typer.Typer(help="Validate and publish Architect-style flows (YAML or JSON).", no_args_is_help=True)
app.add_typer(flow_app, name="flow")
turn_app = typer.Typer(help="The video relay (TURN): a hardened coturn configuration.", no_args_is_help=True)
app.add_typer(turn_app, name="turn")
app.command("init")(init)
app.add_typer(user_app, name="user")
app.add_typer(config_app, name="config")
app.command("backup")(backup)
app.command("restore")(restore)


def _serve_options() -> list[inspect.Parameter]:
    """One `--flag` (and `SHOWDESK_<FLAG>`) per field of Settings, with the field's description as help."""
    params = []
    for name, field in Settings.model_fields.items():
        flag = "--" + name.replace("_", "-")
        option = typer.Option(flag, envvar=f"SHOWDESK_{name.upper()}", help=field.description, show_default=True)
        annotation = field.annotation
        params.append(
            inspect.Parameter(
                name, inspect.Parameter.KEYWORD_ONLY, default=field.default, annotation=Annotated[annotation, option]
            )
        )
    return params


def _serve(**flags: Any) -> None:
    """Run the server."""
    import uvicorn
    from pydantic import ValidationError

    from showdesk.logs import configure_logging
    from showdesk.transport.app import create_app
    from showdesk.transport.connection_limits import ConnectionLimits, protocols
    from showdesk.transport.forwarded import TrustedProxies
    from showdesk.transport.shutdown import GracefulServer

    try:
        settings = Settings(**flags)
    except ValidationError as exc:
        for problem in exc.errors():
            flag = "--" + str(problem["loc"][0]).replace("_", "-") if problem["loc"] else "a flag"
            typer.echo(f"error: {flag}: {problem['msg']}", err=True)
        raise typer.Exit(2) from exc
    refuse_public_demo(settings)  # --demo on loopback only, else --demo-public
    tls = _prepare_tls(settings)
    check_database(settings)  # an organization to sign in to, or the demo's accounts said once
    http, ws = protocols(
        ConnectionLimits(
            header_timeout=settings.header_timeout,
            body_timeout=settings.body_timeout,
            max_header_bytes=settings.max_header_bytes,
            per_ip=settings.max_connections_per_ip,
            uncapped=TrustedProxies.parse(settings.forwarded_allow_ips),  # a proxy speaks for many clients
        )
    )
    _announce_tls(settings, tls)
    configure_logging(settings.log_format)  # ShowDesk's lines and uvicorn's, one format on stderr
    app = create_app(settings)
    config = uvicorn.Config(
        app,
        host=settings.host,
        port=settings.port,
        log_level="info",
        log_config=None,  # keep configure_logging's set-up
        access_log=False,  # transport/request_log.py writes one line per request, with its id and duration
        http=http,
        ws=ws,
        ws_max_size=settings.max_frame_bytes,  # a larger message is refused by the protocol itself (1009)
        timeout_keep_alive=settings.keep_alive_timeout,
        proxy_headers=False,  # uvicorn's own would trust 127.0.0.1: transport/forwarded.py decides
        **(tls.uvicorn_options() if tls else {}),  # HTTPS and WSS (adapters/tls/server_tls.py)
    )
    # SIGTERM/SIGINT: sockets told to reconnect (1012), writes finished, exit 0 within --shutdown-timeout
    server = GracefulServer(config, app.state.shutdown)
    server.run()
    if not server.started:  # the port was taken, or the application failed to start
        raise typer.Exit(3)


def _prepare_tls(settings: Settings) -> ServedTls | None:
    """The certificate to serve, checked or made; one line and exit 2 when it cannot be served."""
    from showdesk.adapters.tls.server_tls import TlsProblem
    from showdesk.serve_tls import prepare_tls

    try:
        tls = prepare_tls(settings)
    except TlsProblem as exc:
        typer.echo(f"error: {exc}", err=True)
        raise typer.Exit(2) from exc
    except OSError as exc:  # the data folder's tls/ cannot be written
        typer.echo(f"error: --tls self-signed: cannot keep the certificate ({exc})", err=True)
        raise typer.Exit(2) from exc
    return tls


def _announce_tls(settings: Settings, tls: ServedTls | None) -> None:
    """Warnings about the certificate; with --tls self-signed, the phone's URL, its QR code and how to
    trust the local CA."""
    import sys

    from showdesk.serve_tls import phone_banner

    for warning in tls.warnings if tls else ():
        typer.echo(warning, err=True)
    if tls is not None and tls.local is not None:
        typer.echo(phone_banner(settings, tls, ansi=sys.stdout.isatty()))


_serve.__signature__ = inspect.Signature(_serve_options())  # type: ignore[attr-defined]
app.command(name="serve")(_serve)


def _config_check(**flags: Any) -> None:
    """Print the settings `serve` would run with (the same flags and SHOWDESK_* environment; secrets masked)
    and what is unsafe about them. Exit 0 when nothing is unsafe or bound to fail, 1 otherwise."""
    config_check(flags)


_config_check.__signature__ = inspect.Signature(_serve_options())  # type: ignore[attr-defined]
config_app.command(name="check")(_config_check)


def _load(path: Path) -> Any:
    """The flow file, read with the API's rules (size, no aliases, depth, node count); one line if not."""
    from showdesk.domain.errors import ShowDeskError
    from showdesk.transport.flow_document import read_flow_document

    limit = Settings().max_flow_bytes
    try:
        with path.open("rb") as file:
            raw = file.read(limit + 1)
    except OSError as exc:
        raise typer.BadParameter(f"cannot read {path}: {exc.strerror}") from exc
    if len(raw) > limit:
        typer.echo(f"error: block 'flow': the file is over the flow size limit of {limit} bytes", err=True)
        raise typer.Exit(2)
    try:
        return read_flow_document(raw)
    except ShowDeskError as exc:
        typer.echo(f"error: block 'flow': {' '.join(exc.message.split())}", err=True)
        raise typer.Exit(2) from exc


async def _flow_command(path: Path, database_url: str, organization: str, publish: bool) -> int:
    from showdesk.adapters.clock import SystemClock
    from showdesk.adapters.storage import open_store
    from showdesk.domain.errors import ShowDeskError
    from showdesk.services.audit import AuditTrail
    from showdesk.services.flows import FlowService

    definition = _load(path)
    store = await open_store(database_url or Settings().resolved_database_url())
    try:
        if await store.get_organization(organization) is None:
            typer.echo(f"error: block 'flow': organization '{organization}' does not exist", err=True)
            return 1
        clock = SystemClock()
        flows = FlowService(store, clock, audit=AuditTrail(store, clock))
        problems = await flows.validate(organization, definition)
        for p in problems:
            typer.echo(p.line(), err=p.severity == "error")
        if any(p.severity == "error" for p in problems):
            return 1
        if publish:
            try:
                flow, _ = await flows.save(organization, definition)
                flow, _ = await flows.publish(organization, flow.id)
            except ShowDeskError as exc:
                typer.echo(f"error: block 'flow': {exc.message}", err=True)
                return 1
            typer.echo(f"published flow '{flow.name}' version {flow.published_version} ({flow.id})")
        else:
            typer.echo(f"valid: {path}")
        return 0
    finally:
        await store.close()


@flow_app.command("validate")
def flow_validate(
    file: Path,
    database_url: Annotated[str, typer.Option(envvar="SHOWDESK_DATABASE_URL")] = "",
    organization: Annotated[str, typer.Option(envvar="SHOWDESK_ORGANIZATION")] = "demo",
) -> None:
    """Check a flow file; exit 0 when valid, else one line per problem naming the block."""
    raise typer.Exit(asyncio.run(_flow_command(file, database_url, organization, publish=False)))


@flow_app.command("publish")
def flow_publish(
    file: Path,
    database_url: Annotated[str, typer.Option(envvar="SHOWDESK_DATABASE_URL")] = "",
    organization: Annotated[str, typer.Option(envvar="SHOWDESK_ORGANIZATION")] = "demo",
) -> None:
    """Validate and publish a flow file as the newest version of the flow it names."""
    raise typer.Exit(asyncio.run(_flow_command(file, database_url, organization, publish=True)))


@turn_app.command("config")
def turn_config(
    secret: Annotated[
        str | None,
        typer.Option(
            envvar="SHOWDESK_TURN_SECRET",
            help="coturn's static-auth-secret, the same as `serve --turn-secret`; default: a new random one",
        ),
    ] = None,
    realm: Annotated[str, typer.Option(help="the TURN realm")] = "showdesk",
    listening_ip: Annotated[str | None, typer.Option(help="address to listen on; default: every interface")] = None,
    port: Annotated[
        int,
        typer.Option(
            help="UDP/TCP listening port; ShowDesk's own STUN responder also defaults to 3478, so run coturn on "
            "its own host or give one of them another port"
        ),
    ] = 3478,
    external_ip: Annotated[
        str | None, typer.Option(help="public address behind NAT, as PUBLIC or PUBLIC/PRIVATE")
    ] = None,
    relay_ip: Annotated[str | None, typer.Option(help="local address relayed media leaves from")] = None,
    min_port: Annotated[int, typer.Option(help="lowest UDP relay port")] = 49152,
    max_port: Annotated[int, typer.Option(help="highest UDP relay port")] = 65535,
    allow_peer_ip: Annotated[
        list[str] | None,
        typer.Option(help="peer address, network or first-last range to allow despite the denied ranges (repeat)"),
    ] = None,
    user_quota: Annotated[int, typer.Option(help="simultaneous allocations per username (0: no limit)")] = 10,
    total_quota: Annotated[int, typer.Option(help="simultaneous allocations in all (0: no limit)")] = 1000,
    max_bps: Annotated[int, typer.Option(help="bytes per second per allocation (0: no limit)")] = 625_000,
) -> None:
    """Print a hardened coturn configuration (turnserver.conf) for ShowDesk's ephemeral TURN credentials."""
    import secrets

    from showdesk.adapters.ice.coturn import coturn_config

    generated = secret is None
    try:
        text = coturn_config(
            secrets.token_urlsafe(32) if secret is None else secret,
            realm=realm,
            listening_ip=listening_ip,
            port=port,
            external_ip=external_ip,
            relay_ip=relay_ip,
            min_port=min_port,
            max_port=max_port,
            user_quota=user_quota,
            total_quota=total_quota,
            max_bps=max_bps,
            allowed_peer_ips=allow_peer_ip or [],
        )
    except ValueError as exc:
        typer.echo(f"error: {exc}", err=True)
        raise typer.Exit(2) from exc
    if generated:
        typer.echo(
            "# A new random static-auth-secret was generated below: give the same value to\n"
            "# `showdesk serve --turn-secret <secret>` (or SHOWDESK_TURN_SECRET), or to the console's TURN server."
        )
    typer.echo(text, nl=False)


@app.command()
def doctor(
    stun_host: Annotated[str, typer.Option(help="where ShowDesk's STUN responder is asked")] = "127.0.0.1",
    stun_port: Annotated[
        int, typer.Option(envvar="SHOWDESK_STUN_PORT", help="ShowDesk's STUN port; 0 skips the STUN check")
    ] = 3478,
    turn_url: Annotated[
        str | None, typer.Option(envvar="SHOWDESK_TURN_URL", help="TURN URLs of `serve`, comma-separated")
    ] = None,
    turn_secret: Annotated[str | None, typer.Option(envvar="SHOWDESK_TURN_SECRET")] = None,
    turn_username: Annotated[
        str | None, typer.Option(envvar="SHOWDESK_TURN_USERNAME", help="a static TURN username instead of a secret")
    ] = None,
    turn_credential: Annotated[str | None, typer.Option(envvar="SHOWDESK_TURN_CREDENTIAL")] = None,
    database_url: Annotated[
        str, typer.Option(envvar="SHOWDESK_DATABASE_URL", help="default: SQLite in ./showdesk-data/")
    ] = "",
    organization: Annotated[
        str, typer.Option(envvar="SHOWDESK_ORGANIZATION", help="whose console TURN servers to check")
    ] = "demo",
    timeout: Annotated[float, typer.Option(help="seconds to wait for each answer")] = 3.0,
    secret_key: Annotated[
        str | None,
        typer.Option(
            envvar="SHOWDESK_SECRET_KEY",
            help="the server's --secret-key, to read the console's TURN secrets; default: ./showdesk-data/secret.key",
        ),
    ] = None,
    allow_private_turn: Annotated[
        bool,
        typer.Option(
            "--allow-private-turn",
            help="also connect to TURN servers on loopback, private, link-local or other non-public addresses "
            "(refused by default: console admins type these addresses in)",
        ),
    ] = False,
) -> None:
    """Check that browsers can get video: STUN answers, each TURN server allocates and is hardened."""
    from showdesk.doctor import DoctorOptions, run_doctor

    options = DoctorOptions(
        stun_host=stun_host,
        stun_port=stun_port,
        turn_urls=[u.strip() for u in (turn_url or "").split(",") if u.strip()],
        turn_secret=turn_secret or "",
        turn_username=turn_username or "",
        turn_credential=turn_credential or "",
        database_url=database_url or Settings().resolved_database_url(),
        organization=organization,
        timeout=timeout,
        secret_key=secret_key or "",
        allow_private_turn=allow_private_turn,
    )

    async def checks() -> int:
        failed = False
        async for line in run_doctor(options):
            typer.echo(str(line))
            failed = failed or line.status == "FAIL"
        return 1 if failed else 0

    raise typer.Exit(asyncio.run(checks()))


async def _purge_command(days: int, database_url: str, organization: str | None, dry_run: bool) -> int:
    from showdesk.adapters.clock import SystemClock
    from showdesk.adapters.storage import open_store
    from showdesk.services.audit import AuditTrail
    from showdesk.services.retention import RetentionService

    store = await open_store(database_url or Settings().resolved_database_url())
    try:
        if organization is not None and await store.get_organization(organization) is None:
            typer.echo(f"error: organization '{organization}' does not exist", err=True)
            return 1
        clock = SystemClock()
        retention = RetentionService(store, clock, AuditTrail(store, clock), keep_days=days)
        now = clock.now()
        result = await (retention.count if dry_run else retention.purge)(organization, now)
        c = result.counts
        cutoff = result.cutoff.isoformat(timespec="seconds") if result.cutoff else "-"
        typer.echo(
            f"{'would purge' if dry_run else 'purged'}: {c.conversations} conversations, {c.messages} messages, "
            f"{c.video_sessions} video sessions, {c.photos} photos (chats ended before {cutoff})"
        )
        return 0
    finally:
        await store.close()


@app.command()
def purge(
    older_than_days: Annotated[
        int, typer.Option(min=1, help="purge the chats that ended more than this many days ago")
    ],
    database_url: Annotated[
        str, typer.Option(envvar="SHOWDESK_DATABASE_URL", help="default: SQLite in ./showdesk-data/")
    ] = "",
    organization: Annotated[
        str | None, typer.Option(help="only this organization's chats; default: every organization's")
    ] = None,
    dry_run: Annotated[bool, typer.Option("--dry-run", help="only count what would be purged")] = False,
) -> None:
    """Purge the chats that ended more than N days ago, with their messages and video records (for cron).
    Open and waiting chats are never purged."""
    raise typer.Exit(asyncio.run(_purge_command(older_than_days, database_url, organization, dry_run)))


def main() -> None:
    app(prog_name="showdesk")


if __name__ == "__main__":
    main()
