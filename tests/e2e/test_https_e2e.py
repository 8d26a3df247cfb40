"""The newcomer's try on a phone, in real Chromium: `serve --demo --tls self-signed` on every address, the
customer's page opened at the machine's LAN address over HTTPS (the certificate trusted by its key, as a
phone that accepted it), its camera streaming to the agent desktop over WSS and WebRTC."""

from __future__ import annotations

from collections.abc import Iterator
from types import SimpleNamespace

import pytest
from playwright.sync_api import Browser, Error, Playwright, expect

from showdesk.adapters.tls.machine_names import machine_names, url_host
from tests.e2e.conftest import CHROMIUM, HEADLESS_FLAGS, Contexts
from tests.e2e.media import shows_picture, watch_media
from tests.e2e.pages import AgentPage, CustomerPage, open_contexts, wait_until
from tests.support.chromium import FAKE_MEDIA
from tests.support.https_certificates import spki_pin
from tests.support.server import ServerProcess
from tests.support.y4m import CUSTOMER_PICTURE, write_quadrants


@pytest.fixture(scope="module")
def https_server() -> Iterator[ServerProcess]:
    # Every address, as the README's command: a phone reaches the LAN one.
    proc = ServerProcess("--host", "0.0.0.0", "--tls", "self-signed", "--offer-timeout", "10").start()  # noqa: S104
    yield proc
    proc.cleanup()


@pytest.fixture(scope="module")
def phone_base(https_server: ServerProcess) -> str:
    """What the phone opens: the LAN address the server printed (127.0.0.1 on a machine without one)."""
    lan = machine_names().lan_address()
    return f"https://{url_host(lan) if lan else '127.0.0.1'}:{https_server.port}"


@pytest.fixture(scope="module")
def trusting_browser(
    playwright: Playwright, https_server: ServerProcess, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Browser]:
    """Chromium with the customer's four-colour camera, trusting the server's certificate by its key only."""
    picture = write_quadrants(tmp_path_factory.mktemp("camera") / "customer.y4m", CUSTOMER_PICTURE)
    pin = spki_pin(https_server.tls_folder / "server.pem")
    args = [
        *HEADLESS_FLAGS,
        *FAKE_MEDIA,
        f"--use-file-for-fake-video-capture={picture}",
        "--use-fake-ui-for-media-stream",
        f"--ignore-certificate-errors-spki-list={pin}",
    ]
    browser = playwright.chromium.launch(executable_path=CHROMIUM, headless=True, args=args)
    yield browser
    browser.close()


@pytest.fixture
def people(trusting_browser: Browser, request: pytest.FixtureRequest) -> Iterator[Contexts]:
    yield from open_contexts(trusting_browser, request)


def test_without_trust_the_browser_refuses_the_certificate(
    https_server: ServerProcess, browser: Browser, phone_base: str
) -> None:
    page = browser.new_page()
    try:
        with pytest.raises(Error, match="ERR_CERT_AUTHORITY_INVALID"):
            page.goto(f"{phone_base}/demo/")
    finally:
        page.close()


def test_a_phone_on_the_lan_streams_its_camera_to_the_agent_over_https(
    https_server: ServerProcess, phone_base: str, people: Contexts
) -> None:
    customer_page, agent_page = people.new_page(), people.new_page()
    watch_media(customer_page)
    watch_media(agent_page)
    agent = AgentPage(agent_page, https_server).login().go_on_queue()  # the laptop: https://127.0.0.1
    customer = CustomerPage(customer_page, SimpleNamespace(base=phone_base)).open()  # type: ignore[arg-type]
    assert customer_page.evaluate("[location.protocol, window.isSecureContext]") == ["https:", True]
    customer.start_chat("Ann")
    panel = agent.accept()
    customer.expect_line("joined the chat")

    panel.get_by_test_id("request-video").click()
    expect(customer_page.get_by_test_id("video-prompt")).to_contain_text("camera")
    customer_page.get_by_test_id("video-accept").click()
    remote = panel.get_by_test_id("remote-video")
    wait_until(lambda: shows_picture(remote, CUSTOMER_PICTURE), what="the phone's picture on the agent desktop")
    expect(panel.get_by_test_id("video-status")).to_have_text("live")

    customer.say("can you see the kettle?")
    expect(panel.get_by_test_id("chat-log")).to_contain_text("can you see the kettle?")
    panel.get_by_test_id("end-video").click()
    expect(customer_page.get_by_test_id("video-status")).to_have_text("ended")
