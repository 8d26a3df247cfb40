"""The operator's commands: `showdesk init`, `showdesk user create|set-password|disable`, `showdesk config
check`, and what `serve` checks before it starts (--demo on loopback only; an organization to sign in to)."""

from __future__ import annotations

import asyncio
import os
import sys
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

from showdesk.config import Settings
from showdesk.config_check import effective, findings, loopback_only, masked, uses_tls

if TYPE_CHECKING:  # the services are imported when a command runs, so `--help` stays quick
    from showdesk.services.operator import OperatorCommands

user_app = typer.Typer(
    help='Users, for the operator: the API\'s own rules, every change audit-logged as "Operator (command line)".',
    no_args_is_help=True,
)
config_app = typer.Typer(help="The settings `serve` would run with.", no_args_is_help=True)

DatabaseUrl = Annotated[
    str, typer.Option(envvar="SHOWDESK_DATABASE_URL", help="the same as serve's; default: SQLite in ./showdesk-data/")
]
RedisUrl = Annotated[
    str | None,
    typer.Option(
        envvar="SHOWDESK_REDIS_URL",
        help="the same as serve's: running nodes hear of the change at once and close the user's live sockets",
    ),
]
READ_FROM_HELP = "read the password from this file (its first line), or from stdin with '-'; default: a new one"


# serve --------------------------------------------------------------------------------------------------
def refuse_public_demo(settings: Settings) -> None:
    """--demo on an address beyond loopback needs --demo-public (exit 2): its passwords are well known."""
    if settings.demo and not settings.demo_public and not loopback_only(settings.host):
        typer.echo(
            f"error: --demo on --host {settings.host} would let anyone who reaches it sign in as admin@demo.local "
            "/ admin (the demo passwords are well known): listen on 127.0.0.1, or add --demo-public to allow it",
            err=True,
        )
        raise typer.Exit(2)


def check_database(settings: Settings) -> None:
    """With --demo, say once which accounts and pages are open; without, refuse a database holding no
    organization (nobody could sign in), saying the command that makes one (exit 1)."""
    if settings.demo:
        typer.echo(demo_banner(settings))
        return
    url = settings.resolved_database_url()
    try:
        empty = not asyncio.run(_has_organization(url))
    except Exception as exc:  # unreachable, refused, not a database: one line, not a traceback
        typer.echo(f"error: cannot open the database {_shown_url(url)}: {_first_line(exc)}", err=True)
        raise typer.Exit(1) from exc
    if empty:
        typer.echo(no_organization(settings), err=True)
        raise typer.Exit(1)


def demo_banner(settings: Settings) -> str:
    scheme = "https" if uses_tls(settings) else "http"
    host = "127.0.0.1" if settings.host in ("0.0.0.0", "::") else settings.host  # noqa: S104 - a name, not a bind
    base = f"{scheme}://{'[' + host + ']' if ':' in host else host}:{settings.port}"
    return (
        "--demo: demo accounts with well-known passwords are on (created if absent): admin@demo.local / admin, "
        "architect@demo.local / architect, agent@demo.local / agent, agent2@demo.local / agent, "
        "supervisor@demo.local / supervisor. Never expose them: for real use, `showdesk init`.\n"
        f"Open {base}/demo/ (the customer's shop), {base}/agent/ (agent desktop), {base}/admin/ "
        f"(administration), {base}/supervisor/ (supervisor dashboard)."
    )


def no_organization(settings: Settings) -> str:
    url = settings.database_url
    where = f" --database-url '{_shown_url(url)}'" if url and url != _env("SHOWDESK_DATABASE_URL") else ""
    return (
        "error: this database holds no organization yet, so nobody could sign in. Create one and its first "
        "administrator, then start again:\n"
        f'  showdesk init --organization "Your Company" --admin-email you@example.com{where}\n'
        "(or try ShowDesk with demo accounts on this machine: showdesk serve --demo)"
    )


async def _has_organization(url: str) -> bool:
    from showdesk.adapters.storage import open_store

    store = await open_store(url)  # migrates, as serve does
    try:
        return bool(await store.list_organizations())
    finally:
        await store.close()


# init ---------------------------------------------------------------------------------------------------
def init(
    organization: Annotated[str, typer.Option(help='the organization\'s name, e.g. "Acme Support"')],
    admin_email: Annotated[str, typer.Option(help="the first administrator's email (they sign in with it)")],
    admin_password_file: Annotated[str | None, typer.Option(help=READ_FROM_HELP)] = None,
    force: Annotated[
        bool,
        typer.Option(
            "--force",
            help="go on although the database holds another organization (add this one beside it), or this one "
            "differs (rename it; make the admin an active Administrator with a new password)",
        ),
    ] = False,
    database_url: DatabaseUrl = "",
) -> None:
    """Create the organization, its built-in roles and its first administrator (role Administrator).

    The generated password is printed once. Running it again with the same organization and administrator
    changes nothing; anything else already there is refused without --force (exit 1)."""
    password = _password_from(admin_password_file)

    async def run(tools: OperatorCommands) -> None:
        made = await tools.initialize(organization, admin_email, password, force)
        org, admin = made.organization, made.admin
        if not made.done:
            typer.echo(
                f"Nothing to do: organization '{org.name}' (id {org.id}) exists and {admin.email} is its "
                "Administrator; nothing was changed (the password neither: `showdesk user set-password "
                f"--email {admin.email}` changes it)."
            )
            return
        for done in made.done:
            typer.echo(done[0].upper() + done[1:] + ".")
        typer.echo(
            f"The organization's id, made from its name, is {org.id}: other commands take --organization {org.id}."
        )
        _show_password(admin.email, made.password)
        typer.echo(
            f"Next: showdesk serve, then sign in as {admin.email} at /admin/ (e.g. http://127.0.0.1:8080/admin/)."
        )

    _run(database_url, None, run)


# user ---------------------------------------------------------------------------------------------------
@user_app.command("create")
def user_create(
    organization: Annotated[str, typer.Option(envvar="SHOWDESK_ORGANIZATION", help="the organization's id")],
    email: Annotated[str, typer.Option(help="they sign in with it")],
    name: Annotated[str | None, typer.Option(help="default: the email's part before @")] = None,
    role: Annotated[list[str] | None, typer.Option(help="a role to give (repeat for several)")] = None,
    skill: Annotated[list[str] | None, typer.Option(help="a skill to give (repeat for several)")] = None,
    video: Annotated[
        bool | None, typer.Option("--video/--no-video", help="takes video chats; default: when a role answers video")
    ] = None,
    password_file: Annotated[str | None, typer.Option(help=READ_FROM_HELP)] = None,
    database_url: DatabaseUrl = "",
    redis_url: RedisUrl = None,
) -> None:
    """Add a user, as the console's Users page does; a generated password is printed once."""
    password = _password_from(password_file)

    async def run(tools: OperatorCommands) -> None:
        made = await tools.create_user(organization, email, name, role or [], password, skill, video)
        user = made.user
        roles = ", ".join(user.roles) or "no roles"
        typer.echo(f"Created {user.email} ({user.name}) in {user.organization_id}: {roles}.")
        _show_password(user.email, made.password)

    _run(database_url, redis_url, run)


@user_app.command("set-password")
def user_set_password(
    email: Annotated[str, typer.Option(help="whose password")],
    password_file: Annotated[str | None, typer.Option(help=READ_FROM_HELP)] = None,
    database_url: DatabaseUrl = "",
    redis_url: RedisUrl = None,
) -> None:
    """Give a user a new password; every sign-in they had ends (a generated password is printed once)."""
    password = _password_from(password_file)

    async def run(tools: OperatorCommands) -> None:
        changed = await tools.set_password(email, password)
        typer.echo(f"New password set for {changed.user.email}; every sign-in they had has ended.")
        _show_password(changed.user.email, changed.password)
        _say_without_redis(redis_url)

    _run(database_url, redis_url, run)


@user_app.command("disable")
def user_disable(
    email: Annotated[str, typer.Option(help="who may no longer sign in")],
    database_url: DatabaseUrl = "",
    redis_url: RedisUrl = None,
) -> None:
    """Stop a user from signing in; every sign-in they had ends (the console's Active switch turns it back)."""

    async def run(tools: OperatorCommands) -> None:
        changed = await tools.disable(email)
        if not changed.changed:
            typer.echo(f"{changed.user.email} is disabled already; nothing was changed.")
            return
        typer.echo(f"Disabled {changed.user.email}; every sign-in they had has ended.")
        _say_without_redis(redis_url)

    _run(database_url, redis_url, run)


# config check -------------------------------------------------------------------------------------------
def config_check(flags: dict[str, Any]) -> None:
    from pydantic import ValidationError

    try:
        settings = Settings(**flags)
    except ValidationError as exc:
        for problem in exc.errors():
            flag = "--" + str(problem["loc"][0]).replace("_", "-") if problem["loc"] else "a flag"
            typer.echo(f"UNSAFE {flag}: {problem['msg']} (serve refuses to start)")
        raise typer.Exit(1) from exc
    typer.echo("Settings (flags, then SHOWDESK_* in the environment, then defaults; secrets masked):")
    rows = effective(settings)
    width = max(len(flag) for flag, _, _ in rows)
    for flag, shown, default in rows:
        typer.echo(f"  {flag.ljust(width)}  {shown}{'' if default else '  *'}")
    typer.echo("  (* differs from the default)")
    found = findings(settings, asyncio.run(_console_turn_servers(settings.resolved_database_url())))
    typer.echo("")
    for finding in found:
        typer.echo(str(finding))
    counted = sum(1 for f in found if f.counts)
    typer.echo(f"{counted} problem{'s' if counted != 1 else ''} found." if counted else "Nothing unsafe found.")
    raise typer.Exit(1 if counted else 0)


async def _console_turn_servers(url: str) -> int | None:
    """Active TURN servers in the console, every organization's; None when the database cannot be read.
    Nothing is written: no migration, and a SQLite file that is not there is not made (it holds none)."""
    from showdesk.adapters.storage.private_files import sqlite_file
    from showdesk.adapters.storage.sql import SqlStore

    path = sqlite_file(url)
    if path is not None and not path.exists():
        return 0
    store = SqlStore(url)
    try:
        async with asyncio.timeout(5):
            active = 0
            for org in await store.list_organizations():
                active += sum(1 for server in await store.list_turn_servers(org.id) if server.active)
            return active
    except Exception:  # unreachable, an older schema: the finding says they could not be read
        return None
    finally:
        await store.close()


# shared -------------------------------------------------------------------------------------------------
def _run(database_url: str, redis_url: str | None, command: Callable[[OperatorCommands], Awaitable[None]]) -> None:
    """Open the database (migrating it, as serve does) and the bus, run `command`, say any refusal in one line."""
    from showdesk.adapters.bus import create_bus
    from showdesk.adapters.clock import SystemClock
    from showdesk.adapters.storage import open_store
    from showdesk.domain.errors import ShowDeskError
    from showdesk.services.operator import OperatorCommands

    async def run() -> int:
        url = database_url or Settings().resolved_database_url()
        try:
            store = await open_store(url)
        except Exception as exc:  # unreachable, refused, not a database: one line, not a traceback
            typer.echo(f"error: cannot open the database {_shown_url(url)}: {_first_line(exc)}", err=True)
            return 1
        bus = create_bus(redis_url)
        try:
            await command(OperatorCommands.wired(store, bus, SystemClock()))
            return 0
        except ShowDeskError as exc:
            typer.echo(f"error: {exc.message}", err=True)
            return 1
        finally:
            await bus.close()
            await store.close()

    raise typer.Exit(asyncio.run(run()))


def _password_from(path: str | None) -> str | None:
    """The password in `path` (its first line; '-': stdin), or None for a generated one."""
    if path is None:
        return None
    try:
        text = sys.stdin.readline() if path == "-" else Path(path).read_text().split("\n", 1)[0]
    except OSError as exc:
        typer.echo(f"error: cannot read the password file {path}: {exc.strerror}", err=True)
        raise typer.Exit(2) from exc
    password = text.rstrip("\r\n")
    if not password:
        typer.echo(f"error: {'stdin' if path == '-' else path} holds no password", err=True)
        raise typer.Exit(2)
    return password


def _show_password(email: str, password: str | None) -> None:
    if password is not None:
        typer.echo(f"Password for {email}, shown this once (keep it somewhere safe): {password}")


def _say_without_redis(redis_url: str | None) -> None:
    if not redis_url:
        typer.echo(
            "Their tokens are refused from their next request on. Without --redis-url, no running server is told: "
            "an agent desktop they have open keeps its live socket until it reconnects, its token expires or the "
            "server restarts (a server with --redis-url: give the same here, and their sockets close at once)."
        )


def _shown_url(url: str) -> str:
    return masked("database_url", url)


def _first_line(exc: BaseException) -> str:
    return (str(exc).strip().splitlines() or [type(exc).__name__])[0]


def _env(name: str) -> str | None:
    return os.environ.get(name)
