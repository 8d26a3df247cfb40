from datetime import UTC, datetime, timedelta

from showdesk.domain.conversation import Conversation, ConversationState
from showdesk.domain.errors import Conflict
from showdesk.domain.queues import Queue
from showdesk.domain.routing import AgentAvailability, Presence, anyone_on_queue, choose_agent

T0 = datetime(2026, 1, 1, tzinfo=UTC)
QUEUE = Queue("q", "o", "Video", ["chat", "video"], ["video"], ["a", "b", "c"])


def agent(uid: str, idle_minutes: int, **kw: object) -> AgentAvailability:
    base: dict = {
        "presence": Presence.ON_QUEUE,
        "skills": frozenset({"video"}),
        "video_enabled": True,
        "capacity": 2,
        "idle_since": T0 - timedelta(minutes=idle_minutes),
    }
    base.update(kw)
    return AgentAvailability(uid, **base)


def test_longest_idle_eligible_agent_wins() -> None:
    chosen = choose_agent([agent("a", 1), agent("b", 9), agent("c", 5)], QUEUE, video_capable=True)
    assert chosen is not None and chosen.user_id == "b"


def test_agents_without_skill_video_membership_capacity_or_presence_are_skipped() -> None:
    agents = [
        agent("a", 50, skills=frozenset()),
        agent("b", 40, video_enabled=False),
        agent("x", 30),  # not a member
        agent("c", 20, active={"c1", "c2"}),  # at capacity
    ]
    assert choose_agent(agents, QUEUE, video_capable=True) is None
    assert choose_agent([agent("a", 1, presence=Presence.NOT_RESPONDING)], QUEUE, True) is None
    assert choose_agent([agent("a", 1, offered="c9")], QUEUE, True) is None


def test_video_enabled_only_matters_for_video_capable_interactions() -> None:
    plain = agent("b", 3, video_enabled=False)
    assert choose_agent([plain], QUEUE, video_capable=False) is plain
    assert choose_agent([plain], QUEUE, video_capable=True) is None


def test_excluded_agents_are_passed_over() -> None:
    chosen = choose_agent([agent("a", 9), agent("b", 1)], QUEUE, True, excluded={"a"})
    assert chosen is not None and chosen.user_id == "b"


def test_anyone_on_queue_ignores_busy_but_counts_them() -> None:
    assert anyone_on_queue([agent("a", 1, active={"x", "y"})], QUEUE, True)
    assert not anyone_on_queue([agent("a", 1, presence=Presence.OFF_QUEUE)], QUEUE, True)


def test_busy_shows_when_on_queue_at_capacity() -> None:
    assert agent("a", 1, active={"x", "y"}).shown_status == "busy"
    assert agent("a", 1).shown_status == "on_queue"


def test_conversation_state_machine_refuses_impossible_moves() -> None:
    conv = Conversation("c", "o", "d", "Ann", T0)
    conv.move_to(ConversationState.OFFERED)
    conv.move_to(ConversationState.CONNECTED)
    conv.move_to(ConversationState.ENDED)
    try:
        conv.move_to(ConversationState.CONNECTED)
    except Conflict as exc:
        assert exc.code == "conversation_state"
    else:
        raise AssertionError("an ended conversation cannot reconnect")
