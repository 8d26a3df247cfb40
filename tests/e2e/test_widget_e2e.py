"""The drop-in widget (/sdk/widget.js) in real Chromium: a site's hostile CSS cannot break it, it speaks the
customer's language, follows the system's dark mode, and on a phone it is the whole screen, with the live
viewfinder filling it, thumb-sized controls and a chat that follows new messages."""

from __future__ import annotations

import http.server
import re
import threading
from collections.abc import Iterator

import pytest
from playwright.sync_api import Locator, Page, expect

from tests.e2e.conftest import Contexts
from tests.e2e.pages import AgentPage, CustomerPage, end_open_chats, wait_until
from tests.support.server import ServerProcess, free_port

PHONE = {"viewport": {"width": 390, "height": 844}, "is_mobile": True, "has_touch": True, "device_scale_factor": 2}
# A site whose own stylesheet would hide, shrink and blank every element it can reach.
HOSTILE = """<!doctype html><html><head><style>
  body * { display: none !important; visibility: hidden !important; }
  * { font-size: 3px !important; color: transparent !important; background: red !important; }
  button { color: transparent !important; opacity: 0 !important; width: 1px !important; }
  div, section, ol, li, p { visibility: hidden !important; }
</style></head><body><h1>A shop</h1>{snippet}</body></html>"""


def _site(page: Page, server: ServerProcess, path: str, body: str) -> None:
    """A page of an allowed site (the server's own origin) with the given HTML, served by the browser."""
    url = f"{server.base}/{path}"
    page.route(url, lambda route: route.fulfill(content_type="text/html", body=body))
    page.goto(url)


def _snippet(server: ServerProcess, extra: str = "") -> str:
    return (
        f'<script src="{server.base}/sdk/widget.js" data-organization="demo" data-deployment="demo-webchat" '
        f"{extra} async></script>"
    )


def _luminance(locator: Locator, prop: str) -> float:
    """The relative brightness (0..1) of a computed colour of the element."""
    rgb = locator.evaluate(
        """(el, prop) => {
          const c = document.createElement('canvas').getContext('2d');
          c.fillStyle = getComputedStyle(el)[prop];
          c.fillRect(0, 0, 1, 1);
          return Array.from(c.getImageData(0, 0, 1, 1).data.slice(0, 3));
        }""",
        prop,
    )
    r, g, b = (v / 255 for v in rgb)
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def test_a_site_stylesheet_that_hides_and_blanks_everything_leaves_the_widget_usable(
    server: ServerProcess, site_people: Contexts
) -> None:
    page = site_people.new_page()
    _site(
        page, server, "hostile.html", HOSTILE.replace("{snippet}", _snippet(server, 'data-launcher-text="Need help?"'))
    )
    launcher = page.get_by_test_id("chat-open")
    expect(launcher).to_be_visible()
    expect(launcher).to_have_text("Need help?")
    assert _luminance(launcher, "color") > 0.9  # white text on the accent, not the site's transparent
    assert launcher.evaluate("(el) => getComputedStyle(el).opacity") == "1"
    launcher.click()
    name = page.get_by_test_id("chat-name")
    expect(name).to_be_visible()
    assert float(name.evaluate("(el) => parseFloat(getComputedStyle(el).fontSize)")) >= 14
    name.fill("Ann")
    page.get_by_test_id("chat-start").click()
    customer = CustomerPage(page, server)
    customer.say("can you read me?")
    customer.expect_line("can you read me?")
    expect(customer.log.get_by_text("can you read me?")).to_be_visible()
    page.get_by_test_id("chat-end").click()
    expect(page.get_by_test_id("chat-restart")).to_be_visible()


@pytest.fixture
def other_site(server: ServerProcess) -> Iterator[str]:
    """A real site on another origin (another port, not among the demo deployment's origins) with the snippet."""
    page = f"<!doctype html><body><h1>Another shop</h1>{_snippet(server)}</body>".encode()

    class Handler(http.server.BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            self.send_response(200)
            self.send_header("content-type", "text/html")
            self.end_headers()
            self.wfile.write(page)

        def log_message(self, *args: object) -> None:
            return

    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", free_port()), Handler)
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}"
    httpd.shutdown()
    httpd.server_close()


def test_on_another_origin_the_widget_loads_and_a_site_not_allowed_is_told_so_in_words(
    people: Contexts, other_site: str
) -> None:
    page = people.new_page()
    page.goto(f"{other_site}/")
    page.get_by_test_id("chat-open").click()  # every module came from the ShowDesk server, across origins
    page.get_by_test_id("chat-name").fill("Eve")
    page.get_by_test_id("chat-start").click()
    expect(page.get_by_test_id("error-banner")).to_contain_text("This website is not allowed to start a chat with us.")
    expect(page.get_by_test_id("error-banner")).not_to_contain_text("origin_not_allowed")  # words, not codes


def test_data_locale_speaks_german_and_the_browser_language_french(
    server: ServerProcess, people: Contexts, site_people: Contexts
) -> None:
    german = site_people.new_page()
    snippet = _snippet(server, 'data-locale="de" data-position="left" data-title="Kesselhilfe" data-color="#0a7d4f"')
    _site(german, server, "de.html", f"<!doctype html><body>{snippet}</body>")
    launcher = german.get_by_test_id("chat-open")
    expect(launcher).to_have_text("Chatten Sie mit uns")
    assert launcher.evaluate("(el) => getComputedStyle(el).backgroundColor") == "rgb(10, 125, 79)"  # data-color
    box = launcher.bounding_box()
    assert box is not None and box["x"] < 100  # data-position="left"
    launcher.click()
    expect(german.get_by_role("dialog")).to_contain_text("Kesselhilfe")  # data-title
    expect(german.get_by_test_id("chat-start")).to_have_text("Chat starten")
    german.get_by_test_id("chat-start").click()  # no name: the refusal in German, no code
    expect(german.get_by_test_id("error-banner")).to_have_text("Bitte geben Sie Ihren Namen ein.")

    agent = AgentPage(people.new_page(), server).login().go_on_queue()
    french = people.new_page(locale="fr-FR")
    customer = CustomerPage(french, server).open()
    expect(french.get_by_test_id("chat-open")).to_contain_text("Discuter avec nous")
    customer.start_chat("Anne")
    expect(french.get_by_test_id("chat-input")).to_have_attribute("placeholder", "Écrivez un message…")
    # The video's words too are French, made from the session's codes (the server's sentences are English).
    agent.accept().get_by_test_id("request-video").click()
    expect(french.get_by_test_id("video-prompt")).to_have_text(
        "Le conseiller aimerait voir votre produit. Votre caméra sera partagée en direct. "
        "Le conseiller n\u2019envoie pas de vidéo."
    )
    french.get_by_test_id("video-decline").click()
    expect(french.get_by_test_id("video-words")).to_have_text("Pas de vidéo pour le moment. Le chat continue.")
    expect(french.get_by_test_id("chat-end")).to_have_text("Terminer la discussion")
    french.get_by_test_id("chat-end").click()
    expect(french.get_by_test_id("chat-status")).to_have_text("Vous avez terminé la discussion.")
    # The transcript's system lines too, worded from their codes; the agent reads the server's English.
    log = french.get_by_test_id("chat-log")
    system_lines = log.locator(".msg--system .msg__text")
    expect(system_lines).to_have_text(
        [
            re.compile(r"^.+ a rejoint la discussion$"),
            "Le conseiller aimerait voir votre produit.",
            "Pas de vidéo pour le moment. Le chat continue.",
            "Vous avez terminé la discussion.",
        ]
    )
    expect(log).not_to_contain_text("joined the chat")
    expect(agent.page.get_by_test_id("chat-log")).to_contain_text("The customer ended the chat.")
    end_open_chats(people)  # the agent off queue: the next test's chat is not offered to this desktop


def test_the_widget_follows_the_systems_dark_mode(server: ServerProcess, people: Contexts) -> None:
    page = people.new_page()
    CustomerPage(page, server).open()
    page.get_by_test_id("chat-open").click()
    form = page.get_by_test_id("chat-name")
    expect(form).to_be_visible()
    panel = page.locator(".sdw-panel")
    assert _luminance(panel, "backgroundColor") > 0.9
    page.emulate_media(color_scheme="dark")
    assert _luminance(panel, "backgroundColor") < 0.15
    assert _luminance(page.locator(".sdw-start__hello"), "color") > 0.7  # light text on the dark panel


def _small_controls(page: Page) -> list[str]:
    """The widget's visible buttons smaller than 44x44 CSS pixels (a thumb's size)."""
    small = []
    for button in page.locator("showdesk-widget").get_by_role("button").all():
        box = button.bounding_box() if button.is_visible() else None
        if box and (box["width"] < 44 or box["height"] < 44):
            small.append(f"{button.get_attribute('data-testid') or button.get_attribute('aria-label')}: {box}")
    return small


def _newest_line_in_view(log: Locator) -> None:
    expect(log.locator(".msg").last).to_be_in_viewport()


def test_on_a_phone_the_widget_is_the_screen_and_the_live_viewfinder_fills_it(
    server: ServerProcess, camera_people: Contexts
) -> None:
    people = camera_people
    agent = AgentPage(people.new_page(), server).login().go_on_queue()
    phone = people.new_page(**PHONE)
    customer = CustomerPage(phone, server).open()
    phone.get_by_test_id("chat-open").click()
    assert phone.locator(".sdw-panel").bounding_box() == {"x": 0, "y": 0, "width": 390, "height": 844}
    customer.start_chat("Ann")  # in the panel already open
    panel = agent.accept()
    customer.expect_line("joined the chat")

    panel.get_by_test_id("request-video").click()
    phone.get_by_test_id("video-accept").click()
    expect(phone.get_by_test_id("video-status")).to_have_text("live", timeout=15_000)
    viewfinder = phone.get_by_test_id("local-video").bounding_box()
    assert viewfinder is not None and viewfinder["width"] == 390 and viewfinder["height"] >= 0.55 * 844
    sheet = phone.locator(".sdw-sheet").bounding_box()
    assert sheet is not None and sheet["y"] >= viewfinder["y"] + viewfinder["height"] - 1  # the chat below the picture
    assert _small_controls(phone) == []

    log = customer.log
    for n in range(1, 7):
        agent.say(panel, f"step {n}: look at the base")
    customer.expect_line("step 6: look at the base")
    _newest_line_in_view(log)  # the chat followed, with the video open

    log.evaluate("(list) => { list.scrollTop = 0; }")  # the customer scrolls up to read
    cue = phone.get_by_test_id("chat-new-message")
    agent.say(panel, "and now the plug")
    customer.expect_line("and now the plug")
    expect(cue).to_be_visible()
    expect(log.locator(".msg").last).not_to_be_in_viewport()  # left where they were reading
    cue.click()
    _newest_line_in_view(log)
    expect(cue).to_be_hidden()

    phone.get_by_test_id("chat-sheet-handle").click()  # pulled up: the chat takes most of the screen
    sheet_height = lambda: (phone.locator(".sdw-sheet").bounding_box() or {"height": 0})["height"]  # noqa: E731
    wait_until(lambda: sheet_height() > 0.6 * 844, what="the chat sheet pulled up", timeout=5)
    _newest_line_in_view(log)

    phone.set_viewport_size({"width": 844, "height": 390})  # on its side
    side = lambda: phone.get_by_test_id("local-video").bounding_box() or {"width": 0, "height": 0}  # noqa: E731
    wait_until(
        lambda: side()["width"] >= 0.5 * 844 and side()["height"] >= 0.9 * 390, what="the viewfinder on its side"
    )
    expect(phone.get_by_test_id("chat-input")).to_be_in_viewport()
    expect(phone.get_by_test_id("video-stop")).to_be_in_viewport()
    phone.get_by_test_id("video-stop").click()
    expect(phone.get_by_test_id("video-status")).to_have_text("ended")


def test_use_my_phones_camera_opens_the_same_chat_on_the_phone_once(
    server: ServerProcess, camera_people: Contexts
) -> None:
    people = camera_people
    agent = AgentPage(people.new_page(), server).login().go_on_queue()
    laptop = people.new_page()
    customer = CustomerPage(laptop, server).open().start_chat("Ann")
    panel = agent.accept()
    customer.say("My kettle will not heat")
    customer.expect_line("My kettle will not heat")
    laptop.get_by_test_id("handoff-open").click()
    expect(laptop.get_by_test_id("handoff-qr")).to_have_attribute("src", re.compile(r"^data:image/svg\+xml"))
    assert laptop.get_by_test_id("handoff-qr").evaluate("(img) => img.complete && img.naturalWidth > 0")
    link = laptop.get_by_test_id("handoff-link")
    url = str(link.get_attribute("href"))
    assert url.startswith(f"{server.base}/h/") and link.text_content() == url

    phone = people.new_page(**PHONE)
    phone.goto(url)  # ShowDesk's own page for the phone: the widget, full screen, joining with the code
    phone_log = phone.get_by_test_id("chat-log")
    expect(phone_log).to_contain_text("My kettle will not heat")  # the same conversation, its transcript
    assert phone.locator(".sdw-panel").bounding_box() == {"x": 0, "y": 0, "width": 390, "height": 844}
    expect(phone.get_by_test_id("chat-name")).to_be_hidden()
    expect(laptop.get_by_test_id("handoff-status")).to_have_text("Continue on your phone: the chat is open there too.")
    phone.get_by_test_id("chat-input").fill("Typed on the phone")
    phone.get_by_test_id("chat-send").click()
    customer.expect_line("Typed on the phone")  # both stay in the chat
    expect(panel.get_by_test_id("chat-log")).to_contain_text("Typed on the phone")
    phone.get_by_test_id("video-offer").tap()  # the phone can show the product at once
    expect(panel.get_by_test_id("video-status")).to_have_text("live", timeout=15_000)
    expect(phone.get_by_test_id("video-status")).to_have_text("live")

    again = people.new_page(**PHONE)
    again.goto(url)
    expect(again.get_by_test_id("error-banner")).to_have_text(
        "This link was already used. Ask for a new one on your computer."
    )
    unknown = people.new_page(**PHONE)
    unknown.goto(f"{server.base}/h/no-such-code")
    expect(unknown.get_by_test_id("error-banner")).to_have_text(
        "This link does not work. Ask for a new one on your computer."
    )
