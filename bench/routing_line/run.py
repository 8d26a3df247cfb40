"""Routing with a long line: an agent's actions answered as fast with 2,000 chats waiting as with 20.

For each line length in turn (the short one is the baseline of the same run) this starts a fresh
`showdesk serve --demo` (SQLite) on a free port, opens that many customers' sockets and starts a chat on
each (they stay connected, so nobody is abandoned), then times one agent's socket:

- `ready`: the agent's socket opens and authenticates, to the `ready` frame (a new desktop's first screen);
- presence: `presence on_queue` / `off_queue` to the `presence` frame that answers it;
- decline: `decline` of the chat on offer to `offerRevoked` (with no cooldown the next offer follows);
- accept: `accept` to the `interaction` frame (the chat is then ended and a new customer joins the line's
  end, so the line keeps its length).

Prints a table and writes bench/results/routing_line.json.

    python -m bench.routing_line [--lines 20,2000] [--samples 200] [--quick]
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import os
import platform
import secrets
import statistics
import sys
import tempfile
import time
import uuid
from pathlib import Path
from typing import Any

import httpx
import websockets

ROOT = Path(__file__).resolve().parents[2]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from bench.chat_latency.run import Server, code_version, free_port, raise_open_files_limit, showdesk_command  # noqa: E402

RESULTS = ROOT / "bench" / "results"
GOAL_ACTION_P99_MS = 20.0
GOAL_READY_MS = 1000.0


def say(message: str) -> None:
    print(f"[routing_line] {message}", file=sys.stderr, flush=True)


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    p = argparse.ArgumentParser(prog="python -m bench.routing_line", description=__doc__.split("\n\n")[0])
    p.add_argument("--lines", default="20,2000", help="line lengths, comma-separated; the first is the baseline")
    p.add_argument("--samples", type=int, default=200, help="timed actions of each kind")
    p.add_argument("--ready-samples", type=int, default=20, help="agent sockets opened to time `ready`")
    p.add_argument("--quick", action="store_true", help="--lines 20,500 --samples 40 --ready-samples 5")
    args = p.parse_args(argv)
    if args.quick:
        args.lines, args.samples, args.ready_samples = "20,500", 40, 5
    args.line_lengths = [int(n) for n in args.lines.split(",") if n.strip()]
    return args


class Socket:
    """One WebSocket that keeps every frame it gets, and waits for one of a type."""

    def __init__(self, ws: Any) -> None:
        self.ws = ws
        self.frames: asyncio.Queue[dict[str, Any]] = asyncio.Queue()
        self.kept: list[dict[str, Any]] = []  # routing frames read while waiting for another
        self.reader = asyncio.create_task(self._read())

    async def _read(self) -> None:
        with contextlib.suppress(websockets.ConnectionClosed):
            async for raw in self.ws:
                await self.frames.put(json.loads(raw))

    async def send(self, **frame: Any) -> None:
        await self.ws.send(json.dumps(frame))

    async def expect(self, kind: str, timeout: float = 30.0, **match: Any) -> dict[str, Any]:
        """The first frame of this type (and fields) not taken yet; the others wait for their turn."""

        def fits(frame: dict[str, Any]) -> bool:
            return frame.get("type") == kind and all(frame.get(k) == v for k, v in match.items())

        for i, frame in enumerate(self.kept):
            if fits(frame):
                return self.kept.pop(i)
        deadline = time.monotonic() + timeout
        while True:
            frame = await asyncio.wait_for(self.frames.get(), max(0.01, deadline - time.monotonic()))
            if frame.get("type") == "error":
                raise RuntimeError(f"refused: {frame}")
            if fits(frame):
                return frame
            if frame.get("type") in ("offer", "offerRevoked", "interaction", "interactionEnded"):
                self.kept.append(frame)

    async def close(self) -> None:
        await self.ws.close()
        self.reader.cancel()


async def customer(base: str) -> Socket:
    url = f"{base.replace('http', 'ws', 1)}/ws/v1/guest?organizationId=demo&deploymentId=demo-webchat"
    guest = Socket(await websockets.connect(url, origin=base))  # type: ignore[arg-type]
    await guest.send(type="start", displayName=f"Customer {uuid.uuid4().hex[:6]}")
    await guest.expect("started")
    return guest


async def agent(base: str, token: str) -> tuple[Socket, float]:
    """An agent's socket, and the milliseconds from opening it to its `ready` frame."""
    began = time.perf_counter()
    sock = Socket(await websockets.connect(f"{base.replace('http', 'ws', 1)}/ws/v1/agent", max_size=None))
    await sock.send(type="auth", token=token)
    await sock.expect("ready", timeout=60)
    return sock, (time.perf_counter() - began) * 1000


def summary(samples: list[float]) -> dict[str, Any]:
    ordered = sorted(samples)
    return {
        "n": len(ordered),
        "p50_ms": round(statistics.median(ordered), 2),
        "p99_ms": round(ordered[min(len(ordered) - 1, round(0.99 * (len(ordered) - 1)))], 2),
        "max_ms": round(ordered[-1], 2),
    }


async def timed(sock: Socket, kind: str, answer: str, **frame: Any) -> float:
    began = time.perf_counter()
    await sock.send(type=kind, **frame)
    await sock.expect(answer, **({"status": frame["status"]} if kind == "presence" else {}))
    return (time.perf_counter() - began) * 1000


async def measure(base: str, line: int, args: argparse.Namespace) -> dict[str, Any]:
    say(f"line of {line}: starting the chats")
    guests: list[Socket] = []
    for start in range(0, line, 50):
        guests += await asyncio.gather(*(customer(base) for _ in range(start, min(line, start + 50))))
    token = httpx.post(
        f"{base}/api/v2/auth/login", json={"email": "agent@demo.local", "password": "agent"}, timeout=30
    ).json()["access_token"]
    ready = []
    for _ in range(args.ready_samples):
        sock, ms = await agent(base, token)
        ready.append(ms)
        await sock.close()
    sock, _ = await agent(base, token)
    # The first time on queue tells the whole line that an agent is there: let that finish first.
    await timed(sock, "presence", "presence", status="on_queue")
    await asyncio.sleep(2 + line / 500)
    await timed(sock, "presence", "presence", status="off_queue")
    presence = []
    for _ in range(args.samples // 2):
        presence.append(await timed(sock, "presence", "presence", status="on_queue"))
        presence.append(await timed(sock, "presence", "presence", status="off_queue"))
    sock.kept.clear()  # the offers of the presence phase were taken back at each off_queue
    await timed(sock, "presence", "presence", status="on_queue")
    declines = []
    offer = await sock.expect("offer")
    for _ in range(args.samples):
        declines.append(await timed(sock, "decline", "offerRevoked", conversationId=offer["conversationId"]))
        offer = await sock.expect("offer")
    accepts = []
    for _ in range(args.samples):
        cid = offer["conversationId"]
        accepts.append(await timed(sock, "accept", "interaction", conversationId=cid))
        await sock.send(type="end", conversationId=cid)
        await sock.expect("interactionEnded", conversationId=cid)
        guests.append(await customer(base))  # the line keeps its length
        offer = await sock.expect("offer")
    await sock.close()
    await asyncio.gather(*(g.close() for g in guests), return_exceptions=True)
    return {
        "line": line,
        "ready": summary(ready),
        "presence": summary(presence),
        "decline": summary(declines),
        "accept": summary(accepts),
    }


def run_line(line: int, args: argparse.Namespace, workdir: Path) -> dict[str, Any]:
    port = free_port()
    env = {**os.environ, "SHOWDESK_SECRET_KEY": secrets.token_urlsafe(48)}
    flags = ["--demo", "--stun-port", "0", "--database-url", f"sqlite+aiosqlite:///{workdir / f'line{line}.db'}"]
    # One address starts every chat; declined chats come back at once, so one agent can decline many times.
    flags += ["--chat-starts-per-address", "0", "--chat-starts-per-deployment", "0", "--decline-cooldown", "0"]
    flags += ["--offer-timeout", "600", "--guest-message-rate", "0", "--max-connections-per-ip", "0"]
    cmd = [*showdesk_command(), "serve", "--host", "127.0.0.1", "--port", str(port), *flags]
    server = Server(f"line{line}", cmd, env, port, workdir)
    server.start()
    try:
        server.wait_healthy()
        return asyncio.run(measure(f"http://127.0.0.1:{port}", line, args))
    finally:
        server.stop()


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    raise_open_files_limit()
    started = time.time()
    rows = []
    with tempfile.TemporaryDirectory(prefix="routing-line-") as tmp:
        for line in args.line_lengths:
            rows.append(run_line(line, args, Path(tmp)))
    base, longest = rows[0], rows[-1]
    ratios = {
        k: round(longest[k]["p99_ms"] / max(base[k]["p99_ms"], 0.01), 2) for k in ("presence", "decline", "accept")
    }
    goals = {
        "action_p99_ms": GOAL_ACTION_P99_MS,
        "ready_ms": GOAL_READY_MS,
        "met": all(longest[k]["p99_ms"] < GOAL_ACTION_P99_MS for k in ("presence", "decline", "accept"))
        and longest["ready"]["max_ms"] < GOAL_READY_MS,
    }
    report = {
        "benchmark": "routing_line",
        "code": code_version(),
        "machine": {"cpus": os.cpu_count(), "python": platform.python_version(), "platform": platform.platform()},
        "args": {"lines": args.line_lengths, "samples": args.samples, "ready_samples": args.ready_samples},
        "rows": rows,
        "p99_ratio_longest_to_baseline": ratios,
        "goals": goals,
        "seconds": round(time.time() - started, 1),
    }
    print(f"{'line':>6} {'ready max':>10} {'presence p50/p99':>18} {'decline p50/p99':>18} {'accept p50/p99':>18}")
    for row in rows:
        cells = [f"{row[k]['p50_ms']:.1f}/{row[k]['p99_ms']:.1f} ms" for k in ("presence", "decline", "accept")]
        print(f"{row['line']:>6} {row['ready']['max_ms']:>7.0f} ms {cells[0]:>18} {cells[1]:>18} {cells[2]:>18}")
    print(f"p99 ratio, line {longest['line']} / line {base['line']}: {ratios}; goals met: {goals['met']}")
    RESULTS.mkdir(exist_ok=True)
    (RESULTS / "routing_line.json").write_text(json.dumps(report, indent=2) + "\n")
    return 0
