"""Moving and closing work on the agent desktop, in Chromium: an agent transfers a chat to another queue with a
note, the customer reads that they are being transferred, the next agent's offer and chat show the note; after
End chat the agent picks a wrap-up code (which the queue requires) before the chat closes, and the
supervisor's dashboard counts it."""

from __future__ import annotations

import httpx
from playwright.sync_api import expect

from showdesk.services.demo import CHAT_QUEUE
from tests.e2e.conftest import Contexts
from tests.e2e.pages import AgentPage, CustomerPage
from tests.support.server import ServerProcess


def _admin(server: ServerProcess) -> httpx.Client:
    token = server.login("admin@demo.local", "admin")
    return httpx.Client(base_url=f"{server.base}/api/v2", headers={"authorization": f"Bearer {token}"}, timeout=10)


def test_a_transfer_with_a_note_then_a_required_wrap_up_before_the_chat_closes(
    server: ServerProcess, people: Contexts
) -> None:
    admin = _admin(server)
    chat_queue = next(q for q in admin.get("/routing/queues").json() if q["name"] == CHAT_QUEUE)
    assert admin.patch(f"/routing/queues/{chat_queue['id']}", json={"wrapupRequired": True}).status_code == 200
    try:
        first = AgentPage(people.new_page(), server).login().go_on_queue()
        customer = CustomerPage(people.new_page(), server).open().start_chat("Noor")
        panel = first.accept()
        second = AgentPage(people.new_page(), server).login("agent2@demo.local").go_on_queue()
        customer.say("The lid of my kettle is cracked")
        expect(panel.get_by_test_id("chat-log")).to_contain_text("lid of my kettle")

        panel.get_by_test_id("transfer").click()
        dialog = first.page.get_by_test_id("transfer-dialog")
        expect(dialog).to_be_visible()
        dialog.get_by_test_id("transfer-queue").select_option(label=f"{CHAT_QUEUE} (no video)")
        expect(dialog.get_by_test_id("transfer-warning")).to_contain_text("takes no video")
        dialog.get_by_test_id("transfer-note").fill("Wants a replacement lid")
        dialog.get_by_test_id("transfer-submit").click()
        expect(dialog).to_be_hidden()
        expect(first.page.locator("[data-conversation-id]")).to_have_count(0)  # passed on: gone from this desktop

        customer.expect_line(f"You are being transferred to {CHAT_QUEUE}")
        offer = second.page.get_by_test_id("interaction-alert")
        expect(offer.get_by_test_id("offer-transfer")).to_contain_text("Wants a replacement lid")
        next_panel = second.accept()
        expect(next_panel.get_by_test_id("transfer-note")).to_contain_text("Wants a replacement lid")
        expect(next_panel.get_by_test_id("chat-log")).to_contain_text("lid of my kettle")  # the transcript moved
        customer.say("Thanks")
        expect(next_panel.get_by_test_id("chat-log")).to_contain_text("Thanks")

        next_panel.get_by_test_id("end-interaction").click()
        form = next_panel.get_by_test_id("wrapup-form")
        expect(form).to_be_visible()
        expect(next_panel.get_by_test_id("close-interaction")).to_be_hidden()  # the queue requires a code
        next_panel.get_by_test_id("wrapup-submit").click()
        expect(next_panel.get_by_test_id("wrapup-status")).to_contain_text("choose one")
        next_panel.get_by_test_id("wrapup-select").select_option(label="Replacement sent")
        next_panel.get_by_test_id("wrapup-note").fill("Lid posted today")
        next_panel.get_by_test_id("wrapup-submit").click()
        expect(second.page.locator("[data-conversation-id]")).to_have_count(0)

        supervisor = _supervisor_api(server)
        [found] = [
            c
            for c in supervisor.get("/conversations", params={"state": "ended"}).json()["entities"]
            if c["customerName"] == "Noor"
        ]
        record = supervisor.get(f"/conversations/{found['id']}").json()
        assert record["wrapup"]["name"] == "Replacement sent" and record["wrapup"]["note"] == "Lid posted today"
        assert [t["note"] for t in record["transfers"]] == ["Wants a replacement lid"]

        board = people.new_page()
        board.goto(f"{server.base}/supervisor/")
        board.get_by_test_id("login-email").fill("supervisor@demo.local")
        board.get_by_test_id("login-password").fill("supervisor")
        board.get_by_test_id("login-submit").click()
        row = board.get_by_test_id("supervisor-wrapup-row").filter(has_text="Replacement sent")
        expect(row.get_by_test_id("wrapup-count")).to_have_text("1")
        for agent in (first, second):
            agent.page.get_by_test_id("presence-on-queue").click()
    finally:
        admin.patch(f"/routing/queues/{chat_queue['id']}", json={"wrapupRequired": False})


def _supervisor_api(server: ServerProcess) -> httpx.Client:
    token = server.login("supervisor@demo.local", "supervisor")
    return httpx.Client(base_url=f"{server.base}/api/v2", headers={"authorization": f"Bearer {token}"}, timeout=10)
