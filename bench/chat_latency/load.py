"""The load client: both sides of every conversation, in one process, on one monotonic clock.

Each message carries its send time (`time.perf_counter()`) at the start of its text; its delivery
latency is the time the other side's socket reads the `message` frame minus that send time. Sender
and receiver share this process, so no clock crosses a process boundary.

Phases, in order: set-up (ramp-up: nothing measured), warm-up at the fixed rate (not measured),
the measured fixed-rate phase, a drain, the throughput phase (each side of each conversation keeps
`window` messages in flight and sends the next one when an ack comes back), a drain.

Run by run.py: `python -m bench.chat_latency.load CONFIG.json RESULT.json`.
"""

from __future__ import annotations

import asyncio
import contextlib
import itertools
import json
import math
import os
import resource
import sys
import time
import traceback
from collections import Counter
from collections.abc import Callable, Coroutine
from typing import Any

import httpx
import orjson
from websockets.asyncio.client import ClientConnection, connect
from websockets.exceptions import ConnectionClosed

CUSTOMER, AGENT = "customer", "agent"
SIDES = (CUSTOMER, AGENT)
PING_AFTER = 15.0  # a socket silent this long sends {"type":"ping"}, as the protocol asks clients to
LOGIN_CONCURRENCY = 4  # logins verify an argon2 hash on the server: a few at a time

now = time.perf_counter


def log(message: str) -> None:
    print(f"[load {time.strftime('%H:%M:%S')}] {message}", file=sys.stderr, flush=True)


def dumps(frame: dict[str, Any]) -> str:
    return orjson.dumps(frame).decode()


def raise_open_files_limit() -> int:
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    if hard == resource.RLIM_INFINITY or soft < hard:
        with contextlib.suppress(ValueError, OSError):
            resource.setrlimit(resource.RLIMIT_NOFILE, (hard, hard))
    return resource.getrlimit(resource.RLIMIT_NOFILE)[0]


# ---------------------------------------------------------------------------------------------------
# CPU accounting: the server's process time and the whole machine's, per phase
# ---------------------------------------------------------------------------------------------------
_TICK = os.sysconf("SC_CLK_TCK")


def _stat(pid: int) -> list[str] | None:
    try:
        with open(f"/proc/{pid}/stat") as f:
            return f.read().rsplit(")", 1)[1].split()
    except OSError:
        return None


def with_children(pid: int) -> list[int]:
    """`pid` and the processes it started (a ShowDesk server on SQLite stores messages in a child)."""
    children = []
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            fields = _stat(int(entry))
            if fields is not None and int(fields[1]) == pid:
                children.append(int(entry))
    return [pid, *children]


def process_cpu_seconds(pid: int) -> tuple[float, float] | None:
    """(user, system) CPU seconds of a process, all its threads and its live children included."""
    fields = _stat(pid)
    if fields is None:
        return None
    user, system = int(fields[11]) / _TICK, int(fields[12]) / _TICK  # utime, stime
    for child in with_children(pid)[1:]:
        child_fields = _stat(child)
        if child_fields is not None:
            user += int(child_fields[11]) / _TICK
            system += int(child_fields[12]) / _TICK
    return user, system


def machine_busy_idle() -> tuple[float, float]:
    try:
        with open("/proc/stat") as f:
            values = [int(v) for v in f.readline().split()[1:]]
    except OSError:
        return 0.0, 0.0
    idle = values[3] + (values[4] if len(values) > 4 else 0)
    return float(sum(values) - idle), float(idle)


def servers_cpu_seconds(pids: list[int]) -> tuple[float, float] | None:
    """User and system CPU seconds of the server processes together (None when one is gone)."""
    read = [process_cpu_seconds(pid) for pid in pids]
    if any(r is None for r in read):
        return None
    return sum(r[0] for r in read if r), sum(r[1] for r in read if r)


class CpuMeter:
    """The servers' CPU (all nodes together: 100% = one core), the client's, the machine's."""

    def __init__(self, server_pids: list[int]) -> None:
        self.server_pids = server_pids
        self.start()

    def start(self) -> None:
        self._wall = now()
        self._server = servers_cpu_seconds(self.server_pids)
        self._client = time.process_time()
        self._busy, self._idle = machine_busy_idle()

    def read(self) -> dict[str, float | None]:
        wall = max(now() - self._wall, 1e-9)
        server = servers_cpu_seconds(self.server_pids)
        busy, idle = machine_busy_idle()
        total = (busy - self._busy) + (idle - self._idle)
        if server is None or self._server is None:
            user = system = None
        else:
            user = round(100 * (server[0] - self._server[0]) / wall, 1)
            system = round(100 * (server[1] - self._server[1]) / wall, 1)
        return {
            "server_cpu_pct": None if user is None or system is None else round(user + system, 1),
            "server_user_pct": user,
            "server_sys_pct": system,
            "client_cpu_pct": round(100 * (time.process_time() - self._client) / wall, 1),
            "machine_cpu_pct": round(100 * (busy - self._busy) / total, 1) if total > 0 else None,
        }


# ---------------------------------------------------------------------------------------------------
# What was sent and what arrived
# ---------------------------------------------------------------------------------------------------
class Recorder:
    def __init__(self) -> None:
        self._ids = itertools.count(1)
        self.pending: dict[str, tuple[str, int, str]] = {}  # clientId -> (phase, conversation, side)
        self.done: dict[str, str] = {}  # clientId -> phase, once delivered (duplicates are seen here)
        # phase -> [(received at, latency, sender side)]
        self.received: dict[str, list[tuple[float, float, str]]] = {}
        self.sent: Counter[str] = Counter()
        self.outstanding: Counter[str] = Counter()
        self.duplicates: Counter[str] = Counter()
        self.misrouted: Counter[str] = Counter()
        self.acks: dict[str, asyncio.Future[bool]] = {}
        self.events: Counter[str] = Counter()  # errors, closes and other notable frames, by kind
        self.unknown_deliveries = 0

    def new_message(self, phase: str, conv: int, side: str, want_ack: bool) -> tuple[str, str]:
        cid = f"b{next(self._ids)}"
        self.pending[cid] = (phase, conv, side)
        self.sent[phase] += 1
        self.outstanding[phase] += 1
        if want_ack:
            self.acks[cid] = asyncio.get_running_loop().create_future()
        return cid, f"{now()!r} message from the {side}"

    def delivered(self, cid: Any, text: Any, received_at: float, conv: int, receiver: str) -> None:
        entry = self.pending.pop(cid, None)
        if entry is None:
            phase = self.done.get(cid)
            if phase is None:
                self.unknown_deliveries += 1
            else:
                self.duplicates[phase] += 1
            return
        phase, sender_conv, sender = entry
        self.done[cid] = phase
        self.outstanding[phase] -= 1
        if sender_conv != conv or sender == receiver:
            self.misrouted[phase] += 1
        sent_at = float(str(text).split(" ", 1)[0])
        self.received.setdefault(phase, []).append((received_at, received_at - sent_at, sender))

    def acked(self, cid: Any, ok: bool = True) -> None:
        future = self.acks.pop(cid, None)
        if future is not None and not future.done():
            future.set_result(ok)


# ---------------------------------------------------------------------------------------------------
# Sockets
# ---------------------------------------------------------------------------------------------------
class Sock:
    """One client WebSocket: a reader task feeding `on_frame`, and a send that notes the time."""

    def __init__(self, ws: ClientConnection, rec: Recorder, label: str) -> None:
        self.ws = ws
        self.rec = rec
        self.label = label
        self.last_sent = now()
        self.closing = False
        self.task: asyncio.Task[None] | None = None

    def start(self) -> None:
        self.task = asyncio.create_task(self._read())

    async def send(self, frame: dict[str, Any]) -> None:
        self.last_sent = now()
        await self.ws.send(dumps(frame))

    async def _read(self) -> None:
        try:
            async for raw in self.ws:
                received_at = now()
                try:
                    frame = orjson.loads(raw)
                except orjson.JSONDecodeError:
                    self.rec.events[f"{self.label}:bad_json"] += 1
                    continue
                self.on_frame(frame, received_at)
        except ConnectionClosed:
            pass
        if not self.closing:
            code = self.ws.close_code
            self.rec.events[f"{self.label}:closed_by_server:{code}"] += 1

    def on_frame(self, frame: dict[str, Any], received_at: float) -> None:
        raise NotImplementedError

    def error(self, frame: dict[str, Any]) -> None:
        self.rec.events[f"{self.label}:error:{frame.get('code')}"] += 1
        self.rec.acked(frame.get("ref"), ok=False)  # a refused message frees its sender


class Conv:
    __slots__ = ("agent", "conv_id", "customer", "idx", "joined", "paired", "ready")

    def __init__(self, idx: int) -> None:
        self.idx = idx
        self.conv_id = str(idx)
        self.customer: Sock | None = None
        self.agent: Sock | None = None
        self.joined = False
        self.paired: set[str] = set()
        self.ready = asyncio.Event()


class Tasks:
    """Fire-and-forget sends (accepting an offer, pings), kept referenced until they finish."""

    def __init__(self) -> None:
        self._tasks: set[asyncio.Task[Any]] = set()

    def spawn(self, coro: Coroutine[Any, Any, Any]) -> None:
        task = asyncio.create_task(coro)
        self._tasks.add(task)
        task.add_done_callback(self._done)

    def _done(self, task: asyncio.Task[Any]) -> None:
        self._tasks.discard(task)
        if not task.cancelled():
            task.exception()  # sends to a closing socket may fail; that is counted elsewhere


# ---------------------------------------------------------------------------------------------------
# ShowDesk: guests on /ws/v1/guest, agents on /ws/v1/agent
# ---------------------------------------------------------------------------------------------------
class ShowDeskTarget:
    def __init__(self, cfg: dict[str, Any], rec: Recorder, tasks: Tasks) -> None:
        self.cfg = cfg
        self.rec = rec
        self.tasks = tasks
        self.by_id: dict[str, Conv] = {}
        self.unclaimed: dict[str, Sock] = {}  # interactions an agent got before the guest heard `started`
        self.socks: list[Sock] = []
        # Several nodes: agent i on node i, customer j on node j + 1 (round robin), so about half the chats
        # have their customer on one node and their agent on another.
        self.ws_bases = [b.replace("http://", "ws://", 1) for b in cfg.get("base_urls") or [cfg["base_url"]]]
        self.ws_base = self.ws_bases[0]

    def assigned(self, conversation_id: str, agent: Sock) -> None:
        conv = self.by_id.get(conversation_id)
        if conv is None:
            self.unclaimed[conversation_id] = agent
            return
        conv.agent = agent
        self._check(conv)

    @staticmethod
    def _check(conv: Conv) -> None:
        if conv.joined and conv.agent is not None:
            conv.ready.set()

    async def set_up(self, convs: list[Conv], opts: dict[str, Any]) -> dict[str, Any]:
        cfg = self.cfg
        t0 = now()
        tokens = await self._log_in(cfg["agent_emails"], cfg["agent_password"])
        log(f"{len(tokens)} agents logged in in {now() - t0:.1f} s")
        agents = await asyncio.gather(*(self._open_agent(token, i, opts) for i, token in enumerate(tokens)))
        log(f"{len(agents)} agents on queue in {now() - t0:.1f} s")
        t_agents = now() - t0

        window = asyncio.Semaphore(cfg["ramp_window"])
        query = f"organizationId={cfg['organization_id']}&deploymentId={cfg['deployment_id']}"

        async def open_guest(conv: Conv) -> None:
            async with window:  # at most ramp_window chats waiting for routing at once
                node = self.ws_bases[(conv.idx + 1) % len(self.ws_bases)]
                ws = await connect(f"{node}/ws/v1/guest?{query}", origin=cfg["origin"], **opts)
                guest = GuestSock(ws, self.rec, self, conv)
                conv.customer = guest
                self.socks.append(guest)
                guest.start()
                await guest.send({"type": "start", "displayName": f"Customer {conv.idx:04d}"})
                await conv.ready.wait()

        await ramp(convs, open_guest, cfg["ramp_timeout"], self.rec)
        return {"agents": len(agents), "agents_ready_s": round(t_agents, 2)}

    async def _log_in(self, emails: list[str], password: str) -> list[str]:
        limit = asyncio.Semaphore(LOGIN_CONCURRENCY)
        async with httpx.AsyncClient(base_url=self.cfg["base_url"], trust_env=False, timeout=60) as http:

            async def one(email: str) -> str:
                async with limit:
                    r = await http.post("/api/v2/auth/login", json={"email": email, "password": password})
                    r.raise_for_status()
                    return str(r.json()["access_token"])

            return list(await asyncio.gather(*(one(e) for e in emails)))

    async def _open_agent(self, token: str, i: int, opts: dict[str, Any]) -> Sock:
        ws = await connect(f"{self.ws_bases[i % len(self.ws_bases)]}/ws/v1/agent", **opts)
        agent = AgentSock(ws, self.rec, self, i)
        self.socks.append(agent)
        agent.start()
        await agent.send({"type": "auth", "token": token})
        await asyncio.wait_for(agent.is_ready.wait(), 30)
        await agent.send({"type": "presence", "status": "on_queue"})
        await asyncio.wait_for(agent.on_queue.wait(), 30)
        return agent

    async def send(self, conv: Conv, side: str, cid: str, text: str) -> None:
        if side == CUSTOMER:
            assert conv.customer is not None
            await conv.customer.send({"type": "message", "clientId": cid, "text": text})
        else:
            assert conv.agent is not None
            await conv.agent.send({"type": "message", "conversationId": conv.conv_id, "clientId": cid, "text": text})


class GuestSock(Sock):
    def __init__(self, ws: ClientConnection, rec: Recorder, target: ShowDeskTarget, conv: Conv) -> None:
        super().__init__(ws, rec, CUSTOMER)
        self.target = target
        self.conv = conv

    def on_frame(self, frame: dict[str, Any], received_at: float) -> None:
        kind = frame.get("type")
        conv = self.conv
        if kind == "message":
            if frame.get("from") == AGENT:
                self.rec.delivered(frame.get("clientId"), frame.get("text"), received_at, conv.idx, CUSTOMER)
        elif kind == "ack":
            self.rec.acked(frame.get("clientId"))
        elif kind == "started":
            conv.conv_id = frame["conversationId"]
            self.target.by_id[conv.conv_id] = conv
            agent = self.target.unclaimed.pop(conv.conv_id, None)
            if agent is not None:
                conv.agent = agent
        elif kind == "agentJoined":
            conv.joined = True
            self.target._check(conv)
        elif kind == "error":
            self.error(frame)
        elif kind == "routing":
            self.rec.events[f"customer:routing:{frame.get('state')}"] += 1
        elif kind != "pong":
            self.rec.events[f"customer:{kind}"] += 1


class AgentSock(Sock):
    def __init__(self, ws: ClientConnection, rec: Recorder, target: ShowDeskTarget, i: int) -> None:
        super().__init__(ws, rec, AGENT)
        self.target = target
        self.i = i
        self.is_ready = asyncio.Event()
        self.on_queue = asyncio.Event()

    def on_frame(self, frame: dict[str, Any], received_at: float) -> None:
        kind = frame.get("type")
        if kind == "message":
            if frame.get("from") == CUSTOMER:
                conv = self.target.by_id.get(frame.get("conversationId", ""))
                idx = conv.idx if conv is not None else -1
                self.rec.delivered(frame.get("clientId"), frame.get("text"), received_at, idx, AGENT)
        elif kind == "ack":
            self.rec.acked(frame.get("clientId"))
        elif kind == "offer":  # agents here accept every offer at once
            self.target.tasks.spawn(self.send({"type": "accept", "conversationId": frame["conversationId"]}))
        elif kind == "interaction":
            self.target.assigned(frame["conversationId"], self)
        elif kind == "presence":
            if frame.get("status") in ("on_queue", "busy"):
                self.on_queue.set()
            if frame.get("status") == "not_responding":
                self.rec.events["agent:presence:not_responding"] += 1
        elif kind == "ready":
            self.is_ready.set()
        elif kind == "error":
            self.error(frame)
        elif kind not in ("pong", "agentJoined", "routing"):  # the agent follows the conversation topic too
            self.rec.events[f"agent:{kind}"] += 1


# ---------------------------------------------------------------------------------------------------
# The bare relay: /relay/{conversation}/{side}
# ---------------------------------------------------------------------------------------------------
class RelayTarget:
    def __init__(self, cfg: dict[str, Any], rec: Recorder, tasks: Tasks) -> None:
        self.cfg = cfg
        self.rec = rec
        self.tasks = tasks
        self.socks: list[Sock] = []
        self.ws_base = cfg["base_url"].replace("http://", "ws://", 1)

    async def set_up(self, convs: list[Conv], opts: dict[str, Any]) -> dict[str, Any]:
        window = asyncio.Semaphore(self.cfg["ramp_window"])

        async def open_pair(conv: Conv) -> None:
            async with window:
                for side in SIDES:
                    ws = await connect(f"{self.ws_base}/relay/{conv.idx}/{side}", origin=self.cfg["origin"], **opts)
                    sock = RelaySock(ws, self.rec, conv, side)
                    setattr(conv, side, sock)
                    self.socks.append(sock)
                    sock.start()
                await conv.ready.wait()

        await ramp(convs, open_pair, self.cfg["ramp_timeout"], self.rec)
        return {}

    async def send(self, conv: Conv, side: str, cid: str, text: str) -> None:
        sock = conv.customer if side == CUSTOMER else conv.agent
        assert sock is not None
        frame: dict[str, Any] = {"type": "message", "clientId": cid, "text": text}
        if side == AGENT:
            frame = {"type": "message", "conversationId": conv.conv_id, "clientId": cid, "text": text}
        await sock.send(frame)


class RelaySock(Sock):
    def __init__(self, ws: ClientConnection, rec: Recorder, conv: Conv, side: str) -> None:
        super().__init__(ws, rec, side)
        self.conv = conv
        self.side = side

    def on_frame(self, frame: dict[str, Any], received_at: float) -> None:
        kind = frame.get("type")
        if kind == "message":
            self.rec.delivered(frame.get("clientId"), frame.get("text"), received_at, self.conv.idx, self.side)
        elif kind == "ack":
            self.rec.acked(frame.get("clientId"))
        elif kind == "paired":
            self.conv.paired.add(self.side)
            if len(self.conv.paired) == 2:
                self.conv.ready.set()
        elif kind != "pong":
            self.rec.events[f"{self.side}:{kind}"] += 1


# ---------------------------------------------------------------------------------------------------
# Phases
# ---------------------------------------------------------------------------------------------------
async def ramp(
    convs: list[Conv], open_one: Callable[[Conv], Coroutine[Any, Any, None]], timeout: float, rec: Recorder
) -> None:
    async def guarded(conv: Conv) -> None:
        try:
            await open_one(conv)
        except Exception as exc:
            rec.events[f"connect_failed:{type(exc).__name__}"] += 1

    tasks = [asyncio.create_task(guarded(c)) for c in convs]
    deadline = now() + timeout
    while now() < deadline:
        _, pending = await asyncio.wait(tasks, timeout=min(5.0, max(0.0, deadline - now())))
        log(f"ramp-up: {sum(c.ready.is_set() for c in convs)}/{len(convs)} conversations connected")
        if not pending:
            break
    for task in tasks:
        task.cancel()
    await asyncio.gather(*tasks, return_exceptions=True)


async def keep_alive(socks: list[Sock], tasks: Tasks) -> None:
    while True:
        await asyncio.sleep(1.0)
        t = now()
        for sock in list(socks):
            if t - sock.last_sent > PING_AFTER and not sock.closing:
                sock.last_sent = t
                tasks.spawn(sock.send({"type": "ping"}))


async def fixed_rate(
    target: Any, rec: Recorder, active: list[Conv], rate: float, seconds: float, phase: str
) -> dict[str, Any]:
    """Open loop: message i leaves at start + i/rate whatever the answers, customer then agent."""
    slots = [(c, CUSTOMER) for c in active] + [(c, AGENT) for c in active]
    total = int(rate * seconds)
    start = now()
    lag_max = 0.0
    i = 0
    while i < total and slots:
        due = min(total, int((now() - start) * rate) + 1)
        while i < due:
            lag_max = max(lag_max, now() - (start + i / rate))
            conv, side = slots[i % len(slots)]
            cid, text = rec.new_message(phase, conv.idx, side, want_ack=False)
            try:
                await target.send(conv, side, cid, text)
            except ConnectionClosed:
                rec.events[f"{side}:send_on_closed_socket"] += 1
            i += 1
        await asyncio.sleep(max(0.0, start + i / rate - now()))
    return {"send_lag_max_ms": round(lag_max * 1000, 2), "send_seconds": round(now() - start, 3)}


async def throughput(
    target: Any, rec: Recorder, active: list[Conv], seconds: float, window: int, phase: str, drain_timeout: float
) -> tuple[float, float]:
    stop = False

    async def pump(conv: Conv, side: str) -> None:
        while not stop:
            cid, text = rec.new_message(phase, conv.idx, side, want_ack=True)
            future = rec.acks[cid]
            try:
                await target.send(conv, side, cid, text)
            except ConnectionClosed:
                rec.acks.pop(cid, None)
                rec.events[f"{side}:send_on_closed_socket"] += 1
                return
            await future

    t0 = now()
    sides = {asyncio.create_task(pump(c, s)): s for c in active for s in SIDES for _ in range(window)}
    await asyncio.sleep(seconds)
    stop = True
    t1 = now()
    _, pending = await asyncio.wait(sides, timeout=drain_timeout)
    for task in pending:
        task.cancel()
        rec.events[f"{sides[task]}:throughput_ack_not_back_after_drain"] += 1
    await asyncio.gather(*sides, return_exceptions=True)
    return t0, t1


def process_rss_mb(pid: int) -> float | None:
    """The resident memory of a process and its live children, in MB (None once it is gone)."""
    total = None
    for each in with_children(pid):
        try:
            with open(f"/proc/{each}/status") as f:
                for line in f:
                    if line.startswith("VmRSS:"):
                        total = (total or 0.0) + int(line.split()[1]) / 1024
        except OSError:
            if each == pid:
                return None
    return total


async def sample_rss(pids: list[int], every: float) -> list[tuple[float, float]]:
    """(seconds since start, RSS MB of the servers together) every `every` seconds, until cancelled."""
    samples: list[tuple[float, float]] = []
    t0 = now()
    try:
        while True:
            read = [process_rss_mb(pid) for pid in pids]
            if all(rss is not None for rss in read):
                samples.append((now() - t0, sum(rss for rss in read if rss is not None)))
            await asyncio.sleep(every)
    except asyncio.CancelledError:
        return samples


def rss_summary(samples: list[tuple[float, float]]) -> dict[str, Any]:
    """Memory over the phase: growth from the end of the first minute (the working set settled) to the
    end; a soak is `--duration 600`."""
    if not samples:
        return {}
    settled = [rss for t, rss in samples if t >= 60] or [samples[-1][1]]
    first, last = settled[0], samples[-1][1]
    return {
        "rss_first_mb": round(first, 1),
        "rss_last_mb": round(last, 1),
        "rss_max_mb": round(max(rss for _, rss in samples), 1),
        "rss_growth_pct": round(100 * (last - first) / first, 2) if len(settled) > 1 else None,
        "rss_samples": [[round(t, 1), round(rss, 1)] for t, rss in samples],
    }


async def drain(rec: Recorder, phase: str, timeout: float) -> float:
    t0 = now()
    while rec.outstanding[phase] > 0 and now() - t0 < timeout:
        await asyncio.sleep(0.05)
    return now() - t0


def latency_summary(samples: list[float]) -> dict[str, Any]:
    if not samples:
        return {"count": 0, "p50_ms": None, "p90_ms": None, "p99_ms": None, "max_ms": None, "mean_ms": None}
    ordered = sorted(samples)

    def pct(q: float) -> float:
        return round(ordered[min(len(ordered) - 1, max(0, math.ceil(q * len(ordered)) - 1))] * 1000, 2)

    return {
        "count": len(ordered),
        "p50_ms": pct(0.50),
        "p90_ms": pct(0.90),
        "p99_ms": pct(0.99),
        "max_ms": round(ordered[-1] * 1000, 2),
        "mean_ms": round(sum(ordered) / len(ordered) * 1000, 2),
    }


class Profiler:
    """Optionally samples the server with py-spy (raw collapsed stacks) during a phase."""

    def __init__(self, cfg: dict[str, Any]) -> None:
        self.cfg = cfg.get("profile") or None
        self.proc: asyncio.subprocess.Process | None = None

    async def start(self, phase: str, seconds: float) -> None:
        if not self.cfg:
            return
        out = os.path.join(self.cfg["dir"], f"{self.cfg['name']}-{phase}.txt")
        self.proc = await asyncio.create_subprocess_exec(
            self.cfg["py_spy"],
            "record",
            "--pid",
            str(self.cfg["pid"]),
            "--rate",
            str(self.cfg["rate"]),
            "--gil",
            "--nonblocking",
            "--format",
            "raw",
            "--duration",
            str(max(1, math.ceil(seconds))),
            "-o",
            out,
            stdout=asyncio.subprocess.DEVNULL,
            stderr=asyncio.subprocess.DEVNULL,
        )

    async def stop(self) -> None:
        if self.proc is None:
            return
        try:
            await asyncio.wait_for(self.proc.wait(), 20)
        except TimeoutError:
            self.proc.kill()
            await self.proc.wait()
        self.proc = None


async def run(cfg: dict[str, Any]) -> dict[str, Any]:
    rec = Recorder()
    tasks = Tasks()
    target: ShowDeskTarget | RelayTarget = (ShowDeskTarget if cfg["target"] == "showdesk" else RelayTarget)(
        cfg, rec, tasks
    )
    opts: dict[str, Any] = {
        "ping_interval": None,  # the application pings, as ShowDesk clients do
        "compression": "deflate" if cfg["compression"] else None,
        "proxy": None,
        "open_timeout": 20,
        "close_timeout": 2,
        "max_size": 1 << 20,
    }
    convs = [Conv(i) for i in range(cfg["conversations"])]
    result: dict[str, Any] = {"target": cfg["target"], "conversations_requested": len(convs)}
    pinger = asyncio.create_task(keep_alive(target.socks, tasks))
    profiler = Profiler(cfg)
    try:
        t0 = now()
        result.update(await target.set_up(convs, opts))
        active = [c for c in convs if c.ready.is_set()]
        result["conversations_connected"] = len(active)
        result["ramp_up_s"] = round(now() - t0, 2)
        log(f"{len(active)}/{len(convs)} conversations connected in {result['ramp_up_s']} s")
        if not active:
            raise RuntimeError("no conversation got connected")

        server_pids = cfg.get("server_pids") or [cfg["server_pid"]]
        rate, meter = cfg["rate"], CpuMeter(server_pids)
        if cfg["warmup"] > 0:
            log(f"warm-up: {cfg['warmup']} s at {rate} messages/s (not measured)")
            await fixed_rate(target, rec, active, rate, cfg["warmup"], "warmup")
            await drain(rec, "warmup", cfg["drain_timeout"])

        log(f"measured: {cfg['duration']} s at {rate} messages/s across {len(active)} conversations")
        meter.start()
        await profiler.start("fixed_rate", cfg["duration"])
        memory = asyncio.create_task(sample_rss(server_pids, cfg.get("rss_every", 5.0)))
        sending = await fixed_rate(target, rec, active, rate, cfg["duration"], "fixed_rate")
        memory.cancel()
        rss = await memory
        cpu = meter.read()
        await profiler.stop()
        drained = await drain(rec, "fixed_rate", cfg["drain_timeout"])
        got = rec.received.get("fixed_rate", [])
        lat = [x[1] for x in got]
        result["fixed_rate"] = {
            "rate_target": rate,
            "seconds": cfg["duration"],
            "sent": rec.sent["fixed_rate"],
            "delivered": len(lat),
            "lost": rec.outstanding["fixed_rate"],
            "duplicates": rec.duplicates["fixed_rate"],
            "misrouted": rec.misrouted["fixed_rate"],
            "messages_per_s": round(len(lat) / cfg["duration"], 1),
            **latency_summary(lat),
            "by_sender": {side: latency_summary([x[1] for x in got if x[2] == side]) for side in SIDES},
            **sending,
            "drain_s": round(drained, 2),
            **cpu,
            **rss_summary(rss),
        }
        fr = result["fixed_rate"]
        log(f"measured: p50 {fr['p50_ms']} ms, p99 {fr['p99_ms']} ms, lost {fr['lost']}")
        if fr.get("rss_growth_pct") is not None:
            log(
                f"server memory: {fr['rss_first_mb']} MB after the first minute, {fr['rss_last_mb']} MB at the end "
                f"({fr['rss_growth_pct']:+.1f}%)"
            )

        seconds, window = cfg["throughput_seconds"], cfg["window"]
        log(f"throughput: {seconds} s, {window} message(s) in flight per side per conversation")
        meter.start()
        await profiler.start("throughput", seconds)
        t_start, t_end = await throughput(target, rec, active, seconds, window, "throughput", cfg["drain_timeout"])
        cpu = meter.read()
        await profiler.stop()
        drained = await drain(rec, "throughput", cfg["drain_timeout"])
        got = rec.received.get("throughput", [])
        in_window = [x for x in got if t_start <= x[0] <= t_end]
        lat = [x[1] for x in in_window]
        result["throughput"] = {
            "seconds": seconds,
            "window": window,
            "sent": rec.sent["throughput"],
            "delivered": len(got),
            "delivered_in_window": len(in_window),
            "messages_per_s": round(len(in_window) / (t_end - t_start), 1),
            "lost": rec.outstanding["throughput"],
            "duplicates": rec.duplicates["throughput"],
            "misrouted": rec.misrouted["throughput"],
            **latency_summary(lat),
            "by_sender": {side: latency_summary([x[1] for x in in_window if x[2] == side]) for side in SIDES},
            "drain_s": round(drained, 2),
            **cpu,
        }
        log(f"throughput: {result['throughput']['messages_per_s']} messages/s delivered")
    except Exception as exc:
        result["error"] = f"{type(exc).__name__}: {exc}"
        result["traceback"] = traceback.format_exc()
        log(f"failed: {result['error']}")
    finally:
        pinger.cancel()
        await profiler.stop()
        result["events"] = dict(sorted(rec.events.items()))
        if cfg.get("samples_csv"):
            with open(cfg["samples_csv"], "w") as f:
                f.write("phase,sender,received_at_s,latency_ms\n")
                for phase, rows in rec.received.items():
                    for at, latency, side in rows:
                        f.write(f"{phase},{side},{at:.6f},{latency * 1000:.3f}\n")
        result["unknown_deliveries"] = rec.unknown_deliveries
        for sock in target.socks:
            sock.closing = True
        closing = [asyncio.create_task(s.ws.close()) for s in target.socks]
        if closing:
            await asyncio.wait(closing, timeout=5)
        for task in [*closing, *(s.task for s in target.socks if s.task is not None)]:
            task.cancel()
    return result


def main() -> None:
    config_path, result_path = sys.argv[1], sys.argv[2]
    with open(config_path) as f:
        cfg = json.load(f)
    raise_open_files_limit()

    async def bounded() -> dict[str, Any]:
        try:
            return await asyncio.wait_for(run(cfg), cfg["deadline_s"])
        except TimeoutError:
            return {"target": cfg["target"], "error": f"load client passed its {cfg['deadline_s']} s limit"}

    try:
        import uvloop

        result = uvloop.run(bounded())
    except ImportError:
        result = asyncio.run(bounded())
    with open(result_path, "w") as f:
        json.dump(result, f, indent=2)


if __name__ == "__main__":
    main()
