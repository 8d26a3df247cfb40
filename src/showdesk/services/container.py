"""All the services of one node, wired to their ports."""

from __future__ import annotations

import logging

from showdesk.domain.attachments import parse_types
from showdesk.domain.events import CUSTOMERS_TOPIC, DIRECTORY_TOPIC, QUALITY_TOPIC
from showdesk.services.access import AccessService
from showdesk.services.agent_board import AgentBoard
from showdesk.services.api_clients import ApiClientService
from showdesk.services.audit import AuditTrail
from showdesk.services.canned_responses import CannedResponseService
from showdesk.services.chat import ChatService
from showdesk.services.customer_panel import CustomerPanels
from showdesk.services.deployments import DeploymentService
from showdesk.services.directory import DirectoryService
from showdesk.services.exports import InteractionExports
from showdesk.services.flows import FlowService
from showdesk.services.guest_presence import GuestPresence
from showdesk.services.handoffs import HandoffService
from showdesk.services.history import InteractionHistory
from showdesk.services.ice_servers import IceServers, IceSettings, MintTurn
from showdesk.services.license import LicenseService
from showdesk.services.messages import MessageService
from showdesk.services.photos import PhotoService
from showdesk.services.ports import Bus, Clock, Handler, Lease, Limiter, Store, Subscription
from showdesk.services.queues import QueueService
from showdesk.services.retention import RetentionService
from showdesk.services.roles import RoleService
from showdesk.services.routing import Router
from showdesk.services.routing_cluster import ClusterRouter, SoloLease
from showdesk.services.seen import SeenService
from showdesk.services.settings import ServiceSettings
from showdesk.services.sign_in_limits import SignInLimits, SignInRules
from showdesk.services.supervisor import SupervisorDashboard
from showdesk.services.tokens import TokenCodec
from showdesk.services.transfers import TransferService
from showdesk.services.turn_servers import TurnServerService
from showdesk.services.typing import TypingService
from showdesk.services.video import VideoService
from showdesk.services.video_marks import VideoMarks
from showdesk.services.video_monitor import VideoMonitor
from showdesk.services.watch import ConversationWatch
from showdesk.services.wrapups import WrapupService

log = logging.getLogger(__name__)


class Services:
    def __init__(
        self,
        store: Store,
        bus: Bus,
        clock: Clock,
        settings: ServiceSettings,
        ice: IceSettings | None = None,
        mint_turn: MintTurn | None = None,
        lease: Lease | None = None,
        *,
        limiter: Limiter,
    ) -> None:
        self.store = store
        self.limiter = limiter
        self.bus = bus
        self.clock = clock
        self.settings = settings
        tokens = TokenCodec(settings.secret_key)
        rules = SignInRules.of(
            settings.login_failures_per_account, settings.login_failures_per_address, settings.login_failure_window
        )
        self.sign_in = SignInLimits(limiter, AuditTrail(store, clock), rules)
        self.access = AccessService(store, clock, tokens, settings, bus, self.sign_in)
        self.messages = MessageService(store, bus, clock)
        lease = lease or SoloLease()
        self.router = ClusterRouter(Router(store, bus, clock, self.messages, settings), store, bus, lease)
        self.access.on_local_change(self.router.on_directory_changed)
        self.ice = IceServers(store, clock, ice or IceSettings(), mint_turn)
        self.video = VideoService(
            store,
            bus,
            clock,
            self.messages,
            self.access,
            self.ice,
            cache_sessions=not lease.shared,
            photo_mode_after=settings.photo_mode_after,
        )
        self.marks = VideoMarks(store, bus, self.access, self.video)
        self.typing = TypingService(store, bus, clock, self.access)
        self.seen = SeenService(store, bus, clock, self.access)
        self.history = InteractionHistory(store, self.access, limiter, settings.searches_per_user)
        self.exports = InteractionExports(store, self.history, settings.export_max_conversations)
        self.chat = ChatService(
            store, bus, clock, tokens, self.messages, self.router, self.access, settings, self.video, limiter
        )
        self.guest_presence = GuestPresence(clock, self.chat, self.video, grace=settings.video_grace)
        self.handoffs = HandoffService(store, bus, clock, tokens, self.messages, self.access, settings, limiter)
        self.photos = PhotoService(
            store,
            bus,
            clock,
            tokens,
            self.messages,
            self.access,
            self.video,
            limiter,
            max_pixels=settings.max_photo_pixels,
            still_interval=settings.still_interval,
            attachment_types=parse_types(settings.attachment_types),
            attachments_per_minute=settings.attachments_per_chat,
        )
        self.audit = AuditTrail(store, clock, self.access)
        self.directory = DirectoryService(store, bus, self.access, self.audit)
        self.queues = QueueService(store, bus, self.access, self.audit)
        self.wrapups = WrapupService(store, clock, self.access, self.audit)
        self.transfers = TransferService(store, clock, self.access, self.router, self.video)
        self.roles = RoleService(store, bus, self.access, self.audit)
        self.deployments = DeploymentService(store, self.access, self.audit)
        self.api_clients = ApiClientService(store, bus, clock, self.access, self.audit, self.sign_in)
        self.turn_servers = TurnServerService(store, self.access, self.audit)
        self.license = LicenseService(store, self.access, self.audit)
        self.flows = FlowService(store, clock, self.access, self.audit)
        self.canned_responses = CannedResponseService(store, store, clock, self.access, self.audit)
        self.supervisor = SupervisorDashboard(store, clock, self.access, self.router, self.video)
        self.agent_board = AgentBoard(store, self.access, self.router)
        self.watch = ConversationWatch(store, self.access, self.video)
        self.video_monitor = VideoMonitor(
            store,
            bus,
            self.access,
            self.messages,
            self.ice,
            self.audit,
            limiter,
            settings.monitor_starts_per_chat,
            settings.monitors_per_video,
        )
        self.customer_panels = CustomerPanels(store, store, self.access, settings.secret_key)
        self.retention = RetentionService(store, clock, self.audit, settings.retention_days)

    async def start(self) -> None:
        await self.limiter.bind(await self.store.installation_id())
        self._directory_watch = self.bus.subscribe(self.access.on_directory_changed)
        await self._directory_watch.add(DIRECTORY_TOPIC)
        self._routing_watch = self.bus.subscribe(self.router.on_directory_changed)
        await self._routing_watch.add(DIRECTORY_TOPIC)
        self._quality_watch = self.bus.subscribe(self.video.on_quality_sampled)
        await self._quality_watch.add(QUALITY_TOPIC)
        await self.router.start()
        self._customers_watch = self.bus.subscribe(self.guest_presence.on_customer_back)
        await self._customers_watch.add(CUSTOMERS_TOPIC)

    def subscribe(self, deliver: Handler) -> Subscription:
        """A socket's feed: `deliver` hears every event of the topics added to it (a conversation, an agent)."""
        return self.bus.subscribe(deliver)

    async def close(self) -> None:
        """Each part closed even when another fails (Redis gone): the store last, committing queued writes."""
        for part, close in (
            ("customer presence", self.guest_presence.close),
            ("routing", self.router.close),
            ("bus", self.bus.close),
            ("limiter", self.limiter.close),
            ("store", self.store.close),
        ):
            try:
                await close()
            except Exception as exc:
                log.warning("closing the %s failed: %s", part, exc)
