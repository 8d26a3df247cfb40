"""HD photo: the agent presses Capture photo during live video; the customer's device takes a still at the
camera's own resolution and sends it; both transcripts show it at full
resolution, the API serves it; the agent marks it up and the customer sees the marks. A photo that cannot
be sent is said in words, and the chat goes on."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import httpx
import pytest
from playwright.sync_api import Browser, Locator, Page, Playwright, expect

from tests.e2e.conftest import Contexts, launch_with_camera
from tests.e2e.media import loaded
from tests.e2e.pages import AgentPage, CustomerPage, open_contexts, wait_until
from tests.support.images import decoded_size
from tests.support.server import ServerProcess
from tests.support.y4m import CUSTOMER_PICTURE, write_quadrants

CAMERA = (1920, 1080)  # the fake camera's own resolution


# The colour under a point of a loaded image, read through a canvas the size of the image.
PIXEL = """([img, x, y]) => {
  const canvas = document.createElement('canvas');
  canvas.width = img.naturalWidth; canvas.height = img.naturalHeight;
  const g = canvas.getContext('2d');
  g.drawImage(img, 0, 0);
  return Array.from(g.getImageData(x, y, 1, 1).data.slice(0, 3));
}"""


@pytest.fixture(scope="module")
def hd_camera_browser(playwright: Playwright, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Browser]:
    width, height = CAMERA
    picture = write_quadrants(tmp_path_factory.mktemp("camera") / "hd.y4m", CUSTOMER_PICTURE, width, height, frames=5)
    browser = launch_with_camera(playwright, picture, "--use-fake-ui-for-media-stream")
    yield browser
    browser.close()


@pytest.fixture
def hd_people(hd_camera_browser: Browser, request: pytest.FixtureRequest) -> Iterator[Contexts]:
    yield from open_contexts(hd_camera_browser, request)


def live_video(server: ServerProcess, people: Contexts) -> tuple[Page, Page, Locator]:
    agent_page, customer_page = people.new_page(), people.new_page()
    agent = AgentPage(agent_page, server).login().go_on_queue()
    customer = CustomerPage(customer_page, server).open().start_chat("Ann")
    panel = agent.accept()
    customer.expect_line("joined the chat")
    panel.get_by_test_id("request-video").click()
    customer_page.get_by_test_id("video-accept").click()
    expect(panel.get_by_test_id("video-status")).to_have_text("live", timeout=15_000)
    return agent_page, customer_page, panel


def loaded_size(img: Locator) -> list[int]:
    return wait_until(lambda: loaded(img), timeout=30, what="the photo loaded")  # type: ignore[no-any-return]


def transcript(server: ServerProcess, conversation_id: str) -> list[dict[str, Any]]:
    headers = {"authorization": f"Bearer {server.login()}"}
    response = httpx.get(f"{server.base}/api/v2/conversations/{conversation_id}/messages", headers=headers)
    response.raise_for_status()
    return response.json()  # type: ignore[no-any-return]


def test_a_captured_photo_shows_at_full_resolution_on_both_sides_and_in_the_api(
    server: ServerProcess, hd_people: Contexts
) -> None:
    agent_page, customer_page, panel = live_video(server, hd_people)
    panel.get_by_test_id("capture-photo").click()

    expect(panel.get_by_test_id("capture-photo")).to_have_text("Taking a photo…")
    agent_photo = panel.get_by_test_id("chat-log").get_by_test_id("chat-photo")
    customer_photo = customer_page.get_by_test_id("chat-log").get_by_test_id("chat-photo")
    assert loaded_size(agent_photo) == list(CAMERA)
    assert loaded_size(customer_photo) == list(CAMERA)
    expect(panel.get_by_test_id("capture-photo")).to_have_text("Capture photo")
    expect(panel.get_by_test_id("capture-photo")).to_be_enabled()
    # The still is the camera's picture: its four colours, top-left to bottom-right.
    for (x, y), colour in zip(((10, 10), (1900, 10), (10, 1070), (1900, 1070)), CUSTOMER_PICTURE, strict=True):
        got = agent_page.evaluate(PIXEL, [agent_photo.element_handle(), x, y])
        assert all(abs(a - b) < 40 for a, b in zip(got, colour, strict=True)), (x, y, got, colour)
    expect(customer_page.get_by_test_id("chat-log")).to_contain_text("Dana Agent asked for a photo of the product.")
    expect(panel.get_by_test_id("photo-download")).to_contain_text(f"{CAMERA[0]} \N{MULTIPLICATION SIGN} {CAMERA[1]}")

    # The stored transcript has the request and the photo; the API serves the file itself.
    cid = panel.get_attribute("data-conversation-id")
    assert cid is not None
    messages = transcript(server, cid)
    [photo_message] = [m for m in messages if "photo" in m]
    assert photo_message["from"] == "customer" and photo_message["text"] == "Photo of the product (1920 x 1080 pixels)"
    assert any(m["text"] == "Dana Agent asked for a photo of the product." for m in messages)
    photo = photo_message["photo"]
    response = httpx.get(f"{server.base}{photo['url']}", headers={"authorization": f"Bearer {server.login()}"})
    assert response.status_code == 200 and response.headers["content-type"] == photo["contentType"]
    assert decoded_size(response.content) == CAMERA and len(response.content) == photo["size"]
    assert httpx.get(f"{server.base}{photo['url']}").status_code == 401  # never a plain public URL
    # The chat goes on after it.
    CustomerPage(customer_page, server).say("Can you see the label now?")
    expect(panel.get_by_test_id("chat-log")).to_contain_text("Can you see the label now?")


def test_the_agent_marks_up_the_photo_and_the_customer_sees_the_marks(
    server: ServerProcess, hd_people: Contexts
) -> None:
    agent_page, customer_page, panel = live_video(server, hd_people)
    panel.get_by_test_id("capture-photo").click()
    loaded_size(panel.get_by_test_id("chat-log").get_by_test_id("chat-photo"))

    panel.get_by_test_id("annotate-photo").click()
    canvas = agent_page.get_by_test_id("annotation-canvas")
    expect(canvas).to_be_visible()
    assert canvas.evaluate("(c) => [c.width, c.height]") == list(CAMERA)
    box = canvas.bounding_box()
    assert box is not None
    # A circle around the top-left quarter's middle, and an arrow into it from the bottom-right.
    scale = box["width"] / CAMERA[0]
    at = lambda x, y: (box["x"] + x * scale, box["y"] + y * scale)  # noqa: E731 - photo pixels to the screen
    agent_page.mouse.move(*at(300, 150))
    agent_page.mouse.down()
    agent_page.mouse.move(*at(500, 300), steps=5)
    agent_page.mouse.move(*at(660, 390), steps=5)
    agent_page.mouse.up()
    agent_page.get_by_test_id("annotation-circle").click()
    agent_page.mouse.move(*at(1200, 700))
    agent_page.mouse.down()
    agent_page.mouse.move(*at(1600, 1000), steps=8)
    agent_page.mouse.up()
    agent_page.get_by_test_id("annotation-caption").fill("this screw <b>here</b>")
    agent_page.get_by_test_id("annotation-send").click()
    expect(canvas).to_be_hidden()

    customer_photos = customer_page.get_by_test_id("chat-log").get_by_test_id("chat-photo")
    expect(customer_photos).to_have_count(2)
    marked = customer_photos.nth(1)
    assert loaded_size(marked) == list(CAMERA)
    expect(customer_page.get_by_test_id("chat-log")).to_contain_text("this screw <b>here</b>")  # text, not markup
    # The chat followed it, with the video open: the log is at its end and the photo on screen.
    log = customer_page.get_by_test_id("chat-log")
    wait_until(lambda: log.evaluate("(l) => l.scrollHeight - l.scrollTop - l.clientHeight < 2"), what="the newest line")
    expect(marked).to_be_in_viewport(ratio=0.5)
    pixel = lambda x, y: customer_page.evaluate(PIXEL, [marked.element_handle(), x, y])  # noqa: E731
    red = lambda rgb: rgb[0] > 200 and rgb[1] < 80 and rgb[2] < 80  # noqa: E731
    assert red(pixel(480, 285)), pixel(480, 285)  # on the arrow's shaft (the picture there is not red)
    assert red(pixel(1400, 700)), pixel(1400, 700)  # the top of the circle
    assert not red(pixel(1400, 850)), pixel(1400, 850)  # inside the circle: the photo as it was
    cid = panel.get_attribute("data-conversation-id")
    assert cid is not None
    messages = transcript(server, cid)
    original, copy = [m for m in messages if "photo" in m]
    assert (copy["from"], copy["text"]) == ("agent", "this screw <b>here</b>")
    assert copy["photo"]["kind"] == "annotation" and copy["photo"]["annotates"] == original["photo"]["id"]


def test_a_photo_that_cannot_be_sent_is_said_in_words_and_the_chat_goes_on(
    server: ServerProcess, hd_people: Contexts
) -> None:
    _, customer_page, panel = live_video(server, hd_people)
    customer_page.route("**/photos", lambda route: route.abort("connectionreset"))

    panel.get_by_test_id("capture-photo").click()

    expect(panel.get_by_test_id("video-words")).to_contain_text("could not be sent", timeout=30_000)
    expect(panel.get_by_test_id("capture-photo")).to_be_enabled()
    expect(customer_page.get_by_test_id("chat-log")).to_contain_text("could not be sent")
    expect(panel.get_by_test_id("video-status")).to_have_text("live")  # the video is untouched
    customer_page.unroute("**/photos")
    panel.get_by_test_id("capture-photo").click()  # and a second try goes through
    assert loaded_size(panel.get_by_test_id("chat-log").get_by_test_id("chat-photo")) == list(CAMERA)


STILL_NUMBER = "(still) => still.hidden || !still.complete || !still.naturalWidth ? 0 : Number(still.dataset.number)"


def test_capture_photo_works_in_photo_mode_and_the_stills_go_on(server: ServerProcess, hd_people: Contexts) -> None:
    """Photo mode keeps the camera (only the live frames stop), so Capture photo still takes the camera's full
    picture; the stills go on after it."""
    _, customer_page, panel = live_video(server, hd_people)
    panel.get_by_test_id("photo-mode-on").click()
    still = panel.get_by_test_id("video-still")
    first = wait_until(lambda: still.evaluate(STILL_NUMBER), timeout=30, what="a first still in photo mode")
    expect(customer_page.get_by_test_id("photo-mode-off")).to_be_visible()

    panel.get_by_test_id("capture-photo").click()
    agent_photo = panel.get_by_test_id("chat-log").get_by_test_id("chat-photo")
    customer_photo = customer_page.get_by_test_id("chat-log").get_by_test_id("chat-photo")
    assert loaded_size(agent_photo) == list(CAMERA)
    assert loaded_size(customer_photo) == list(CAMERA)
    expect(panel.get_by_test_id("capture-photo")).to_be_enabled()
    wait_until(lambda: still.evaluate(STILL_NUMBER) > first, timeout=30, what="a later still after the photo")
    expect(panel.get_by_test_id("video-status")).to_have_text("live")
    expect(panel.get_by_test_id("photo-mode-off")).to_be_visible()  # still in photo mode


@pytest.fixture(scope="module")
def small_camera_browser(playwright: Playwright, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Browser]:
    """A camera of 320 x 180: a picture under the detail goal (640 x 360) on any link."""
    picture = write_quadrants(tmp_path_factory.mktemp("camera") / "small.y4m", CUSTOMER_PICTURE, 320, 180, frames=5)
    browser = launch_with_camera(playwright, picture, "--use-fake-ui-for-media-stream")
    yield browser
    browser.close()


def test_keep_live_video_answers_the_photo_offer_and_the_agent_reads_it(
    small_camera_browser: Browser, request: pytest.FixtureRequest
) -> None:
    quick_offer = ServerProcess("--photo-mode-after", "3").start()  # the offer 3 s after the picture is too small
    try:
        for people in open_contexts(small_camera_browser, request):
            _, customer_page, panel = live_video(quick_offer, people)
            offer = customer_page.get_by_test_id("photo-mode-accept")
            expect(offer).to_be_visible(timeout=20_000)
            customer_page.get_by_test_id("photo-mode-decline").click()

            expect(offer).to_be_hidden()
            expect(panel.get_by_test_id("video-words")).to_contain_text("The customer keeps the live video")
            expect(panel.get_by_test_id("photo-mode-on")).to_be_visible()  # the agent may still switch
            expect(panel.get_by_test_id("video-status")).to_have_text("live")
    finally:
        quick_offer.cleanup()
