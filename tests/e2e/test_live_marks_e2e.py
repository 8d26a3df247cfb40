"""Pointing at the product in real Chromium: the agent draws on the live picture and the customer sees the
mark on their own viewfinder on the same spot of the product (a phone in portrait, whose viewfinder shows
the landscape picture letterboxed), within 200 ms on loopback; Clear takes the marks off both screens; a
frozen frame with its marks is saved into the transcript while the stream goes on."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from playwright.sync_api import Browser, Locator, Page, expect

from tests.e2e.conftest import Contexts
from tests.e2e.media import shows_picture
from tests.e2e.pages import AgentPage, CustomerPage, open_contexts, wait_until
from tests.support.server import ServerProcess
from tests.support.y4m import CUSTOMER_PICTURE

PHONE = {"viewport": {"width": 390, "height": 844}, "is_mobile": True, "has_touch": True, "device_scale_factor": 2}
YELLOW = CUSTOMER_PICTURE[3]  # the bottom-right quadrant of the customer's picture

# The arrow's tip as a share of the picture shown by the <video> beside the marks, and the picture's colour
# there (read from the video's own frame, not from the screen).
TIP_ON_PICTURE = """(svg) => {
  const video = svg.previousElementSibling;
  const line = svg.querySelector('[data-kind="arrow"] polyline');
  if (!line || !video.videoWidth) return null;
  const [x, y] = line.getAttribute('points').split(' ').at(-1).split(',').map(Number);
  const scale = Math.min(video.clientWidth / video.videoWidth, video.clientHeight / video.videoHeight);
  const left = (video.clientWidth - video.videoWidth * scale) / 2;
  const top = (video.clientHeight - video.videoHeight * scale) / 2;
  const share = [(x - left) / (video.videoWidth * scale), (y - top) / (video.videoHeight * scale)];
  const canvas = document.createElement('canvas');
  canvas.width = video.videoWidth; canvas.height = video.videoHeight;
  const context = canvas.getContext('2d', { willReadFrequently: true });
  context.drawImage(video, 0, 0);
  const pixel = context.getImageData(share[0] * video.videoWidth, share[1] * video.videoHeight, 1, 1).data;
  const rgb = Array.from(pixel.slice(0, 3));
  return { share, rgb };
}"""

# When each mark appeared on the customer's page (a clock both pages share), by its id.
WATCH_MARKS = """() => {
  window.__marksSeen = {};
  const root = document.querySelector('showdesk-widget').shadowRoot;
  new MutationObserver((changes) => {
    const now = performance.timeOrigin + performance.now();
    for (const change of changes) for (const added of change.addedNodes) {
      const id = added.getAttribute?.('data-mark-id');
      if (id && !(id in window.__marksSeen)) window.__marksSeen[id] = now;
    }
  }).observe(root, { childList: true, subtree: true });
}"""

DRAWN_AT = """() => {
  window.__drawnAt = [];
  document.addEventListener('pointerup', () => window.__drawnAt.push(performance.timeOrigin + performance.now()), true);
}"""


@pytest.fixture
def people(camera_browser: Browser, request: pytest.FixtureRequest) -> Iterator[Contexts]:
    yield from open_contexts(camera_browser, request)


def _live(people: Contexts, server: ServerProcess) -> tuple[Page, Locator, Page]:
    agent_page = people.new_page(viewport={"width": 1280, "height": 800})
    agent = AgentPage(agent_page, server).login().go_on_queue()
    customer_page = people.new_page(**PHONE)
    CustomerPage(customer_page, server).open().start_chat("Ann")
    panel = agent.accept()
    panel.get_by_test_id("request-video").click()
    customer_page.get_by_test_id("video-accept").click()
    wait_until(lambda: shows_picture(panel.get_by_test_id("remote-video"), CUSTOMER_PICTURE), what="the picture")
    wait_until(
        lambda: shows_picture(customer_page.get_by_test_id("local-video"), CUSTOMER_PICTURE), what="the viewfinder"
    )
    return agent_page, panel, customer_page


def _click_on_picture(page: Page, video: Locator, share: tuple[float, float]) -> None:
    """A click on the spot of the picture at `share` of its width and height (the video scales it to fit)."""
    box = video.evaluate(
        """(v) => { const r = v.getBoundingClientRect();
                    const s = Math.min(r.width / v.videoWidth, r.height / v.videoHeight);
                    const w = v.videoWidth * s, h = v.videoHeight * s;
                    return { x: r.left + (r.width - w) / 2, y: r.top + (r.height - h) / 2, w, h }; }"""
    )
    page.mouse.click(box["x"] + share[0] * box["w"], box["y"] + share[1] * box["h"])


def _tip(marks: Locator) -> dict[str, Any] | None:
    found: dict[str, Any] | None = marks.evaluate(TIP_ON_PICTURE)
    return found


def test_the_customer_sees_the_agent_s_mark_on_the_same_spot_of_the_product(
    server: ServerProcess, people: Contexts
) -> None:
    agent_page, panel, customer_page = _live(people, server)
    customer_page.evaluate(WATCH_MARKS)
    panel.get_by_test_id("annotate-live").click()
    expect(panel.get_by_test_id("annotate-live")).to_have_attribute("aria-pressed", "true")
    expect(panel.get_by_test_id("mark-arrow")).to_have_attribute("aria-pressed", "true")
    agent_page.evaluate(DRAWN_AT)
    _click_on_picture(agent_page, panel.get_by_test_id("remote-video"), (0.75, 0.75))

    marks = customer_page.get_by_test_id("viewfinder-marks")
    expect(marks.locator('[data-kind="arrow"]')).to_have_count(1)
    tip = _tip(marks)
    assert tip is not None
    assert abs(tip["share"][0] - 0.75) < 0.02 and abs(tip["share"][1] - 0.75) < 0.02, tip
    assert max(abs(a - b) for a, b in zip(tip["rgb"], YELLOW, strict=True)) <= 45, tip  # on the yellow part
    agent_tip = _tip(panel.get_by_test_id("live-marks"))
    assert agent_tip is not None and abs(agent_tip["share"][0] - tip["share"][0]) < 0.01

    seen: dict[str, float] = customer_page.evaluate("() => window.__marksSeen")
    [drawn_at] = agent_page.evaluate("() => window.__drawnAt")
    [(mark_id, shown_at)] = seen.items()
    delay_ms = shown_at - drawn_at
    print(f"mark {mark_id}: on the customer's viewfinder {delay_ms:.0f} ms after the agent's click")
    assert 0 <= delay_ms <= 200, delay_ms

    # The phone turns: the same picture, a new size on screen; the mark stays on the same spot of it.
    customer_page.set_viewport_size({"width": 844, "height": 390})
    def on_the_spot() -> bool:
        tip = _tip(marks)
        return tip is not None and abs(tip["share"][0] - 0.75) < 0.02 and abs(tip["share"][1] - 0.75) < 0.02

    wait_until(on_the_spot, what="the mark on the same spot in landscape")

    # Text and a circle too; then the agent's Clear takes them all off both screens.
    panel.get_by_test_id("mark-text").click()
    panel.get_by_test_id("mark-label").fill("this screw")
    _click_on_picture(agent_page, panel.get_by_test_id("remote-video"), (0.2, 0.2))
    expect(marks.locator("text")).to_have_text("this screw")
    panel.get_by_test_id("mark-circle").click()
    _click_on_picture(agent_page, panel.get_by_test_id("remote-video"), (0.5, 0.5))
    expect(marks.locator('[data-kind="circle"]')).to_have_count(1)
    panel.get_by_test_id("mark-clear").click()
    expect(marks.locator("[data-mark-id]")).to_have_count(0)
    expect(panel.get_by_test_id("live-marks").locator("[data-mark-id]")).to_have_count(0)

    # The customer's own Clear works the same way.
    panel.get_by_test_id("mark-arrow").click()
    _click_on_picture(agent_page, panel.get_by_test_id("remote-video"), (0.3, 0.6))
    expect(marks.locator("[data-mark-id]")).to_have_count(1)
    customer_page.get_by_test_id("clear-marks").click()
    expect(panel.get_by_test_id("live-marks").locator("[data-mark-id]")).to_have_count(0)
    expect(customer_page.get_by_test_id("clear-marks")).to_be_hidden()


def test_a_frozen_frame_with_its_marks_goes_into_the_chat(server: ServerProcess, people: Contexts) -> None:
    agent_page, panel, customer_page = _live(people, server)
    panel.get_by_test_id("annotate-live").click()
    panel.get_by_test_id("mark-freeze").click()
    expect(panel.get_by_test_id("frozen-frame")).to_be_visible()
    expect(panel.get_by_test_id("mark-freeze")).to_have_text("Back to live")
    video = panel.get_by_test_id("remote-video")
    _click_on_picture(agent_page, video, (0.25, 0.25))
    expect(customer_page.get_by_test_id("viewfinder-marks").locator("[data-mark-id]")).to_have_count(1)
    assert video.evaluate("(v) => !v.paused && v.readyState >= 2")  # the stream goes on under the frozen frame

    panel.get_by_test_id("mark-save").click()
    expect(customer_page.get_by_test_id("chat-log")).to_contain_text("Here is what I pointed at on your video.")
    photo = panel.get_by_test_id("chat-log").locator("img")
    expect(photo).to_have_count(1, timeout=15_000)
    wait_until(lambda: photo.evaluate("(img) => img.complete && img.naturalWidth") == 320, what="the saved frame")
    # The red arrow is drawn into the saved picture, on the red quadrant's corner of the frame.
    red_share = photo.evaluate(
        """(img) => { const c = document.createElement('canvas');
                      c.width = img.naturalWidth; c.height = img.naturalHeight;
                      const x = c.getContext('2d'); x.drawImage(img, 0, 0);
                      const d = x.getImageData(0, 0, c.width, c.height).data; let red = 0;
                      for (let i = 0; i < d.length; i += 4) if (d[i] > 200 && d[i + 1] < 90 && d[i + 2] < 90) red++;
                      return red / (c.width * c.height); }"""
    )
    assert red_share > 0.0005, red_share  # the arrow's pixels (the red quadrant is darker: 220, 40, 40)
    panel.get_by_test_id("mark-freeze").click()
    expect(panel.get_by_test_id("frozen-frame")).to_be_hidden()
