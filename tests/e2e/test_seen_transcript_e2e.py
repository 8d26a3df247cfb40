"""Seen receipts and the customer's transcript download, in real Chromium: the widget on /demo/ and the agent
desktop against a real server."""

from __future__ import annotations

from pathlib import Path

from playwright.sync_api import expect

from tests.e2e.conftest import Contexts
from tests.e2e.pages import AgentPage, CustomerPage
from tests.e2e.test_chat_e2e import end_everything
from tests.support.server import ServerProcess

MARKUP = "<b>bold</b> & <script>alert(1)</script>"


def test_each_side_sees_seen_once_the_other_has_read_its_message(server: ServerProcess, people: Contexts) -> None:
    agent = AgentPage(people.new_page(), server).login().go_on_queue()
    customer = CustomerPage(people.new_page(), server).open().start_chat("Ann")
    panel = agent.accept()  # the chat takes the desktop's focus
    customer.expect_line("Dana Agent")

    customer.say("My kettle will not heat")
    expect(panel.get_by_test_id("chat-log")).to_contain_text("My kettle will not heat")
    on_page = customer.page.get_by_test_id("seen-receipt")
    expect(on_page).to_have_text("Seen")
    # Under the customer's message that was read.
    mine = customer.log.locator('[data-from="customer"]').last
    expect(mine.locator("xpath=following-sibling::*[1]")).to_have_attribute("data-testid", "seen-receipt")

    agent.say(panel, "Is the light on?")
    customer.expect_line("Is the light on?")  # the widget is open in front of the customer
    on_desktop = panel.get_by_test_id("seen-receipt")
    expect(on_desktop).to_have_text("Seen")
    theirs = panel.locator('[data-from="agent"]').last
    expect(theirs).to_contain_text("Is the light on?")
    expect(theirs.locator("xpath=following-sibling::*[1]")).to_have_attribute("data-testid", "seen-receipt")
    end_everything(customer, agent)


def test_the_customer_downloads_their_transcript_as_text_and_as_a_web_page(
    server: ServerProcess, people: Contexts, tmp_path: Path
) -> None:
    agent = AgentPage(people.new_page(), server).login().go_on_queue()
    customer = CustomerPage(people.new_page(), server).open().start_chat("Ann")
    panel = agent.accept()
    customer.say("My kettle will not heat")
    expect(panel.get_by_test_id("chat-log")).to_contain_text("My kettle will not heat")
    agent.say(panel, MARKUP)
    customer.expect_line(MARKUP)

    page = customer.page
    button = page.get_by_test_id("transcript-download")
    expect(button).to_have_text("Download transcript")
    page.get_by_test_id("transcript-format").select_option("text")
    with page.expect_download() as text_download:
        button.click()
    saved = tmp_path / text_download.value.suggested_filename
    text_download.value.save_as(saved)
    assert saved.suffix == ".txt"
    content = saved.read_text()
    assert "Ann: My kettle will not heat" in content
    assert f"Dana Agent: {MARKUP}" in content
    assert "Dana Agent joined" in content

    page.get_by_test_id("transcript-format").select_option("html")
    with page.expect_download() as html_download:
        button.click()
    saved = tmp_path / html_download.value.suggested_filename
    html_download.value.save_as(saved)
    assert saved.suffix == ".html"
    content = saved.read_text()
    assert "My kettle will not heat" in content
    assert "&lt;b&gt;bold&lt;/b&gt; &amp; &lt;script&gt;alert(1)&lt;/script&gt;" in content
    assert "<script>" not in content and "<b>" not in content

    # Opened in the browser, the page shows both sides' words and runs nothing.
    viewer = people.new_page()
    viewer.goto(saved.as_uri())
    expect(viewer.get_by_role("heading", name="Chat transcript")).to_be_visible()
    expect(viewer.locator("ol")).to_contain_text("My kettle will not heat")
    expect(viewer.locator("ol")).to_contain_text(MARKUP)
    end_everything(customer, agent)
