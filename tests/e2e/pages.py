"""What a customer and an agent do on their pages, in the words of the test ids (CONTRACT §5)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING

import pytest
from playwright.sync_api import Browser, Locator, Page, expect

from tests.support.server import ServerProcess
from tests.support.waiting import wait_until

__all__ = ["AgentPage", "CustomerPage", "end_open_chats", "open_contexts", "wait_until"]

if TYPE_CHECKING:
    from tests.e2e.conftest import Contexts


def open_contexts(browser: Browser, request: pytest.FixtureRequest) -> Iterator[Contexts]:
    """A test's contexts in `browser`; afterwards its chats are ended and, if it failed, screenshots kept."""
    from tests.e2e.conftest import Contexts

    contexts = Contexts(browser)
    yield contexts
    failed = getattr(request.node, "rep_call", None)
    end_open_chats(contexts)
    contexts.close(request.node.name if failed is not None and failed.failed else None)


def end_open_chats(contexts: Contexts) -> None:
    """Each test leaves the agents free for the next one, whatever happened in it."""
    for context in contexts.opened:
        for page in context.pages:
            for button in page.get_by_test_id("end-interaction").all():
                if button.is_visible():
                    button.click()
            toggle = page.get_by_test_id("presence-on-queue")
            if toggle.count() and toggle.is_visible() and toggle.get_attribute("aria-checked") == "true":
                toggle.click()  # the next test's desktop starts off queue
                expect(toggle).to_have_attribute("aria-checked", "false")


class CustomerPage:
    def __init__(self, page: Page, server: ServerProcess) -> None:
        self.page = page
        self.server = server

    def open(self) -> CustomerPage:
        self.page.goto(f"{self.server.base}/demo/")
        return self

    def start_chat(self, name: str = "Ann") -> CustomerPage:
        if not self.page.get_by_test_id("chat-name").is_visible():  # on a phone the open widget hides its launcher
            self.page.get_by_test_id("chat-open").click()
        self.page.get_by_test_id("chat-name").fill(name)
        self.page.get_by_test_id("chat-start").click()
        return self

    def say(self, text: str) -> None:
        self.page.get_by_test_id("chat-input").fill(text)
        self.page.get_by_test_id("chat-send").click()

    @property
    def log(self) -> Locator:
        return self.page.get_by_test_id("chat-log")

    def expect_line(self, text: str) -> None:
        expect(self.log).to_contain_text(text)


class AgentPage:
    def __init__(self, page: Page, server: ServerProcess) -> None:
        self.page = page
        self.server = server

    def login(self, email: str = "agent@demo.local", password: str = "agent") -> AgentPage:
        self.page.goto(f"{self.server.base}/agent/")
        self.page.get_by_test_id("login-email").fill(email)
        self.page.get_by_test_id("login-password").fill(password)
        self.page.get_by_test_id("login-submit").click()
        expect(self.page.get_by_test_id("presence-on-queue")).to_be_visible()
        return self

    def go_on_queue(self) -> AgentPage:
        self.page.get_by_test_id("presence-on-queue").click()
        expect(self.page.get_by_text("On queue", exact=False).first).to_be_visible()
        return self

    def accept(self, timeout: float = 10_000) -> Locator:
        alert = self.page.get_by_test_id("interaction-alert")
        expect(alert).to_be_visible(timeout=timeout)
        alert.get_by_test_id("accept-interaction").click()
        return self.interaction()

    def interaction(self) -> Locator:
        panel = self.page.locator("[data-conversation-id]").last
        expect(panel).to_be_visible()
        return panel

    def say(self, panel: Locator, text: str) -> None:
        panel.get_by_test_id("chat-input").fill(text)
        panel.get_by_test_id("chat-send").click()
