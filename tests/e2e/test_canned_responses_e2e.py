"""Canned responses in real Chromium: an administrator writes one in the console; the agent types "/gre" in a
chat's reply box, picks it from the list and finds it there with the customer's name and their own filled in,
unsent until they send it; the stored transcript then holds the filled text. The agent also keeps one of their
own from the desktop. The console section and the open list pass axe."""

from __future__ import annotations

import httpx
from playwright.sync_api import Page, expect

from tests.e2e.accessibility import describe, violations
from tests.e2e.admin_pages import AdminConsole
from tests.e2e.conftest import Contexts
from tests.e2e.pages import AgentPage, CustomerPage
from tests.support.server import ServerProcess

TEXT = "Hello {customer.name}, I'm {agent.name}. How can I help? {order.id}"
FILLED = "Hello Ann, I'm Dana Agent. How can I help? {order.id}"


def transcript(server: ServerProcess, conversation_id: str) -> list[str]:
    token = server.login("supervisor@demo.local", "supervisor")
    r = httpx.get(
        f"{server.base}/api/v2/conversations/{conversation_id}/messages", headers={"authorization": f"Bearer {token}"}
    )
    r.raise_for_status()
    return [m["text"] for m in r.json()]


def assert_clean(page: Page, where: str) -> None:
    found = violations(page)
    assert not found, f"axe on {where}:\n{describe(found)}"


def test_an_admin_s_canned_response_is_picked_filled_and_sent(server: ServerProcess, people: Contexts) -> None:
    admin = AdminConsole(people.new_page(), server).login("admin@demo.local", "admin")
    admin.open("canned")
    panel = admin.start_new("canned")
    panel.get_by_test_id("canned-title").fill("Greeting")
    panel.get_by_test_id("canned-text").fill(TEXT)
    assert_clean(admin.page, "the console's canned response form")
    row = admin.save("canned", "Greeting")
    expect(row).to_contain_text(TEXT)  # as written: the console shows the placeholders

    agent = AgentPage(people.new_page(), server).login().go_on_queue()
    customer = CustomerPage(people.new_page(), server).open().start_chat("Ann")
    chat = agent.accept()
    customer.expect_line("Dana Agent")
    reply = chat.get_by_test_id("chat-input")
    listbox = chat.get_by_test_id("canned-list")

    reply.press_sequentially("/gre", delay=30)
    expect(listbox).to_be_visible()
    expect(listbox).to_have_attribute("role", "listbox")
    [item] = listbox.get_by_test_id("canned-item").all()
    expect(item).to_have_attribute("role", "option")
    expect(item).to_have_attribute("aria-selected", "true")
    expect(item).to_contain_text("Greeting")
    expect(item).to_contain_text(FILLED)
    assert_clean(agent.page, "the agent desktop with the canned list open")
    reply.press("Escape")
    expect(listbox).to_be_hidden()
    expect(reply).to_have_value("/gre")  # Escape closes the list, the typing stays

    reply.press_sequentially("e", delay=30)
    expect(listbox.get_by_test_id("canned-item")).to_have_count(1)
    reply.press("Enter")
    expect(listbox).to_be_hidden()
    expect(reply).to_have_value(FILLED)
    conversation_id = chat.get_attribute("data-conversation-id")
    assert conversation_id
    assert FILLED not in transcript(server, conversation_id)  # in the reply box, not sent

    chat.get_by_test_id("chat-send").click()
    customer.expect_line(FILLED)
    assert FILLED in transcript(server, conversation_id)

    # The agent keeps a reply of their own, then finds it with "/" like the organization's.
    reply.fill("Our shop opens at 9 and closes at 5.")
    chat.get_by_test_id("canned-save-open").click()
    chat.get_by_test_id("canned-save-title").fill("Opening hours")
    chat.get_by_test_id("canned-save-title").press("Enter")
    expect(chat.get_by_test_id("canned-save-status")).to_contain_text('Saved "Opening hours"')
    assert "Our shop opens at 9 and closes at 5." not in transcript(server, conversation_id)
    reply.fill("")
    reply.press_sequentially("/open", delay=30)
    mine = listbox.get_by_test_id("canned-item")
    expect(mine).to_have_count(1)
    expect(mine).to_contain_text("Opening hours")
    expect(mine).to_contain_text("yours")
    reply.press("Escape")
