"""The customer panel in real Chromium: a shop's page calls createChat with its customer and attributes (or
the drop-in widget's tag says them); the agent's chat shows them (as text, Unverified: the shop did not sign
them), the page it started on, the device, and the customer's earlier chat of the same id, and so does the
supervisor's Interactions view; axe finds no serious problem in it. The console's deployment panel shows
the key a shop's server signs its customers with."""

from __future__ import annotations

import http.server
import re
import threading
import uuid
from collections.abc import Iterator

import httpx
import pytest
from playwright.sync_api import Browser, Page, expect

from tests.e2e.accessibility import describe, violations
from tests.e2e.admin_pages import AdminConsole
from tests.e2e.conftest import Contexts
from tests.e2e.pages import AgentPage, open_contexts
from tests.support.server import ServerProcess, free_port

SHOP_PAGE = """<!doctype html><html lang="en"><head><title>Your cart</title></head><body>
<main><h1>Your cart</h1><p id="result">pending</p></main>
<script type="module">
import { createChat } from '{server}/sdk/webchat.js';
const id = new URLSearchParams(location.search).get('customer');
const chat = createChat({
  organizationId: 'demo', deploymentId: 'demo-webchat', serverUrl: '{server}',
  customer: { name: 'Ann Example', email: 'ann@example.com', id },
  attributes: { plan: 'Gold', note: '<img src=x onerror="window.injected = true">' },
});
window.chat = chat;
chat.startChat({ displayName: 'Ann' }).then(
  () => { document.getElementById('result').textContent = 'started'; },
  (error) => { document.getElementById('result').textContent = error.code; });
</script></body></html>"""


@pytest.fixture
def people(browser: Browser, request: pytest.FixtureRequest) -> Iterator[Contexts]:
    yield from open_contexts(browser, request)


@pytest.fixture
def shop_origin(server: ServerProcess) -> Iterator[str]:
    """The shop: its own origin (another port), one of the demo deployment's allowed origins for this test."""
    origin = f"http://127.0.0.1:{free_port()}"
    page = SHOP_PAGE.replace("{server}", server.base).encode()

    class Handler(http.server.BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            self.send_response(200 if self.path.startswith("/cart.html") else 404)
            self.send_header("content-type", "text/html")
            self.end_headers()
            self.wfile.write(page if self.path.startswith("/cart.html") else b"")

        def log_message(self, *args: object) -> None:
            return

    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", int(origin.rsplit(":", 1)[1])), Handler)
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    admin = {"authorization": f"Bearer {server.login('admin@demo.local', 'admin')}"}
    deployment = f"{server.base}/api/v2/webchat/deployments/demo-webchat"
    before = httpx.get(deployment, headers=admin).json()["allowedOrigins"]
    assert httpx.patch(deployment, headers=admin, json={"allowedOrigins": [*before, origin]}).status_code == 200
    yield origin
    httpx.patch(deployment, headers=admin, json={"allowedOrigins": before})
    httpd.shutdown()
    httpd.server_close()


def _shop(people: Contexts, origin: str, customer_id: str) -> Page:
    page = people.new_page()
    page.goto(f"{origin}/cart.html?customer={customer_id}")
    expect(page.locator("#result")).to_have_text("started")
    return page


def test_the_agent_sees_the_customer_the_page_the_device_and_the_earlier_chat(
    server: ServerProcess, people: Contexts, shop_origin: str
) -> None:
    customer_id = f"cust-{uuid.uuid4().hex[:8]}"
    agent = AgentPage(people.new_page(), server).login()
    earlier = _shop(people, shop_origin, customer_id)  # nobody on queue yet: it ends unanswered
    earlier.evaluate("window.chat.endChat()")
    agent.go_on_queue()
    shop = _shop(people, shop_origin, customer_id)
    panel = agent.accept()

    customer = panel.get_by_test_id("customer-panel")
    expect(customer).to_be_visible()
    expect(customer.get_by_test_id("customer-verified")).to_have_text("Unverified")
    expect(customer.get_by_test_id("customer-name")).to_have_text("Ann Example")
    expect(customer.get_by_test_id("customer-email")).to_have_text("ann@example.com")
    expect(customer.get_by_test_id("customer-id")).to_have_text(customer_id)
    expect(customer.locator('[data-attribute="plan"]')).to_have_text("Gold")
    note = customer.locator('[data-attribute="note"]')
    expect(note).to_have_text('<img src=x onerror="window.injected = true">')  # shown as text, never markup
    assert customer.locator("img").count() == 0
    assert agent.page.evaluate("window.injected") is None
    page_fact = customer.get_by_test_id("customer-page")
    expect(page_fact).to_contain_text("Your cart")
    link = page_fact.get_by_role("link")
    expect(link).to_have_attribute("href", f"{shop_origin}/cart.html?customer={customer_id}")
    expect(link).to_have_attribute("rel", "noopener noreferrer")
    expect(customer.get_by_test_id("customer-device")).to_have_text("Computer · Chrome · Linux")

    history = customer.get_by_test_id("customer-history")
    expect(history.locator("li")).to_have_count(1)
    expect(history.locator("li")).to_contain_text("Ended")
    expect(customer.get_by_test_id("customer-history-note")).to_contain_text("did not sign")
    # the chat's own name stays the display name
    assert panel.get_by_role("heading", name="Ann", exact=True).count() == 1

    found = violations(agent.page)
    assert not found, f"axe on the agent desktop with the customer panel:\n{describe(found)}"
    shop.evaluate("window.chat.endChat()")


def test_the_console_shows_the_deployment_s_signing_key_with_an_example_that_signs(
    server: ServerProcess, people: Contexts
) -> None:
    admin = AdminConsole(people.new_page(), server).login("admin@demo.local", "admin")
    admin.open("deployments")
    panel = admin.edit("deployment", "Demo shop")
    key = panel.get_by_test_id("deployment-signing-key")
    expect(key).to_have_value(re.compile(r"^[0-9a-f]{64}$"))
    expect(panel.get_by_test_id("deployment-signing-example")).to_have_value(re.compile(r'^hmac\.new\(b"[0-9a-f]{64}"'))
    expect(panel.get_by_test_id("deployment-signing-copy")).to_be_enabled()
    token = server.login("admin@demo.local", "admin")
    answer = httpx.get(
        f"{server.base}/api/v2/webchat/deployments/demo-webchat/signing-key",
        headers={"authorization": f"Bearer {token}"},
    )
    assert key.input_value() == answer.json()["signingKey"]
    found = violations(admin.page)
    assert not found, f"axe on the console's deployment panel:\n{describe(found)}"


def test_the_drop_in_widget_tells_what_its_tag_says_of_the_customer(
    server: ServerProcess, people: Contexts, site_people: Contexts
) -> None:
    customer_id = f"cust-{uuid.uuid4().hex[:8]}"
    agent = AgentPage(people.new_page(), server).login().go_on_queue()
    site = site_people.new_page()
    url = f"{server.base}/orders.html"  # the server's own origin: allowed for the demo deployment
    body = (
        '<!doctype html><html lang="en"><head><title>Orders</title></head><body><main><h1>Orders</h1></main>'
        f'<script src="{server.base}/sdk/widget.js" data-organization="demo" data-deployment="demo-webchat" '
        f'data-customer-name="Bea Example" data-customer-email="bea@example.com" data-customer-id="{customer_id}" '
        """data-attributes='{"plan": "Silver"}' async></script></body></html>"""
    )
    site.route(url, lambda route: route.fulfill(content_type="text/html", body=body))
    site.goto(url)
    site.get_by_test_id("chat-open").click()
    expect(site.get_by_test_id("chat-name")).to_have_value("Bea Example")  # filled in, and hers to change
    site.get_by_test_id("chat-start").click()

    customer = agent.accept().get_by_test_id("customer-panel")
    expect(customer.get_by_test_id("customer-verified")).to_have_text("Unverified")
    expect(customer.get_by_test_id("customer-email")).to_have_text("bea@example.com")
    expect(customer.get_by_test_id("customer-id")).to_have_text(customer_id)
    expect(customer.locator('[data-attribute="plan"]')).to_have_text("Silver")
    expect(customer.get_by_test_id("customer-page")).to_contain_text("Orders")
    word = f"order{uuid.uuid4().hex[:8]}"
    site.get_by_test_id("chat-input").fill(f"Where is {word}?")
    site.get_by_test_id("chat-send").click()
    expect(agent.page.get_by_test_id("chat-log").last).to_contain_text(word)

    # The supervisor finds the chat in Interactions and reads the same customer details beside it.
    board = people.new_page()
    board.goto(f"{server.base}/supervisor/#interactions")
    board.get_by_test_id("login-email").fill("supervisor@demo.local")
    board.get_by_test_id("login-password").fill("supervisor")
    board.get_by_test_id("login-submit").click()
    board.get_by_test_id("interactions-q").fill(word)
    board.get_by_test_id("interactions-search").click()
    board.get_by_test_id("interaction-row").first.get_by_test_id("interaction-open").click()
    seen = board.get_by_test_id("interaction-detail").get_by_test_id("customer-panel")
    expect(seen.get_by_test_id("customer-email")).to_have_text("bea@example.com")
    expect(seen.get_by_test_id("customer-id")).to_have_text(customer_id)
    expect(seen.get_by_test_id("customer-verified")).to_have_text("Unverified")
    found = violations(board)
    assert not found, f"axe on the Interactions view with the customer panel:\n{describe(found)}"
    site.get_by_test_id("chat-end").click()
