"""The layers' rules (ARCHITECTURE.md), read from the source with `ast`: the domain imports no framework,
database or network code; services import no adapter or transport; no route or socket reaches the store or
the bus but through a service; the services the sockets call take typed values."""

from __future__ import annotations

import ast
import sys
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[2] / "src" / "showdesk"
# Web, database and network packages: the edges' business, never the domain's or the services'.
FRAMEWORKS = {
    *("fastapi", "starlette", "uvicorn", "pydantic", "httpx", "websockets", "h11", "multipart"),
    *("sqlalchemy", "alembic", "aiosqlite", "asyncpg", "psycopg", "redis", "prometheus_client", "orjson"),
}
# Where the adapters are opened and handed to the services: the ASGI app's lifespan.
COMPOSITION_ROOT = "transport/app.py"
SOCKET_FACING_SERVICES = (
    *("chat.py", "video.py", "photos.py", "routing.py", "routing_cluster.py", "messages.py"),
    *("conversation_access.py", "video_signals.py", "guest_presence.py", "commands.py", "access.py", "tokens.py"),
)
# Waiting and measuring time in a service goes through the Clock port, so tests can move a manual clock.
REAL_TIME_CALLS = {("asyncio", "sleep"), ("time", "monotonic"), ("time", "time"), ("time", "sleep")}
# ... but for the routing lease: it is renewed against the lease's own time to live, which Redis counts in
# real time, so its renewal and freshness are real time too (a manual clock would let it lapse unseen).
REAL_TIME_ALLOWED = {"routing_cluster.py"}


def modules(layer: str) -> list[Path]:
    return sorted((PACKAGE / layer).rglob("*.py"))


def imported(tree: ast.AST) -> Iterator[tuple[int, str]]:
    """Every module a tree imports, by line (relative imports are not used in ShowDesk)."""
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                yield node.lineno, alias.name
        elif isinstance(node, ast.ImportFrom) and node.module:
            yield node.lineno, node.module


def parsed(path: Path) -> ast.AST:
    return ast.parse(path.read_text(), str(path))


def relative(path: Path) -> str:
    return str(path.relative_to(PACKAGE)) if path.is_relative_to(PACKAGE) else path.name


def where(path: Path, line: int) -> str:
    return f"{relative(path)}:{line}"


def domain_breaks(path: Path) -> list[str]:
    """What a domain module imports beyond the standard library and the domain itself."""
    return [
        f"{where(path, line)} imports {name}"
        for line, name in imported(parsed(path))
        if not (name.split(".")[0] in sys.stdlib_module_names or name.startswith("showdesk.domain"))
    ]


def service_breaks(path: Path) -> list[str]:
    """What a service imports that is an adapter, the transport, a framework or anything of ShowDesk's
    beyond the domain and the services."""
    found = []
    for line, name in imported(parsed(path)):
        top = name.split(".")[0]
        ours = name == "showdesk" or name.startswith("showdesk.")
        if top in FRAMEWORKS or (ours and not name.startswith(("showdesk.domain", "showdesk.services"))):
            found.append(f"{where(path, line)} imports {name}")
    return found


def transport_breaks(path: Path) -> list[str]:
    """A storage or bus adapter imported outside the composition root, or a service container's store or
    bus read (`sd.store`, `services.bus`): the transport goes through the services' use cases."""
    tree = parsed(path)
    found = []
    if relative(path) != COMPOSITION_ROOT:
        found += [
            f"{where(path, line)} imports {name}"
            for line, name in imported(tree)
            if name.startswith(("showdesk.adapters.storage", "showdesk.adapters.bus"))
        ]
    found += [
        f"{where(path, node.lineno)} reads .{node.attr}"
        for node in ast.walk(tree)
        if isinstance(node, ast.Attribute) and node.attr in ("store", "bus")
    ]
    return found


def object_parameters(path: Path) -> list[str]:
    """Parameters annotated `object` (what a frame's raw field would be) in a module's functions."""
    found = []
    for node in ast.walk(parsed(path)):
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
            arguments = node.args
            for arg in [*arguments.posonlyargs, *arguments.args, *arguments.kwonlyargs]:
                if isinstance(arg.annotation, ast.Name) and arg.annotation.id == "object":
                    found.append(f"{where(path, arg.lineno)} {node.name}({arg.arg}: object)")
    return found


def real_time(path: Path) -> list[str]:
    """Calls that wait or read time without the Clock (`asyncio.sleep(0)`, a turn of the loop, is not a wait)."""
    found = []
    for node in ast.walk(parsed(path)):
        if not (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)):
            continue
        owner = node.func.value
        if isinstance(owner, ast.Name) and (owner.id, node.func.attr) in REAL_TIME_CALLS:
            bare_yield = [ast.dump(a) for a in node.args] == [ast.dump(ast.Constant(0))]
            if not bare_yield:
                found.append(f"{where(path, node.lineno)} calls {owner.id}.{node.func.attr}")
    return found


def test_the_domain_imports_only_the_standard_library_and_itself() -> None:
    assert [b for path in modules("domain") for b in domain_breaks(path)] == []


def test_services_import_no_adapter_transport_or_framework() -> None:
    assert [b for path in modules("services") for b in service_breaks(path)] == []


def test_no_route_or_socket_reaches_the_store_or_the_bus() -> None:
    assert [b for path in modules("transport") for b in transport_breaks(path)] == []


def test_services_wait_and_read_time_through_the_clock() -> None:
    paths = [path for path in modules("services") if path.name not in REAL_TIME_ALLOWED]
    assert [b for path in paths for b in real_time(path)] == []


def test_the_services_the_sockets_call_take_typed_values() -> None:
    paths = [PACKAGE / "services" / name for name in SOCKET_FACING_SERVICES]
    assert all(path.exists() for path in paths)
    assert [p for path in paths for p in object_parameters(path)] == []


# The checks can fail: each rule, broken once by a module written for the purpose.
@pytest.mark.parametrize(
    ("source", "check"),
    [
        ("import sqlalchemy\n", domain_breaks),
        ("from showdesk.services.ports import Clock\n", domain_breaks),
        ("from showdesk.adapters.storage.memory import MemoryStore\n", service_breaks),
        ("from showdesk.transport.frames import text\n", service_breaks),
        ("from fastapi import WebSocket\n", service_breaks),
        ("from showdesk.adapters.storage import open_store\n", transport_breaks),
        ("async def read(sd):\n    return await sd.store.get_conversation('c')\n", transport_breaks),
        ("def feed(sd, deliver):\n    return sd.bus.subscribe(deliver)\n", transport_breaks),
        ("async def post(self, text: object) -> None: ...\n", object_parameters),
        ("import asyncio\nasync def later():\n    await asyncio.sleep(5)\n", real_time),
        ("import time\ndef fresh(until):\n    return time.monotonic() < until\n", real_time),
    ],
)
def test_each_rule_catches_a_module_that_breaks_it(
    source: str, check: Callable[[Path], list[str]], tmp_path: Path
) -> None:
    path = tmp_path / "breaks_the_rule.py"
    path.write_text(source)
    assert check(path) != []
