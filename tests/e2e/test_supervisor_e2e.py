"""The supervisor dashboard in a browser: a supervisor watches a customer's live video with its quality
numbers and the queues, the row goes when the video ends; an agent is told which permission is missing."""

from __future__ import annotations

from collections.abc import Iterator

import httpx
import pytest
from playwright.sync_api import ConsoleMessage, Locator, Page, expect

from tests.e2e.conftest import Contexts
from tests.e2e.media import shows_picture
from tests.e2e.pages import AgentPage, CustomerPage, wait_until
from tests.support.server import ServerProcess
from tests.support.y4m import CUSTOMER_PICTURE


@pytest.fixture(scope="module")
def server() -> Iterator[ServerProcess]:
    proc = ServerProcess("--offer-timeout", "30").start()
    yield proc
    proc.cleanup()


def _sign_in(page: Page, server: ServerProcess, email: str, password: str) -> list[str]:
    """Opens /supervisor/ and signs in; returns the page's console errors as they come (CSP refusals too)."""
    errors: list[str] = []

    def keep(message: ConsoleMessage) -> None:
        if message.type == "error":
            errors.append(message.text)

    page.on("console", keep)
    page.goto(f"{server.base}/supervisor/")
    page.get_by_test_id("login-email").fill(email)
    page.get_by_test_id("login-password").fill(password)
    page.get_by_test_id("login-submit").click()
    return errors


def _cell(row: Locator, name: str) -> str:
    return str(row.get_by_test_id(name).get_attribute("data-value"))


def test_a_supervisor_watches_live_video_quality_and_the_queues(server: ServerProcess, camera_people: Contexts) -> None:
    agent_page, customer_page, second_customer, supervisor_page = (camera_people.new_page() for _ in range(4))
    agent = AgentPage(agent_page, server).login().go_on_queue()
    customer = CustomerPage(customer_page, server).open().start_chat("Ann")
    panel = agent.accept()
    customer.expect_line("joined the chat")
    panel.get_by_test_id("request-video").click()
    customer_page.get_by_test_id("video-accept").click()
    wait_until(lambda: shows_picture(panel.get_by_test_id("remote-video"), CUSTOMER_PICTURE), what="the picture")
    CustomerPage(second_customer, server).open().start_chat("Bob")  # offered to the busy agent: Bob waits
    expect(agent_page.get_by_test_id("interaction-alert")).to_be_visible()

    errors = _sign_in(supervisor_page, server, "supervisor@demo.local", "supervisor")
    token = server.login("supervisor@demo.local", "supervisor")
    queues = httpx.get(f"{server.base}/api/v2/routing/queues", headers={"authorization": f"Bearer {token}"}).json()
    video_queue_id = next(q["id"] for q in queues if q["name"] == "Video Troubleshooting")

    table = supervisor_page.get_by_test_id("supervisor-queues")
    expect(table.get_by_test_id("supervisor-queue-row")).to_have_count(len(queues))
    queue_row = table.locator(f'[data-testid="supervisor-queue-row"][data-queue-id="{video_queue_id}"]')
    expect(queue_row.get_by_test_id("queue-name")).to_have_text("Video Troubleshooting")
    expect(queue_row.get_by_test_id("queue-waiting")).to_have_text("1")
    expect(queue_row.get_by_test_id("queue-on-queue")).to_have_text("1")
    expect(queue_row.get_by_test_id("queue-available")).to_have_text("0")  # an offer is open to the one agent

    videos = supervisor_page.get_by_test_id("supervisor-video-sessions")
    row = videos.get_by_test_id("supervisor-video-row")
    expect(row).to_have_count(1)
    cid = panel.get_attribute("data-conversation-id")
    record = httpx.get(
        f"{server.base}/api/v2/conversations/{cid}", headers={"authorization": f"Bearer {token}"}
    ).json()["videoSessions"][-1]
    expect(row).to_have_attribute("data-session-id", record["id"])
    expect(row.get_by_test_id("video-customer")).to_have_text("Ann")
    expect(row.get_by_test_id("video-state")).to_have_text("Live")
    # The agent's desktop reports a sample every 2 s, the dashboard reads every 2 s.
    expect(row.get_by_test_id("video-resolution")).to_have_text("320\u00d7240", timeout=15_000)
    assert _cell(row, "video-resolution") == "320x240"
    wait_until(lambda: float(_cell(row, "video-fps") or 0) > 5, what="a frame rate")
    assert float(_cell(row, "video-kbps")) > 0
    assert float(_cell(row, "video-loss")) == 0.0  # loopback loses nothing
    assert 0 <= float(_cell(row, "video-rtt")) < 1000
    assert _cell(row, "video-path") == "direct"
    expect(row.get_by_test_id("video-path")).to_have_text("direct")

    ttff = supervisor_page.get_by_test_id("chart-ttff")
    expect(ttff).to_have_attribute("data-went-live", "1")
    assert float(str(ttff.get_attribute("data-median-ms"))) > 0
    expect(ttff.locator("rect.chart__bar")).to_have_count(1)
    expect(supervisor_page.get_by_test_id("chart-relay-share")).to_have_attribute("data-share", "0")
    expect(supervisor_page.get_by_test_id("chart-failures")).to_have_attribute("data-failed", "0")

    panel.get_by_test_id("end-video").click()
    expect(panel.get_by_test_id("video-status")).to_have_text("ended")
    expect(row).to_have_count(0, timeout=6_000)
    expect(videos.get_by_test_id("supervisor-video-empty")).to_be_visible()
    assert errors == []


def test_an_agent_is_told_which_permission_is_missing(server: ServerProcess, camera_people: Contexts) -> None:
    page = camera_people.new_page()
    errors = _sign_in(page, server, "agent@demo.local", "agent")
    refusal = page.get_by_test_id("supervisor-forbidden")
    expect(refusal).to_be_visible()
    expect(refusal).to_contain_text("analytics:dashboard:view")
    expect(refusal).to_contain_text("Analytics > Dashboard > View")
    expect(page.get_by_test_id("supervisor-queues")).to_be_hidden()
    # a 403 is an answer, not a console error; anything else would be (CSP refusals included)
    assert [e for e in errors if "403" not in e] == []
