"""Networks that fight back, for real: the customer's Chromium on its own network namespace, its UDP cut by
iptables, a hardened coturn (the project's own generated configuration) as the only way through.

- UDP blocked except to the TURN server: live video reaches the agent through the relay (getStats says so).
- No TURN anywhere and UDP blocked: the video fails within 10 s, in words on both sides; the chat goes on.
- The relay itself unreachable at first: the customer's side retries through the relay once, and it works.
- A live direct video whose direct path is cut: ICE restart onto the relay, the picture comes back.
- The customer's device moving to a new address under live video: the chat connection is renewed, ICE
  restarts from the new address, the picture comes back.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import httpx
import pytest
from playwright.sync_api import Browser, Locator, Page, Playwright, expect

from tests.e2e.conftest import HEADLESS_FLAGS, Contexts
from tests.e2e.media import shows_picture, watch_media
from tests.e2e.pages import AgentPage, CustomerPage, wait_until
from tests.support.chromium import FAKE_MEDIA
from tests.support.coturn import CoturnProcess
from tests.support.netns import CustomerNetwork
from tests.support.server import ServerProcess
from tests.support.y4m import CUSTOMER_PICTURE, write_quadrants

SECRET = "relay-e2e-shared-secret-0123"

# The pair of candidates carrying the customer's media, as the customer's own browser reports it.
SELECTED_PAIR = """async () => {
  for (const pc of window.__media.peers) {
    if (pc.connectionState !== 'connected') continue;
    const stats = await pc.getStats();
    for (const report of stats.values()) {
      if (report.type !== 'transport' || !report.selectedCandidatePairId) continue;
      const pair = stats.get(report.selectedCandidatePairId);
      const local = stats.get(pair.localCandidateId), remote = stats.get(pair.remoteCandidateId);
      return { local: local.candidateType, localAddress: local.address, relayProtocol: local.relayProtocol,
               remote: remote.candidateType, bytesSent: pair.bytesSent };
    }
  }
  return null;
}"""


@pytest.fixture(scope="module")
def coturn(net: CustomerNetwork) -> Iterator[CoturnProcess]:
    turn = CoturnProcess(host=net.host_ip, secret=SECRET, relay_ip=net.host_ip).start()
    yield turn
    turn.cleanup()


def _server(net: CustomerNetwork, *extra: str) -> ServerProcess:
    proc = ServerProcess("--host", "0.0.0.0", "--offer-timeout", "10", *extra)  # noqa: S104 - the test's own veth
    # The customer's page is at the namespace's side of the host: the demo deployment must allow it.
    proc.env["SHOWDESK_PUBLIC_ORIGIN"] = f"http://{net.host_ip}:{proc.port}"
    return proc.start()


@pytest.fixture(scope="module")
def relay_server(net: CustomerNetwork, coturn: CoturnProcess) -> Iterator[ServerProcess]:
    proc = _server(net, "--turn-url", coturn.url, "--turn-secret", SECRET)
    yield proc
    proc.cleanup()


@pytest.fixture(scope="module")
def bare_server(net: CustomerNetwork) -> Iterator[ServerProcess]:
    proc = _server(net)
    yield proc
    proc.cleanup()


@pytest.fixture(scope="module")
def picture(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return write_quadrants(tmp_path_factory.mktemp("camera") / "customer.y4m", CUSTOMER_PICTURE)


@pytest.fixture(scope="module")
def customer_browser(
    playwright: Playwright,
    net: CustomerNetwork,
    picture: Path,
    relay_server: ServerProcess,
    bare_server: ServerProcess,
) -> Iterator[Browser]:
    # A real shop serves its page over HTTPS; this one is plain http on the veth's address, which the
    # browser would not count as a secure context (no camera at all) unless told to.
    origins = ",".join(f"http://{net.host_ip}:{s.port}" for s in (relay_server, bare_server))
    args = [
        *HEADLESS_FLAGS,
        *FAKE_MEDIA,
        f"--use-file-for-fake-video-capture={picture}",
        "--use-fake-ui-for-media-stream",
        f"--unsafely-treat-insecure-origin-as-secure={origins}",
    ]
    browser = playwright.chromium.launch(executable_path=net.chromium_executable(), headless=True, args=args)
    yield browser
    browser.close()


def _chatting(
    server: ServerProcess, net: CustomerNetwork, customer_and_agent: tuple[Contexts, Contexts]
) -> tuple[CustomerPage, AgentPage, Locator]:
    customers, agents = customer_and_agent
    customer_page, agent_page = customers.new_page(), agents.new_page()
    watch_media(customer_page)
    watch_media(agent_page)
    agent = AgentPage(agent_page, server).login().go_on_queue()
    customer = CustomerPage(customer_page, SimpleNamespace(base=f"http://{net.host_ip}:{server.port}"))  # type: ignore[arg-type]
    customer.open().start_chat("Ann")
    panel = agent.accept()
    customer.expect_line("joined the chat")
    return customer, agent, panel


def _ask_and_accept(customer: CustomerPage, panel: Locator) -> float:
    panel.get_by_test_id("request-video").click()
    accept = customer.page.get_by_test_id("video-accept")
    expect(accept).to_be_visible()
    clicked = time.monotonic()
    accept.click()
    return clicked


def _record(server: ServerProcess, panel: Locator) -> dict[str, Any]:
    cid = panel.get_attribute("data-conversation-id")
    token = server.login()
    conv = httpx.get(f"{server.base}/api/v2/conversations/{cid}", headers={"authorization": f"Bearer {token}"})
    return dict(conv.json()["videoSessions"][-1])


def _selected_pair(page: Page) -> dict[str, Any] | None:
    return page.evaluate(SELECTED_PAIR)  # type: ignore[no-any-return]


def _chat_goes_on(customer: CustomerPage, agent: AgentPage, panel: Locator) -> None:
    customer.say("can you still read me?")
    expect(panel.get_by_test_id("chat-log")).to_contain_text("can you still read me?")
    agent.say(panel, "yes, loud and clear")
    customer.expect_line("yes, loud and clear")


def test_udp_blocked_except_to_turn_the_video_arrives_through_the_relay(
    relay_server: ServerProcess,
    coturn: CoturnProcess,
    net: CustomerNetwork,
    customer_and_agent: tuple[Contexts, Contexts],
) -> None:
    net.block_udp(except_to=[(net.host_ip, coturn.port)])
    customer, agent, panel = _chatting(relay_server, net, customer_and_agent)
    _ask_and_accept(customer, panel)

    remote = panel.get_by_test_id("remote-video")
    wait_until(lambda: shows_picture(remote, CUSTOMER_PICTURE), what="the customer's picture on the agent desktop")
    expect(panel.get_by_test_id("video-status")).to_have_text("live")
    pair = wait_until(lambda: _selected_pair(customer.page), what="the customer's selected candidate pair")
    assert pair["local"] == "relay" and pair["localAddress"] == net.host_ip and pair["relayProtocol"] == "udp"
    assert net.dropped_udp_packets() > 0  # direct checks were tried, and cut
    wait_until(lambda: _record(relay_server, panel)["path"] == "relay", what="the record's path")
    assert _record(relay_server, panel)["relayRetries"] == 0  # the relay was there from the first attempt
    _chat_goes_on(customer, agent, panel)


def test_no_relay_anywhere_fails_within_ten_seconds_in_words_and_the_chat_goes_on(
    bare_server: ServerProcess, net: CustomerNetwork, customer_and_agent: tuple[Contexts, Contexts]
) -> None:
    net.block_udp()
    customer, agent, panel = _chatting(bare_server, net, customer_and_agent)
    clicked = _ask_and_accept(customer, panel)

    expect(customer.page.get_by_test_id("video-status")).to_have_text("failed", timeout=10_000)
    took = time.monotonic() - clicked
    assert took < 10.0, f"the failure took {took:.1f} s"
    for words in (customer.page.get_by_test_id("video-words"), panel.get_by_test_id("video-words")):
        expect(words).to_contain_text("blocks direct video")
        expect(words).to_contain_text("no relay (TURN) server")
    expect(panel.get_by_test_id("video-status")).to_have_text("failed")
    customer.expect_line("The chat goes on")
    record = _record(bare_server, panel)
    assert record["outcome"] == "failed" and record["failureReason"] == "no_relay"
    # every camera track the SDK took is off again
    tracks = customer.page.evaluate("window.__media.streams.flatMap((s) => s.getTracks().map((t) => t.readyState))")
    assert tracks and set(tracks) == {"ended"}
    _chat_goes_on(customer, agent, panel)


def test_when_the_first_attempt_cannot_connect_the_customer_retries_through_the_relay(
    relay_server: ServerProcess,
    coturn: CoturnProcess,
    net: CustomerNetwork,
    customer_and_agent: tuple[Contexts, Contexts],
) -> None:
    net.block_udp()  # not even the relay, at first
    customer, agent, panel = _chatting(relay_server, net, customer_and_agent)
    _ask_and_accept(customer, panel)

    words = customer.page.get_by_test_id("video-words")
    expect(words).to_contain_text("Your network blocks direct video; trying a relay", timeout=12_000)
    net.block_udp(except_to=[(net.host_ip, coturn.port)])  # the relay answers from now on
    expect(panel.get_by_test_id("video-words")).to_contain_text("trying a relay")

    remote = panel.get_by_test_id("remote-video")
    wait_until(lambda: shows_picture(remote, CUSTOMER_PICTURE), what="the picture, through the relay")
    pair = wait_until(lambda: _selected_pair(customer.page), what="the customer's selected candidate pair")
    assert pair["local"] == "relay"
    customer.expect_line("trying again through a relay server")
    wait_until(lambda: _record(relay_server, panel)["path"] == "relay", what="the record's path")
    assert _record(relay_server, panel)["relayRetries"] == 1
    _chat_goes_on(customer, agent, panel)


def test_a_network_change_under_live_video_restarts_ice_onto_the_relay(
    relay_server: ServerProcess,
    coturn: CoturnProcess,
    net: CustomerNetwork,
    customer_and_agent: tuple[Contexts, Contexts],
) -> None:
    customer, agent, panel = _chatting(relay_server, net, customer_and_agent)
    _ask_and_accept(customer, panel)
    remote = panel.get_by_test_id("remote-video")
    wait_until(lambda: shows_picture(remote, CUSTOMER_PICTURE), what="the live picture")
    first = wait_until(lambda: _selected_pair(customer.page), what="the first selected pair")
    assert first["local"] != "relay"

    # The customer's network changes: direct UDP is gone, only the relay is reachable, and the browser
    # says its network changed (the `online` event a phone fires moving from Wi-Fi to mobile data).
    net.block_udp(except_to=[(net.host_ip, coturn.port)])
    customer.page.evaluate("window.dispatchEvent(new Event('online'))")
    customer.expect_line("The customer's network changed; reconnecting the video.")
    wait_until(lambda: (_selected_pair(customer.page) or {}).get("local") == "relay", timeout=20, what="the relay pair")
    frames_before = remote.evaluate("(v) => v.getVideoPlaybackQuality().totalVideoFrames")
    wait_until(
        lambda: remote.evaluate("(v) => v.getVideoPlaybackQuality().totalVideoFrames") > frames_before + 10,
        what="new frames after the restart",
    )
    assert shows_picture(remote, CUSTOMER_PICTURE)
    record = wait_until(lambda: (r := _record(relay_server, panel))["path"] == "relay" and r, what="path relay")
    assert record["iceRestarts"] >= 1 and record["state"] == "live"
    _chat_goes_on(customer, agent, panel)


def test_the_customer_moving_networks_under_live_video_gets_the_picture_back(
    relay_server: ServerProcess, net: CustomerNetwork, customer_and_agent: tuple[Contexts, Contexts]
) -> None:
    customer, agent, panel = _chatting(relay_server, net, customer_and_agent)
    _ask_and_accept(customer, panel)
    remote = panel.get_by_test_id("remote-video")
    wait_until(lambda: shows_picture(remote, CUSTOMER_PICTURE), what="the live picture")
    old_address = net.customer_ip
    first = wait_until(lambda: _selected_pair(customer.page), what="the first selected pair")
    assert first["localAddress"] == old_address

    moved_to = net.move_customer()  # the old address is gone, with every path that used it
    started = time.monotonic()
    # ICE notices within seconds (consent checks go unanswered), then 2 s more before a restart
    expect(customer.log).to_contain_text("The customer's network changed; reconnecting the video.", timeout=20_000)
    wait_until(
        lambda: (_selected_pair(customer.page) or {}).get("localAddress") == moved_to,
        timeout=30,
        what="a pair on the new network",
    )
    frames_before = remote.evaluate("(v) => v.getVideoPlaybackQuality().totalVideoFrames")
    wait_until(
        lambda: remote.evaluate("(v) => v.getVideoPlaybackQuality().totalVideoFrames") > frames_before + 10,
        what="new frames after the move",
    )
    took = time.monotonic() - started
    assert took < 20, f"the picture took {took:.1f} s to come back"
    assert shows_picture(remote, CUSTOMER_PICTURE)
    record = _record(relay_server, panel)
    assert record["iceRestarts"] >= 1 and record["state"] == "live"
    _chat_goes_on(customer, agent, panel)
