"""A supervisor who holds Video > Monitor sees the customer's live picture in the watch panel, forwarded by
the agent's desktop over a peer connection of its own; the customer reads that a supervisor is watching
and when they stop, the agent reads who is watching, and the customer's own video goes on throughout."""

from __future__ import annotations

from playwright.sync_api import Page, expect

from tests.e2e.accessibility import describe, violations
from tests.e2e.conftest import Contexts
from tests.e2e.media import shows_picture
from tests.e2e.pages import AgentPage, CustomerPage, wait_until
from tests.support.server import ServerProcess
from tests.support.y4m import CUSTOMER_PICTURE


def _sign_in(page: Page, server: ServerProcess, email: str, password: str) -> None:
    page.goto(f"{server.base}/supervisor/#agents")
    page.get_by_test_id("login-email").fill(email)
    page.get_by_test_id("login-password").fill(password)
    page.get_by_test_id("login-submit").click()


def test_a_video_monitor_holder_sees_the_customer_s_picture_and_the_customer_is_told(
    server: ServerProcess, camera_people: Contexts
) -> None:
    agent_page, customer_page, admin_page = (camera_people.new_page() for _ in range(3))
    agent = AgentPage(agent_page, server).login().go_on_queue()
    customer = CustomerPage(customer_page, server).open().start_chat("Ann")
    panel = agent.accept()
    panel.get_by_test_id("request-video").click()
    customer_page.get_by_test_id("video-accept").click()
    remote = panel.get_by_test_id("remote-video")
    wait_until(lambda: shows_picture(remote, CUSTOMER_PICTURE), what="the agent's picture")

    _sign_in(admin_page, server, "admin@demo.local", "admin")
    row = admin_page.get_by_test_id("supervisor-agent-row").filter(has_text="Dana Agent")
    row.get_by_test_id("agent-chat").filter(has_text="Ann").get_by_test_id("watch-conversation").click()
    watch = admin_page.get_by_test_id("watch-panel")
    expect(watch.get_by_test_id("watch-status")).to_contain_text("read-only")
    start = watch.get_by_test_id("watch-picture-start")
    expect(start).to_be_enabled()
    start.click()

    picture = watch.get_by_test_id("watch-picture")
    wait_until(lambda: shows_picture(picture, CUSTOMER_PICTURE), what="the picture relayed to the supervisor")
    expect(watch.get_by_test_id("watch-picture-status")).to_contain_text("live, as the agent sees it")
    customer.expect_line("A supervisor is now also watching the video, to help with your question.")
    expect(panel.get_by_test_id("video-monitored")).to_have_text("Alex Admin is also watching the picture.")
    expect(watch.get_by_test_id("watch-log")).to_contain_text("A supervisor is now also watching the video")
    for page, where in ((admin_page, "the watch panel with the picture"), (agent_page, "the pane naming the watcher")):
        found = violations(page)
        assert not found, f"axe on {where}:\n{describe(found)}"

    watch.get_by_test_id("watch-picture-stop").click()
    expect(picture).to_be_hidden()
    expect(watch.get_by_test_id("watch-picture-status")).to_contain_text("the customer has been told")
    customer.expect_line("The supervisor is no longer watching the video.")
    expect(panel.get_by_test_id("video-monitored")).to_be_hidden()
    # The customer's video to the agent went on, untouched by the relay's coming and going.
    assert shows_picture(remote, CUSTOMER_PICTURE)
    expect(panel.get_by_test_id("video-status")).to_have_text("live")
    expect(watch.get_by_test_id("watch-picture-start")).to_be_visible()
