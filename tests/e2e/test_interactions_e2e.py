"""The supervisor's Interactions view in Chromium: a supervisor finds a past chat by its words, opens it,
reads its transcript (markup shown as typed, the customer's photo and the agent's marked-up copy) and its
video session, and downloads the list and the conversation as CSV files."""

from __future__ import annotations

import asyncio
import csv
import io
import re
import uuid
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from playwright.sync_api import Page, expect

from tests.e2e.conftest import Contexts
from tests.integration.test_photos_api import _asked, _upload
from tests.support.images import encoded
from tests.support.server import ServerProcess

MARKUP = '<img src=x onerror="document.title=1"> & <b>bold</b>'


async def _past_chat(server: ServerProcess, word: str) -> str:
    """An ended chat with a live video (direct), a customer's photo and the agent's marked-up copy."""
    guest, agent, cid, asked = await _asked(server)
    token = guest.started["token"]  # type: ignore[attr-defined]
    await guest.say(f"My {word} kettle clicks off")
    await guest.say(MARKUP)
    original = _upload(server, cid, token, encoded(640, 480), request=asked["request"])
    assert original.status_code == 201, original.text
    marked = _upload(
        server, cid, server.login(), encoded(640, 480, colour=(255, 0, 0)),
        annotates=original.json()["photo"]["id"], clientId="m-1", caption="this switch",
    )  # fmt: skip
    assert marked.status_code == 201, marked.text
    await agent.send(type="videoEnd", conversationId=cid)
    await guest.expect("videoEnd")
    await guest.send(type="end")
    await agent.expect("interactionEnded")
    await guest.close()
    await agent.close()
    return cid


def _csv_rows(path: Path) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(path.read_text(encoding="utf-8"), newline="")))


def _sign_in(page: Page, server: ServerProcess) -> list[str]:
    errors: list[str] = []
    page.on("console", lambda message: errors.append(message.text) if message.type == "error" else None)
    page.goto(f"{server.base}/supervisor/")
    page.get_by_test_id("login-email").fill("supervisor@demo.local")
    page.get_by_test_id("login-password").fill("supervisor")
    page.get_by_test_id("login-submit").click()
    expect(page.get_by_test_id("supervisor-queues")).to_be_visible()
    return errors


def test_a_supervisor_finds_opens_and_downloads_a_conversation(server: ServerProcess, people: Contexts) -> None:
    word = f"zq{uuid.uuid4().hex[:8]}"
    with ThreadPoolExecutor(1) as other:  # Playwright's loop runs in this thread: the set-up runs in another
        cid = other.submit(asyncio.run, _past_chat(server, word)).result()
    page = people.new_page()
    errors = _sign_in(page, server)

    page.get_by_test_id("nav-interactions").click()
    expect(page.get_by_test_id("nav-interactions")).to_have_attribute("aria-current", "page")
    expect(page.get_by_test_id("supervisor-queues")).to_be_hidden()  # the dashboard is its own view
    table = page.get_by_test_id("interactions-table")
    expect(table.get_by_test_id("interaction-row").first).to_be_visible()  # every chat, newest first
    page.get_by_test_id("interactions-q").fill(word)
    page.get_by_test_id("interactions-search").click()
    row = table.get_by_test_id("interaction-row")
    expect(row).to_have_count(1)
    expect(row).to_have_attribute("data-conversation-id", cid)
    expect(row.get_by_test_id("row-customer")).to_have_text("Ann")
    expect(row.get_by_test_id("row-agent")).to_have_text("Dana Agent")
    expect(row.get_by_test_id("row-state")).to_have_text("Ended")
    expect(row.get_by_test_id("row-video")).to_have_text("Yes")
    expect(row.get_by_test_id("row-photo")).to_have_text("Yes")

    row.get_by_test_id("interaction-open").click()
    detail = page.get_by_test_id("interaction-detail")
    expect(detail).to_be_visible()
    expect(detail).to_have_attribute("data-conversation-id", cid)
    transcript = detail.get_by_test_id("interaction-transcript")
    expect(transcript).to_contain_text(f"My {word} kettle clicks off")
    expect(transcript).to_contain_text(MARKUP)  # shown as typed, never parsed
    expect(transcript.locator("b")).to_have_count(0)
    assert page.title() == "ShowDesk Supervisor"
    expect(transcript).to_contain_text("ended the chat")  # a system line
    photos = transcript.get_by_test_id("chat-photo")
    expect(photos).to_have_count(2)
    expect(photos.nth(1)).to_have_attribute("alt", "The agent\u2019s marked-up photo")
    for n in range(2):
        expect(photos.nth(n)).to_have_attribute("src", re.compile(r"^blob:"))  # loaded with the supervisor's token
    expect(transcript).to_contain_text("this switch")
    video = detail.get_by_test_id("interaction-video-row")
    expect(video).to_have_count(1)
    expect(video.get_by_test_id("session-path")).to_have_text("direct")
    assert video.get_by_test_id("session-consent").get_attribute("data-value")
    expect(video.get_by_test_id("session-end")).to_contain_text("Completed")
    expect(detail.get_by_test_id("fact-agent")).to_have_text("Dana Agent")

    with page.expect_download() as listed:
        page.get_by_test_id("export-csv").click()
    assert listed.value.suggested_filename.startswith("showdesk-conversations-")
    [line] = _csv_rows(Path(listed.value.path()))
    assert (line["id"], line["customerName"], line["hasVideo"], line["hasPhoto"]) == (cid, "Ann", "true", "true")

    with page.expect_download() as one:
        detail.get_by_test_id("export-conversation-csv").click()
    assert one.value.suggested_filename == f"showdesk-conversation-{cid}.csv"
    rows = _csv_rows(Path(one.value.path()))
    said = [r["text"] for r in rows if r["from"] == "customer"]
    assert f"My {word} kettle clicks off" in said and MARKUP in said
    assert [r["photoKind"] for r in rows if r["photoId"]] == ["capture", "annotation"]
    assert errors == []
