"""Time to first frame: the customer's click to the agent's first rendered frame, ShowDesk vs a bare pair.

Both run in one Chromium (fake camera, headless) at the same time, turn by turn: a ShowDesk turn
(agent requests video on the agent desktop, the customer clicks `video-accept` in the demo widget),
then a bare turn (a button on a minimal page takes the camera and offers to a minimal agent page
through a WebSocket relay), and so on. The click time is taken in the customer page (capture phase),
the frame time in the agent page (`requestVideoFrameCallback` on the <video> showing the track);
both are `performance.timeOrigin + performance.now()`, one clock for the pages of one browser.

    python -m bench.video_ttff [--turns 15] [--quick]
"""

from __future__ import annotations

import argparse
import json
import socket
import statistics
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import httpx
from playwright.sync_api import Locator, Page, sync_playwright
from tests.support.chromium import CHROMIUM, FAKE_MEDIA, HEADLESS_FLAGS
from tests.support.server import ServerProcess

ROOT = Path(__file__).resolve().parents[2]
RESULTS = ROOT / "bench" / "results" / "video_ttff.json"
FLAGS = [*HEADLESS_FLAGS, *FAKE_MEDIA, "--use-fake-ui-for-media-stream"]

TIMING = """
(() => {
  const now = () => performance.timeOrigin + performance.now();
  window.__ttff = { clicks: [], frames: [] };
  document.addEventListener('click', (event) => {
    if (event.target.closest?.('[data-testid="video-accept"], #start')) window.__ttff.clicks.push(now());
  }, true);
  const Original = window.RTCPeerConnection;
  window.RTCPeerConnection = class extends Original {
    constructor(...args) {
      super(...args);
      this.addEventListener('track', ({ track }) => {
        if (track.kind !== 'video') return;
        const attach = () => {
          const video = [...document.querySelectorAll('video')]
            .find((v) => v.srcObject && v.srcObject.getTracks().includes(track));
          if (!video) return setTimeout(attach, 1);
          video.requestVideoFrameCallback(() => window.__ttff.frames.push(now()));
        };
        attach();
      });
    }
  };
})();
"""


def free_port(kind: int = socket.SOCK_STREAM) -> int:
    with socket.socket(socket.AF_INET, kind) as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


class Relay:
    """The baseline's relay as a subprocess on a free port."""

    def __init__(self, workdir: Path) -> None:
        port = free_port()
        self.base = f"http://127.0.0.1:{port}"
        log = (workdir / "relay.log").open("wb")
        cmd = [sys.executable, "-m", "bench.video_ttff.relay", str(port)]
        self.proc = subprocess.Popen(cmd, cwd=ROOT, stdout=log, stderr=subprocess.STDOUT)
        deadline = time.monotonic() + 20
        while time.monotonic() < deadline:
            try:
                if httpx.get(self.base + "/healthz", timeout=1).status_code == 200:
                    return
            except httpx.HTTPError:
                time.sleep(0.1)
        raise RuntimeError("the relay did not become ready")

    def stop(self) -> None:
        self.proc.terminate()
        try:
            self.proc.wait(10)
        except subprocess.TimeoutExpired:
            self.proc.kill()


def wait_for(page: Page, expression: str, timeout: float = 20.0) -> Any:
    """Poll from here: the agent desktop's CSP forbids the string evaluation wait_for_function uses."""
    deadline = time.monotonic() + timeout
    while not (value := page.evaluate(expression)):
        if time.monotonic() > deadline:
            raise TimeoutError(f"{expression} still false after {timeout} s")
        time.sleep(0.005)
    return value


class ShowDeskPair:
    def __init__(self, base: str, customer: Page, agent: Page) -> None:
        self.customer, self.agent = customer, agent
        agent.goto(f"{base}/agent/")
        agent.get_by_test_id("login-email").fill("agent@demo.local")
        agent.get_by_test_id("login-password").fill("agent")
        agent.get_by_test_id("login-submit").click()
        agent.get_by_test_id("presence-on-queue").click()
        agent.wait_for_selector("#presence-status[data-status='on_queue']")
        customer.goto(f"{base}/demo/")
        customer.get_by_test_id("chat-open").click()
        customer.get_by_test_id("chat-name").fill("Bench")
        customer.get_by_test_id("chat-start").click()
        agent.get_by_test_id("accept-interaction").click()
        self.panel: Locator = agent.locator("[data-conversation-id]").last
        self.panel.get_by_test_id("request-video").wait_for(state="visible")

    def turn(self) -> float:
        seen = self.agent.evaluate("window.__ttff.frames.length")
        self.panel.get_by_test_id("request-video").click()
        self.customer.get_by_test_id("video-accept").click()
        wait_for(self.agent, f"window.__ttff.frames.length > {seen}")
        click = self.customer.evaluate("window.__ttff.clicks.at(-1)")
        frame = self.agent.evaluate(f"window.__ttff.frames[{seen}]")
        self.panel.get_by_test_id("end-video").click()
        self.customer.get_by_test_id("video-status").filter(has_text="ended").wait_for()
        wait_for(self.agent, "!document.querySelector('[data-conversation-id] [data-testid=request-video]').disabled")
        return float(frame - click)


class BarePair:
    def __init__(self, base: str, customer: Page, agent: Page) -> None:
        self.customer, self.agent = customer, agent
        agent.goto(f"{base}/agent.html")
        customer.goto(f"{base}/customer.html")
        time.sleep(0.3)  # both sockets open

    def turn(self) -> float:
        seen = self.agent.evaluate("window.__ttff.frames.length")
        self.customer.click("#start")
        wait_for(self.agent, f"window.__ttff.frames.length > {seen}")
        click = self.customer.evaluate("window.__ttff.clicks.at(-1)")
        frame = self.agent.evaluate(f"window.__ttff.frames[{seen}]")
        self.customer.evaluate("window.stopVideo()")
        wait_for(self.agent, "!document.getElementById('remote').srcObject")
        return float(frame - click)


def summary(samples: list[float]) -> dict[str, float]:
    ordered = sorted(samples)
    return {
        "median_ms": round(statistics.median(ordered), 1),
        "p90_ms": round(ordered[min(len(ordered) - 1, int(len(ordered) * 0.9))], 1),
        "min_ms": round(ordered[0], 1),
        "max_ms": round(ordered[-1], 1),
        "turns": len(ordered),
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--turns", type=int, default=15, help="turns per target (default 15)")
    parser.add_argument("--warmup", type=int, default=2, help="turns per target not counted (default 2)")
    parser.add_argument("--quick", action="store_true", help="5 turns, 1 warm-up")
    args = parser.parse_args(argv)
    turns, warmup = (5, 1) if args.quick else (args.turns, args.warmup)

    # ShowDesk exactly as the integration tests start it, with its own STUN responder on.
    showdesk = ServerProcess("--stun-port", str(free_port(socket.SOCK_DGRAM))).start()
    results: dict[str, list[float]] = {"showdesk": [], "bare": []}
    bare = None
    try:
        bare = Relay(showdesk.workdir)
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path=CHROMIUM, headless=True, args=FLAGS)
            pages = []
            for _ in range(4):
                context = browser.new_context()
                context.add_init_script(TIMING)
                pages.append(context.new_page())
            pairs = {
                "showdesk": ShowDeskPair(showdesk.base, pages[0], pages[1]),
                "bare": BarePair(bare.base, pages[2], pages[3]),
            }
            for i in range(warmup + turns):
                for name, pair in pairs.items():  # turn by turn: both see the same machine
                    ms = pair.turn()
                    if i >= warmup:
                        results[name].append(ms)
                    time.sleep(0.3)
                print(
                    f"turn {i + 1}/{warmup + turns}: "
                    + ", ".join(f"{n} {results[n][-1] if results[n] else 0:.0f} ms" for n in pairs),
                    flush=True,
                )
            browser.close()
    finally:
        showdesk.cleanup()
        if bare is not None:
            bare.stop()

    report = {name: summary(samples) for name, samples in results.items()}
    ratio = report["showdesk"]["median_ms"] / report["bare"]["median_ms"]
    out = {
        "when": time.strftime("%Y-%m-%dT%H:%M:%S"),
        "commit": subprocess.run(
            ["git", "rev-parse", "--short", "HEAD"], cwd=ROOT, capture_output=True, text=True
        ).stdout.strip(),
        "quick": args.quick,
        "results": report,
        "samples_ms": {k: [round(v, 1) for v in vs] for k, vs in results.items()},
        "ratio_median": round(ratio, 3),
        "goal": "ShowDesk median <= 1.15 x bare median",
    }
    print()
    print("| target | median | p90 | min | max | turns |")
    print("| --- | --- | --- | --- | --- | --- |")
    for name, r in report.items():
        print(
            f"| {name} | {r['median_ms']} ms | {r['p90_ms']} ms | {r['min_ms']} ms | {r['max_ms']} ms | {r['turns']} |"
        )
    print(f"| ratio | {ratio:.2f}x | | | | |")
    RESULTS.parent.mkdir(exist_ok=True)
    RESULTS.write_text(json.dumps(out, indent=2) + "\n")
    return 0
