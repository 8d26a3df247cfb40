"""What an administrator and an architect do in /admin/, in the words of its test ids (see admin/app.js)."""

from __future__ import annotations

from playwright.sync_api import Locator, Page, expect

from tests.support.server import ServerProcess


class AdminConsole:
    def __init__(self, page: Page, server: ServerProcess) -> None:
        self.page = page
        self.server = server

    def login(self, email: str, password: str) -> AdminConsole:
        self.page.goto(f"{self.server.base}/admin/")
        self.page.get_by_test_id("login-email").fill(email)
        self.page.get_by_test_id("login-password").fill(password)
        self.page.get_by_test_id("login-submit").click()
        expect(self.page.get_by_test_id("signed-in-user")).to_be_visible()
        return self

    def open(self, section: str) -> Locator:
        self.page.get_by_test_id(f"nav-{section}").click()
        view = self.page.get_by_test_id(f"section-{section}")
        expect(view).to_be_visible()
        return view

    def row(self, noun: str, name: str) -> Locator:
        return self.page.locator(f'[data-testid="{noun}-row"][data-name="{name}"]')

    @property
    def panel(self) -> Locator:
        return self.page.get_by_test_id("side-panel")

    def start_new(self, noun: str) -> Locator:
        self.page.get_by_test_id(f"{noun}-new").click()
        expect(self.panel).to_be_visible()
        return self.panel

    def edit(self, noun: str, name: str) -> Locator:
        self.row(noun, name).get_by_test_id(f"{noun}-edit").click()
        expect(self.panel).to_be_visible()
        return self.panel

    def tick(self, testid: str, *values: str) -> None:
        """Tick options of a pick-several list by their value (a name, or a user id)."""
        for value in values:
            self.panel.get_by_test_id(testid).locator(f'input[data-value="{value}"]').check()

    def save(self, noun: str, name: str) -> Locator:
        """Save the panel's form; the item shows in the table and the panel closes."""
        self.panel.get_by_test_id(f"{noun}-save").click()
        expect(self.page.locator(f'[data-testid="{noun}-save"][aria-busy="true"]')).to_have_count(0)
        error = self.panel.get_by_test_id("form-error")
        assert not error.is_visible(), f"saving the {noun} was refused: {error.inner_text()}"
        row = self.row(noun, name)
        expect(row).to_be_visible()
        return row
