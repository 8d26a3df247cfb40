"""What tells an agent that work is waiting, in Chromium: a new offer takes the focus (unless a reply is being
typed) and counts in the tab title, the keyboard accepts it, and a customer's message that arrives while
the agent is elsewhere counts as unread until the chat has the focus again."""

from __future__ import annotations

import re

from playwright.sync_api import expect

from tests.e2e.conftest import Contexts
from tests.e2e.pages import AgentPage, CustomerPage
from tests.e2e.test_chat_e2e import end_everything
from tests.support.server import ServerProcess

COUNTED = re.compile(r"^\(\d+\)")


def test_an_offer_takes_the_focus_counts_in_the_title_and_the_keyboard_accepts_it(
    server: ServerProcess, people: Contexts
) -> None:
    agent = AgentPage(people.new_page(), server).login().go_on_queue()
    customer = CustomerPage(people.new_page(), server).open().start_chat("Kim")

    accept = agent.page.get_by_test_id("accept-interaction")
    expect(accept).to_be_focused()
    expect(accept).to_have_attribute("aria-keyshortcuts", "Alt+Shift+A")
    expect(agent.page).to_have_title(re.compile(r"^\(1\) Incoming chat — "))
    agent.page.keyboard.press("Alt+Shift+A")
    panel = agent.interaction()
    expect(panel).to_contain_text("Kim")
    expect(agent.page).not_to_have_title(COUNTED)

    agent.page.get_by_test_id("presence-on-queue").focus()  # the agent looks elsewhere
    customer.say("are you there?")
    expect(panel.get_by_test_id("chat-log")).to_contain_text("are you there?")
    expect(agent.page).to_have_title(re.compile(r"^\(1\) New message — "))
    customer.say("hello?")
    expect(agent.page).to_have_title(re.compile(r"^\(2\) New message — "))
    panel.get_by_test_id("chat-input").focus()  # back in the chat: read
    expect(agent.page).not_to_have_title(COUNTED)
    end_everything(customer, agent)


def test_an_offer_never_takes_the_focus_from_a_reply_being_typed(server: ServerProcess, people: Contexts) -> None:
    agent = AgentPage(people.new_page(), server).login().go_on_queue()
    first = CustomerPage(people.new_page(), server).open().start_chat("Lou")
    panel = agent.accept()
    reply = panel.get_by_test_id("chat-input")
    reply.press_sequentially("Let me", delay=10)
    second = CustomerPage(people.new_page(), server).open().start_chat("Max")
    expect(agent.page.get_by_test_id("interaction-alert")).to_be_visible()
    expect(reply).to_be_focused()
    agent.page.keyboard.type(" check")
    expect(reply).to_have_value("Let me check")
    second.page.get_by_test_id("chat-end").click()
    end_everything(first, agent)
