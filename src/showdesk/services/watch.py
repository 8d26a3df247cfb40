"""ConversationWatch: a supervisor watches a live chat, read-only. Nothing here writes or publishes: the
customer and the agent are not told, and nothing the watcher writes reaches them.

Who may watch: Transcript > View, a chat of their own organization that has not ended (checked before the
socket follows the chat). What they see: the transcript so far, then the chat's own lines as they come
(WATCHED); never signalling (SDP and ICE) nor photo requests. With Video > Monitor they also see the video
session's state and its latest quality, and may ask for the picture itself, which the agent's desktop
relays (services/video_monitor.py: the one part of watching the customer is told of).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from showdesk.domain.conversation import Conversation, Message
from showdesk.domain.errors import Conflict
from showdesk.domain.permissions import Permission
from showdesk.domain.quality import QualitySample
from showdesk.domain.video import OPEN_STATES, VideoSession, VideoState
from showdesk.services.access import AccessService, Principal
from showdesk.services.owned import owned
from showdesk.services.ports import Store
from showdesk.services.video import VideoService

# The conversation topic's frames a watcher gets as they are (text, typing, who joined or left, routing).
WATCHED = frozenset({"message", "typing", "agentJoined", "agentLeft", "chatEnded", "routing", "customerPresence"})
# Video frames every watcher gets as a status line: the session reduced to its id, state and path.
VIDEO_LINES = frozenset({"videoStarted", "videoEnd"})
# ... and those a holder of Video > Monitor also gets, reduced the same way.
VIDEO_MONITORED = VIDEO_LINES | {"videoRequested", "videoStarting", "videoHeld", "videoResumed", "videoProblem"}


@dataclass(frozen=True)
class Watched:
    conversation: Conversation
    messages: list[Message]
    queue_name: str | None
    agent_name: str | None
    monitor: bool  # the watcher holds Video > Monitor
    video: VideoSession | None  # the open video session, only for `monitor`
    quality: QualitySample | None  # its latest sample, only for `monitor`


class ConversationWatch:
    def __init__(self, store: Store, access: AccessService, video: VideoService) -> None:
        self._store = store
        self._access = access
        self._video = video

    async def authorize(self, principal: Principal, conversation_id: str) -> Principal:
        """The watcher as they are now, if they may watch this chat: Transcript > View, their organization's
        chat (another's reads as missing), not ended."""
        current = await self._access.require(principal, Permission.TRANSCRIPT_VIEW)
        conv = await owned(
            self._store.get_conversation,
            conversation_id,
            current.user.organization_id,
            "conversation",
            "conversation_not_found",
        )
        if conv.is_ended:
            raise Conflict("this chat has ended: read it in Interactions", code="chat_ended")
        return current

    async def still_allowed(self, principal: Principal) -> Principal:
        """Checked again when the directory changes: a watcher who lost Transcript > View is refused."""
        return await self._access.require(principal, Permission.TRANSCRIPT_VIEW)

    async def snapshot(self, principal: Principal, conversation_id: str) -> Watched:
        """What the watcher sees first (read after the socket follows the chat, so nothing falls between)."""
        current = await self.authorize(principal, conversation_id)
        conv = await self._store.get_conversation(conversation_id)
        assert conv is not None  # authorize() found it
        queue = await self._store.get_queue(conv.queue_id) if conv.queue_id else None
        agent = await self._store.get_user(conv.agent_id) if conv.agent_id else None
        monitor = current.has(Permission.VIDEO_MONITOR)
        video = quality = None
        if monitor:
            sessions = await self._store.list_video_sessions(conv.id)
            video = next((s for s in reversed(sessions) if VideoState(s.state) in OPEN_STATES), None)
            quality = self._video.live_quality().get(video.id) if video else None
        return Watched(
            conversation=conv,
            messages=await self._store.list_messages(conv.id),
            queue_name=queue.name if queue else None,
            agent_name=agent.name if agent else None,
            monitor=monitor,
            video=video,
            quality=quality,
        )


def watched_frame(frame: dict[str, Any], monitor: bool) -> dict[str, Any] | None:
    """What a watcher is sent of one conversation-topic frame, or None: only the chat's own lines; video
    frames as status lines without anything a browser connects with; signalling never."""
    kind = frame.get("type")
    if kind in WATCHED:
        return frame
    if kind in (VIDEO_MONITORED if monitor else VIDEO_LINES):
        session = frame.get("video") or {}
        return {
            "type": kind,
            "conversationId": frame.get("conversationId"),
            "text": frame.get("text"),
            "video": {"id": session.get("id"), "state": session.get("state"), "path": session.get("path")},
        }
    return None
