"""Time to first frame: the customer's click to the agent's first rendered frame, ShowDesk vs a bare pair.

Both run in one Chromium (fake camera, headless) at the same time, turn by turn: a ShowDesk turn
(agent requests video on the agent desktop, the customer clicks `video-accept` in the demo widget),
then a bare turn (a button on a minimal page takes the camera and offers to a minimal agent page
through a WebSocket relay), and so on. The click time is taken in the customer page (capture phase),
the frame time in the agent page (`requestVideoFrameCallback` on the <video> showing the track);
both are `performance.timeOrigin + performance.now()`, one clock for the pages of one browser.

    python -m bench.video_ttff [--turns 15] [--quick] [--no-netns]

A second pair of rows times the seed's path (CONTRACT.md section 4): a page of the site's own code takes the
camera in the click and hands the stream to `chat.startVideo({ stream, direction: 'one-way' })`, beside a bare
pair asking the camera for the same media.
"""

from __future__ import annotations

import argparse
import functools
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
# The seed's page is served by Playwright on ShowDesk's origin: Chromium would treat it as public and
# keep it from the local server's socket, as a page on a real site would not be.
FLAGS = [*HEADLESS_FLAGS, *FAKE_MEDIA, "--use-fake-ui-for-media-stream", "--disable-features=LocalNetworkAccessChecks"]

TIMING = """
(() => {
  const now = () => performance.timeOrigin + performance.now();
  window.__ttff = { clicks: [], frames: [] };
  document.addEventListener('click', (event) => {
    // composedPath: the widget's button is inside its shadow root (the event's target here is the host)
    const path = event.composedPath?.() ?? [event.target];
    if (path.some((el) => el.matches?.('[data-testid="video-accept"], #start'))) window.__ttff.clicks.push(now());
  }, true);
  const Original = window.RTCPeerConnection;
  window.__peers = [];
  window.RTCPeerConnection = class extends Original {
    constructor(...args) {
      super(...args);
      window.__peers.push(this);
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
    def __init__(self, base: str, customer: Page, agent: Page, customer_base: str | None = None) -> None:
        self.customer, self.agent = customer, agent
        agent.goto(f"{base}/agent/")
        agent.get_by_test_id("login-email").fill("agent@demo.local")
        agent.get_by_test_id("login-password").fill("agent")
        agent.get_by_test_id("login-submit").click()
        agent.get_by_test_id("presence-on-queue").click()
        agent.wait_for_selector("#presence-status[data-status='on_queue']")
        customer.goto(f"{customer_base or base}/demo/")
        customer.get_by_test_id("chat-open").click()
        customer.get_by_test_id("chat-name").fill("Bench")
        customer.get_by_test_id("chat-start").click()
        self.panel = accept_chat(agent)

    def turn(self) -> float:
        return self.turn_checked(None)

    def turn_checked(self, path: str | None) -> float:
        seen = self.agent.evaluate("window.__ttff.frames.length")
        self.panel.get_by_test_id("request-video").click()
        self.customer.get_by_test_id("video-accept").click()
        wait_for(self.agent, f"window.__ttff.frames.length > {seen}")
        click = self.customer.evaluate("window.__ttff.clicks.at(-1)")
        frame = self.agent.evaluate(f"window.__ttff.frames[{seen}]")
        if path is not None:
            local = self.customer.evaluate(SELECTED_LOCAL_CANDIDATE)
            if (local == "relay") != (path == "relay"):
                raise RuntimeError(f"a {path} turn went through a {local} candidate")
        self.panel.get_by_test_id("end-video").click()
        self.customer.get_by_test_id("video-status").filter(has_text="ended").wait_for()
        wait_until_requestable(self.agent, self.panel)
        return float(frame - click)


def accept_chat(agent: Page) -> Locator:
    """The agent takes the chat on offer; its panel, pinned by conversation (the desktop may hold several)."""
    panels = (
        "[...document.querySelectorAll('[data-conversation-id]')]"
        ".filter((p) => p.querySelector('[data-testid=request-video]')).map((p) => p.dataset.conversationId)"
    )
    before = set(agent.evaluate(panels))
    agent.get_by_test_id("accept-interaction").click()
    deadline = time.monotonic() + 20
    while not (new := set(agent.evaluate(panels)) - before):
        if time.monotonic() > deadline:
            raise TimeoutError("the accepted chat's panel did not open")
        time.sleep(0.02)
    panel = agent.locator(f"[data-conversation-id='{new.pop()}']")
    panel.get_by_test_id("request-video").wait_for(state="visible")
    return panel


def wait_until_requestable(agent: Page, panel: Locator) -> None:
    conversation_id = panel.get_attribute("data-conversation-id")
    button = f"[data-conversation-id='{conversation_id}'] [data-testid=request-video]"
    wait_for(agent, f'!document.querySelector("{button}").disabled')


class SeedPair:
    """The seed's path (CONTRACT.md section 4): a page of the site's own code on ShowDesk's origin takes the
    camera in the click (720p and the microphone) and calls `chat.startVideo({ stream, direction: 'one-way' })`
    unasked; the second demo agent's desktop shows it (its only chat, its video in view, as the ShowDesk row's).
    The first agent goes off queue (keeping its chat) so that the seed's chat is offered to the second."""

    def __init__(self, base: str, customer: Page, agent: Page, first_agent: Page) -> None:
        self.customer, self.agent = customer, agent
        first_agent.get_by_test_id("presence-on-queue").click()
        first_agent.wait_for_selector("#presence-status:not([data-status='on_queue'])")
        agent.goto(f"{base}/agent/")
        agent.get_by_test_id("login-email").fill("agent2@demo.local")
        agent.get_by_test_id("login-password").fill("agent")
        agent.get_by_test_id("login-submit").click()
        agent.get_by_test_id("presence-on-queue").click()
        agent.wait_for_selector("#presence-status[data-status='on_queue']")
        page = Path(__file__).resolve().parent / "seed" / "customer.html"
        customer.route(f"{base}/bench/seed.html", lambda route: route.fulfill(path=page, content_type="text/html"))
        customer.goto(f"{base}/bench/seed.html")
        customer.evaluate("window.chatReady")
        self.panel = accept_chat(agent)
        wait_for(customer, "window.chat.state === 'connected' && window.chat.videoSettings !== null")

    def turn(self) -> float:
        seen = self.agent.evaluate("window.__ttff.frames.length")
        self.customer.click("#start")
        wait_for(self.agent, f"window.__ttff.frames.length > {seen}")
        click = self.customer.evaluate("window.__ttff.clicks.at(-1)")
        frame = self.agent.evaluate(f"window.__ttff.frames[{seen}]")
        wait_for(self.customer, "window.chat.videoState === 'live'")
        self.panel.get_by_test_id("end-video").click()
        wait_for(self.customer, "window.chat.videoState === 'ended'")
        wait_until_requestable(self.agent, self.panel)
        return float(frame - click)


class BarePair:
    def __init__(self, base: str, customer: Page, agent: Page, media: str = "widget") -> None:
        self.customer, self.agent = customer, agent
        agent.goto(f"{base}/agent.html?media={media}")
        customer.goto(f"{base}/customer.html?media={media}")
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


SELECTED_LOCAL_CANDIDATE = """async () => {
  for (const pc of window.__peers ?? []) {
    if (pc.connectionState !== 'connected') continue;
    const stats = await pc.getStats();
    for (const r of stats.values()) {
      if (r.type === 'transport' && r.selectedCandidatePairId) {
        return stats.get(stats.get(r.selectedCandidatePairId).localCandidateId).candidateType;
      }
    }
  }
  return null;
}"""


class NetnsPair:
    """The customer's Chromium on its own network namespace (its clock is the host's), a coturn with the
    project's hardened configuration, and ShowDesk handing out relay credentials. One chat, turn by turn
    with UDP open (`direct`) or cut to everything but the TURN server (`relay`); every turn checks the
    path the customer's media really took."""

    def __init__(self, playwright: Any, workdir: Path) -> None:
        from tests.support.coturn import CoturnProcess
        from tests.support.netns import CustomerNetwork

        self.net = CustomerNetwork().create()
        self.turn = CoturnProcess(host=self.net.host_ip, relay_ip=self.net.host_ip).start()
        self.server = ServerProcess(
            "--host",
            "0.0.0.0",  # noqa: S104 - the benchmark's own veth
            "--turn-url",
            self.turn.url,
            "--turn-secret",
            self.turn.secret,
        )
        self.server.env["SHOWDESK_PUBLIC_ORIGIN"] = self.net.origin(self.server.port)
        self.server.start()
        flags = [*FLAGS, self.net.secure_origin_flag(self.server.port)]
        self.customer_browser = playwright.chromium.launch(
            executable_path=self.net.chromium_executable(), headless=True, args=flags
        )
        self.agent_browser = playwright.chromium.launch(executable_path=CHROMIUM, headless=True, args=FLAGS)
        pages = []
        for browser in (self.customer_browser, self.agent_browser):
            context = browser.new_context()
            context.add_init_script(TIMING)
            pages.append(context.new_page())
        self.pair = ShowDeskPair(self.server.base, pages[0], pages[1], customer_base=self.net.origin(self.server.port))

    def turn_via(self, path: str) -> float:
        if path == "relay":
            self.net.block_udp(except_to=[(self.net.host_ip, self.turn.port)])
        else:
            self.net.unblock()
        ms = self.pair.turn_checked(path)
        self.net.unblock()
        return ms

    def close(self) -> None:
        for browser in (self.customer_browser, self.agent_browser):
            browser.close()
        self.server.cleanup()
        self.turn.cleanup()
        self.net.close()


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
    parser.add_argument("--no-netns", action="store_true", help="leave out the network-namespace rows")
    args = parser.parse_args(argv)
    turns, warmup = (5, 1) if args.quick else (args.turns, args.warmup)

    # ShowDesk exactly as the integration tests start it, with its own STUN responder on.
    showdesk = ServerProcess("--stun-port", str(free_port(socket.SOCK_DGRAM))).start()
    results: dict[str, list[float]] = {"showdesk": [], "bare": [], "seed": [], "bare (seed media)": []}
    bare = None
    netns: NetnsPair | None = None
    from tests.support.netns import netns_available

    no_netns = "left out (--no-netns)" if args.no_netns else netns_available()
    if no_netns:
        print(f"no relay rows: {no_netns}", flush=True)
    else:
        results |= {"netns direct": [], "netns relay": []}
    try:
        bare = Relay(showdesk.workdir)
        with sync_playwright() as p:
            if not no_netns:
                netns = NetnsPair(p, showdesk.workdir)
            browser = p.chromium.launch(executable_path=CHROMIUM, headless=True, args=FLAGS)
            pages = []
            for _ in range(8):
                context = browser.new_context()
                context.add_init_script(TIMING)
                pages.append(context.new_page())
            pairs = {
                "showdesk": ShowDeskPair(showdesk.base, pages[0], pages[1]),
                "bare": BarePair(bare.base, pages[2], pages[3]),
                "seed": SeedPair(showdesk.base, pages[4], pages[7], first_agent=pages[1]),
                "bare (seed media)": BarePair(bare.base, pages[5], pages[6], media="seed"),
            }
            for i in range(warmup + turns):
                timed = {name: pair.turn for name, pair in pairs.items()}
                if netns is not None:
                    # the same chat, the same machine: UDP open, then cut to all but the TURN server
                    timed["netns direct"] = functools.partial(netns.turn_via, "direct")
                    timed["netns relay"] = functools.partial(netns.turn_via, "relay")
                for name, turn in timed.items():  # turn by turn: all see the same machine
                    ms = turn()
                    if i >= warmup:
                        results[name].append(ms)
                    time.sleep(0.3)
                print(
                    f"turn {i + 1}/{warmup + turns}: "
                    + ", ".join(f"{n} {results[n][-1] if results[n] else 0:.0f} ms" for n in timed),
                    flush=True,
                )
            browser.close()
            if netns is not None:
                netns.close()
                netns = None
    finally:
        try:
            if netns is not None:
                netns.close()  # may fail once Playwright is gone (a turn failed): the rest still stops
        finally:
            showdesk.cleanup()
            if bare is not None:
                bare.stop()

    report = {name: summary(samples) for name, samples in results.items()}
    ratio = report["showdesk"]["median_ms"] / report["bare"]["median_ms"]
    seed_ratio = report["seed"]["median_ms"] / report["bare (seed media)"]["median_ms"]
    out = {
        "when": time.strftime("%Y-%m-%dT%H:%M:%S"),
        "commit": subprocess.run(
            ["git", "rev-parse", "--short", "HEAD"], cwd=ROOT, capture_output=True, text=True
        ).stdout.strip(),
        "quick": args.quick,
        "results": report,
        "samples_ms": {k: [round(v, 1) for v in vs] for k, vs in results.items()},
        "ratio_median": round(ratio, 3),
        "seed_ratio_median": round(seed_ratio, 3),
        "relay_vs_direct_median": round(report["netns relay"]["median_ms"] / report["netns direct"]["median_ms"], 3)
        if "netns relay" in report
        else None,
        "goal": "ShowDesk median <= 1.15 x bare median, on the widget's path and on the seed's",
    }
    print()
    print("| target | median | p90 | min | max | turns |")
    print("| --- | --- | --- | --- | --- | --- |")
    for name, r in report.items():
        print(
            f"| {name} | {r['median_ms']} ms | {r['p90_ms']} ms | {r['min_ms']} ms | {r['max_ms']} ms | {r['turns']} |"
        )
    print(f"| ratio (widget) | {ratio:.2f}x | | | | |")
    print(f"| ratio (seed) | {seed_ratio:.2f}x | | | | |")
    if out["relay_vs_direct_median"] is not None:
        print(f"| relay / direct (netns) | {out['relay_vs_direct_median']:.2f}x | | | | |")
    RESULTS.parent.mkdir(exist_ok=True)
    RESULTS.write_text(json.dumps(out, indent=2) + "\n")
    return 0
