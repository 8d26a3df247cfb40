"""Accessibility in real Chromium: axe-core finds no serious or critical problem on the customer's widget
(/demo/, laptop and phone), the agent desktop, the console and the supervisor page (its dashboard, its
Interactions view with a conversation open, its Agents view watching a chat), each in the states people
spend their time in (signed out, signed in, chatting, asked for video); and keyboard focus lands on the
next sensible control when the control that had it goes away."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from playwright.sync_api import Browser, Page, expect

from tests.e2e.accessibility import describe, violations
from tests.e2e.conftest import Contexts
from tests.e2e.pages import AgentPage, CustomerPage, open_contexts
from tests.support.server import ServerProcess

PHONE = {"viewport": {"width": 390, "height": 844}, "is_mobile": True, "has_touch": True, "device_scale_factor": 2}


@pytest.fixture
def people(browser: Browser, request: pytest.FixtureRequest) -> Iterator[Contexts]:
    """Each test's people; their chats end after it, so the demo agent is free for the next."""
    yield from open_contexts(browser, request)


def assert_clean(page: Page, where: str) -> None:
    found = violations(page)
    assert not found, f"axe on {where}:\n{describe(found)}"


def _sign_in(page: Page, server: ServerProcess, path: str, email: str, password: str) -> None:
    page.goto(f"{server.base}{path}")
    expect(page.get_by_test_id("login-email")).to_be_visible()
    assert_clean(page, f"{path} sign-in form")
    page.get_by_test_id("login-email").fill(email)
    page.get_by_test_id("login-password").fill(password)
    page.get_by_test_id("login-submit").click()


@pytest.mark.parametrize("device", ["laptop", "phone"])
def test_the_customer_widget_has_no_serious_problem_in_any_state(
    server: ServerProcess, people: Contexts, device: str
) -> None:
    customer_page = people.new_page(**(PHONE if device == "phone" else {}))
    agent = AgentPage(people.new_page(), server).login().go_on_queue()
    customer = CustomerPage(customer_page, server).open()
    expect(customer_page.get_by_test_id("chat-open")).to_be_visible()
    assert_clean(customer_page, f"/demo/ closed ({device})")
    customer_page.get_by_test_id("chat-open").click()
    expect(customer_page.get_by_test_id("chat-name")).to_be_visible()
    assert_clean(customer_page, f"/demo/ open ({device})")

    customer.start_chat("Ann")
    panel = agent.accept()
    customer.say("The kettle will not heat")
    customer.expect_line("The kettle will not heat")
    agent.say(panel, "Could you show me?")
    customer.expect_line("Could you show me?")
    expect(customer_page.get_by_test_id("seen-receipt")).to_be_visible()  # the agent has read it
    expect(customer_page.get_by_test_id("transcript-download")).to_be_visible()
    assert_clean(customer_page, f"/demo/ chatting ({device})")

    panel.get_by_test_id("request-video").click()
    expect(customer_page.get_by_test_id("video-accept")).to_be_visible()
    assert_clean(customer_page, f"/demo/ asked for video ({device})")


def test_the_agent_desktop_console_and_supervisor_page_have_no_serious_problem(
    server: ServerProcess, people: Contexts
) -> None:
    agent_page = people.new_page()
    _sign_in(agent_page, server, "/agent/", "agent@demo.local", "agent")
    agent = AgentPage(agent_page, server)
    expect(agent_page.get_by_test_id("presence-on-queue")).to_be_visible()
    agent.go_on_queue()
    assert_clean(agent_page, "/agent/ on queue")

    customer = CustomerPage(people.new_page(), server).open().start_chat("Ann")
    expect(agent_page.get_by_test_id("interaction-alert")).to_be_visible()
    assert_clean(agent_page, "/agent/ with an offer")
    panel = agent.accept()
    customer.say("Hello there")
    expect(panel.get_by_test_id("chat-log")).to_contain_text("Hello there")
    agent.say(panel, "How can I help?")
    expect(panel.get_by_test_id("chat-log")).to_contain_text("How can I help?")
    expect(panel.get_by_test_id("seen-receipt")).to_be_visible()  # the customer's widget has shown it
    panel.get_by_test_id("request-video").click()
    expect(panel.get_by_test_id("video-status")).to_have_text("requested")
    assert_clean(agent_page, "/agent/ chatting, video requested")

    admin_page = people.new_page()
    _sign_in(admin_page, server, "/admin/", "admin@demo.local", "admin")
    expect(admin_page.get_by_test_id("signed-in-user")).to_be_visible()
    for section in ("queues", "users", "flows", "deployments"):
        admin_page.get_by_test_id(f"nav-{section}").click()
        expect(admin_page.get_by_test_id(f"section-{section}")).to_be_visible()
        assert_clean(admin_page, f"/admin/ {section}")

    supervisor_page = people.new_page()
    _sign_in(supervisor_page, server, "/supervisor/", "supervisor@demo.local", "supervisor")
    expect(supervisor_page.get_by_test_id("supervisor-queues")).to_be_visible()
    assert_clean(supervisor_page, "/supervisor/ signed in")
    supervisor_page.get_by_test_id("nav-interactions").click()
    rows = supervisor_page.get_by_test_id("interaction-row")
    expect(rows.first).to_be_visible()  # the chat above
    assert_clean(supervisor_page, "/supervisor/#interactions")
    rows.first.get_by_test_id("interaction-open").click()
    expect(supervisor_page.get_by_test_id("interaction-detail")).to_be_visible()
    expect(supervisor_page.get_by_test_id("interaction-transcript")).to_contain_text("Hello there")
    assert_clean(supervisor_page, "/supervisor/#interactions with a conversation open")
    supervisor_page.get_by_test_id("nav-agents").click()
    chat = supervisor_page.get_by_test_id("supervisor-agent-row").get_by_test_id("agent-chat").first
    expect(chat).to_be_visible()  # the agent's chat above
    assert_clean(supervisor_page, "/supervisor/#agents")
    chat.get_by_test_id("watch-conversation").click()
    expect(supervisor_page.get_by_test_id("watch-log")).to_contain_text("Hello there")
    assert_clean(supervisor_page, "/supervisor/#agents watching a chat")


def test_focus_moves_to_the_next_sensible_control(server: ServerProcess, camera_people: Contexts) -> None:
    agent_page = camera_people.new_page()
    _sign_in(agent_page, server, "/agent/", "agent@demo.local", "agent")
    expect(agent_page.get_by_test_id("presence-on-queue")).to_be_focused()  # signed in: the first thing to do
    agent = AgentPage(agent_page, server).go_on_queue()
    customer_page = camera_people.new_page()
    CustomerPage(customer_page, server).open().start_chat("Ann")
    panel = agent.accept()

    panel.get_by_test_id("request-video").click()
    prompt = customer_page.get_by_test_id("video-accept")
    expect(prompt).to_be_visible()
    # The request is announced: its words are in a live region of the widget.
    expect(customer_page.get_by_test_id("video-announcement")).to_have_attribute("role", "status")
    expect(customer_page.get_by_test_id("video-announcement")).to_contain_text("would like to see your product")
    prompt.click()
    expect(panel.get_by_test_id("video-status")).to_have_text("live", timeout=20_000)

    panel.get_by_test_id("video-hold").focus()
    agent_page.keyboard.press("Enter")
    expect(panel.get_by_test_id("video-status")).to_have_text("held")
    expect(panel.get_by_test_id("video-hold-note")).to_have_text("On hold")  # over the picture itself
    expect(panel.get_by_test_id("video-resume")).to_be_focused()
    agent_page.keyboard.press("Enter")
    expect(panel.get_by_test_id("video-status")).to_have_text("live", timeout=20_000)
    expect(panel.get_by_test_id("video-hold")).to_be_focused()
    expect(panel.get_by_test_id("video-hold-note")).to_be_hidden()

    panel.get_by_test_id("end-video").focus()
    agent_page.keyboard.press("Enter")
    expect(panel.get_by_test_id("video-status")).to_have_text("ended")
    expect(panel.get_by_test_id("request-video")).to_be_focused()  # asking again is the next thing to do

    # Signing out with the chat open asks first; staying keeps everything, focus back on Sign out.
    agent_page.get_by_role("button", name="Sign out").click()
    dialog = agent_page.get_by_test_id("sign-out-dialog")
    expect(dialog).to_be_visible()
    expect(dialog.get_by_test_id("sign-out-words")).to_contain_text("open chat")
    assert_clean(agent_page, "/agent/ asking before signing out")
    expect(dialog.get_by_test_id("sign-out-stay")).to_be_focused()
    agent_page.keyboard.press("Enter")
    expect(dialog).to_be_hidden()
    expect(agent_page.get_by_role("button", name="Sign out")).to_be_focused()
    expect(panel.get_by_test_id("chat-input")).to_be_enabled()

    panel.get_by_test_id("end-interaction").focus()
    agent_page.keyboard.press("Enter")
    expect(panel.get_by_test_id("close-interaction")).to_be_visible()
    expect(panel.get_by_test_id("close-interaction")).to_be_focused()

    # With no chat open, signing out asks nothing.
    agent_page.get_by_test_id("close-interaction").click()
    agent_page.get_by_role("button", name="Sign out").click()
    expect(agent_page.get_by_test_id("login-email")).to_be_visible()
    expect(agent_page.get_by_test_id("sign-out-dialog")).to_be_hidden()


def test_an_error_banner_leaves_the_top_bar_usable(server: ServerProcess, people: Contexts) -> None:
    """The desktop's error banner (shown here as the page shows any error) sits below the top bar, so going
    off queue or signing out is never under it (it covered the presence switch when a chat ended with
    something still pending)."""
    agent_page = people.new_page(viewport={"width": 1280, "height": 800})
    AgentPage(agent_page, server).login().go_on_queue()
    agent_page.evaluate(
        """() => { const banner = document.querySelector('[data-testid="error-banner"]');
                   banner.textContent = 'This chat has ended.'; banner.hidden = false; }"""
    )
    expect(agent_page.get_by_test_id("error-banner")).to_be_visible()
    for control in (agent_page.get_by_test_id("presence-on-queue"), agent_page.get_by_role("button", name="Sign out")):
        on_top = control.evaluate(
            """(el) => { const r = el.getBoundingClientRect();
                         return el.contains(document.elementFromPoint(r.left + r.width / 2, r.top + r.height / 2)); }"""
        )
        assert on_top, "the error banner covers a control of the top bar"
