"""An agent changes their own password from the agent desktop: the dialog needs the current password and
a new one of 12 characters, the desktop stays signed in (its socket goes on with the fresh token, a reload
too), and the new password signs in while the old one no longer does."""

from __future__ import annotations

import uuid

import httpx
from playwright.sync_api import expect

from tests.e2e.conftest import Contexts
from tests.e2e.pages import AgentPage
from tests.support.server import ServerProcess

OLD = "first-password-of-kim"
NEW = "second-password-of-kim"


def new_agent(server: ServerProcess) -> str:
    admin = {"authorization": f"Bearer {server.login('admin@demo.local', 'admin')}"}
    email = f"kim-{uuid.uuid4().hex[:8]}@demo.local"
    body = {"email": email, "name": "Kim Keys", "password": OLD, "roles": ["Agent"]}
    made = httpx.post(f"{server.base}/api/v2/users", headers=admin, json=body)
    assert made.status_code == 201, made.text
    return email


def test_an_agent_changes_their_password_on_the_desktop_and_signs_in_with_it(
    server: ServerProcess, people: Contexts
) -> None:
    email = new_agent(server)
    agent = AgentPage(people.new_page(), server).login(email, OLD)
    page = agent.page
    strip = page.get_by_test_id("connection-status")
    expect(strip).to_have_attribute("data-state", "open")

    page.get_by_test_id("change-password").click()
    dialog = page.get_by_role("dialog", name="Change your password")
    expect(dialog).to_be_visible()
    expect(dialog.get_by_label("Current password")).to_be_focused()

    dialog.get_by_label("Current password").fill("not-my-password")
    dialog.get_by_label("New password").fill(NEW)
    dialog.get_by_test_id("change-password-submit").click()
    expect(dialog.get_by_test_id("change-password-error")).to_have_text("That is not your current password.")
    expect(dialog.get_by_label("Current password")).to_have_attribute("aria-invalid", "true")

    dialog.get_by_test_id("current-password").fill(OLD)
    dialog.get_by_test_id("new-password").fill("too-short")
    dialog.get_by_test_id("change-password-submit").click()
    expect(dialog.get_by_test_id("change-password-error")).to_contain_text("at least 12 characters")

    dialog.get_by_test_id("new-password").fill(NEW)
    dialog.get_by_test_id("change-password-submit").click()
    expect(dialog.get_by_test_id("change-password-done")).to_be_visible()
    dialog.get_by_role("button", name="Close").click()
    expect(dialog).to_be_hidden()

    # Still signed in: the socket reconnected with the fresh token and answers; a reload keeps the session.
    expect(page.get_by_test_id("error-banner")).to_be_hidden()
    expect(strip).to_have_attribute("data-state", "open")
    agent.go_on_queue()
    page.reload()
    expect(page.get_by_test_id("presence-on-queue")).to_be_visible()
    expect(strip).to_have_attribute("data-state", "open")

    old = httpx.post(f"{server.base}/api/v2/auth/login", json={"email": email, "password": OLD})
    assert old.status_code == 401
    AgentPage(people.new_page(), server).login(email, NEW)  # the new one signs in, on a fresh browser
