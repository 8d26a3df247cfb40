"""The customer attaches an image of their own from the widget: a file that is not an allowed image is refused
in words and the chat goes on; a JPEG with GPS EXIF shows inline on the agent's desktop, and the file the
agent downloads has no location in it."""

from __future__ import annotations

from pathlib import Path

from playwright.sync_api import expect

from tests.e2e.conftest import Contexts
from tests.e2e.media import loaded
from tests.e2e.pages import AgentPage, CustomerPage, wait_until
from tests.support.image_metadata import SECRETS, jpeg_segments, jpeg_with_metadata, tiff_entries
from tests.support.images import encoded
from tests.support.server import ServerProcess

GPS_IFD = 0x8825  # the EXIF tag that points at the location


def test_an_attached_photo_shows_inline_for_the_agent_and_downloads_without_its_location(
    server: ServerProcess, people: Contexts, tmp_path: Path
) -> None:
    agent = AgentPage(people.new_page(), server).login().go_on_queue()
    customer_page = people.new_page()
    customer = CustomerPage(customer_page, server).open().start_chat("Ann")
    panel = agent.accept()
    customer.expect_line("joined the chat")

    # A PDF named like a photo: refused in words, nothing sent, the chat goes on.
    pdf = {"name": "receipt.jpg", "mimeType": "image/jpeg", "buffer": b"%PDF-1.7\n%%EOF\n"}
    customer_page.get_by_test_id("attach-input").set_input_files(files=[pdf])
    banner = customer_page.get_by_test_id("error-banner")
    expect(banner).to_contain_text("Only JPEG, PNG or WebP images can be sent.")
    customer.say("sorry, wrong file")
    expect(panel.get_by_test_id("chat-log")).to_contain_text("sorry, wrong file")

    sent = jpeg_with_metadata(encoded(800, 600), orientation=1)
    assert GPS_IFD in tiff_entries(next(p for m, p in jpeg_segments(sent) if m == 0xE1)[6:])
    expect(customer_page.get_by_test_id("attach-file")).to_have_accessible_name("Attach an image")
    with customer_page.expect_file_chooser() as chosen:
        customer_page.get_by_test_id("attach-file").click()
    chosen.value.set_files(files=[{"name": "kettle.jpg", "mimeType": "image/jpeg", "buffer": sent}])

    agent_photo = panel.get_by_test_id("chat-log").get_by_test_id("chat-photo")
    assert wait_until(lambda: loaded(agent_photo), timeout=30, what="the image on the desktop") == [800, 600]
    expect(agent_photo).to_have_attribute("alt", "Image sent by the customer")
    expect(panel.get_by_test_id("chat-log")).to_contain_text("Image sent by the customer (800 x 600 pixels)")
    mine = customer.log.get_by_test_id("chat-photo")
    assert wait_until(lambda: loaded(mine), timeout=30, what="the image in the widget") == [800, 600]
    expect(banner).to_be_hidden()

    with agent.page.expect_download() as downloading:
        panel.get_by_test_id("photo-download").click()
    saved = tmp_path / "download.jpg"
    downloading.value.save_as(saved)
    data = saved.read_bytes()
    assert data.startswith(b"\xff\xd8\xff") and 0 < len(data) < len(sent)
    for secret in SECRETS:
        assert secret not in data, secret
    for marker, payload in jpeg_segments(data):
        if marker == 0xE1 and payload.startswith(b"Exif\x00\x00"):
            assert GPS_IFD not in tiff_entries(payload[6:])
