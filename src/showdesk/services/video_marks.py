"""Pointing at the product: the agent's marks on the customer's live picture, relayed to both sides.

Only the chat's own agent, with Video > Answer, draws, and only while the video is live or held; either
side may clear. Marks are relayed, never stored (domain/marks.py): the transcript keeps a frozen frame
with its marks only when the agent saves it as a photo.
"""

from __future__ import annotations

from showdesk.domain.errors import Conflict
from showdesk.domain.events import VideoMark, VideoMarksCleared
from showdesk.domain.permissions import Permission
from showdesk.domain.video import VideoSession, VideoState
from showdesk.services.access import AccessService, Principal
from showdesk.services.commands import ClearMarks, DrawMark, accepted
from showdesk.services.conversation_access import agents_conversation, customers_conversation
from showdesk.services.ports import Bus, ConversationStore
from showdesk.services.publishing import publish
from showdesk.services.tokens import GuestClaims
from showdesk.services.video import VideoService

ON_PICTURE = (VideoState.LIVE.value, VideoState.HELD.value)


class VideoMarks:
    def __init__(self, store: ConversationStore, bus: Bus, access: AccessService, video: VideoService) -> None:
        self._store = store
        self._bus = bus
        self._access = access
        self._video = video

    async def draw(self, principal: Principal, command: DrawMark) -> None:
        current = await self._access.require(principal, Permission.VIDEO_ANSWER)
        conv = await agents_conversation(self._store, current, command.conversation_id)
        session = await self._on_picture(conv.id)
        mark = accepted(command.mark)  # after who and where: those refusals come first
        await publish(self._bus, VideoMark(conv.id, session=session.to_wire(), extra={"mark": mark.to_wire()}))

    async def agent_clear(self, principal: Principal, command: ClearMarks) -> None:
        current = await self._access.require(principal, Permission.VIDEO_ANSWER)
        conv = await agents_conversation(self._store, current, command.conversation_id)
        await self._clear(conv.id, by="agent")

    async def customer_clear(self, claims: GuestClaims) -> None:
        conv = await customers_conversation(self._store, claims)
        await self._clear(conv.id, by="customer")

    async def _clear(self, conversation_id: str, by: str) -> None:
        session = await self._on_picture(conversation_id)
        await publish(self._bus, VideoMarksCleared(conversation_id, session=session.to_wire(), extra={"by": by}))

    async def _on_picture(self, conversation_id: str) -> VideoSession:
        session = await self._video.open_session(conversation_id)
        if session.state not in ON_PICTURE:
            raise Conflict("marks can be drawn once the video is live", code="video_state")
        return session
