"""/docs without internet: Chromium with every request beyond the server blocked renders the API's
operations, asks nothing of any other host, and the page's Content-Security-Policy (only 'self')
refuses nothing the page needs."""

from __future__ import annotations

from urllib.parse import urlsplit

from playwright.sync_api import Browser, Route, expect

from tests.support.server import ServerProcess


def test_the_docs_render_their_operations_with_every_outside_request_blocked(
    browser: Browser, server: ServerProcess
) -> None:
    context = browser.new_context()
    page = context.new_page()
    outside: list[str] = []

    def only_the_server(route: Route) -> None:
        if urlsplit(route.request.url).hostname == "127.0.0.1":
            route.continue_()
        else:
            outside.append(route.request.url)
            route.abort("internetdisconnected")

    page.route("**/*", only_the_server)
    refused: list[str] = []
    page.on("console", lambda m: refused.append(m.text) if "Content Security Policy" in m.text else None)
    try:
        page.goto(f"{server.base}/docs")
        operations = page.locator(".opblock")
        expect(operations.first).to_be_visible(timeout=20_000)
        login = page.locator(".opblock-post", has_text="/api/v2/auth/login")
        expect(login).to_have_count(1)
        assert operations.count() > 40
        login.locator(".opblock-summary").click()  # an operation opens, with its request body
        expect(login.locator(".opblock-body")).to_be_visible()
        assert outside == []
        assert refused == []
    finally:
        context.close()
