"""A hypothesis state machine against the real SQL store: sends from both sides, resends of the same
client ids (acks lost on the way), disconnects that resume from any point, and restarts of the store on
the same file. The stored transcript always equals the model: every message once, in order, gap-free;
a resume gives exactly what was missed, or says resync past the window."""

from __future__ import annotations

import asyncio
import tempfile
from pathlib import Path

from hypothesis import settings
from hypothesis import strategies as st
from hypothesis.stateful import Bundle, RuleBasedStateMachine, invariant, rule

from showdesk.adapters.bus.memory import MemoryBus
from showdesk.adapters.limits.memory import MemoryLimiter
from showdesk.adapters.storage.sql import SqlStore
from showdesk.domain.conversation import ConversationState, Sender
from showdesk.services.container import Services
from showdesk.services.demo import seed_demo
from showdesk.services.settings import ServiceSettings
from showdesk.services.tokens import GuestClaims
from tests.support.memory import ManualClock

WINDOW = 5  # the resume window, small so that resyncs happen
AGENT_ID = "u-model-agent"
texts = st.text(st.characters(codec="utf-8", exclude_categories=["Cs"]), min_size=1, max_size=40).filter(str.strip)


class TranscriptMachine(RuleBasedStateMachine):
    sent = Bundle("sent")

    def __init__(self) -> None:
        super().__init__()
        self.loop = asyncio.new_event_loop()
        self.folder = tempfile.mkdtemp(prefix="showdesk-model-")
        self.url = f"sqlite+aiosqlite:///{Path(self.folder) / 'showdesk.db'}"
        self.clock = ManualClock()
        self.model: list[tuple[str, str, str]] = []  # (sender, client id, text), in stored order
        self.sd = self.run(self.open(seed=True))
        self.claims = self.run(self.start_chat())

    def run(self, coroutine):  # type: ignore[no-untyped-def]
        return self.loop.run_until_complete(coroutine)

    async def open(self, seed: bool = False) -> Services:
        store = SqlStore(self.url)
        await store.migrate()
        if seed:
            await seed_demo(store, self.clock, ["http://shop.test"])
        settings_ = ServiceSettings(secret_key="model-test-secret-" + "x" * 32, resume_window=WINDOW)
        return Services(store, MemoryBus(), self.clock, settings_, limiter=MemoryLimiter())

    async def start_chat(self) -> GuestClaims:
        deployment = await self.sd.chat.check_origin("demo", "demo-webchat", "http://shop.test")
        started = await self.sd.chat.start(deployment, "Ann", "198.51.100.7")
        conv = started.conversation
        conv.state, conv.agent_id = ConversationState.CONNECTED.value, AGENT_ID
        await self.sd.store.save_conversation(conv)
        return self.sd.chat.read_guest_token(started.token)

    async def post(self, sender: str, client_id: str, text: str):  # type: ignore[no-untyped-def]
        who = Sender(sender)
        return await self.sd.messages.post(
            self.claims.conversation_id, who, AGENT_ID if who is Sender.AGENT else None, sender, client_id, text
        )

    @rule(target=sent, sender=st.sampled_from(["customer", "agent"]), text=texts, ack_lost=st.booleans())
    def send(self, sender: str, text: str, ack_lost: bool) -> tuple[str, str, str]:
        client_id = f"{sender[0]}{len(self.model)}-{abs(hash(text)) % 10_000}"
        message = self.run(self.post(sender, client_id, text))
        self.model.append((sender, client_id, text))
        if not ack_lost:  # when the ack is lost the client knows nothing; the resend below finds out
            assert message.seq == len(self.model) and message.text == text
        return (sender, client_id, text)

    @rule(sent=sent)
    def resend(self, sent: tuple[str, str, str]) -> None:
        sender, client_id, text = sent
        message = self.run(self.post(sender, client_id, text))
        assert self.model[message.seq - 1] == sent  # the stored one, acked again: nothing new

    @rule(data=st.data())
    def disconnect_and_resume(self, data: st.DataObject) -> None:
        last_seq = data.draw(st.integers(0, len(self.model)), label="last seq the page had")
        resumed = self.run(self.sd.chat.resume(self.claims, last_seq))
        got = [(m.sender, m.client_id, m.text) for m in resumed.messages]
        missed = len(self.model) - last_seq
        assert resumed.resync == (missed > WINDOW)
        assert got == (self.model[-WINDOW:] if resumed.resync else self.model[last_seq:])

    @rule()
    def restart(self) -> None:
        self.run(self.sd.store.close())
        self.sd = self.run(self.open())

    @invariant()
    def stored_transcript_is_the_model(self) -> None:
        stored = self.run(self.sd.store.list_messages(self.claims.conversation_id))
        assert [(m.sender, m.client_id, m.text) for m in stored if m.sender != "system"] == self.model
        assert [m.seq for m in stored] == list(range(1, len(stored) + 1))

    def teardown(self) -> None:
        self.run(self.sd.store.close())
        self.loop.close()


TranscriptMachine.TestCase.settings = settings(max_examples=25, stateful_step_count=30, deadline=None)
test_the_stored_transcript_follows_its_model = TranscriptMachine.TestCase
