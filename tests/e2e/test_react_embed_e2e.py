"""The React embed example (examples/react-embed/) against a real server: chat both ways, then the
spec's "Show the agent" button shares the fake camera one way, and every track it took ends with the video.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from playwright.sync_api import Browser, Page, Playwright, expect

from tests.e2e.conftest import CHROMIUM, HEADLESS_FLAGS, Contexts
from tests.e2e.pages import AgentPage, open_contexts, wait_until
from tests.support.chromium import FAKE_MEDIA
from tests.support.server import ServerProcess

# Only watches: keeps every stream getUserMedia hands the page, so the test can read its tracks.
KEEP_STREAMS = """
(() => {
  window.__streams = [];
  const devices = navigator.mediaDevices;
  const original = devices.getUserMedia.bind(devices);
  devices.getUserMedia = (constraints) => {
    const taken = original(constraints);
    taken.then((stream) => window.__streams.push(stream), () => {});
    return taken;
  };
})();
"""

# The person says no to the camera: getUserMedia rejects as Chromium does after "Block".
DENY_CAMERA = """
navigator.mediaDevices.getUserMedia = () =>
  Promise.reject(new DOMException('Permission denied', 'NotAllowedError'));
"""


@pytest.fixture(scope="module")
def camera_browser(playwright: Playwright) -> Iterator[Browser]:
    browser = playwright.chromium.launch(
        executable_path=CHROMIUM, headless=True, args=[*HEADLESS_FLAGS, *FAKE_MEDIA, "--use-fake-ui-for-media-stream"]
    )
    yield browser
    browser.close()


@pytest.fixture
def people(camera_browser: Browser, request: pytest.FixtureRequest) -> Iterator[Contexts]:
    yield from open_contexts(camera_browser, request)


def _track_states(page: Page) -> list[str]:
    return list(page.evaluate("window.__streams.flatMap((s) => s.getTracks().map((t) => t.readyState))"))


def _chatting(server: ServerProcess, people: Contexts, init_script: str):  # type: ignore[no-untyped-def]
    """The example's chat started and accepted; a line each way, shown as text."""
    agent = AgentPage(people.new_page(), server).login().go_on_queue()
    customer = people.new_page()
    customer.add_init_script(init_script)
    customer.goto(f"{server.base}/examples/react-embed/")
    customer.get_by_test_id("chat-name").fill("Ann")
    customer.get_by_test_id("chat-start").click()
    panel = agent.accept()
    log = customer.get_by_test_id("chat-log")
    expect(log).to_contain_text("joined the chat")

    customer.get_by_test_id("chat-input").fill("My kettle <b>will not</b> heat")
    customer.get_by_test_id("chat-send").click()
    expect(panel.get_by_test_id("chat-log")).to_contain_text("My kettle <b>will not</b> heat")
    agent.say(panel, "Could you show me the kettle?")
    expect(log).to_contain_text("Could you show me the kettle?")
    expect(log).to_contain_text("My kettle <b>will not</b> heat")  # text, never markup
    assert log.locator("b").count() == 0
    return customer, agent, panel


def test_the_react_example_chats_and_shows_the_agent_the_camera(server: ServerProcess, people: Contexts) -> None:
    customer, _agent, panel = _chatting(server, people, KEEP_STREAMS)
    status = customer.get_by_test_id("video-status")

    panel.get_by_test_id("request-video").click()
    expect(status).to_have_text("requested")
    customer.get_by_test_id("show-agent").click()

    expect(panel.get_by_test_id("video-status")).to_have_text("live", timeout=20_000)
    expect(status).to_have_text("live")
    states = _track_states(customer)
    assert sorted(states) == ["live", "live"], states  # the spec's constraints: camera and microphone

    panel.get_by_test_id("end-video").click()
    expect(status).to_have_text("ended")
    wait_until(lambda: _track_states(customer) == ["ended", "ended"], what="every track the example took ended")

    # The chat goes on after the video.
    customer.get_by_test_id("chat-input").fill("Thanks, that was quick")
    customer.get_by_test_id("chat-send").click()
    expect(panel.get_by_test_id("chat-log")).to_contain_text("Thanks, that was quick")


def test_a_blocked_camera_tells_how_to_allow_it_and_the_chat_goes_on(server: ServerProcess, people: Contexts) -> None:
    customer, _agent, panel = _chatting(server, people, DENY_CAMERA)

    panel.get_by_test_id("request-video").click()
    expect(customer.get_by_test_id("video-status")).to_have_text("requested")
    customer.get_by_test_id("show-agent").click()

    problem = customer.get_by_test_id("camera-problem")
    expect(problem).to_contain_text("allow the camera", ignore_case=True)
    expect(problem).to_contain_text("Show the agent")
    customer.get_by_test_id("chat-input").fill("I clicked Block by mistake")
    customer.get_by_test_id("chat-send").click()
    expect(panel.get_by_test_id("chat-log")).to_contain_text("I clicked Block by mistake")
