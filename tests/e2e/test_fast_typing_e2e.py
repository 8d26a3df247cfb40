"""A customer who sends faster than the chat takes (2 messages a second by default): the SDK holds the
rest and sends them again, in order, as the limit allows; nothing is lost, nothing shows twice."""

from __future__ import annotations

from playwright.sync_api import expect

from tests.e2e.conftest import Contexts
from tests.e2e.pages import AgentPage, CustomerPage
from tests.support.server import ServerProcess

LINES = [f"line {n}" for n in range(1, 11)]


def test_messages_sent_too_fast_all_arrive_in_order(server: ServerProcess, people: Contexts) -> None:
    agent_page, customer_page = people.new_page(), people.new_page()
    agent = AgentPage(agent_page, server).login().go_on_queue()
    customer = CustomerPage(customer_page, server).open().start_chat("Ann")
    panel = agent.accept()
    customer.expect_line("joined the chat")

    customer_page.evaluate("async (lines) => Promise.all(lines.map((l) => window.showdeskDemoChat.sendText(l)))", LINES)

    texts = panel.get_by_test_id("chat-log").locator("[data-from=customer] .msg__text")
    expect(texts).to_have_text(LINES, timeout=15_000)  # every one, once, in the order typed
    expect(customer_page.locator(".msg--failed")).to_have_count(0)
