"""Laptop to phone in Chromium, the customer's whole path: on /demo/ the drop-in widget's "Use my phone's camera"
shows the hand-off link; a phone (emulated: 390x844, touch, a phone's user agent, a fake camera) opens it, which
is ShowDesk's own page with the widget joining the same chat; the phone's camera reaches the agent's desktop,
which says the video comes from the customer's phone; lines reach both devices and the agent; the same link
opened again is refused in words. The agent's "Suggest the phone" puts the link in front of the laptop."""

from __future__ import annotations

import re

from playwright.sync_api import Page, expect

from tests.e2e.conftest import Contexts
from tests.e2e.media import shows_picture, watch_media
from tests.e2e.pages import AgentPage, CustomerPage, wait_until
from tests.support.server import ServerProcess
from tests.support.y4m import CUSTOMER_PICTURE

PHONE = {
    "viewport": {"width": 390, "height": 844},
    "is_mobile": True,
    "has_touch": True,
    "device_scale_factor": 3,
    "user_agent": "Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) "
    "Chrome/126.0.0.0 Mobile Safari/537.36",
}
USED = "This link was already used. Ask for a new one on your computer."


def phone_page(people: Contexts) -> Page:
    page = people.new_page(**PHONE)
    watch_media(page)
    return page


def test_the_phone_opens_the_laptop_s_chat_and_its_camera_reaches_the_agent(
    camera_people: Contexts, server: ServerProcess
) -> None:
    agent = AgentPage(camera_people.new_page(), server).login().go_on_queue()
    laptop = CustomerPage(camera_people.new_page(), server).open().start_chat("Ann")
    panel = agent.accept()
    laptop.expect_line("joined the chat")
    laptop.say("My kettle will not heat")
    laptop.page.get_by_test_id("handoff-open").click()
    url = str(laptop.page.get_by_test_id("handoff-link").get_attribute("href"))
    assert url.startswith(f"{server.base}/h/")

    phone = phone_page(camera_people)
    phone.goto(url)
    phone_log = phone.get_by_test_id("chat-log")
    expect(phone_log).to_contain_text("My kettle will not heat")  # the same chat, its transcript replayed
    expect(laptop.page.get_by_test_id("handoff-status")).to_have_text(
        "Continue on your phone: the chat is open there too."
    )

    agent.say(panel, "Please show me the base")
    expect(phone_log).to_contain_text("Please show me the base")
    laptop.expect_line("Please show me the base")
    phone.get_by_test_id("chat-input").fill("Here it is, on my phone")
    phone.get_by_test_id("chat-send").tap()
    expect(panel.get_by_test_id("chat-log")).to_contain_text("Here it is, on my phone")
    laptop.expect_line("Here it is, on my phone")

    phone.get_by_test_id("video-offer").tap()
    remote = panel.get_by_test_id("remote-video")
    wait_until(lambda: shows_picture(remote, CUSTOMER_PICTURE), what="the phone's picture on the agent desktop")
    expect(panel.get_by_test_id("video-device")).to_have_text("Video from the customer's phone")
    expect(laptop.page.get_by_test_id("video-status")).not_to_have_text("live")  # the laptop does not send it

    again = phone_page(camera_people)
    again.goto(url)
    expect(again.get_by_test_id("error-banner")).to_have_text(USED)
    expect(again.get_by_test_id("chat-log")).not_to_contain_text("My kettle will not heat")


def test_the_agent_suggests_the_phone_and_the_laptop_shows_the_link(
    camera_people: Contexts, server: ServerProcess
) -> None:
    agent = AgentPage(camera_people.new_page(), server).login().go_on_queue()
    laptop = CustomerPage(camera_people.new_page(), server).open().start_chat("Ann")
    panel = agent.accept()
    laptop.expect_line("joined the chat")

    suggest = panel.get_by_test_id("suggest-phone")
    suggest.click()

    expect(suggest).to_be_disabled()
    expect(panel.get_by_test_id("chat-log")).to_contain_text("phone's camera")
    laptop.expect_line("The agent suggests showing this on your phone's camera")
    expect(laptop.page.get_by_test_id("handoff-link")).to_have_attribute(
        "href", re.compile(rf"^{re.escape(server.base)}/h/[\w-]{{22}}$")
    )
