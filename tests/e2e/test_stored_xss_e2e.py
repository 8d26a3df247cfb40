"""Stored XSS: a customer whose name and messages are markup. Every screen that shows them (the widget,
the agent's offer and transcript, the supervisor's live video row) shows the characters, and nothing of
them runs."""

from __future__ import annotations

from playwright.sync_api import Page, expect

from tests.e2e.conftest import Contexts
from tests.e2e.pages import AgentPage, CustomerPage
from tests.support.server import ServerProcess

NAME = '<img src=x onerror="window.__xss=1">Ann'
LINES = [
    "<script>window.__xss=1</script>",
    '<svg onload="window.__xss=1"></svg>',
    '"><iframe srcdoc="<script>parent.__xss=1</script>">',
    "javascript:window.__xss=1",
]
# Every document and open shadow root of the page (the widget renders in one) is searched for what would run.
NOTHING_RAN = """() => {
  const roots = [document];
  for (let i = 0; i < roots.length; i += 1) {
    for (const element of roots[i].querySelectorAll('*')) if (element.shadowRoot) roots.push(element.shadowRoot);
  }
  const planted = roots.some((root) => root.querySelector('script:not([src]), iframe, svg[onload]'));
  return window.__xss === undefined && !planted;
}"""


def _clean(page: Page) -> None:
    assert page.evaluate(NOTHING_RAN), page.url


def test_markup_in_names_and_messages_is_shown_as_text_everywhere(
    server: ServerProcess, camera_people: Contexts
) -> None:
    people = camera_people
    agent_page, customer_page, supervisor_page = people.new_page(), people.new_page(), people.new_page()
    agent = AgentPage(agent_page, server).login().go_on_queue()
    customer = CustomerPage(customer_page, server).open().start_chat(NAME)
    for line in LINES:
        customer.say(line)
    offer = agent_page.get_by_test_id("interaction-alert")
    expect(offer).to_contain_text(NAME)  # the offer names the customer, as typed
    panel = agent.accept()
    log = panel.get_by_test_id("chat-log")
    for line in LINES:
        expect(log).to_contain_text(line)
    expect(panel).to_contain_text(NAME)
    agent.say(panel, "<b>bold?</b> no")
    expect(customer.log).to_contain_text("<b>bold?</b> no")
    panel.get_by_test_id("request-video").click()
    customer_page.get_by_test_id("video-accept").click()
    expect(panel.get_by_test_id("video-status")).to_have_text("live", timeout=15_000)

    supervisor_page.goto(f"{server.base}/supervisor/")
    supervisor_page.get_by_test_id("login-email").fill("supervisor@demo.local")
    supervisor_page.get_by_test_id("login-password").fill("supervisor")
    supervisor_page.get_by_test_id("login-submit").click()
    expect(supervisor_page.get_by_test_id("video-customer").first).to_have_text(NAME, timeout=15_000)

    for page in (agent_page, customer_page, supervisor_page):
        _clean(page)
