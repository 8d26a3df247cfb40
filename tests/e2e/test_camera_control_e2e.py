"""Camera control on request: the agent asks for the other camera, the torch or a zoom; the customer sees
each request, their device does what it can, and the transcript logs the request and its outcome."""

from __future__ import annotations

from collections.abc import Iterator

import httpx
import pytest
from playwright.sync_api import Browser, Playwright, expect

from tests.e2e.conftest import CHROMIUM, HEADLESS_FLAGS, Contexts
from tests.e2e.media import camera_calls, track_states, watch_media
from tests.e2e.pages import AgentPage, CustomerPage, open_contexts

# Two fake cameras, as a phone has a front and a back one; neither has a torch or a zoom.
TWO_CAMERAS = [
    "--use-fake-device-for-media-stream=device-count=2",
    "--use-fake-ui-for-media-stream",
    "--autoplay-policy=no-user-gesture-required",
]


@pytest.fixture(scope="module")
def two_camera_browser(playwright: Playwright) -> Iterator[Browser]:
    browser = playwright.chromium.launch(executable_path=CHROMIUM, headless=True, args=[*HEADLESS_FLAGS, *TWO_CAMERAS])
    yield browser
    browser.close()


@pytest.fixture
def people(two_camera_browser: Browser, request: pytest.FixtureRequest) -> Iterator[Contexts]:
    yield from open_contexts(two_camera_browser, request)


def test_the_agent_asks_and_the_customers_device_does_what_it_can(server, people: Contexts) -> None:  # type: ignore[no-untyped-def]
    agent_page, customer_page = people.new_page(), people.new_page()
    watch_media(agent_page)
    watch_media(customer_page)
    agent = AgentPage(agent_page, server).login().go_on_queue()
    customer = CustomerPage(customer_page, server).open().start_chat("Ann")
    panel = agent.accept()
    customer.expect_line("joined the chat")
    panel.get_by_test_id("request-video").click()
    customer_page.get_by_test_id("video-accept").click()
    expect(panel.get_by_test_id("video-status")).to_have_text("live", timeout=15_000)
    log = panel.get_by_test_id("chat-log")

    panel.get_by_test_id("camera-torch").click()
    customer.expect_line("Dana Agent asked to turn the torch on.")
    expect(customer_page.get_by_test_id("video-words")).to_contain_text("asked to turn the torch on")
    expect(log).to_contain_text("The customer's device cannot use a torch: this camera has no torch")
    panel.get_by_test_id("camera-zoom-in").click()
    expect(log).to_contain_text("The customer's device cannot zoom: this camera cannot zoom")

    panel.get_by_test_id("camera-switch").click()
    customer.expect_line("Dana Agent asked to switch to the other camera.")
    expect(log).to_contain_text("The customer's device switched to the other camera.")
    assert camera_calls(customer_page) == 2  # the other camera was opened ...
    assert sorted(track_states(customer_page)) == ["ended", "live"]  # ... and the first one turned off
    # The other camera is on the same sender: no new connection, no renegotiation. (Chromium's second
    # fake camera delivers frames its encoder does not take, so the picture itself is not checked here:
    # a replaceTrack to a clone of the first camera keeps frames coming, to the second one not, outside
    # ShowDesk too.)
    sending = customer_page.evaluate("window.__media.peers.flatMap((p) => p.getSenders().map((s) => s.track?.label))")
    assert sending == ["fake_device_1"] and len(customer_page.evaluate("window.__media.peers")) == 1
    expect(panel.get_by_test_id("video-status")).to_have_text("live")

    # Every request and outcome is in the stored transcript.
    cid = panel.get_attribute("data-conversation-id")
    token = server.login()
    messages = httpx.get(
        f"{server.base}/api/v2/conversations/{cid}/messages", headers={"authorization": f"Bearer {token}"}
    ).json()
    lines = [m["text"] for m in messages if m["from"] == "system"]
    for wanted in (
        "asked to turn the torch on",
        "cannot use a torch",
        "asked to zoom in",
        "cannot zoom",
        "asked to switch to the other camera",
        "switched to the other camera",
    ):
        assert any(wanted in line for line in lines), wanted
