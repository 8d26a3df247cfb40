"""A customer on /demo/ and an agent on /agent/, in real Chromium, against a real server."""

from __future__ import annotations

import http.server
import threading
from collections.abc import Iterator

import httpx
import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import Contexts
from tests.e2e.pages import AgentPage, CustomerPage
from tests.support.server import ServerProcess, free_port

XSS = "<img src=x onerror=\"document.title='pwned'\">"


def transcript(server: ServerProcess, conversation_id: str) -> list[dict]:
    token = server.login("supervisor@demo.local", "supervisor")
    r = httpx.get(
        f"{server.base}/api/v2/conversations/{conversation_id}/messages", headers={"authorization": f"Bearer {token}"}
    )
    r.raise_for_status()
    return list(r.json())


def end_everything(customer: CustomerPage, agent: AgentPage) -> None:
    customer.page.get_by_test_id("chat-end").click()
    agent.page.get_by_test_id("presence-on-queue").click()


def test_customer_and_agent_chat_both_ways(server: ServerProcess, people: Contexts) -> None:
    agent = AgentPage(people.new_page(), server).login().go_on_queue()
    customer = CustomerPage(people.new_page(viewport={"width": 390, "height": 844}), server).open().start_chat("Ann")
    panel = agent.accept()
    expect(panel).to_contain_text("Ann")
    customer.expect_line("Dana Agent")
    customer.say("My kettle will not heat")
    expect(panel.get_by_test_id("chat-log")).to_contain_text("My kettle will not heat")
    agent.say(panel, "Could you show me the base of the kettle?")
    customer.expect_line("Could you show me the base of the kettle?")
    conversation_id = panel.get_attribute("data-conversation-id")
    assert conversation_id
    texts = [m["text"] for m in transcript(server, conversation_id)]
    assert "My kettle will not heat" in texts and "Could you show me the base of the kettle?" in texts
    end_everything(customer, agent)


def test_each_side_sees_the_other_typing_and_the_message_ends_it(server: ServerProcess, people: Contexts) -> None:
    agent = AgentPage(people.new_page(), server).login().go_on_queue()
    customer = CustomerPage(people.new_page(), server).open().start_chat("Tess")
    panel = agent.accept()
    customer.expect_line("Dana Agent")
    on_desktop = panel.get_by_test_id("typing-indicator")
    on_page = customer.page.get_by_test_id("typing-indicator")

    customer.page.get_by_test_id("chat-input").press_sequentially("it clicks but", delay=20)
    expect(on_desktop).to_have_text("Tess is typing…")
    expect(on_page).to_be_hidden()  # the customer's own typing is not shown back to them
    customer.page.get_by_test_id("chat-send").click()
    expect(panel.get_by_test_id("chat-log")).to_contain_text("it clicks but")
    expect(on_desktop).to_be_hidden()  # the message ended it

    panel.get_by_test_id("chat-input").press_sequentially("Let me check", delay=20)
    expect(on_page).to_have_text("Dana Agent is typing…")
    expect(on_desktop).to_be_hidden()
    panel.get_by_test_id("chat-input").fill("")  # the agent deleted it all: no longer typing
    expect(on_page).to_be_hidden()
    end_everything(customer, agent)


def test_a_message_with_markup_shows_as_text_on_both_sides(server: ServerProcess, people: Contexts) -> None:
    agent = AgentPage(people.new_page(), server).login().go_on_queue()
    customer = CustomerPage(people.new_page(), server).open().start_chat("<b>Mallory</b>")
    panel = agent.accept()
    customer.say(XSS)
    agent_log = panel.get_by_test_id("chat-log")
    expect(agent_log).to_contain_text(XSS)
    customer.expect_line(XSS)
    expect(panel).to_contain_text("<b>Mallory</b>")
    for page, log in ((agent.page, agent_log), (customer.page, customer.log)):
        assert log.locator("img").count() == 0
        assert log.locator("b").count() == 0
        assert page.title() != "pwned"
    end_everything(customer, agent)


def test_addresses_in_messages_are_safe_links_on_both_sides(server: ServerProcess, people: Contexts) -> None:
    agent = AgentPage(people.new_page(), server).login().go_on_queue()
    customer = CustomerPage(people.new_page(), server).open().start_chat("Lin")
    panel = agent.accept()
    customer.say("The manual (https://kettles.test/manual?page=4) says javascript:alert(1) 🙂.")
    agent_log = panel.get_by_test_id("chat-log")
    expect(agent_log).to_contain_text("says javascript:alert(1) 🙂.")
    agent.say(panel, "Try http://kettles.test/descale.")
    customer.expect_line("Try http://kettles.test/descale.")
    for log in (agent_log, customer.log):
        links = log.locator("a[href]")
        expect(links).to_have_count(2)  # the addresses only: not the javascript: text, not the full stop
        hrefs = [links.nth(i).get_attribute("href") for i in range(2)]
        assert hrefs == ["https://kettles.test/manual?page=4", "http://kettles.test/descale"]
        for i in range(2):
            assert links.nth(i).get_attribute("rel") == "noopener noreferrer"
            assert links.nth(i).get_attribute("target") == "_blank"
    end_everything(customer, agent)


def test_reload_mid_chat_resumes_with_the_full_history(server: ServerProcess, people: Contexts) -> None:
    agent = AgentPage(people.new_page(), server).login().go_on_queue()
    customer = CustomerPage(people.new_page(), server).open().start_chat("Rita")
    panel = agent.accept()
    customer.say("first question")
    agent.say(panel, "first answer")
    customer.expect_line("first answer")
    customer.page.reload()
    customer.expect_line("first question")
    customer.expect_line("first answer")
    customer.say("after the reload")
    expect(panel.get_by_test_id("chat-log")).to_contain_text("after the reload")
    agent.page.reload()
    panel = agent.interaction()
    expect(panel.get_by_test_id("chat-log")).to_contain_text("first question")
    expect(panel.get_by_test_id("chat-log")).to_contain_text("after the reload")
    agent.say(panel, "still with you")
    customer.expect_line("still with you")
    # nothing shown twice after the reloads
    assert customer.log.get_by_text("first question", exact=True).count() == 1
    assert panel.get_by_test_id("chat-log").get_by_text("first answer", exact=True).count() == 1
    end_everything(customer, agent)


def test_the_offer_moves_to_a_second_agent_when_the_first_does_not_answer(
    server: ServerProcess, people: Contexts
) -> None:
    dana = AgentPage(people.new_page(), server).login("agent@demo.local").go_on_queue()
    sam = AgentPage(people.new_page(), server).login("agent2@demo.local").go_on_queue()
    customer = CustomerPage(people.new_page(), server).open().start_chat("Omar")
    expect(dana.page.get_by_test_id("interaction-alert")).to_be_visible()
    expect(sam.page.get_by_test_id("interaction-alert")).to_have_count(0)
    # Dana does not answer; after the offer timeout (4 s here) Sam gets it and Dana is "not responding".
    panel = sam.accept(timeout=10_000)
    expect(panel).to_contain_text("Omar")
    expect(dana.page.get_by_test_id("interaction-alert")).to_have_count(0)
    expect(dana.page.get_by_text("Not responding", exact=False).first).to_be_visible()
    customer.expect_line("Sam Agent")
    customer.page.get_by_test_id("chat-end").click()
    sam.page.get_by_test_id("presence-on-queue").click()


@pytest.fixture
def foreign_site() -> Iterator[tuple[str, dict[str, bytes]]]:
    """A real shop on another origin (another port) that embeds the SDK from ShowDesk."""
    port = free_port()
    pages: dict[str, bytes] = {}

    class Handler(http.server.BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            body = pages.get(self.path.split("?")[0], b"")
            self.send_response(200 if body else 404)
            self.send_header("content-type", "text/html")
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args: object) -> None:
            return

    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", port), Handler)
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{port}", pages
    httpd.shutdown()
    httpd.server_close()


def test_a_page_from_a_foreign_origin_is_refused(
    server: ServerProcess, people: Contexts, foreign_site: tuple[str, dict[str, bytes]]
) -> None:
    origin, pages = foreign_site
    pages["/shop.html"] = f"""<!doctype html><html><body><p id="result">pending</p>
<script type="module">
import {{ createChat }} from '{server.base}/sdk/webchat.js';
const chat = createChat({{ organizationId: 'demo', deploymentId: 'demo-webchat', serverUrl: '{server.base}' }});
try {{ await chat.startChat({{ displayName: 'Eve' }}); document.getElementById('result').textContent = 'started'; }}
catch (e) {{ document.getElementById('result').textContent = 'refused:' + e.code + ':' + e.message; }}
</script></body></html>""".encode()
    page = people.new_page()
    page.goto(f"{origin}/shop.html")
    result = page.locator("#result")
    expect(result).to_contain_text("refused:origin_not_allowed")
    expect(result).to_contain_text(origin)
