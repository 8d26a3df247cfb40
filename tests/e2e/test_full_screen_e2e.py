"""The agent's full screen in real Chromium: the whole picture (nothing cut off), the chat's latest line
over it, and Hold, Resume, Capture photo and End video in reach without leaving it."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from playwright.sync_api import Browser, expect

from tests.e2e.conftest import Contexts
from tests.e2e.media import shows_picture
from tests.e2e.pages import AgentPage, CustomerPage, open_contexts, wait_until
from tests.support.server import ServerProcess
from tests.support.y4m import CUSTOMER_PICTURE


@pytest.fixture
def people(camera_browser: Browser, request: pytest.FixtureRequest) -> Iterator[Contexts]:
    yield from open_contexts(camera_browser, request)


def test_full_screen_keeps_the_whole_picture_the_latest_line_and_the_controls(
    server: ServerProcess, people: Contexts
) -> None:
    agent_page = people.new_page(viewport={"width": 1280, "height": 720})
    agent = AgentPage(agent_page, server).login().go_on_queue()
    customer = CustomerPage(people.new_page(), server).open().start_chat("Ann")
    panel = agent.accept()
    panel.get_by_test_id("request-video").click()
    customer.page.get_by_test_id("video-accept").click()
    video = panel.get_by_test_id("remote-video")
    wait_until(lambda: shows_picture(video, CUSTOMER_PICTURE), what="the customer's picture")

    panel.get_by_test_id("video-fullscreen").click()
    wait_until(
        lambda: agent_page.evaluate("() => document.fullscreenElement?.classList.contains('interaction__stage')"),
        what="the picture in full screen",
    )
    # The whole picture: the video fills the screen above the bar and scales its frame to fit, uncut.
    box = video.bounding_box()
    assert box is not None and box["x"] >= 0 and box["y"] >= 0
    assert box["x"] + box["width"] <= 1280 and box["y"] + box["height"] <= 720
    assert box["width"] >= 1200 and box["height"] >= 550, box
    assert video.evaluate("(v) => getComputedStyle(v).objectFit") == "contain"
    wait_until(lambda: shows_picture(video, CUSTOMER_PICTURE), what="the picture's four quadrants in full screen")

    customer.say("It clicks but does not heat")
    expect(panel.get_by_test_id("stage-latest-line")).to_have_text("Ann: It clicks but does not heat")
    expect(panel.get_by_test_id("stage-latest-line")).to_be_visible()
    expect(panel.get_by_test_id("stage-hold")).to_be_focused()  # the bar takes focus with the full screen
    expect(panel.get_by_test_id("stage-capture")).to_be_visible()

    panel.get_by_test_id("stage-hold").click()
    expect(panel.get_by_test_id("video-status")).to_have_text("held")
    expect(panel.get_by_test_id("video-hold-note")).to_be_visible()
    expect(panel.get_by_test_id("stage-hold")).to_be_hidden()
    panel.get_by_test_id("stage-resume").click()
    expect(panel.get_by_test_id("video-status")).to_have_text("live", timeout=20_000)

    panel.get_by_test_id("stage-capture").click()
    expect(panel.get_by_test_id("chat-log").locator("img")).to_have_count(1, timeout=20_000)

    panel.get_by_test_id("stage-end").click()
    expect(panel.get_by_test_id("video-status")).to_have_text("ended")
    wait_until(lambda: agent_page.evaluate("() => document.fullscreenElement === null"), what="full screen left")
