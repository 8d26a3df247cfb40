"""System lines carry a code and parameters beside their English sentence, so the customer's widget can
word them in the customer's language: the codes are one list, known to the widget and documented, and
the lines a chat writes carry them."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from showdesk.domain.notices import NOTICE_CODES, Notice
from showdesk.domain.routing import Presence
from tests.support.memory import demo_services
from tests.unit.test_chat_services import agent, start_chat

ROOT = Path(__file__).resolve().parents[2]


def test_a_notice_has_a_known_code_and_goes_on_the_wire_as_code_and_params() -> None:
    assert Notice("agent_joined", {"name": "Sam"}).to_wire() == {"code": "agent_joined", "params": {"name": "Sam"}}
    with pytest.raises(ValueError):
        Notice("agent_joined_the_party")


def test_the_widget_words_every_code_and_the_protocol_documents_every_code() -> None:
    widget = (ROOT / "src/showdesk/web/sdk/widget/notices.js").read_text()
    wording = widget[widget.index("const WORDING = {") : widget.index("\n};", widget.index("const WORDING = {"))]
    assert set(re.findall(r"^  (\w+): \(t", wording, re.M)) == NOTICE_CODES
    protocol = (ROOT / "docs/protocol.md").read_text()
    table = protocol[protocol.index("| code | params |") :].split("\n\n")[0]
    documented = {code for row in table.splitlines()[2:] for code in re.findall(r"`([a-z_]+)`", row.split("|")[1])}
    assert documented == NOTICE_CODES


async def test_a_chat_from_start_to_end_writes_its_lines_with_codes() -> None:
    sd, _, _ = await demo_services()
    conv, claims = await start_chat(sd)  # nobody on queue yet
    dana = await agent(sd, "agent@demo.local")
    await sd.router.agent_connected(dana)
    await sd.router.set_presence(dana, Presence.ON_QUEUE)
    await sd.router.accept(dana, conv.id)
    await sd.chat.guest_end(claims)

    lines = [m for m in await sd.store.list_messages(conv.id) if m.sender == "system"]
    notices = [(m.notice or {}).get("code") for m in lines]
    assert notices[-3:] == ["no_agent", "agent_joined", "chat_ended"]
    joined, ended = lines[-2], lines[-1]
    assert joined.notice == {"code": "agent_joined", "params": {"name": dana.name}}
    assert joined.text == f"{dana.name} joined the chat."  # the English sentence stays for the agent and the record
    assert ended.notice == {"code": "chat_ended", "params": {"by": "customer"}}
    assert ended.to_wire()["notice"] == ended.notice
