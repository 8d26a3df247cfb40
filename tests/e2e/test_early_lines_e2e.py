"""A customer's first line can reach the agent's desktop before the accept's answer does; it is shown all the
same (a module of its own: a server with no other test's agents or chats)."""

from __future__ import annotations

import json

from playwright.sync_api import WebSocketRoute, expect

from tests.e2e.conftest import Contexts
from tests.e2e.pages import AgentPage, CustomerPage
from tests.support.server import ServerProcess


def test_a_line_that_overtakes_the_accepts_answer_is_in_the_chat_once_it_opens(
    server: ServerProcess, people: Contexts
) -> None:
    """The agent's socket follows a chat as soon as it is accepted, so the customer's first line can reach
    the desktop before the accept's answer (the interaction frame, whose transcript was read before the
    line). Here that answer is held back until the line has passed it: the line is in the chat all the same."""
    agent_page, customer_page = people.new_page(), people.new_page()
    held: list[str | bytes] = []
    released = []

    def overtaken(route: WebSocketRoute) -> None:
        to_server = route.connect_to_server()

        def from_server(raw: str | bytes) -> None:
            frame = json.loads(raw)
            if frame["type"] == "interaction" and not released:
                held.append(raw)
                return
            route.send(raw)
            if frame["type"] == "message" and frame.get("from") == "customer" and held and not released:
                released.append(frame["text"])
                for answer in held:
                    route.send(answer)

        to_server.on_message(from_server)

    agent_page.route_web_socket("**/ws/v1/agent", overtaken)
    agent = AgentPage(agent_page, server).login().go_on_queue()
    customer = CustomerPage(customer_page, server).open().start_chat("Ann")
    alert = agent_page.get_by_test_id("interaction-alert")
    expect(alert).to_be_visible()
    alert.get_by_test_id("accept-interaction").click()
    customer.expect_line("joined the chat")
    customer_page.evaluate("(line) => window.showdeskDemoChat.sendText(line)", "the kettle clicks off at once")

    panel = agent.interaction()
    texts = panel.get_by_test_id("chat-log").locator("[data-from=customer] .msg__text")
    expect(texts).to_have_text(["the kettle clicks off at once"])
    assert released == ["the kettle clicks off at once"]  # the answer was held until the line had passed
