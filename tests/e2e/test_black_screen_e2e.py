"""Never a silent black screen: the agent desktop names a connected picture that is black or never comes,
both sides read why, and the video session's record and /metrics keep it."""

from __future__ import annotations

from collections.abc import Iterator

import httpx
import pytest
from playwright.sync_api import Browser, Playwright, expect

from tests.e2e.conftest import Contexts, launch_with_camera
from tests.e2e.pages import AgentPage, CustomerPage, open_contexts
from tests.support.server import ServerProcess
from tests.support.y4m import write_quadrants

BLACK = (0, 0, 0)

# A camera whose driver hands out a live track that never produces a frame.
FRAMELESS_CAMERA = """
(() => {
  navigator.mediaDevices.getUserMedia = async () => {
    const canvas = document.createElement('canvas');
    canvas.width = 320; canvas.height = 240;
    return canvas.captureStream(0);
  };
})();
"""


@pytest.fixture(scope="module")
def black_camera_browser(playwright: Playwright, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Browser]:
    picture = write_quadrants(tmp_path_factory.mktemp("camera") / "black.y4m", (BLACK, BLACK, BLACK, BLACK))
    browser = launch_with_camera(playwright, picture, "--use-fake-ui-for-media-stream")
    yield browser
    browser.close()


@pytest.fixture(scope="module")
def server() -> Iterator[ServerProcess]:
    proc = ServerProcess("--offer-timeout", "10").start()
    yield proc
    proc.cleanup()


@pytest.fixture
def people(black_camera_browser: Browser, request: pytest.FixtureRequest) -> Iterator[Contexts]:
    yield from open_contexts(black_camera_browser, request)


def _video_started(server: ServerProcess, people: Contexts, init_script: str | None = None):  # type: ignore[no-untyped-def]
    agent = AgentPage(people.new_page(), server).login().go_on_queue()
    customer_page = people.new_page()
    if init_script:
        customer_page.add_init_script(init_script)
    customer = CustomerPage(customer_page, server).open().start_chat("Ann")
    panel = agent.accept()
    customer.expect_line("joined the chat")
    panel.get_by_test_id("request-video").click()
    expect(customer_page.get_by_test_id("video-accept")).to_be_visible()
    customer_page.get_by_test_id("video-accept").click()
    return customer, agent, panel


def _session(server: ServerProcess, panel) -> dict:  # type: ignore[no-untyped-def,type-arg]
    cid = panel.get_attribute("data-conversation-id")
    token = server.login()
    conv = httpx.get(f"{server.base}/api/v2/conversations/{cid}", headers={"authorization": f"Bearer {token}"})
    return dict(conv.json()["videoSessions"][-1])


def _metric(server: ServerProcess, line_start: str) -> float:
    for line in server.metrics().splitlines():
        if line.startswith(line_start):
            return float(line.rsplit(" ", 1)[1])
    return 0.0


def test_a_black_picture_is_named_on_both_sides_and_recorded(server: ServerProcess, people: Contexts) -> None:
    before = _metric(server, 'showdesk_video_picture_problems_total{cause="black_frames"}')
    customer, _, panel = _video_started(server, people)
    expect(panel.get_by_test_id("video-status")).to_have_text("live")
    words = panel.get_by_test_id("video-words")
    expect(words).to_contain_text("The picture is black", timeout=10_000)
    expect(words).to_contain_text("camera may be covered")
    # The customer reads what the agent cannot see, in the chat and next to the video.
    customer.expect_line("The agent sees only a black picture")
    expect(customer.page.get_by_test_id("video-words")).to_contain_text("camera may be covered")
    expect(customer.page.get_by_test_id("video-status")).to_have_text("live")  # still on: it is the picture
    record = _session(server, panel)
    assert record["problems"] == ["black_frames"] and record["state"] == "live" and record["path"] == "direct"
    assert _metric(server, 'showdesk_video_picture_problems_total{cause="black_frames"}') == before + 1
    # the chat goes on beside it
    customer.say("it is behind the kettle")
    expect(panel.get_by_test_id("chat-log")).to_contain_text("it is behind the kettle")


def test_a_connected_video_without_frames_is_said_then_ended_in_words(server: ServerProcess, people: Contexts) -> None:
    customer, _, panel = _video_started(server, people, FRAMELESS_CAMERA)
    words = panel.get_by_test_id("video-words")
    expect(words).to_contain_text("no picture is arriving", timeout=10_000)
    expect(panel.get_by_test_id("video-status")).to_have_text("connecting")
    customer.expect_line("no picture reaches the agent")
    # Still nothing: the session fails with its reason, on both sides, and the chat goes on.
    expect(panel.get_by_test_id("video-status")).to_have_text("failed", timeout=20_000)
    expect(words).to_contain_text("no picture ever reached the agent")
    expect(customer.page.get_by_test_id("video-status")).to_have_text("failed")
    record = _session(server, panel)
    assert record["outcome"] == "failed" and record["failureReason"] == "no_frames"
    assert record["problems"] == ["no_frames"]
    customer.say("shall I send a photo instead?")
    expect(panel.get_by_test_id("chat-log")).to_contain_text("shall I send a photo instead?")
