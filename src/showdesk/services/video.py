"""Video escalation: request, consent, signaling, hold, end; licence, capacity and the session record.

The server never touches media. It decides who may start, hold and end video, relays WebRTC
signaling between the two sides of one conversation (refusing an agent answer that would send media
in a one-way session), hands out ICE servers per session, and keeps the session's record.
"""

from __future__ import annotations

import asyncio
import logging
from collections import Counter
from collections.abc import Awaitable, Callable, Coroutine
from datetime import datetime, timedelta
from typing import Any

from showdesk.domain.conversation import Conversation
from showdesk.domain.errors import Conflict, Forbidden, InvalidInput, NotFound
from showdesk.domain.events import (
    QualitySampled,
    VideoCamera,
    VideoEnd,
    VideoEvent,
    VideoHeld,
    VideoPhotoMode,
    VideoPreference,
    VideoProblem,
    VideoRequested,
    VideoResumed,
    VideoRetrying,
    VideoSignal,
    VideoStarted,
    VideoStarting,
)
from showdesk.domain.ids import new_id
from showdesk.domain.notices import Notice
from showdesk.domain.permissions import Permission
from showdesk.domain.photo_mode import DECLINED_TEXT, OFF_TEXTS, OFFER_TEXT, ON_TEXTS, UplinkWatch, photo_mode_policy
from showdesk.domain.quality import DEFAULT_PREFERENCE, QualitySample, QualitySummary, parse_quality
from showdesk.domain.video import (
    CAMERA_REFUSALS,
    LIVE_VIDEO_FEATURE,
    PICTURE_PROBLEMS,
    RELAY,
    VideoSession,
    VideoState,
    camera_request_text,
    camera_result_text,
    refuse_agent_answer,
    refuse_video,
    video_settings,
)
from showdesk.domain.video_words import (
    AGENT_LEFT,
    CONNECTION_GONE,
    FAILURE_TEXT,
    LEFT_PAGE,
    PREFERENCE_TEXT,
    RETRY_CAUSES,
    RETRY_TEXT,
)
from showdesk.services import eager
from showdesk.services.access import AccessService, Principal
from showdesk.services.commands import (
    AdjustCamera,
    DeclineVideo,
    ReportCameraResult,
    ReportVideoStatus,
    RetryVideo,
    SendSignal,
    UsePhotos,
    accepted,
)
from showdesk.services.conversation_access import agents_conversation, customers_conversation
from showdesk.services.ice_servers import IceServers
from showdesk.services.messages import MessageService
from showdesk.services.ports import Bus, Clock, Store
from showdesk.services.publishing import publish
from showdesk.services.tokens import GuestClaims

log = logging.getLogger(__name__)

# Told to the customer's socket as soon as its consent is stored (videoReady), before the rest of the start.
Confirm = Callable[[VideoSession], Awaitable[None]]

MAX_CACHED_SESSIONS = 10_000
SAMPLE_FRESH = timedelta(seconds=30)  # a live session's quality older than this is not shown
SUMMARY_KEPT = timedelta(hours=1)  # a session summary with no sample for this long was ended elsewhere


class VideoStats:
    """What this node saw of video since it started, for /metrics: how sessions ended and what went wrong."""

    def __init__(self) -> None:
        self.outcomes: Counter[tuple[str, str]] = Counter()  # (outcome, path)
        self.failures: Counter[str] = Counter()  # failure reason
        self.problems: Counter[str] = Counter()  # picture problem cause
        self.retries: Counter[str] = Counter()  # relay | restart

    def ended(self, session: VideoSession) -> None:
        self.outcomes[(session.outcome or "unknown", session.path or "none")] += 1
        if session.outcome == "failed":
            reason = session.failure_reason or "unknown"
            self.failures[reason if reason in FAILURE_TEXT else "other"] += 1


class VideoService:
    def __init__(
        self,
        store: Store,
        bus: Bus,
        clock: Clock,
        messages: MessageService,
        access: AccessService,
        ice: IceServers,
        cache_sessions: bool = True,
        photo_mode_after: float = 10.0,
    ) -> None:
        self._store = store
        self._bus = bus
        self._clock = clock
        self._messages = messages
        self._access = access
        self.ice = ice
        # Open sessions this node saved, newest last, read without asking the store (a status frame comes every
        # second or two). Only for a node alone: with several, another node may have moved a session on.
        self._cached: dict[str, VideoSession] = {}
        self._running: set[asyncio.Task[None]] = set()  # work started by _meanwhile, held until it ends
        self._cache_sessions = cache_sessions
        self.stats = VideoStats()
        # Every live session's quality, whichever node its desktop reports to (samples come by the bus), with
        # when the last came: the latest is shown to supervisors, the summary stored by the node that ends it.
        self._quality: dict[str, tuple[datetime, QualitySummary]] = {}
        self._pruned = clock.now()
        # Live sessions whose desktop reports here, against the detail goal (photo mode); gone when they end.
        self._uplinks: dict[str, UplinkWatch] = {}
        self._photo_mode_after = timedelta(seconds=photo_mode_after)

    # starting ---------------------------------------------------------------------------------------
    async def agent_request(self, principal: Principal, conversation_id: str | None) -> VideoSession:
        current = await self._access.require(principal, Permission.VIDEO_ANSWER)
        conv = await self._agents_conversation(current, conversation_id)
        session = await self._open(conv, requested_by=current.user.id, agent_id=current.user.id)
        await self._messages.post_system(
            conv.id,
            f"{current.user.name} asked to see the product on video.",
            Notice("video_requested", {"name": current.user.name}),
        )
        await publish(self._bus, VideoRequested(conv.id, session=session.to_wire(), text=self._consent_text(session)))
        return session

    async def customer_offer(
        self, claims: GuestClaims, device: str | None = None, confirm: Confirm | None = None
    ) -> VideoSession:
        """The customer starts video themselves: the request and the consent are one tap (one save)."""
        conv = await self._customers_conversation(claims)
        if not await self._access.user_may(conv.agent_id, Permission.VIDEO_ANSWER):
            raise Conflict("the agent in this chat cannot take video", code="no_agent_video")
        session = await self._open(conv, requested_by="customer", agent_id=conv.agent_id, save=False)
        return await self._consented(session, claims.display_name, device, confirm)

    async def customer_accept(
        self, claims: GuestClaims, session_id: str | None, device: str | None = None, confirm: Confirm | None = None
    ) -> VideoSession:
        conv = await self._customers_conversation(claims)
        session = await self._session(conv.id, session_id)
        if session.state != VideoState.REQUESTED.value:
            raise Conflict("this video request was already answered", code="video_state")
        return await self._consented(session, claims.display_name, device, confirm)

    async def customer_decline(self, claims: GuestClaims, decline: DeclineVideo) -> None:
        conv = await self._customers_conversation(claims)
        session = await self._session(conv.id, decline.session_id)
        code = decline.reason if decline.reason in FAILURE_TEXT else None
        outcome = "failed" if code else "declined"
        text = FAILURE_TEXT.get(code or "", "The customer declined video. The chat goes on.")
        await self._finish(session, by="customer", outcome=outcome, reason=code, text=text)

    async def customer_retry(self, claims: GuestClaims, retry: RetryVideo) -> None:
        """The customer's side could not connect (relay) or lost the connection (restart) and tries again.

        Both sides are told in words and given fresh ICE servers with their own copy of the event. With no
        relay configured, a relay retry cannot help: the session fails at once, saying why.
        """
        conv = await self._customers_conversation(claims)
        session = await self._session(conv.id, retry.session_id)
        how = retry.how or ""
        session.retry(how)  # refuses what the rules do not allow, before anything else happens
        if how == RELAY and not await self.ice.relay_available(session.organization_id):
            await self._finish(
                session, by="customer", outcome="failed", reason="no_relay", text=FAILURE_TEXT["no_relay"]
            )
            return
        await self._save(session)
        self.stats.retries[how] += 1
        text = RETRY_TEXT[how]
        await self._messages.post_system(conv.id, text, Notice("video_retry", {"how": how}))
        cause = retry.reason if retry.reason in RETRY_CAUSES else None
        await publish(
            self._bus, VideoRetrying(conv.id, session=session.to_wire(), text=text, extra={"how": how, "cause": cause})
        )

    # signaling --------------------------------------------------------------------------------------
    # The hot path of a video start: an offer, an answer and a dozen candidates each way. An open
    # session belongs to a connected chat (ending the chat ends it), so the session alone says who
    # may signal, and this node's copy of it saves two reads per frame.
    async def customer_signal(self, claims: GuestClaims, sent: SendSignal) -> None:
        session = await self._session(claims.conversation_id, sent.session_id)
        signal = accepted(sent.signal)
        if session.state not in (VideoState.CONNECTING.value, VideoState.LIVE.value, VideoState.HELD.value):
            raise Conflict("video has not been accepted yet", code="video_state")
        await publish(
            self._bus, VideoSignal(session.conversation_id, session_id=session.id, to="agent", signal=signal.to_wire())
        )

    async def agent_signal(self, principal: Principal, sent: SendSignal) -> None:
        current = await self._access.require(principal, Permission.VIDEO_ANSWER)
        session = await self._session(sent.conversation_id or "", sent.session_id)
        if session.agent_id != current.user.id or not session.is_open:
            raise Forbidden("this video session is not yours to answer", code="not_your_conversation")
        signal = accepted(sent.signal)
        if signal.kind == "answer":
            refusal = refuse_agent_answer(signal.sdp, session.mode)
            if refusal is not None:
                raise refusal
        await publish(
            self._bus,
            VideoSignal(session.conversation_id, session_id=session.id, to="customer", signal=signal.to_wire()),
        )

    # while it runs ----------------------------------------------------------------------------------
    async def agent_status(self, principal: Principal, status: ReportVideoStatus) -> None:
        """The agent desktop reports what it sees: the first frame (live, direct or relay) or a failure."""
        current = await self._access.require(principal, Permission.VIDEO_ANSWER)
        conv = await self._agents_conversation(current, status.conversation_id)
        session = await self._session(conv.id, status.session_id)
        state = status.state
        path = status.path
        if path in ("direct", "relay"):
            session.path = path
        if state == "live":
            if session.state == VideoState.CONNECTING.value:
                session.went_live(self._clock.now())
                await self._save(session)
                await publish(self._bus, VideoStarted(conv.id, session=session.to_wire(), text="Video is live."))
            else:
                await self._save(session)
        elif state == "problem":
            await self._picture_problem(session, status.cause or "")
        elif state == "quality":
            sample = accepted(status.quality)
            if session.state in (VideoState.LIVE.value, VideoState.HELD.value):
                await publish(self._bus, QualitySampled(session.id, quality=sample.to_wire()))
            if session.state == VideoState.LIVE.value:
                await self._watch_uplink(conv, session, sample)
        elif state == "failed":
            reason = status.failure
            await self._finish(session, by="agent", outcome="failed", reason=reason, text=FAILURE_TEXT[reason])
        else:
            raise InvalidInput("state must be live, quality, problem or failed", code="invalid_video_status")

    def live_quality(self) -> dict[str, QualitySample]:
        """The latest quality sample of each live session on any node, by session id (none older than
        SAMPLE_FRESH: a session whose desktop stopped reporting has no quality to show)."""
        fresh = self._clock.now() - SAMPLE_FRESH
        return {sid: q.latest for sid, (at, q) in self._quality.items() if at >= fresh and q.latest is not None}

    async def on_quality_sampled(self, frame: dict[str, Any]) -> None:
        """A quality sample from any node's desktops (the bus's QUALITY_TOPIC), added to its session's summary.

        Summaries of sessions another node ended go once they have been quiet for SUMMARY_KEPT."""
        now = self._clock.now()
        session_id = str(frame.get("sessionId"))
        summary = self._quality.pop(session_id, (now, QualitySummary()))[1]
        summary.add(parse_quality(frame.get("quality")))
        self._quality[session_id] = (now, summary)
        if len(self._quality) > 64 and now - self._pruned > SAMPLE_FRESH:
            self._pruned = now
            self._quality = {sid: kept for sid, kept in self._quality.items() if kept[0] >= now - SUMMARY_KEPT}

    # photo mode -------------------------------------------------------------------------------------
    async def _watch_uplink(self, conv: Conversation, session: VideoSession, sample: QualitySample) -> None:
        """A live picture kept under the detail goal for photo_mode_after: photos are offered to both sides
        (or switched to, where the chat's settings say so). Not while the agent asked for smooth motion
        (a smaller picture is then the choice) nor once photos are on."""
        policy = photo_mode_policy((conv.video or {}).get("quality"))
        if policy == "off" or session.photo_mode or session.preference != "detail":
            self._uplinks.pop(session.id, None)
            return
        watch = self._uplinks.setdefault(session.id, UplinkWatch(self._photo_mode_after))
        if not watch.observe(sample, self._clock.now()):
            return
        if policy == "switch":
            await self._use_photos(session, True, by="system")
            return
        await self._messages.post_system(
            conv.id, OFFER_TEXT, Notice("photo_mode", {"state": "offered", "by": "system"})
        )
        await publish(
            self._bus, VideoPhotoMode(conv.id, session=session.to_wire(), text=OFFER_TEXT, extra={"state": "offered"})
        )

    async def agent_photos(self, principal: Principal, use: UsePhotos) -> VideoSession:
        current = await self._access.require(principal, Permission.VIDEO_ANSWER)
        conv = await self._agents_conversation(current, use.conversation_id)
        session = await self.open_session(conv.id)
        await self._use_photos(session, use.on, by="agent")
        return session

    async def customer_photos(self, claims: GuestClaims, use: UsePhotos) -> VideoSession:
        conv = await self._customers_conversation(claims)
        session = await self.open_session(conv.id)
        await self._use_photos(session, use.on, by="customer")
        return session

    async def _use_photos(self, session: VideoSession, on: bool, by: str) -> None:
        """Photo mode on or off, told to both sides (the customer's device stops or restarts its live frames)."""
        if not session.use_photos(on):
            # The customer keeps the live video (their answer to an offer): the agent hears it. No state is
            # needed for it, so any node can answer, whichever node's desktop report made the offer.
            if not on and by == "customer":
                extra = {"state": "declined", "by": by}
                await publish(
                    self._bus,
                    VideoPhotoMode(session.conversation_id, session=session.to_wire(), text=DECLINED_TEXT, extra=extra),
                )
            return
        self._uplinks.pop(session.id, None)  # back to live: the watch starts afresh
        await self._save(session)
        text = ON_TEXTS[by] if on else OFF_TEXTS.get(by, OFF_TEXTS["agent"])
        notice = Notice("photo_mode", {"state": "on" if on else "off", "by": by})
        await self._messages.post_system(session.conversation_id, text, notice)
        extra = {"state": "on" if on else "off", "by": by}
        await publish(
            self._bus, VideoPhotoMode(session.conversation_id, session=session.to_wire(), text=text, extra=extra)
        )

    async def still_taken(self, conversation_id: str, session_id: str) -> VideoSession:
        """The session's still count up by one (saved), read again: photo mode may have ended while the
        still was being checked; Conflict then."""
        session = await self._session(conversation_id, session_id)
        session.take_still()
        await self._save(session)
        return session

    async def _picture_problem(self, session: VideoSession, cause: str) -> None:
        """A connected session whose picture does not come, or comes black: both sides are told once."""
        if not session.note_problem(cause):
            return
        await self._save(session)
        self.stats.problems[cause] += 1
        text = PICTURE_PROBLEMS[cause]
        await self._messages.post_system(session.conversation_id, text, Notice("video_problem", {"cause": cause}))
        await publish(
            self._bus,
            VideoProblem(session.conversation_id, session=session.to_wire(), text=text, extra={"cause": cause}),
        )

    async def agent_preference(self, principal: Principal, conversation_id: str | None, preference: str | None) -> None:
        """Detail (keep resolution, fewer frames) or smooth (keep frames, lower resolution): the customer's
        sender follows at once."""
        current = await self._access.require(principal, Permission.VIDEO_ANSWER)
        conv = await self._agents_conversation(current, conversation_id)
        session = await self.open_session(conv.id)
        session.prefer(preference or "")
        await self._save(session)
        text = PREFERENCE_TEXT[session.preference]
        await publish(self._bus, VideoPreference(conv.id, session=session.to_wire(), text=text))

    async def agent_camera(self, principal: Principal, adjust: AdjustCamera) -> None:
        """Ask the customer's device to switch camera, light the torch or zoom; logged in the transcript."""
        current = await self._access.require(principal, Permission.VIDEO_ANSWER)
        conv = await self._agents_conversation(current, adjust.conversation_id)
        session = await self.open_session(conv.id)
        if session.state not in (VideoState.LIVE.value, VideoState.HELD.value):
            raise Conflict("the camera can be adjusted once the video is live", code="video_state")
        request = accepted(adjust.request)
        text = camera_request_text(current.user.name, request.action, request.value)
        params = {"name": current.user.name, "action": request.action, "value": request.value}
        await self._messages.post_system(conv.id, text, Notice("camera_request", params))
        await publish(
            self._bus,
            VideoCamera(
                conv.id, session=session.to_wire(), text=text, extra={"action": request.action, "value": request.value}
            ),
        )

    async def customer_camera_result(self, claims: GuestClaims, result: ReportCameraResult) -> None:
        """What the customer's device did with a camera request, in the transcript for both sides."""
        conv = await self._customers_conversation(claims)
        session = await self._session(conv.id, result.session_id)
        request = accepted(result.request)
        text = camera_result_text(request.action, request.value, result.ok, result.reason)
        if session.is_active:
            reason = result.reason if not result.ok and result.reason in CAMERA_REFUSALS else None
            params = {"action": request.action, "value": request.value, "ok": result.ok, "reason": reason}
            await self._messages.post_system(conv.id, text, Notice("camera_result", params))

    async def hold(self, principal: Principal, conversation_id: str | None, held: bool) -> VideoSession:
        current = await self._access.require(principal, Permission.VIDEO_HOLD)
        conv = await self._agents_conversation(current, conversation_id)
        session = await self.open_session(conv.id)
        if held:
            session.move_to(VideoState.HELD)
            event: VideoEvent = VideoHeld(conv.id, session=session.to_wire(), text="Video is on hold.")
        else:
            session.went_live(self._clock.now())
            event = VideoResumed(conv.id, session=session.to_wire(), text="Video resumed.")
        await self._save(session)
        await publish(self._bus, event)
        return session

    # ending -----------------------------------------------------------------------------------------
    async def agent_end(self, principal: Principal, conversation_id: str | None) -> None:
        current = await self._access.require(principal, Permission.VIDEO_ANSWER)
        conv = await self._agents_conversation(current, conversation_id)
        session = await self.open_session(conv.id)
        await self._finish(session, by="agent", outcome="completed", text="The agent ended the video.")

    async def customer_stop(self, claims: GuestClaims, reason: str | None = None) -> None:
        conv = await self._customers_conversation(claims)
        session = await self.open_session(conv.id)
        text = LEFT_PAGE if reason == "page_left" else "The customer stopped the video."
        await self._finish(session, by="customer", outcome="completed", text=text)

    async def end_for_conversation(self, conversation_id: str, by: str, text: str) -> None:
        """The chat ended: any open video ends with it."""
        await self._end_open(conversation_id, by=by, text=text)

    async def end_for_transfer(self, conversation_id: str, reason: str, text: str) -> None:
        """The chat is being transferred: its video was for this agent, and ends with `reason`'s words."""
        for session in await self._store.list_video_sessions(conversation_id):
            if session.is_open:
                await self._finish(session, by="agent", outcome="completed", text=text, reason=reason)

    async def customer_left(self, conversation_id: str) -> None:
        """The customer's page went away, and its camera with it. A request not yet answered stays
        for the page that comes back (a reload)."""
        await self._end_open(conversation_id, by="customer", text=CONNECTION_GONE, keep_requests=True)

    async def agent_left(self, agent_id: str) -> None:
        """The agent's desktop went away, and the picture with it: no customer camera stays on."""
        for conv in await self._store.list_agent_conversations(agent_id):
            await self._end_open(conv.id, by="agent", text=AGENT_LEFT, agent_id=agent_id)

    async def pending_request(self, conversation_id: str) -> VideoSession | None:
        """The agent's request still waiting for the customer's answer, if any."""
        for session in await self._store.list_video_sessions(conversation_id):
            if session.state == VideoState.REQUESTED.value:
                return session
        return None

    async def sessions(self, conversation_id: str) -> list[VideoSession]:
        return await self._store.list_video_sessions(conversation_id)

    # internals --------------------------------------------------------------------------------------
    async def _open(
        self, conv: Conversation, requested_by: str, agent_id: str | None, save: bool = True
    ) -> VideoSession:
        settings = video_settings(conv.video)
        # Three reads that do not depend on each other, at once: a start waits for the slowest only.
        sessions, org, open_count = await asyncio.gather(
            self._store.list_video_sessions(conv.id),
            self._store.get_organization(conv.organization_id),
            self._store.count_open_video_sessions(conv.organization_id),
        )
        for existing in sessions:
            if existing.is_open:
                raise Conflict("video is already on in this chat", code="video_already_open")
        refusal = refuse_video(
            org is not None and org.has_feature(LIVE_VIDEO_FEATURE),
            open_count,
            org.video_concurrency_limit if org is not None else 0,
        )
        if refusal is not None:
            await self._messages.post_system(
                conv.id,
                f"Video is not available: {refusal.message}",
                Notice("video_unavailable", {"reason": refusal.code}),
            )
            raise refusal
        session = VideoSession(
            id=new_id("vid"),
            conversation_id=conv.id,
            organization_id=conv.organization_id,
            mode=settings["mode"],
            audio_source=settings["audioSource"],
            video_source=settings["videoSource"],
            preference=str((conv.video or {}).get("quality", {}).get("preference", DEFAULT_PREFERENCE)),
            requested_by=requested_by,
            requested_at=self._clock.now(),
            agent_id=agent_id,
        )
        if save:
            await self._save(session)
        return session

    async def _consented(
        self, session: VideoSession, who: str, device: str | None = None, confirm: Confirm | None = None
    ) -> VideoSession:
        """The consent stored; `confirm` tells the customer at once (its connection waits on nothing else),
        then the agent hears of it, before the customer's next frame (its offer) is read. The transcript's
        line is written meanwhile: its commit is not on the way of the offer (the first frame waits for it)."""
        session.consent(who, self._clock.now(), device)
        await self._save(session)
        if confirm is not None:
            await confirm(session)
        await publish(
            self._bus, VideoStarting(session.conversation_id, session=session.to_wire(), text="Connecting video...")
        )
        # ShowDesk's own words: the customer's typed name is kept as who consented, not put in its voice.
        self._meanwhile(
            self._line(session.conversation_id, "The customer started sharing their camera.", Notice("video_consented"))
        )
        return session

    async def _line(self, conversation_id: str, text: str, notice: Notice) -> None:
        await self._messages.post_system(conversation_id, text, notice)

    def _meanwhile(self, work: Coroutine[Any, Any, None]) -> None:
        """Run `work` now up to its first wait (a message takes its place in the transcript's order at once),
        and finish it in a task without waiting for it; a failure is logged (nobody waits to hear it)."""
        try:
            paused = eager.start(work)
        except Exception:
            log.exception("video: a transcript line could not be written")
            return
        if paused is None:
            return
        task = asyncio.ensure_future(eager.finish(paused))
        self._running.add(task)

        def done(finished: asyncio.Task[None]) -> None:
            self._running.discard(finished)
            if not finished.cancelled() and finished.exception() is not None:
                log.error("video: a transcript line could not be written", exc_info=finished.exception())

        task.add_done_callback(done)

    async def _finish(self, session: VideoSession, by: str, outcome: str, text: str, reason: str | None = None) -> None:
        if not session.is_open:
            return
        session.finish(by, self._clock.now(), outcome, reason)
        self._uplinks.pop(session.id, None)
        kept = self._quality.pop(session.id, None)
        if kept is not None:
            session.quality = kept[1].to_wire()
        await self._save(session)
        self.stats.ended(session)
        params = {"outcome": session.outcome, "endedBy": session.ended_by, "reason": session.failure_reason}
        await self._messages.post_system(session.conversation_id, text, Notice("video_ended", params))
        await publish(
            self._bus,
            VideoEnd(
                session.conversation_id, session=session.to_wire(), text=text, extra={"reason": reason or outcome}
            ),
        )

    async def _end_open(
        self, conversation_id: str, by: str, text: str, keep_requests: bool = False, agent_id: str | None = None
    ) -> None:
        for session in await self._store.list_video_sessions(conversation_id):
            if not session.is_open or (agent_id is not None and session.agent_id != agent_id):
                continue
            if keep_requests and session.state == VideoState.REQUESTED.value:
                continue
            await self._finish(session, by=by, outcome="completed", text=text)

    async def _save(self, session: VideoSession) -> None:
        await self._store.save_video_session(session)
        self._cached.pop(session.id, None)
        if session.is_open and self._cache_sessions:
            self._cached[session.id] = session
            while len(self._cached) > MAX_CACHED_SESSIONS:  # sessions left open (a node stopped) stay no longer
                self._cached.pop(next(iter(self._cached)))

    async def _session(self, conversation_id: str, session_id: str | None) -> VideoSession:
        if session_id is None:
            session = None
        else:
            session = self._cached.get(session_id) or await self._store.get_video_session(session_id)
        if session is None or session.conversation_id != conversation_id:
            raise NotFound("no such video session in this chat", code="video_not_found")
        return session

    async def open_session(self, conversation_id: str) -> VideoSession:
        """The chat's video session that is not over yet; Conflict when there is none."""
        for session in reversed(await self._store.list_video_sessions(conversation_id)):
            if session.is_open:
                return session
        raise Conflict("there is no video on in this chat", code="video_not_open")

    async def _customers_conversation(self, claims: GuestClaims) -> Conversation:
        return await customers_conversation(self._store, claims)

    async def _agents_conversation(self, principal: Principal, conversation_id: str | None) -> Conversation:
        return await agents_conversation(self._store, principal, conversation_id)

    @staticmethod
    def _consent_text(session: VideoSession) -> str:
        audio = " and microphone" if session.audio_source == "microphone" else ""
        back = " You will see the agent too." if session.mode == "two-way" else " The agent does not send video."
        return f"The agent would like to see your product. Your camera{audio} will be shared live.{back}"
