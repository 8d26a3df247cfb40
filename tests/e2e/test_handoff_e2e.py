"""Laptop to phone in Chromium: a laptop's chat makes a hand-off link with the SDK, a phone (emulated: 390x844,
touch, a phone's user agent, a fake camera) opens ShowDesk's own page at that link and joins the same chat,
its camera's picture reaches the agent's desktop, which says the video comes from the customer's phone;
lines reach both devices; the same link opened again is refused in words.

The phone's page is the real `/h/<code>` page; the script it loads (`/sdk/widget.js`) is stood in for by a
few lines on the SDK, so this test holds the hand-off itself (the drop-in widget's own buttons and layout
are the widget's tests)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from playwright.sync_api import Browser, Page, Playwright, expect

from tests.e2e.conftest import CHROMIUM, HEADLESS_FLAGS, Contexts
from tests.e2e.media import shows_picture, watch_media
from tests.e2e.pages import AgentPage, open_contexts, wait_until
from tests.support.chromium import FAKE_MEDIA
from tests.support.server import ServerProcess
from tests.support.y4m import CUSTOMER_PICTURE, write_quadrants

PHONE = {
    "viewport": {"width": 390, "height": 844},
    "is_mobile": True,
    "has_touch": True,
    "device_scale_factor": 3,
    "user_agent": "Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) "
    "Chrome/126.0.0.0 Mobile Safari/537.36",
}

# The laptop: a page of the server's own origin (the demo deployment allows it) chatting through the SDK.
LAPTOP_PAGE = """<!doctype html><meta charset="utf-8"><title>Laptop</title><ol data-testid="laptop-log"></ol>
<script type="module">
  import { createChat } from '/sdk/webchat.js';
  const chat = createChat({ organizationId: 'demo', deploymentId: 'demo-webchat' });
  window.chat = chat;
  window.handoffs = [];
  chat.on('handoff', (event) => window.handoffs.push(event));
  window.suggested = [];
  chat.on('phoneSuggested', (event) => window.suggested.push(event.text));
  chat.on('message', (m) => {
    const li = document.createElement('li');
    li.textContent = m.text;
    document.querySelector('ol').append(li);
  });
  window.started = chat.startChat({ displayName: 'Ann' });
</script>"""

# What /h/<code> loads, stood in for: the tag's own data- attributes, the SDK's continueHandoff, a line per message.
WIDGET_STAND_IN = """(() => {
  const tag = document.currentScript;
  const words = document.createElement('p');
  words.dataset.testid = 'phone-words';
  const log = document.createElement('ol');
  log.dataset.testid = 'phone-log';
  const video = document.createElement('button');
  video.textContent = 'Start video';
  video.dataset.testid = 'phone-video';
  document.body.append(words, log, video);
  import('/sdk/webchat.js').then(async ({ createChat }) => {
    const chat = createChat({ organizationId: tag.dataset.organization, deploymentId: tag.dataset.deployment });
    window.chat = chat;
    chat.on('message', (m) => {
      const li = document.createElement('li');
      li.textContent = m.text;
      log.append(li);
    });
    video.addEventListener('click', () => chat.startVideo().catch((error) => { words.textContent = error.message; }));
    try {
      await chat.continueHandoff(tag.dataset.handoff);
      words.textContent = 'Joined on this phone';
    } catch (error) {
      words.textContent = error.message;
    }
  });
})();"""


@pytest.fixture(scope="module")
def handoff_browser(playwright: Playwright, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Browser]:
    """The four-colour fake camera, granted; pages the test serves itself (page.route) count as "public" to
    Chromium, whose Local Network Access would keep them from the server on loopback (see site_browser)."""
    picture = write_quadrants(tmp_path_factory.mktemp("camera") / "phone.y4m", CUSTOMER_PICTURE)
    args = [
        *HEADLESS_FLAGS,
        *FAKE_MEDIA,
        f"--use-file-for-fake-video-capture={picture}",
        "--use-fake-ui-for-media-stream",
        "--disable-features=LocalNetworkAccessChecks",
    ]
    b = playwright.chromium.launch(executable_path=CHROMIUM, headless=True, args=args)
    yield b
    b.close()


@pytest.fixture
def devices(handoff_browser: Browser, request: pytest.FixtureRequest) -> Iterator[Contexts]:
    yield from open_contexts(handoff_browser, request)


@pytest.fixture
def laptop_and_agent(devices: Contexts, server: ServerProcess) -> tuple[Page, AgentPage]:
    agent = AgentPage(devices.new_page(), server).login().go_on_queue()
    laptop = devices.new_page()
    laptop.route(f"{server.base}/e2e/laptop", lambda route: route.fulfill(content_type="text/html", body=LAPTOP_PAGE))
    laptop.goto(f"{server.base}/e2e/laptop")
    return laptop, agent


def phone_page(people: Contexts, server: ServerProcess) -> Page:
    page = people.new_page(**PHONE)
    watch_media(page)
    page.route(
        f"{server.base}/sdk/widget.js",
        lambda route: route.fulfill(content_type="text/javascript", body=WIDGET_STAND_IN),
    )
    return page


def test_the_phone_opens_the_laptop_s_chat_and_its_camera_reaches_the_agent(
    devices: Contexts, server: ServerProcess, laptop_and_agent: tuple[Page, AgentPage]
) -> None:
    laptop, agent = laptop_and_agent
    panel = agent.accept()
    laptop.evaluate("window.started")
    expect(laptop.get_by_test_id("laptop-log")).to_contain_text("joined the chat")
    laptop.evaluate("window.chat.sendText('My kettle will not heat')")
    url = laptop.evaluate("window.chat.createHandoffLink()")
    assert url.startswith(f"{server.base}/h/")

    phone = phone_page(devices, server)
    phone.goto(url)
    expect(phone.get_by_test_id("phone-words")).to_have_text("Joined on this phone")
    expect(phone.get_by_test_id("phone-log")).to_contain_text("My kettle will not heat")  # the transcript, replayed
    wait_until(lambda: laptop.evaluate("window.handoffs"), what="the laptop hearing the phone join")
    assert laptop.evaluate("window.handoffs") == [{"state": "opened", "device": "phone"}]

    agent.say(panel, "Please show me the base")
    expect(phone.get_by_test_id("phone-log")).to_contain_text("Please show me the base")
    expect(laptop.get_by_test_id("laptop-log")).to_contain_text("Please show me the base")
    phone.evaluate("window.chat.sendText('Here it is, on my phone')")
    expect(panel.get_by_test_id("chat-log")).to_contain_text("Here it is, on my phone")
    expect(laptop.get_by_test_id("laptop-log")).to_contain_text("Here it is, on my phone")

    phone.get_by_test_id("phone-video").tap()
    remote = panel.get_by_test_id("remote-video")
    wait_until(lambda: shows_picture(remote, CUSTOMER_PICTURE), what="the phone's picture on the agent desktop")
    expect(panel.get_by_test_id("video-device")).to_have_text("Video from the customer's phone")

    again = phone_page(devices, server)
    again.goto(url)
    expect(again.get_by_test_id("phone-words")).to_have_text(
        "This link was already used. Ask for a new one on your computer."
    )
    expect(again.get_by_test_id("phone-log")).to_be_empty()


def test_the_agent_suggests_the_phone_and_the_customer_reads_it(
    server: ServerProcess, laptop_and_agent: tuple[Page, AgentPage]
) -> None:
    laptop, agent = laptop_and_agent
    panel = agent.accept()
    laptop.evaluate("window.started")

    suggest = panel.get_by_test_id("suggest-phone")
    expect(suggest).to_be_visible()
    suggest.click()

    wait_until(lambda: laptop.evaluate("window.suggested"), what="phoneSuggested on the laptop")
    [text] = laptop.evaluate("window.suggested")
    assert "phone's camera" in text
    expect(laptop.get_by_test_id("laptop-log")).to_contain_text(text)
    expect(panel.get_by_test_id("chat-log")).to_contain_text(text)
    expect(suggest).to_be_disabled()
