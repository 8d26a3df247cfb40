"""Guest and agent chat: starting a conversation through its flow, messages, resume and ending."""

from __future__ import annotations

import logging
import math
from dataclasses import dataclass

from showdesk.domain.conversation import (
    Conversation,
    ConversationState,
    Message,
    Sender,
    check_display_name,
)
from showdesk.domain.customer_info import CustomerDetails
from showdesk.domain.deployments import Deployment
from showdesk.domain.errors import Conflict, Forbidden, NotFound, ShowDeskError
from showdesk.domain.events import ChatEnded, CustomerBack, InteractionEnded, Routing, conversation_topic
from showdesk.domain.flow import run_flow
from showdesk.domain.ids import new_id
from showdesk.domain.notices import Notice
from showdesk.domain.permissions import Permission
from showdesk.domain.quality import quality_settings
from showdesk.domain.rate_limit import RateLimited, Rule
from showdesk.services.access import AccessService, Principal
from showdesk.services.commands import PostMessage, Refused, accepted
from showdesk.services.conversation_access import readable_conversation
from showdesk.services.customer_panel import record_customer
from showdesk.services.messages import MessageService
from showdesk.services.ports import Bus, Clock, Limiter, Store, Subscription
from showdesk.services.publishing import publish
from showdesk.services.routing_cluster import ClusterRouter
from showdesk.services.settings import ServiceSettings
from showdesk.services.tokens import GuestClaims, TokenCodec
from showdesk.services.video import VideoService

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class StartedChat:
    conversation: Conversation
    token: str
    greetings: list[str]


@dataclass(frozen=True)
class Resumed:
    conversation: Conversation
    messages: list[Message]
    resync: bool


class ChatService:
    def __init__(
        self,
        store: Store,
        bus: Bus,
        clock: Clock,
        tokens: TokenCodec,
        messages: MessageService,
        router: ClusterRouter,
        access: AccessService,
        settings: ServiceSettings,
        video: VideoService,
        limiter: Limiter,
    ) -> None:
        self._store = store
        self._bus = bus
        self._clock = clock
        self._tokens = tokens
        self._messages = messages
        self._router = router
        self._access = access
        self._settings = settings
        self._video = video
        self._limiter = limiter
        self._starts_per_address = Rule("chat_start_address", settings.chat_starts_per_address, 60.0)
        self._starts_per_deployment = Rule("chat_start_deployment", settings.chat_starts_per_deployment, 60.0)

    # guests -----------------------------------------------------------------------------------------
    async def check_origin(self, org_id: str | None, deployment_id: str | None, origin: str | None) -> Deployment:
        """The deployment, if this page's origin may use it; refusals say which origin and why."""
        deployment = await self._store.get_deployment(deployment_id or "")
        if deployment is None or deployment.organization_id != org_id or not deployment.active:
            raise Forbidden(
                f"no active web-chat deployment '{deployment_id}' in organization '{org_id}'",
                code="deployment_not_found",
            )
        if not deployment.allows_origin(origin):
            shown = origin or "(no origin)"
            raise Forbidden(
                f"this site ({shown}) is not an allowed origin of deployment '{deployment.id}'; "
                "an administrator can add it to the deployment's allowed origins",
                code="origin_not_allowed",
            )
        return deployment

    async def origin_allowed(self, conversation_id: str, origin: str) -> bool:
        """Whether a page of `origin` may use this chat from another site (the SDK's photo requests): one of
        the allowed origins of the chat's deployment, while that deployment is active."""
        conv = await self._store.get_conversation(conversation_id)
        deployment = await self._store.get_deployment(conv.deployment_id) if conv is not None else None
        return deployment is not None and deployment.active and deployment.allows_origin(origin)

    async def start(
        self,
        deployment: Deployment,
        display_name: str | None,
        client_address: str,
        customer: CustomerDetails | Refused | None = None,
        user_agent: str | None = None,
    ) -> StartedChat:
        """Create the conversation (nothing is announced yet): the caller subscribes, then calls begin.
        `customer`: what the site tells of its customer (services/customer_panel.py), kept with it.

        How many chats may start is limited per client address and per deployment, so nobody fills the
        line with chats no person is behind."""
        name = check_display_name(display_name)
        details = accepted(customer) if customer is not None else None
        for rule, key in ((self._starts_per_address, client_address), (self._starts_per_deployment, deployment.id)):
            wait = await self._limiter.hit(rule, key)
            if wait > 0:
                raise RateLimited(
                    f"too many chats were started just now; please try again in {math.ceil(wait)} seconds",
                    retry_after=wait,
                )
        now = self._clock.now()
        conv = Conversation(
            id=new_id("c"),
            organization_id=deployment.organization_id,
            deployment_id=deployment.id,
            customer_name=name,
            created_at=now,
            flow_id=deployment.flow_id,
            enqueued_at=now,
        )
        record_customer(self._settings.secret_key, conv, details, user_agent)
        flow = await self._store.get_flow(deployment.flow_id) if deployment.flow_id else None
        greetings: list[str] = []
        if flow is not None and flow.published_definition is not None:
            outcome = run_flow(flow.published_definition)
            conv.video = outcome.video
            if conv.video is not None and "quality" not in conv.video and deployment.video_quality:
                conv.video["quality"] = quality_settings(deployment.video_quality)
            greetings = outcome.greetings
            if outcome.queue_name:
                queues = await self._store.list_queues(deployment.organization_id)
                queue = next((q for q in queues if q.name == outcome.queue_name), None)
                conv.queue_id = queue.id if queue else None
        await self._store.save_conversation(conv)
        token = self._tokens.guest_token(
            conv.id, conv.organization_id, deployment.id, name, now, self._settings.guest_token_ttl
        )
        return StartedChat(conv, token, greetings)

    async def begin(self, started: StartedChat) -> None:
        """Greet the customer and hand the interaction to routing."""
        conv = started.conversation
        for text in started.greetings:
            await self._messages.post_system(conv.id, text)
        if conv.queue_id is None:
            await self._messages.post_system(
                conv.id,
                "This chat is not connected to a queue yet; nobody can answer it. Please try later.",
                Notice("no_queue"),
            )
            await publish(self._bus, Routing(conv.id, state="no_agent_available", text="No queue"))
        else:
            await self._router.enqueue(conv)

    def read_guest_token(self, token: str | None) -> GuestClaims:
        return self._tokens.read_guest(token)

    async def resume(self, claims: GuestClaims, last_seq: int, socket_id: str = "") -> Resumed:
        """The chat from `last_seq` on, for the customer's socket `socket_id`, which replaces any older one
        of the same guest token on every node (`CustomerBack`)."""
        conv = await self._conversation(claims.conversation_id)
        await publish(self._bus, CustomerBack(conv.id, socket_id=socket_id, token_id=claims.jti))
        after = max(last_seq, 0)
        missed = conv.last_seq - after
        if missed > self._settings.resume_window:
            latest = await self._store.list_messages(conv.id, limit=self._settings.resume_window)
            return Resumed(conv, latest, resync=True)
        return Resumed(conv, await self._store.list_messages(conv.id, after_seq=after), resync=False)

    async def page_opened(self, conversation_id: str) -> str | None:
        """A socket of the customer's is open for their chat: they are there (routing's name for it, or None
        when routing cannot be told just now: the chat goes on, and the page is counted when it reconnects)."""
        try:
            return await self._router.customer_connected(conversation_id)
        except ShowDeskError as exc:
            log.warning("routing not told of customer page of %s: %s", conversation_id, exc.message)
            return None

    async def page_closed(self, conversation_id: str, page: str | None) -> None:
        """That socket closed; when none of the customer's is left, their grace starts (see Router)."""
        if page is None:
            return
        try:
            await self._router.customer_disconnected(conversation_id, page)
        except ShowDeskError as exc:
            log.warning("routing not told of closed customer page of %s: %s", conversation_id, exc.message)

    async def guest_message(self, claims: GuestClaims, client_id: str | None, text: str | None) -> Message:
        # The store refuses a message to an ended chat in the same transaction that would store it.
        return await self._messages.post(
            claims.conversation_id, Sender.CUSTOMER, None, claims.display_name, client_id, text
        )

    async def guest_end(self, claims: GuestClaims) -> None:
        await self.end(claims.conversation_id, by="customer")

    # agents -----------------------------------------------------------------------------------------
    async def agent_message(self, principal: Principal, post: PostMessage) -> Message:
        current = await self._access.require(principal, Permission.CHAT_ANSWER)
        conversation_id, client_id, text = post.conversation_id, post.client_id, post.text
        if not conversation_id:
            raise NotFound("conversationId is required", code="conversation_not_found")
        # The store checks, in the transaction that stores it, that this agent has this open conversation.
        return await self._messages.post(
            conversation_id, Sender.AGENT, current.user.id, current.user.name, client_id, text
        )

    async def agent_end(self, principal: Principal, conversation_id: str | None) -> None:
        current = await self._access.require(principal, Permission.CHAT_ANSWER)
        conv = await self._agent_conversation(current, conversation_id)
        await self.end(conv.id, by="agent")

    async def accept(self, principal: Principal, conversation_id: str | None, follow: Subscription) -> Conversation:
        """The agent takes the interaction offered to them; `follow` (their socket) hears the chat from then on.

        Who may follow is decided before `follow` subscribes: the chat must be offered to this agent right
        now (or be theirs already), so nobody else ever hears a frame of it, not even while a refusal is
        on its way.
        """
        current = await self._access.require(principal, Permission.CHAT_ANSWER)
        conv = await self._store.get_conversation(conversation_id) if conversation_id is not None else None
        if conv is None or conv.organization_id != current.user.organization_id:
            raise NotFound("conversationId names no interaction offered to you", code="conversation_not_found")
        theirs = conv.agent_id == current.user.id and conv.state == ConversationState.CONNECTED.value
        if not theirs and not any(
            o.conversation_id == conv.id for o in await self._router.pending_offers(current.user.id)
        ):
            raise Conflict("this interaction is not offered to you (it may have timed out)", code="offer_gone")
        topic = conversation_topic(conv.id)
        await follow.add(topic)  # before the accept: no frame between the accept and the subscription is lost
        try:
            return await self._router.accept(current.user, conv.id)
        except ShowDeskError:
            if not theirs:
                await follow.remove(topic)
            raise

    async def readable(self, principal: Principal, conversation_id: str) -> Conversation:
        """A chat of the principal's organization they may read: their own, or any with transcript:view."""
        return await readable_conversation(self._store, self._access, principal, conversation_id)

    async def transcript(self, principal: Principal, conversation_id: str) -> list[Message]:
        """The stored transcript of a chat the principal may read, in order."""
        conv = await self.readable(principal, conversation_id)
        return await self._store.list_messages(conv.id)

    async def agent_interactions(self, principal: Principal) -> list[Conversation]:
        return await self._store.list_agent_conversations(principal.user.id)

    # both -------------------------------------------------------------------------------------------
    async def end(self, conversation_id: str, by: str) -> None:
        conv = await self._conversation(conversation_id)
        if conv.is_ended:
            return
        agent_id = conv.agent_id
        await self._video.end_for_conversation(conv.id, by=by, text="The video ended with the chat.")
        conv.move_to(ConversationState.ENDED)
        conv.ended_at = self._clock.now()
        conv.ended_by = by
        await self._store.save_conversation(conv)
        # ShowDesk's own words: a name the customer typed never speaks with the system's voice.
        who = {"customer": "The customer", "agent": "The agent"}.get(by, "ShowDesk")
        await self._messages.post_system(conv.id, f"{who} ended the chat.", Notice("chat_ended", {"by": by}))
        await self._router.conversation_ended(conv.id)
        await publish(self._bus, ChatEnded(conv.id, by=by))
        if agent_id:
            await publish(self._bus, InteractionEnded(agent_id, conversation_id=conv.id, by=by))

    async def conversation(self, conversation_id: str) -> Conversation:
        return await self._conversation(conversation_id)

    async def _conversation(self, conversation_id: str) -> Conversation:
        conv = await self._store.get_conversation(conversation_id)
        if conv is None:
            raise NotFound(f"conversation {conversation_id} does not exist", code="conversation_not_found")
        return conv

    async def _agent_conversation(self, principal: Principal, conversation_id: str | None) -> Conversation:
        if conversation_id is None:
            raise NotFound("conversationId is required", code="conversation_not_found")
        conv = await self._store.get_conversation(conversation_id)
        if conv is None or conv.organization_id != principal.user.organization_id:
            raise NotFound(f"conversation {conversation_id} does not exist", code="conversation_not_found")
        if conv.agent_id != principal.user.id:
            raise Forbidden("you are not the agent of this conversation", code="not_your_conversation")
        if conv.is_ended:
            raise Conflict("this chat has ended", code="chat_ended")
        return conv
