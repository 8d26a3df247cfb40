"""The `showdesk` command: serve, flow validate/publish."""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Annotated, Any

import typer
import yaml

from showdesk.config import Settings

app = typer.Typer(help="ShowDesk: web chat with one-way video escalation.", no_args_is_help=True)
flow_app = typer.Typer(help="Validate and publish Architect-style flows (YAML or JSON).", no_args_is_help=True)
app.add_typer(flow_app, name="flow")


def _env_default(name: str) -> Any:
    return getattr(Settings(), name)


@app.command()
def serve(
    host: Annotated[str, typer.Option(envvar="SHOWDESK_HOST")] = "127.0.0.1",
    port: Annotated[int, typer.Option(envvar="SHOWDESK_PORT")] = 8080,
    database_url: Annotated[
        str, typer.Option(envvar="SHOWDESK_DATABASE_URL", help="default: SQLite in ./showdesk-data/")
    ] = "",
    redis_url: Annotated[str | None, typer.Option(envvar="SHOWDESK_REDIS_URL", help="default: in-process bus")] = None,
    demo: Annotated[
        bool, typer.Option("--demo", envvar="SHOWDESK_DEMO", help="create the demo data if absent")
    ] = False,
    stun_port: Annotated[
        int, typer.Option(envvar="SHOWDESK_STUN_PORT", help="built-in STUN responder; 0 turns it off")
    ] = 3478,
    turn_url: Annotated[str | None, typer.Option(envvar="SHOWDESK_TURN_URL")] = None,
    turn_secret: Annotated[str | None, typer.Option(envvar="SHOWDESK_TURN_SECRET")] = None,
    offer_timeout: Annotated[
        float, typer.Option(envvar="SHOWDESK_OFFER_TIMEOUT", help="seconds to accept an offer")
    ] = 30.0,
    agent_grace: Annotated[
        float, typer.Option(envvar="SHOWDESK_AGENT_GRACE", help="seconds a vanished agent may come back")
    ] = 10.0,
) -> None:
    """Run the server."""
    import uvicorn

    from showdesk.transport.app import create_app

    settings = Settings(
        host=host,
        port=port,
        database_url=database_url,
        redis_url=redis_url or None,
        demo=demo,
        stun_port=stun_port,
        turn_url=turn_url,
        turn_secret=turn_secret,
        offer_timeout=offer_timeout,
        agent_grace=agent_grace,
    )
    uvicorn.run(create_app(settings), host=host, port=port, log_level="info", ws_max_size=1 << 20)


def _load(path: Path) -> Any:
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise typer.BadParameter(f"cannot read {path}: {exc.strerror}") from exc
    try:
        return yaml.safe_load(text)
    except yaml.YAMLError as exc:
        typer.echo(f"error: block 'flow': not valid YAML or JSON: {exc}", err=True)
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


def main() -> None:
    app(prog_name="showdesk")


if __name__ == "__main__":
    main()
