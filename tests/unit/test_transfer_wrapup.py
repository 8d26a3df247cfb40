"""Transfer and wrap-up rules (domain/transfer.py, domain/wrapup.py): who may pass a chat on and what it
becomes; when and how an ended chat is closed with a code."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from showdesk.domain.conversation import Conversation, ConversationState
from showdesk.domain.errors import Conflict, InvalidInput
from showdesk.domain.queues import Queue
from showdesk.domain.transfer import (
    MAX_TRANSFER_NOTE_CHARS,
    MAX_TRANSFERS,
    Transfer,
    apply_transfer,
    check_transfer,
    pending_transfer,
    transfer_from_record,
    transferred_to,
    video_words_for,
)
from showdesk.domain.wrapup import MAX_WRAPUP_NOTE_CHARS, WrapupCode, wrap_up

NOW = datetime(2026, 12, 4, 12, 0, tzinfo=UTC)


def _connected(agent: str = "u-dana") -> Conversation:
    conv = Conversation("c1", "o1", "d1", "Ann", NOW, queue_id="q-video", video={"mode": "one-way"})
    conv.state, conv.agent_id, conv.connected_at = ConversationState.CONNECTED.value, agent, NOW
    return conv


def _transfer(to_agent: str | None = None, note: str | None = "Wants a new lid") -> Transfer:
    name = "Sam Agent" if to_agent else None
    return Transfer("u-dana", "Dana Agent", "q-chat", "General Chat", to_agent, name, note, NOW)


def test_only_the_chat_s_own_connected_agent_passes_it_on_with_a_bounded_note() -> None:
    assert check_transfer(_connected(), "u-dana", "  keep  ") == "keep"
    assert check_transfer(_connected(), "u-dana", "   ") is None
    with pytest.raises(Conflict) as other:
        check_transfer(_connected(), "u-sam", None)
    assert other.value.code == "not_your_conversation"
    ended = _connected()
    ended.state = ConversationState.ENDED.value
    with pytest.raises(Conflict):
        check_transfer(ended, "u-dana", None)
    with pytest.raises(InvalidInput) as long:
        check_transfer(_connected(), "u-dana", "x" * (MAX_TRANSFER_NOTE_CHARS + 1))
    assert long.value.code == "transfer_note_too_long"
    circling = _connected()
    circling.transfers = [_transfer().record()] * MAX_TRANSFERS
    with pytest.raises(Conflict) as many:
        check_transfer(circling, "u-dana", None)
    assert many.value.code == "too_many_transfers"


def test_a_transferred_chat_waits_again_in_its_new_queue_for_its_named_agent_until_someone_takes_it() -> None:
    conv = _connected()
    apply_transfer(conv, _transfer("u-sam"))
    assert (conv.state, conv.agent_id, conv.queue_id, conv.connected_at) == ("queued", None, "q-chat", None)
    assert transferred_to(conv) == "u-sam"
    assert conv.transfers is not None and pending_transfer(conv) == conv.transfers[-1]
    assert transfer_from_record(conv.transfers[-1]) == _transfer("u-sam")  # crosses the bus and back unchanged
    conv.state, conv.agent_id, conv.connected_at = "connected", "u-sam", NOW  # Sam took it
    assert transferred_to(conv) is None and pending_transfer(conv) is None


def test_a_live_video_ends_in_words_that_say_why() -> None:
    assert video_words_for(Queue("q1", "o1", "Video", ["chat", "video"]))[0] == "transferred"
    reason, words = video_words_for(Queue("q2", "o1", "General Chat", ["chat"]))
    assert reason == "queue_without_video" and "General Chat" in words and "does not take video" in words


def test_an_ended_chat_is_wrapped_up_once_with_a_code_its_queue_may_require() -> None:
    code = WrapupCode("w1", "o1", "Resolved")
    conv = _connected()
    with pytest.raises(Conflict) as early:
        wrap_up(conv, code, None, False, NOW)
    assert early.value.code == "chat_not_ended"
    conv.state = ConversationState.ENDED.value
    with pytest.raises(InvalidInput) as required:
        wrap_up(conv, None, "no code", True, NOW)
    assert required.value.code == "wrapup_required" and conv.wrapped_up_at is None
    with pytest.raises(InvalidInput):
        wrap_up(conv, code, "x" * (MAX_WRAPUP_NOTE_CHARS + 1), True, NOW)
    wrap_up(conv, code, "  posted  ", True, NOW)
    assert (conv.wrapup_code_id, conv.wrapup_name, conv.wrapup_note, conv.wrapped_up_at) == (
        "w1",
        "Resolved",
        "posted",
        NOW,
    )
    with pytest.raises(Conflict) as again:
        wrap_up(conv, code, None, True, NOW)
    assert again.value.code == "wrapped_up_already"


def test_without_a_required_code_a_wrap_up_may_be_a_note_alone() -> None:
    conv = _connected()
    conv.state = ConversationState.ENDED.value
    wrap_up(conv, None, "spoke about returns", False, NOW)
    assert conv.wrapup_code_id is None and conv.wrapup_note == "spoke about returns"
