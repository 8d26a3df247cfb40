"""Relay credentials are minted only for a video session's own two sides, checked where they are minted."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from showdesk.adapters.ice.turn import turn_credentials
from showdesk.adapters.storage.memory import MemoryStore
from showdesk.domain.errors import Forbidden
from showdesk.domain.video import VideoSession, VideoState
from showdesk.services.ice_servers import IceServers, IceSettings, Party
from tests.support.memory import ManualClock


def _session(state: VideoState = VideoState.LIVE) -> VideoSession:
    return VideoSession(
        id="v1",
        conversation_id="c1",
        organization_id="demo",
        mode="one-way",
        audio_source="none",
        video_source="camera",
        requested_by="u-dana",
        requested_at=datetime.now(UTC),
        agent_id="u-dana",
        state=state.value,
    )


def _ice() -> IceServers:
    settings = IceSettings(stun_port=3478, turn_urls=("turn:relay.test:3478",), turn_secret="s" * 32)
    return IceServers(MemoryStore(), ManualClock(), settings, turn_credentials)


async def test_the_session_s_customer_and_agent_get_relay_credentials_for_it() -> None:
    """And a supervisor of its organization who sees the picture relayed by the agent's desktop (Video >
    Monitor, checked by services/video_monitor.py before it asks)."""
    for party in (Party.customer("c1"), Party.agent("u-dana"), Party.watcher("demo")):
        servers = await _ice().for_party(_session(), party, "127.0.0.1")
        [relay] = [s for s in servers if "username" in s]
        assert relay["username"].endswith(":v1")


@pytest.mark.parametrize(
    "party",
    [
        *(Party.customer("c2"), Party.agent("u-sam"), Party("agent", "c1"), Party("customer", "u-dana")),
        *(Party("x", "c1"), Party.watcher("elsewhere"), Party("watcher", "c1")),
    ],
)
async def test_nobody_else_gets_any_ice_servers_for_it(party: Party) -> None:
    with pytest.raises(Forbidden) as refused:
        await _ice().for_party(_session(), party, "127.0.0.1")
    assert refused.value.code == "not_your_video"


async def test_not_before_the_customer_accepts_nor_after_the_end() -> None:
    for state in (VideoState.REQUESTED, VideoState.ENDED, VideoState.FAILED):
        with pytest.raises(Exception, match="accepted"):
            await _ice().for_party(_session(state), Party.customer("c1"), "127.0.0.1")
