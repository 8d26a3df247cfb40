"""The agent desktop shows whether the customer is there: online, away (their page is gone, for less than
the grace) or has left; and a waiting customer who is gone longer leaves the line as abandoned."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import Contexts
from tests.e2e.pages import AgentPage, CustomerPage
from tests.support.server import ServerProcess

GRACE = 3


@pytest.fixture(scope="module")
def server() -> Iterator[ServerProcess]:
    proc = ServerProcess("--customer-grace", str(GRACE), "--offer-timeout", "20").start()
    yield proc
    proc.cleanup()


def test_the_desktop_shows_the_customer_online_away_and_left(server: ServerProcess, people: Contexts) -> None:
    agent = AgentPage(people.new_page(), server).login().go_on_queue()
    customer_page = people.new_page()
    CustomerPage(customer_page, server).open().start_chat("Olive")
    panel = agent.accept()
    badge = panel.get_by_test_id("customer-presence")
    expect(badge).to_have_text("Customer online")
    customer_page.reload()  # a reload: away for a moment at most, then online again
    expect(badge).to_have_attribute("data-status", "online", timeout=10_000)
    customer_page.close()  # gone
    expect(badge).to_have_text("Customer away (page closed or offline)")
    expect(badge).to_have_attribute("data-status", "away")
    expect(badge).to_have_text("Customer has left", timeout=(GRACE + 5) * 1000)
    panel.get_by_test_id("end-interaction").click()
    expect(panel.get_by_test_id("interaction-state")).to_contain_text("Ended")
