"""The supervisor's Agents view in a browser: the agent is listed with their chat, Watch opens the chat
read-only and the customer's next message arrives in it live, also after the connection drops; the live
picture needs Video > Monitor."""

from __future__ import annotations

from playwright.sync_api import Page, expect

from tests.e2e.conftest import Contexts
from tests.e2e.pages import AgentPage, CustomerPage
from tests.support.server import ServerProcess

# Every watch socket the page opens, so the test can drop one as a network would.
KEEP_WATCH_SOCKETS = """
window.__watchSockets = [];
const Native = window.WebSocket;
window.WebSocket = class extends Native {
  constructor(url, protocols) {
    super(url, protocols);
    if (String(url).includes('/ws/v1/watch')) window.__watchSockets.push(this);
  }
};
"""


def _sign_in_supervisor(page: Page, server: ServerProcess) -> None:
    page.goto(f"{server.base}/supervisor/#agents")
    page.get_by_test_id("login-email").fill("supervisor@demo.local")
    page.get_by_test_id("login-password").fill("supervisor")
    page.get_by_test_id("login-submit").click()


def test_a_supervisor_sees_the_agent_s_chat_and_watches_it_live(server: ServerProcess, people: Contexts) -> None:
    agent_page, customer_page, supervisor_page = (people.new_page() for _ in range(3))
    agent = AgentPage(agent_page, server).login().go_on_queue()
    customer = CustomerPage(customer_page, server).open().start_chat("Ann")
    panel = agent.accept()
    customer.say("Is anyone there?")
    expect(panel.get_by_test_id("chat-log")).to_contain_text("Is anyone there?")

    supervisor_page.add_init_script(KEEP_WATCH_SOCKETS)
    _sign_in_supervisor(supervisor_page, server)
    expect(supervisor_page.get_by_test_id("nav-agents")).to_have_attribute("aria-current", "page")
    row = supervisor_page.get_by_test_id("supervisor-agent-row").filter(has_text="Dana Agent")
    expect(row.get_by_test_id("agent-desktop")).to_have_attribute("data-value", "true")
    expect(row.get_by_test_id("agent-status")).to_have_attribute("data-value", "on_queue")
    chat = row.get_by_test_id("agent-chat").filter(has_text="Ann")
    expect(chat).to_be_visible()
    expect(chat.get_by_test_id("chat-video")).to_have_text("no video")

    chat.get_by_test_id("watch-conversation").click()
    watch = supervisor_page.get_by_test_id("watch-panel")
    expect(watch).to_be_visible()
    expect(watch.get_by_test_id("watch-log")).to_contain_text("Is anyone there?")  # the transcript so far
    expect(watch.get_by_test_id("watch-status")).to_contain_text("read-only")
    expect(watch.get_by_test_id("watch-video")).to_contain_text("needs Video > Monitor")
    expect(watch.get_by_test_id("watch-picture-area")).to_be_hidden()  # no Show the picture without it
    expect(watch.locator("textarea, input")).to_have_count(0)  # no reply box

    customer.say("My order never came")
    expect(watch.get_by_test_id("watch-log")).to_contain_text("My order never came")
    agent.say(panel, "Let me look")
    expect(watch.get_by_test_id("watch-log")).to_contain_text("Let me look")
    customer.expect_line("Let me look")
    expect(customer.log).not_to_contain_text("supervisor")  # the customer is not told
    expect(panel.get_by_test_id("chat-log")).not_to_contain_text("supervisor")

    # The connection drops (a node restarting, the network): the panel reconnects and catches up.
    supervisor_page.evaluate("() => window.__watchSockets.at(-1).close(4000)")
    expect(watch.get_by_test_id("watch-status")).to_contain_text("reconnecting")
    expect(watch.get_by_test_id("watch-status")).to_contain_text("Watching live", timeout=10_000)
    customer.say("Hello again")
    expect(watch.get_by_test_id("watch-log")).to_contain_text("Hello again")
    assert supervisor_page.evaluate("() => window.__watchSockets.length") == 2

    watch.get_by_test_id("watch-close").click()
    expect(watch).to_be_hidden()
    expect(chat.get_by_test_id("watch-conversation")).to_be_focused()
