"""A short network drop under live video, for real: the customer's Chromium on its own network namespace goes
offline for 6 s (the browser told so, and nothing in or out of its link: the chat socket and the media both
stall). The SDK's own recovery brings the picture back (the chat socket reconnects, ICE restarts), and
neither side reads a raw error or a code at any moment.
"""

from __future__ import annotations

import re
import time
from collections.abc import Iterator
from pathlib import Path
from types import SimpleNamespace

import pytest
from playwright.sync_api import Browser, Page, Playwright, expect

from tests.e2e.conftest import HEADLESS_FLAGS, Contexts
from tests.e2e.media import rtp_totals, shows_picture, watch_media
from tests.e2e.pages import AgentPage, CustomerPage, wait_until
from tests.support.chromium import FAKE_MEDIA
from tests.support.netns import CustomerNetwork
from tests.support.server import ServerProcess
from tests.support.y4m import CUSTOMER_PICTURE, write_quadrants

DROP_SECONDS = 6.0

# What a person must never read: a browser's exception text, or a code in parentheses such as "(video_state)".
RAW = re.compile(r"Failed to execute|DOMException|InvalidStateError|OperationError|\(\s*[a-z]+(?:_[a-z]+)+\s*\)")

# Every text a person can see on the page, the widget's shadow root included (innerText skips hidden parts).
VISIBLE_TEXT = """() => {
  const texts = [document.body ? document.body.innerText : ''];
  const visit = (root) => root.querySelectorAll('*').forEach((element) => {
    if (!element.shadowRoot) return;
    for (const child of element.shadowRoot.children) if (child.innerText) texts.push(child.innerText);
    visit(element.shadowRoot);
  });
  visit(document);
  return texts.join('\\n');
}"""

# How many chat sockets the page opened: a reconnect is a new one.
COUNT_SOCKETS = """(() => {
  window.__sockets = 0;
  const Original = window.WebSocket;
  window.WebSocket = class extends Original {
    constructor(...args) { super(...args); window.__sockets += 1; }
  };
})();"""


@pytest.fixture(scope="module")
def drop_server(net: CustomerNetwork) -> Iterator[ServerProcess]:
    proc = ServerProcess("--host", "0.0.0.0", "--offer-timeout", "10")  # noqa: S104 - the test's own veth
    # The customer's page is at the namespace's side of the host: the demo deployment must allow it.
    proc.env["SHOWDESK_PUBLIC_ORIGIN"] = net.origin(proc.port)
    proc.start()
    yield proc
    proc.cleanup()


@pytest.fixture(scope="module")
def customer_browser(
    playwright: Playwright, net: CustomerNetwork, drop_server: ServerProcess, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Browser]:
    picture: Path = write_quadrants(tmp_path_factory.mktemp("camera") / "customer.y4m", CUSTOMER_PICTURE)
    args = [
        *HEADLESS_FLAGS,
        *FAKE_MEDIA,
        f"--use-file-for-fake-video-capture={picture}",
        "--use-fake-ui-for-media-stream",
        net.secure_origin_flag(drop_server.port),
    ]
    browser = playwright.chromium.launch(executable_path=net.chromium_executable(), headless=True, args=args)
    yield browser
    browser.close()


def _visible_text(page: Page) -> str:
    return str(page.evaluate(VISIBLE_TEXT))


def test_a_six_second_network_drop_under_live_video_recovers_by_itself_in_words(
    drop_server: ServerProcess, net: CustomerNetwork, customer_and_agent: tuple[Contexts, Contexts]
) -> None:
    customers, agents = customer_and_agent
    customer_page, agent_page = customers.new_page(), agents.new_page()
    watch_media(customer_page)
    watch_media(agent_page)
    customer_page.add_init_script(COUNT_SOCKETS)
    agent = AgentPage(agent_page, drop_server).login().go_on_queue()
    customer = CustomerPage(customer_page, SimpleNamespace(base=net.origin(drop_server.port)))  # type: ignore[arg-type]
    customer.open().start_chat("Ann")
    panel = agent.accept()
    customer.expect_line("joined the chat")
    panel.get_by_test_id("request-video").click()
    customer_page.get_by_test_id("video-accept").click()
    remote = panel.get_by_test_id("remote-video")
    wait_until(lambda: shows_picture(remote, CUSTOMER_PICTURE), what="the customer's picture on the agent desktop")
    expect(panel.get_by_test_id("video-status")).to_have_text("live")
    sockets_before = customer_page.evaluate("window.__sockets")

    seen: list[str] = []  # what both people could read, looked at all along

    def look() -> None:
        seen.extend((_visible_text(customer_page), _visible_text(agent_page)))

    # The drop: the browser hears it is offline, and nothing gets in or out of the device's link.
    customer_page.context.set_offline(True)
    net.cut_off()
    dropped_at = time.monotonic()
    frames: list[int] = []

    def frames_stopped() -> bool:
        look()
        frames.append(rtp_totals(agent_page)["framesDecoded"])
        return len(frames) > 2 and frames[-1] == frames[-3]

    wait_until(frames_stopped, timeout=DROP_SECONDS, what="the picture stopping at the agent (the media is cut)")
    while time.monotonic() - dropped_at < DROP_SECONDS:  # the drop lasts its 6 s, whatever the pages do
        look()
        time.sleep(0.25)
    net.unblock()
    customer_page.context.set_offline(False)

    # By itself: the chat socket comes back, ICE restarts, the agent sees the customer's picture again, live.
    stalled = rtp_totals(agent_page)["framesDecoded"]

    def recovered() -> bool:
        look()
        return (
            rtp_totals(agent_page)["framesDecoded"] > stalled + 10
            and shows_picture(remote, CUSTOMER_PICTURE)
            and panel.get_by_test_id("video-status").inner_text() == "live"
            and customer_page.get_by_test_id("video-status").inner_text() == "live"
        )

    try:
        wait_until(recovered, timeout=30, what="the picture back at the agent and the video live on both sides")
    except AssertionError as failed:
        said = {"customer": seen[-2][-600:], "agent": seen[-1][-600:]}
        raise AssertionError(f"{failed}; the pages said {said}") from None
    assert customer_page.evaluate("window.__sockets") > sockets_before, "the chat socket was not renewed"
    look()
    raw = sorted({match for text in seen for match in RAW.findall(text)})
    assert not raw, f"a person read raw error text or codes: {raw}"
