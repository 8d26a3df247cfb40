"""Chat delivery latency and throughput: ShowDesk beside a bare WebSocket relay, in one run.

For each target in turn (ShowDesk first, then the relay) this starts the server as a subprocess on a
free 127.0.0.1 port, runs the load client (load.py) as another subprocess, collects its result and
stops the server. ShowDesk gets a fresh SQLite database in a temporary directory, seeded through its
own store before it starts. Prints a table and writes bench/results/chat_latency.json.

    python -m bench.chat_latency [--conversations 1000] [--rate 500] [--duration 20]
                                 [--throughput-seconds 10] [--quick]
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import http.client
import json
import os
import platform
import re
import resource
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]
if str(ROOT) not in sys.path:  # `python bench/chat_latency/run.py` as well as `python -m bench.chat_latency`
    sys.path.insert(0, str(ROOT))

from bench.chat_latency.seed import agents_needed, seed  # noqa: E402

RESULTS = ROOT / "bench" / "results"
GOAL_P99_MS = 50.0
GOAL_THROUGHPUT_RATIO = 0.5
GOAL_CONVERSATIONS = 1000


def say(message: str) -> None:
    print(f"[bench {time.strftime('%H:%M:%S')}] {message}", file=sys.stderr, flush=True)


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    p = argparse.ArgumentParser(prog="python -m bench.chat_latency", description=__doc__.splitlines()[0])
    p.add_argument("--conversations", type=int, default=1000, help="concurrent conversations (default 1000)")
    p.add_argument("--rate", type=float, default=500, help="total messages/s in the latency phase (default 500)")
    p.add_argument("--duration", type=float, default=20, help="measured seconds at the fixed rate (default 20)")
    p.add_argument("--throughput-seconds", type=float, default=10, help="seconds of the throughput phase (10)")
    p.add_argument(
        "--window",
        type=int,
        default=1,
        help="messages in flight per side per conversation in the "
        "throughput phase: the next one leaves when an ack comes back (default 1)",
    )
    p.add_argument("--warmup", type=float, default=3, help="unmeasured seconds at the fixed rate first (3)")
    p.add_argument("--quick", action="store_true", help="smoke run: 100 conversations, short phases")
    p.add_argument("--chat-capacity", type=int, default=20, help="chats per agent; agents = conversations / this")
    p.add_argument("--ramp-window", type=int, default=50, help="conversations waiting for routing at once")
    p.add_argument("--ramp-timeout", type=float, default=None, help="seconds to connect them all (default scales)")
    p.add_argument("--drain-timeout", type=float, default=10, help="seconds to wait for stragglers after a phase")
    p.add_argument("--targets", default="showdesk,relay", help="which to run, in order (default showdesk,relay)")
    p.add_argument(
        "--rounds",
        type=int,
        default=1,
        help="run the targets this many times, the order reversed every other round (A B, B A, ...); the "
        "throughput goal is judged on the median of the rounds' ratios, which a noisy neighbour moves less",
    )
    p.add_argument(
        "--no-compression",
        action="store_true",
        help="do not offer permessage-deflate (browsers offer it; both servers accept it)",
    )
    p.add_argument(
        "--profile",
        action="store_true",
        help="sample the ShowDesk server with py-spy during the "
        "measured and throughput phases (adds some load; numbers of such a run are for diagnosis)",
    )
    p.add_argument("--output", type=Path, default=RESULTS / "chat_latency.json")
    p.add_argument(
        "--database-url",
        default=None,
        help="ShowDesk's database: an empty PostgreSQL one (postgresql+asyncpg://...) instead of a fresh SQLite file",
    )
    p.add_argument(
        "--nodes",
        type=int,
        default=1,
        help="ShowDesk nodes sharing --database-url (PostgreSQL) and --redis-url; agents and customers are "
        "spread over them so about half the chats cross nodes (default 1)",
    )
    p.add_argument("--redis-url", default="redis://127.0.0.1:6379/0", help="Redis for --nodes 2 and more")
    p.add_argument(
        "--samples",
        action="store_true",
        help="also write every delivery (phase, sender, "
        "receive time, latency) to bench/results/chat_latency-<target>-samples.csv",
    )
    p.add_argument(
        "--keep-logs",
        action="store_true",
        help="copy the servers' logs to bench/results/ always (they are copied anyway when they show errors)",
    )
    args = p.parse_args(argv)
    if args.quick:
        args.conversations = min(args.conversations, 100)
        args.duration = min(args.duration, 5)
        args.throughput_seconds = min(args.throughput_seconds, 3)
        args.warmup = min(args.warmup, 1)
    if args.ramp_timeout is None:
        args.ramp_timeout = max(60.0, args.conversations * 0.15)
    if args.rounds < 1:
        p.error("--rounds must be 1 or more")
    args.targets = [t.strip() for t in args.targets.split(",") if t.strip()]
    for t in args.targets:
        if t not in ("showdesk", "relay"):
            p.error(f"unknown target {t!r}; use showdesk and/or relay")
    if args.conversations < 1 or args.rate <= 0 or args.window < 1 or args.nodes < 1:
        p.error("--conversations, --rate, --window and --nodes must be positive")
    if args.nodes > 1 and not (args.database_url or "").startswith("postgresql"):
        p.error("--nodes 2 and more share one PostgreSQL database: give --database-url postgresql+asyncpg://...")
    return args


def code_version() -> dict[str, Any]:
    """The commit the server code comes from, and whether src/ differs from it."""
    try:
        commit = subprocess.run(
            ["git", "rev-parse", "--short", "HEAD"], cwd=ROOT, capture_output=True, text=True, timeout=10
        ).stdout.strip()
        dirty = subprocess.run(
            ["git", "status", "--porcelain", "--", "src"], cwd=ROOT, capture_output=True, text=True, timeout=10
        ).stdout.strip()
    except (OSError, subprocess.SubprocessError):
        return {"commit": None, "src_dirty": None}
    return {"commit": commit or None, "src_dirty": bool(dirty)}


def raise_open_files_limit() -> int:
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    if soft < hard:
        with contextlib.suppress(ValueError, OSError):
            resource.setrlimit(resource.RLIMIT_NOFILE, (hard, hard))  # children inherit it
    return resource.getrlimit(resource.RLIMIT_NOFILE)[0]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def showdesk_command() -> list[str]:
    exe = Path(sys.executable).with_name("showdesk")
    if exe.exists():
        return [str(exe)]
    found = shutil.which("showdesk")
    return [found] if found else [sys.executable, "-m", "showdesk.cli"]


class Server:
    """A server subprocess in its own session, logging to a file; stopped by its pid only."""

    def __init__(self, name: str, cmd: list[str], env: dict[str, str], port: int, workdir: Path) -> None:
        self.name = name
        self.cmd = cmd
        self.env = env
        self.port = port
        self.log_path = workdir / f"{name}-server.log"
        self.workdir = workdir
        self.proc: subprocess.Popen[bytes] | None = None

    def start(self) -> None:
        with open(self.log_path, "wb") as log:
            self.proc = subprocess.Popen(
                self.cmd, env=self.env, cwd=self.workdir, stdout=log, stderr=subprocess.STDOUT, start_new_session=True
            )

    def alive(self) -> bool:
        return self.proc is not None and self.proc.poll() is None

    def wait_healthy(self, timeout: float = 60) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if not self.alive():
                raise RuntimeError(f"{self.name} server exited with {self.proc and self.proc.returncode}")
            with contextlib.suppress(OSError, http.client.HTTPException):
                conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=2)
                conn.request("GET", "/healthz")
                if conn.getresponse().status == 200:
                    conn.close()
                    return
                conn.close()
            time.sleep(0.1)
        raise RuntimeError(f"{self.name} server not healthy after {timeout} s")

    def stop(self) -> int | None:
        if self.proc is None:
            return None
        for sig, wait in ((signal.SIGINT, 20), (signal.SIGTERM, 5), (signal.SIGKILL, 5)):
            if self.proc.poll() is not None:
                break
            self.proc.send_signal(sig)
            with contextlib.suppress(subprocess.TimeoutExpired):
                self.proc.wait(wait)
        return self.proc.returncode


def scan_log(path: Path) -> dict[str, Any]:
    """Errors, warnings and tracebacks in a server log, with the first traceback in full."""
    try:
        lines = path.read_text(errors="replace").splitlines()
    except OSError:
        return {"lines": 0}
    levels: Counter[str] = Counter()
    tracebacks = 0
    first: list[str] = []
    exceptions: Counter[str] = Counter()
    i = 0
    while i < len(lines):
        line = lines[i]
        m = re.match(r"^(ERROR|WARNING|CRITICAL)\b", line)
        if m:
            levels[m.group(1)] += 1
        if line.startswith("Traceback"):
            tracebacks += 1
            block = [line]
            i += 1
            while i < len(lines) and (lines[i].startswith((" ", "\t")) or not re.match(r"^[A-Z]+:", lines[i])):
                block.append(lines[i])
                if not lines[i].startswith((" ", "\t")) and not lines[i].startswith("Traceback") and lines[i]:
                    last = lines[i]
                    if not lines[i].startswith(("During handling", "The above exception")):
                        exceptions[last[:200]] += 1
                i += 1
            if not first:
                first = block[:120]
            continue
        i += 1
    return {
        "lines": len(lines),
        "levels": dict(levels),
        "tracebacks": tracebacks,
        "exceptions": dict(exceptions.most_common(10)),
        "first_traceback": "\n".join(first) if first else None,
    }


def summarize_profile(path: Path, top: int = 20) -> dict[str, Any] | None:
    """py-spy raw (collapsed) stacks -> where the samples are.

    `where_pct` puts every sample holding SQLAlchemy or aiosqlite frames under "SQL" (SQLAlchemy
    runs statements in greenlets on the event loop, so those stacks do not show asyncio below them)
    and the others under their leaf frame's package.
    """
    try:
        text = path.read_text(errors="replace")
    except OSError:
        return None
    leaf: Counter[str] = Counter()
    inclusive: Counter[str] = Counter()
    where: Counter[str] = Counter()
    total = 0
    for line in text.splitlines():
        stack, _, count_text = line.rpartition(" ")
        if not count_text.isdigit():
            continue
        count = int(count_text)
        total += count
        frames = [f for f in stack.split(";") if f.strip()]
        if not frames:
            where["(no Python frame)"] += count
            continue
        names = [re.sub(r":\d+\)$", ")", f) for f in frames]
        leaf[names[-1]] += count
        if "Thread._bootstrap" in stack and "aiosqlite/core.py" in stack:
            where["SQL: aiosqlite worker threads (SQLite itself)"] += count
        elif "sqlalchemy/" in stack or "aiosqlite/" in stack:
            where["SQL: SQLAlchemy + aiosqlite on the event loop"] += count
        else:
            where[_package(frames[-1])] += count
        for name in set(names):
            if "showdesk/" in name:
                inclusive[name] += count
    if total == 0:
        return None

    def share(c: Counter[str]) -> list[list[Any]]:
        return [[name, round(100 * n / total, 1)] for name, n in c.most_common(top)]

    return {
        "samples": total,
        "where_pct": share(where),
        "leaf_pct": share(leaf),
        "showdesk_inclusive_pct": share(inclusive),
    }


def _package(frame: str) -> str:
    m = re.search(r"\(([^()]*):\d+\)$", frame)
    where = m.group(1) if m else frame
    m = re.search(r"site-packages/([^/]+)", where)
    if m:
        return m.group(1).removesuffix(".py")
    m = re.search(r"src/showdesk/([^/]+(?:/[^/]+)?)", where)
    if m:
        return "showdesk/" + m.group(1)
    m = re.search(r"python3\.\d+/([^/]+)", where)
    if m:
        return "stdlib/" + m.group(1).removesuffix(".py")
    return where


def run_target(name: str, args: argparse.Namespace, workdir: Path) -> dict[str, Any]:
    nodes = args.nodes if name == "showdesk" else 1
    ports = [free_port() for _ in range(nodes)]
    port = ports[0]
    env = {k: v for k, v in os.environ.items() if not k.startswith("SHOWDESK_")}
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(ROOT), env.get("PYTHONPATH", "")]))
    for var in ("HTTP_PROXY", "HTTPS_PROXY", "ALL_PROXY", "http_proxy", "https_proxy", "all_proxy"):
        env.pop(var, None)
    cfg: dict[str, Any] = {
        "target": name,
        "base_url": f"http://127.0.0.1:{port}",
        "base_urls": [f"http://127.0.0.1:{p}" for p in ports],
        "conversations": args.conversations,
        "rate": args.rate,
        "warmup": args.warmup,
        "duration": args.duration,
        "throughput_seconds": args.throughput_seconds,
        "window": args.window,
        "drain_timeout": args.drain_timeout,
        "ramp_timeout": args.ramp_timeout,
        "ramp_window": args.ramp_window,
        "compression": not args.no_compression,
    }
    if args.samples:
        RESULTS.mkdir(parents=True, exist_ok=True)
        cfg["samples_csv"] = str(RESULTS / f"chat_latency-{name}-samples.csv")
    if name == "showdesk":
        db = workdir / "showdesk.db"
        url = args.database_url or f"sqlite+aiosqlite:///{db}"
        say(f"seeding {url} ({agents_needed(args.conversations, args.chat_capacity)} agents)")
        seeded = asyncio.run(seed(url, args.conversations, args.chat_capacity))
        cfg.update(
            organization_id=seeded.organization_id,
            deployment_id=seeded.deployment_id,
            origin=seeded.origin,
            agent_emails=seeded.agent_emails,
            agent_password=seeded.agent_password,
        )
        env["SHOWDESK_SECRET_KEY"] = secrets.token_urlsafe(48)
        # The throughput phase keeps a message in flight per customer, far faster than anyone types: the
        # customer's message limit (2 a second by default) is off, so the delivery path itself is measured;
        # so are the limits on chats started a minute (all of the benchmark's customers share one address).
        flags = ["--database-url", url, "--guest-message-rate", "0"]
        flags += ["--chat-starts-per-address", "0", "--chat-starts-per-deployment", "0"]
        flags += ["--max-connections-per-ip", "0"]  # and the cap on one address's open connections
        if nodes > 1:
            flags += ["--redis-url", args.redis_url]
        cmds = [[*showdesk_command(), "serve", "--host", "127.0.0.1", "--port", str(p), *flags] for p in ports]
    else:
        cfg["origin"] = "https://shop.bench.example"
        cmds = [[sys.executable, "-m", "bench.chat_latency.relay", "--port", str(port)]]
    servers = [
        Server(name if i == 0 else f"{name}{i + 1}", cmd, env, p, workdir)
        for i, (cmd, p) in enumerate(zip(cmds, ports, strict=True))
    ]
    server = servers[0]
    result: dict[str, Any] = {"target": name, "code": code_version(), "nodes": nodes}
    try:
        for node in servers:  # one after the other: the first applies the migrations and takes the routing lease
            node.start()
            node.wait_healthy()
            assert node.proc is not None
            say(f"{node.name} server up on 127.0.0.1:{node.port} (pid {node.proc.pid})")
        assert server.proc is not None
        cfg["server_pid"] = server.proc.pid
        cfg["server_pids"] = [node.proc.pid for node in servers if node.proc is not None]
        if args.profile and name == "showdesk":
            py_spy = shutil.which("py-spy")
            if py_spy is None:
                say("--profile: py-spy not found (pip install py-spy); running without it")
            else:
                cfg["profile"] = {
                    "py_spy": py_spy,
                    "pid": server.proc.pid,
                    "rate": 200,
                    "dir": str(workdir),
                    "name": name,
                }
        budget = args.ramp_timeout + args.warmup + args.duration + args.throughput_seconds + 4 * args.drain_timeout + 90
        cfg["deadline_s"] = budget
        cfg_path, out_path = workdir / f"{name}-load.json", workdir / f"{name}-result.json"
        cfg_path.write_text(json.dumps(cfg))
        started = time.monotonic()
        client = subprocess.Popen(
            [sys.executable, "-m", "bench.chat_latency.load", str(cfg_path), str(out_path)],
            env=env,
            cwd=workdir,
            start_new_session=True,
        )
        try:
            while client.poll() is None:
                if time.monotonic() - started > budget + 30:
                    say("load client overran its time budget: stopping it")
                    break
                dead = [node for node in servers if not node.alive()]
                if dead:
                    code = dead[0].proc.returncode if dead[0].proc else None
                    say(f"{dead[0].name} server died during the run (exit {code})")
                    result["server_died"] = code
                    break
                time.sleep(0.5)
        finally:
            if client.poll() is None:
                client.send_signal(signal.SIGTERM)
                try:
                    client.wait(10)
                except subprocess.TimeoutExpired:
                    client.kill()
                    client.wait(5)
        if out_path.exists():
            result.update(json.loads(out_path.read_text()))
        else:
            result.setdefault("error", f"load client exited with {client.returncode} and no result")
    except Exception as exc:
        result["error"] = f"{type(exc).__name__}: {exc}"
    finally:
        codes = [node.stop() for node in reversed(servers)][::-1]
        result["server_exit"] = codes[0] if nodes == 1 else codes
        if code_version() != result["code"]:
            result["code_changed_during_run"] = True
            say(f"warning: the code changed while {name} ran; its numbers mix versions")
        logs = [scan_log(node.log_path) for node in servers]
        result["server_log"] = logs[0]
        if nodes > 1:
            result["other_nodes_logs"] = logs[1:]
        troubled = any(
            log.get("tracebacks") or log.get("levels", {}).get("ERROR") or log.get("levels", {}).get("CRITICAL")
            for log in logs
        )
        problems = troubled or any(":closed_by_server:" in k for k in result.get("events", {}))
        if problems or args.keep_logs or "error" in result:
            RESULTS.mkdir(parents=True, exist_ok=True)
            for node, log in zip(servers, logs, strict=True):
                kept = RESULTS / f"chat_latency-{node.name}-server.log"
                shutil.copyfile(node.log_path, kept)
                log["kept_at"] = str(kept.relative_to(ROOT))
        for phase in ("fixed_rate", "throughput"):
            summary = summarize_profile(workdir / f"{name}-{phase}.txt")
            if summary is not None:
                RESULTS.mkdir(parents=True, exist_ok=True)
                kept = RESULTS / f"chat_latency-{name}-{phase}.pyspy.txt"
                shutil.copyfile(workdir / f"{name}-{phase}.txt", kept)
                result.setdefault("profile", {})[phase] = {**summary, "raw": str(kept.relative_to(ROOT))}
    return result


def _fmt(value: Any, unit: str = "") -> str:
    if value is None:
        return "-"
    if isinstance(value, float):
        return f"{value:,.1f}{unit}"
    return f"{value:,}{unit}"


def print_report(report: dict[str, Any]) -> None:
    cfg = report["config"]
    rows = report["rows"]
    print()
    print(
        f"chat_latency: {cfg['conversations']} conversations, {cfg['rate']:g} messages/s for {cfg['duration']:g} s "
        f"(after {cfg['warmup']:g} s warm-up); throughput {cfg['throughput_seconds']:g} s, window "
        f"{cfg['window']}; {report['machine']['cpus']} CPUs; code {report['code']['commit']}"
        f"{' + uncommitted changes in src/' if report['code']['src_dirty'] else ''}"
    )
    head = (
        f"{'target':<9} {'connected':>11} {'ramp s':>7} | {'sent':>7} {'lost':>5} {'dup':>4} {'p50 ms':>7} "
        f"{'p99 ms':>7} {'max ms':>7} {'msg/s':>7} {'srv cpu':>7} | {'thr msg/s':>9} {'p50 ms':>7} {'p99 ms':>7} "
        f"{'lost':>5} {'srv cpu':>7} {'cli cpu':>7}"
    )
    print(head)
    print("-" * len(head))
    for name, row in rows.items():
        fr, th = row.get("fixed_rate") or {}, row.get("throughput") or {}
        connected = (
            f"{row.get('conversations_connected', 0)}/{row.get('conversations_requested', cfg['conversations'])}"
        )
        print(
            f"{name:<9} {connected:>11} {_fmt(row.get('ramp_up_s')):>7} | {_fmt(fr.get('sent')):>7} "
            f"{_fmt(fr.get('lost')):>5} {_fmt(fr.get('duplicates')):>4} {_fmt(fr.get('p50_ms')):>7} "
            f"{_fmt(fr.get('p99_ms')):>7} {_fmt(fr.get('max_ms')):>7} {_fmt(fr.get('messages_per_s')):>7} "
            f"{_fmt(fr.get('server_cpu_pct'), '%'):>7} | {_fmt(th.get('messages_per_s')):>9} "
            f"{_fmt(th.get('p50_ms')):>7} {_fmt(th.get('p99_ms')):>7} {_fmt(th.get('lost')):>5} "
            f"{_fmt(th.get('server_cpu_pct'), '%'):>7} {_fmt(th.get('client_cpu_pct'), '%'):>7}"
        )
        if row.get("error"):
            print(f"          error: {row['error']}")
        if row.get("code_changed_during_run"):
            print("          warning: the code changed during this run")
        log = row.get("server_log") or {}
        if log.get("tracebacks") or log.get("levels"):
            print(
                f"          server log: {log.get('levels')} tracebacks={log.get('tracebacks')} "
                f"({log.get('kept_at', 'not kept')})"
            )
        notable = {k: v for k, v in (row.get("events") or {}).items() if "routing" not in k}
        if notable:
            print(f"          client saw: {notable}")
    ratios = report["ratios"]
    print()
    p99_ratio, thr_ratio = ratios.get("p99_showdesk_over_relay"), ratios.get("throughput_showdesk_over_relay")
    print(f"showdesk p99 / relay p99:               {'-' if p99_ratio is None else f'{p99_ratio:,.3g}x'}")
    print(f"showdesk throughput / relay throughput: {'-' if thr_ratio is None else f'{thr_ratio:.1%}'}")
    for goal, verdict in report["goals"].items():
        print(f"goal {goal}: {verdict}")
    for name, row in rows.items():
        for phase, prof in (row.get("profile") or {}).items():
            print(f"\npy-spy, {name} server, {phase} phase ({prof['samples']} samples; {prof['raw']}):")
            print("  where:", ", ".join(f"{n} {p}%" for n, p in prof["where_pct"][:10]))
            print("  ShowDesk functions, inclusive:")
            for n, p in prof["showdesk_inclusive_pct"][:15]:
                print(f"    {p:5.1f}%  {n}")
    print(f"\nwritten: {report['output']}")


def build_report(args: argparse.Namespace, rows: dict[str, Any], started: float) -> dict[str, Any]:
    sd, relay = rows.get("showdesk") or {}, rows.get("relay") or {}
    sd_fr, relay_fr = sd.get("fixed_rate") or {}, relay.get("fixed_rate") or {}
    sd_th, relay_th = sd.get("throughput") or {}, relay.get("throughput") or {}

    def ratio(a: Any, b: Any) -> float | None:
        return round(a / b, 3) if isinstance(a, int | float) and isinstance(b, int | float) and b else None

    ratios = {
        "p99_showdesk_over_relay": ratio(sd_fr.get("p99_ms"), relay_fr.get("p99_ms")),
        "p50_showdesk_over_relay": ratio(sd_fr.get("p50_ms"), relay_fr.get("p50_ms")),
        "throughput_showdesk_over_relay": ratio(sd_th.get("messages_per_s"), relay_th.get("messages_per_s")),
    }
    goals: dict[str, str] = {}
    if sd:
        connected = sd.get("conversations_connected", 0)
        full = args.conversations >= GOAL_CONVERSATIONS
        goals[f"{GOAL_CONVERSATIONS:,} concurrent conversations"] = (
            ("PASS" if connected >= GOAL_CONVERSATIONS else f"FAIL ({connected} connected)")
            if full
            else f"not tested (run with {args.conversations})"
        )
        p99 = sd_fr.get("p99_ms")
        goals[f"p99 <= {GOAL_P99_MS:g} ms"] = (
            "-"
            if p99 is None
            else (
                "PASS" if p99 <= GOAL_P99_MS and not sd_fr.get("lost") else f"FAIL ({p99} ms, {sd_fr.get('lost')} lost)"
            )
        )
        r = ratios["throughput_showdesk_over_relay"]
        goals[f"throughput >= {GOAL_THROUGHPUT_RATIO:.0%} of the relay"] = (
            "-" if r is None else ("PASS" if r >= GOAL_THROUGHPUT_RATIO else f"FAIL ({r:.0%})")
        )
    return {
        "benchmark": "chat_latency",
        "when": time.strftime("%Y-%m-%dT%H:%M:%S%z"),
        "wall_s": round(time.monotonic() - started, 1),
        "config": {
            "conversations": args.conversations,
            "rate": args.rate,
            "duration": args.duration,
            "warmup": args.warmup,
            "throughput_seconds": args.throughput_seconds,
            "window": args.window,
            "chat_capacity": args.chat_capacity,
            "agents": agents_needed(args.conversations, args.chat_capacity),
            "ramp_window": args.ramp_window,
            "compression": not args.no_compression,
            "quick": args.quick,
            "profile": args.profile,
            "targets": args.targets,
            "nodes": args.nodes,
        },
        "code": code_version(),
        "machine": {
            "cpus": os.cpu_count(),
            "python": platform.python_version(),
            "platform": platform.platform(),
        },
        "rows": rows,
        "ratios": ratios,
        "goals": goals,
        "output": str(args.output),
    }


def _throughput_ratio(rows: dict[str, Any]) -> float | None:
    sd = (rows.get("showdesk") or {}).get("throughput") or {}
    relay = (rows.get("relay") or {}).get("throughput") or {}
    a, b = sd.get("messages_per_s"), relay.get("messages_per_s")
    return round(a / b, 3) if isinstance(a, int | float) and isinstance(b, int | float) and b else None


def median_round(rounds: list[dict[str, Any]]) -> dict[str, Any]:
    """The round whose throughput ratio is the median (the lower middle one of an even count): a real run,
    shown whole, rather than numbers put together from several."""
    if len(rounds) == 1:
        return rounds[0]
    ranked = sorted(rounds, key=lambda rows: _throughput_ratio(rows) or 0.0)
    return ranked[(len(ranked) - 1) // 2]


def round_summary(rows: dict[str, Any]) -> dict[str, Any]:
    return {
        **{f"{name}_msg_s": (row.get("throughput") or {}).get("messages_per_s") for name, row in rows.items()},
        **{f"{name}_p99_ms": (row.get("fixed_rate") or {}).get("p99_ms") for name, row in rows.items()},
        "throughput_showdesk_over_relay": _throughput_ratio(rows),
    }


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    limit = raise_open_files_limit()
    needed = 2 * args.conversations + 200
    if limit < needed:
        say(f"warning: open-file limit {limit} is below the ~{needed} sockets a side needs")
    started = time.monotonic()
    rows: dict[str, Any] = {}
    workdir = Path(tempfile.mkdtemp(prefix="showdesk-bench-"))
    rounds: list[dict[str, Any]] = []
    try:
        for number in range(args.rounds):
            rows = {}
            round_dir = workdir / f"round-{number + 1}"  # a fresh database and fresh logs each round
            round_dir.mkdir()
            order = args.targets if number % 2 == 0 else list(reversed(args.targets))
            for name in order:
                say(f"--- {name}" + (f", round {number + 1} of {args.rounds}" if args.rounds > 1 else "") + " ---")
                rows[name] = run_target(name, args, round_dir)
            rounds.append({name: rows[name] for name in args.targets})
    finally:
        shutil.rmtree(workdir, ignore_errors=True)
    report = build_report(args, median_round(rounds), started)
    if args.rounds > 1:
        report["rounds"] = [round_summary(each) for each in rounds]
    args.output.parent.mkdir(parents=True, exist_ok=True)
    args.output.write_text(json.dumps(report, indent=2) + "\n")
    print_report(report)
    for number, each in enumerate(report.get("rounds", []), 1):
        ratio = each["throughput_showdesk_over_relay"]
        print(
            f"round {number}: showdesk {_fmt(each.get('showdesk_msg_s'))} msg/s, relay {_fmt(each.get('relay_msg_s'))}"
            f" msg/s: {'-' if ratio is None else f'{ratio:.1%}'}"
        )
    if report.get("rounds"):
        print("the table and the goals are the median round's")
    return 1 if any("error" in row for each in rounds for row in each.values()) else 0


if __name__ == "__main__":
    raise SystemExit(main())
