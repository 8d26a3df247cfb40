"""Interaction history at scale: filtered searches over a million stored messages, through the real server.

For each backend (SQLite, then PostgreSQL) this

1. starts `showdesk serve --demo` on an empty database (it migrates and seeds the demo organization),
   reads the demo queues and agents, and stops it;
2. writes `--conversations` conversations of the demo organization (90 days of them, newest last; 80%
   ended, 10% abandoned, 5% connected, 5% waiting), each with `--messages` messages of words from a
   small vocabulary (some common, some rare), a video session in 10% of them and a photo in 3%, through
   the same tables the server uses (SQLite's full-text index is kept by its triggers as the rows go in;
   PostgreSQL's GIN index as well), then `ANALYZE`;
3. starts the server again, signs in as the supervisor, and times each search of the mix below
   `--samples` times (one after the other, over one keep-alive connection), and as the baseline of the
   same run one conversation read by id (`GET /api/v2/conversations/{id}`).

Goal (issue 20): every filtered search < 200 ms p95. Prints a table and writes
bench/results/history_search.json.

    python -m bench.history_search [--conversations 100000] [--messages 10] [--samples 40]
                                   [--backends sqlite,postgresql] [--quick]
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import platform
import random
import secrets
import statistics
import sys
import tempfile
import time
import uuid
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import httpx
from sqlalchemy import insert, text
from sqlalchemy.engine import make_url
from sqlalchemy.ext.asyncio import create_async_engine

ROOT = Path(__file__).resolve().parents[2]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from bench.chat_latency.run import Server, code_version, free_port, showdesk_command  # noqa: E402
from showdesk.adapters.storage import tables as t  # noqa: E402

RESULTS = ROOT / "bench" / "results"
GOAL_P95_MS = 200.0
POSTGRES_ADMIN_URL = os.environ.get("SHOWDESK_BENCH_POSTGRES_URL", "postgresql://postgres@127.0.0.1:5432/test")
CHUNK = 5000  # rows a statement

COMMON = [
    "kettle",
    "heat",
    "water",
    "switch",
    "lid",
    "light",
    "base",
    "cable",
    "power",
    "button",
    "descale",
    "boil",
    "filter",
    "handle",
    "steam",
]
OTHER = [
    "limescale",
    "thermostat",
    "gasket",
    "spout",
    "element",
    "fuse",
    "plug",
    "socket",
    "warranty",
    "refund",
    "sensor",
    "display",
]
RARE = ["zircon", "quasar", "fjord", "glyph", "sphinx"]  # each in about one message in a thousand
FILLER = [
    "my",
    "the",
    "is",
    "not",
    "it",
    "when",
    "I",
    "after",
    "a",
    "and",
    "does",
    "will",
    "of",
    "to",
    "on",
    "at",
    "with",
]
NOW = datetime(2026, 12, 1, 12, 0, tzinfo=UTC)


def say(message: str) -> None:
    print(f"[history_search] {message}", file=sys.stderr, flush=True)


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    p = argparse.ArgumentParser(prog="python -m bench.history_search", description=__doc__.split("\n\n")[0])
    p.add_argument("--conversations", type=int, default=100_000)
    p.add_argument("--messages", type=int, default=10, help="messages a conversation")
    p.add_argument("--samples", type=int, default=40, help="timed requests of each search")
    p.add_argument("--backends", default="sqlite,postgresql")
    p.add_argument("--seed", type=int, default=20)
    p.add_argument("--quick", action="store_true", help="--conversations 5000 --samples 10")
    p.add_argument("--output", default=str(RESULTS / "history_search.json"))
    args = p.parse_args(argv)
    if args.quick:
        args.conversations, args.samples = 5000, 10
    return args


def sentence(rng: random.Random) -> str:
    words = [rng.choice(FILLER) for _ in range(rng.randint(3, 8))]
    words += [*rng.sample(COMMON, 2), rng.choice(OTHER)]
    if rng.random() < 0.001:
        words.append(rng.choice(RARE))
    rng.shuffle(words)
    return " ".join(words).capitalize() + rng.choice([".", "?", "!", " :("])


def rows_for(
    n: int, total: int, rng: random.Random, queues: list[str], agents: list[str], messages: int
) -> tuple[dict[str, Any], list[dict[str, Any]], list[dict[str, Any]], list[dict[str, Any]]]:
    """One conversation's rows: the conversation, its messages, its video sessions and photos."""
    cid = f"cb_{n:08d}"
    created = NOW - timedelta(days=90) + timedelta(seconds=n * 90 * 86400 / total + rng.random())
    roll = rng.random()
    state = "ended" if roll < 0.8 else "abandoned" if roll < 0.9 else "connected" if roll < 0.95 else "queued"
    agent = rng.choice(agents) if state in ("ended", "connected") else None
    conv = {
        "id": cid, "organization_id": "demo", "deployment_id": "demo-webchat", "customer_name": f"Customer {n}",
        "created_at": created, "state": state, "flow_id": None, "queue_id": rng.choice(queues), "agent_id": agent,
        "enqueued_at": created, "connected_at": created + timedelta(seconds=20) if agent else None,
        "ended_at": created + timedelta(minutes=9) if state in ("ended", "abandoned") else None,
        "ended_by": "agent" if state == "ended" else "system" if state == "abandoned" else None,
        "end_reason": "abandoned" if state == "abandoned" else None, "video": None, "last_seq": messages,
    }  # fmt: skip
    msgs = []
    for seq in range(1, messages + 1):
        from_agent = seq % 2 == 0 and agent is not None
        msgs.append({
            "id": f"mb_{n:08d}_{seq:03d}", "conversation_id": cid, "seq": seq,
            "sender": "agent" if from_agent else "customer", "sender_id": agent if from_agent else None,
            "sender_key": f"agent:{agent}" if from_agent else "customer",
            "display_name": "Dana Agent" if from_agent else f"Customer {n}", "text": sentence(rng),
            "client_id": f"k{seq}", "created_at": created + timedelta(seconds=30 * seq),
            "attachment": None, "notice": None,
        })  # fmt: skip
    videos, photos = [], []
    if agent and rng.random() < 0.10:
        videos.append({
            "id": f"vb_{n:08d}", "conversation_id": cid, "organization_id": "demo", "mode": "one-way",
            "audio_source": "none", "video_source": "camera", "requested_by": agent,
            "requested_at": created + timedelta(minutes=2), "agent_id": agent, "state": "ended",
            "ended_at": created + timedelta(minutes=6), "ended_by": "agent", "outcome": "completed",
            "path": "direct", "problems": [],
        })  # fmt: skip
    if agent and rng.random() < 0.03:
        photos.append({
            "id": f"pb_{n:08d}", "organization_id": "demo", "conversation_id": cid, "kind": "capture",
            "content_type": "image/jpeg", "width": 1280, "height": 720, "size": 4, "created_at": created,
            "created_by": "customer", "target_name": "kettle", "request_id": f"r{n}", "data": b"\xff\xd8\xff\xd9",
        })  # fmt: skip
    return conv, msgs, videos, photos


async def load(url: str, args: argparse.Namespace, queues: list[str], agents: list[str]) -> float:
    """Writes the conversations; the seconds it took."""
    rng = random.Random(args.seed)
    engine = create_async_engine(url)
    started = time.perf_counter()
    try:
        batch: dict[str, list[dict[str, Any]]] = {"c": [], "m": [], "v": [], "p": []}

        async def flush() -> None:
            async with engine.begin() as conn:
                for key, table in (("c", t.conversations), ("m", t.messages), ("v", t.video_sessions), ("p", t.photos)):
                    if batch[key]:
                        await conn.execute(insert(table), batch[key])
                    batch[key] = []

        for n in range(args.conversations):
            conv, msgs, videos, photos = rows_for(n, args.conversations, rng, queues, agents, args.messages)
            batch["c"].append(conv)
            batch["m"] += msgs
            batch["v"] += videos
            batch["p"] += photos
            if len(batch["m"]) >= CHUNK * 4:
                await flush()
            if n and n % 20_000 == 0:
                say(f"  {n:,} conversations written ({time.perf_counter() - started:.0f} s)")
        await flush()
        async with engine.begin() as conn:
            await conn.execute(text("ANALYZE"))
    finally:
        await engine.dispose()
    return time.perf_counter() - started


def searches(queues: list[str], agents: list[str]) -> list[tuple[str, dict[str, Any]]]:
    """The mix, each a name and its query string; the first is the baseline's neighbour (no filter)."""
    month_ago = (NOW - timedelta(days=30)).isoformat()
    week_ago = (NOW - timedelta(days=7)).isoformat()
    return [
        ("newest page, no filter", {}),
        ("a common word", {"q": "kettle"}),
        ("two words, one message", {"q": "descale limescale"}),
        ("a rare word", {"q": "quasar"}),
        ("a word prefix, ended, last 30 days", {"q": "therm", "state": "ended", "from": month_ago}),
        ("agent, last 7 days", {"agentId": agents[0], "from": week_ago}),
        ("queue and state", {"queueId": queues[0], "state": "abandoned"}),
        ("had video, a word", {"hasVideo": "true", "q": "light"}),
        ("had a photo", {"hasPhoto": "true"}),
        ("a word nobody wrote", {"q": "xylophone"}),
    ]


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(share * (len(ordered) - 1)))]


def timed(client: httpx.Client, path: str, params: dict[str, Any], samples: int) -> dict[str, Any]:
    times: list[float] = []
    found = 0
    for _ in range(samples):
        began = time.perf_counter()
        r = client.get(path, params=params)
        times.append((time.perf_counter() - began) * 1000)
        r.raise_for_status()
        body = r.json()
        found = len(body["entities"]) if isinstance(body, dict) and "entities" in body else 1
    return {
        "p50_ms": round(statistics.median(times), 2),
        "p95_ms": round(percentile(times, 0.95), 2),
        "max_ms": round(max(times), 2),
        "found": found,
    }


def serve(name: str, url: str, workdir: Path) -> Server:
    port = free_port()
    env = {**os.environ, "SHOWDESK_SECRET_KEY": "bench-history-" + "k" * 40}
    flags = ["--demo", "--stun-port", "0", "--database-url", url]
    server = Server(
        name, [*showdesk_command(), "serve", "--host", "127.0.0.1", "--port", str(port), *flags], env, port, workdir
    )
    server.start()
    server.wait_healthy(120)
    return server


def run_backend(backend: str, url: str, args: argparse.Namespace, workdir: Path) -> dict[str, Any]:
    say(f"--- {backend} ---")
    server = serve(f"{backend}-seed", url, workdir)
    try:
        base = f"http://127.0.0.1:{server.port}"
        token = httpx.post(f"{base}/api/v2/auth/login", json={"email": "admin@demo.local", "password": "admin"}).json()
        headers = {"authorization": f"Bearer {token['access_token']}"}
        queues = [q["id"] for q in httpx.get(f"{base}/api/v2/routing/queues", headers=headers).json()]
        users = httpx.get(f"{base}/api/v2/users", headers=headers).json()
        agents = [u["id"] for u in users if u["email"].startswith("agent")]
    finally:
        server.stop()
    say(f"writing {args.conversations:,} conversations, {args.conversations * args.messages:,} messages")
    load_s = asyncio.run(load(url, args, queues, agents))
    say(f"written in {load_s:.0f} s")
    server = serve(backend, url, workdir)
    try:
        base = f"http://127.0.0.1:{server.port}"
        login = {"email": "supervisor@demo.local", "password": "supervisor"}
        token = httpx.post(f"{base}/api/v2/auth/login", json=login).json()["access_token"]
        rows = []
        with httpx.Client(base_url=base, headers={"authorization": f"Bearer {token}"}, timeout=60) as client:
            one = timed(client, f"/api/v2/conversations/cb_{args.conversations // 2:08d}", {}, args.samples)
            for name, params in searches(queues, agents):
                timed(client, "/api/v2/conversations", params, 2)  # warm: the first read of each kind
                row = {"search": name, "params": params, **timed(client, "/api/v2/conversations", params, args.samples)}
                row["over_baseline"] = round(row["p95_ms"] / one["p95_ms"], 1) if one["p95_ms"] else None
                rows.append(row)
                say(f"  {name}: p95 {row['p95_ms']} ms ({row['found']} found)")
    finally:
        server.stop()
    worst = max(row["p95_ms"] for row in rows)
    return {
        "backend": backend,
        "conversations": args.conversations,
        "messages": args.conversations * args.messages,
        "load_s": round(load_s, 1),
        "baseline_one_conversation": one,
        "searches": rows,
        "worst_p95_ms": worst,
        "goal_met": worst < GOAL_P95_MS,
    }


async def scratch_postgres() -> tuple[str, str]:
    admin_url = make_url(POSTGRES_ADMIN_URL).set(drivername="postgresql+asyncpg")
    name = f"showdesk_bench_{secrets.token_hex(4)}"
    admin = create_async_engine(admin_url, isolation_level="AUTOCOMMIT")
    try:
        async with admin.connect() as conn:
            await conn.execute(text(f'CREATE DATABASE "{name}"'))
    finally:
        await admin.dispose()
    return admin_url.set(database=name).render_as_string(hide_password=False), name


async def drop_postgres(name: str) -> None:
    admin = create_async_engine(
        make_url(POSTGRES_ADMIN_URL).set(drivername="postgresql+asyncpg"), isolation_level="AUTOCOMMIT"
    )
    try:
        async with admin.connect() as conn:
            await conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    finally:
        await admin.dispose()


def print_table(report: dict[str, Any]) -> None:
    print(f"\nhistory_search: code {report['code']['commit']}; goal: every search < {GOAL_P95_MS:.0f} ms p95")
    for result in report["results"]:
        one = result["baseline_one_conversation"]
        print(
            f"\n{result['backend']}: {result['conversations']:,} conversations, {result['messages']:,} messages "
            f"(written in {result['load_s']:.0f} s); baseline, one conversation by id: p95 {one['p95_ms']} ms"
        )
        print(f"{'search':<38} {'found':>6} {'p50 ms':>8} {'p95 ms':>8} {'max ms':>8} {'x base':>7}")
        for row in result["searches"]:
            print(
                f"{row['search']:<38} {row['found']:>6} {row['p50_ms']:>8} {row['p95_ms']:>8} {row['max_ms']:>8} "
                f"{row['over_baseline']:>7}"
            )
        print(f"worst p95 {result['worst_p95_ms']} ms: {'PASS' if result['goal_met'] else 'FAIL'}")


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    report: dict[str, Any] = {
        "benchmark": "history_search",
        "when": datetime.now(UTC).isoformat(timespec="seconds"),
        "code": code_version(),
        "machine": {"cpus": os.cpu_count(), "python": platform.python_version()},
        "config": {k: v for k, v in vars(args).items() if k != "output"},
        "results": [],
    }
    with tempfile.TemporaryDirectory(prefix="history-search-") as tmp:
        for backend in [b.strip() for b in args.backends.split(",") if b.strip()]:
            if backend == "sqlite":
                url = f"sqlite+aiosqlite:///{Path(tmp) / f'history-{uuid.uuid4().hex[:6]}.db'}"
                report["results"].append(run_backend(backend, url, args, Path(tmp)))
            elif backend == "postgresql":
                url, name = asyncio.run(scratch_postgres())
                try:
                    report["results"].append(run_backend(backend, url, args, Path(tmp)))
                finally:
                    asyncio.run(drop_postgres(name))
            else:
                raise SystemExit(f"unknown backend {backend!r}: sqlite or postgresql")
    print_table(report)
    output = Path(args.output)
    output.parent.mkdir(parents=True, exist_ok=True)
    output.write_text(json.dumps(report, indent=2) + "\n")
    print(f"\nwritten: {output}")
    return 0 if all(r["goal_met"] for r in report["results"]) else 1


if __name__ == "__main__":
    sys.exit(main())
