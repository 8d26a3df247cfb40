"""The customer panel beside the agent's chat: what the site and the browser told when the chat started
(recorded once, at the start), the deployment's signing key for the site's server, and the panel itself
with the customer's earlier chats in the organization (matched by the site's customer id)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from showdesk.domain.conversation import Conversation
from showdesk.domain.customer_info import CustomerDetails, customer_record, is_signed, signing_key
from showdesk.domain.history import ConversationQuery
from showdesk.domain.permissions import Permission
from showdesk.domain.user_agent import device_of
from showdesk.services.access import AccessService, Principal
from showdesk.services.conversation_access import readable_conversation
from showdesk.services.owned import owned
from showdesk.services.ports import ConfigurationStore, ConversationStore

EARLIER_CHATS = 10  # earlier chats of the same customer id the panel lists, newest first


@dataclass(frozen=True)
class CustomerPanel:
    conversation: Conversation
    info: dict[str, Any]  # the stored customer_info (empty for a chat that started before it was kept)
    earlier: list[Conversation]  # newest first, this chat left out


def record_customer(
    secret_key: str, conversation: Conversation, details: CustomerDetails | None, user_agent: str | None
) -> None:
    """Keep what the start frame and the socket's User-Agent said with the new conversation: verified when
    the customer block carries the deployment key's signature."""
    key = signing_key(secret_key, conversation.deployment_id)
    verified = details is not None and is_signed(key, details.customer, details.signature)
    conversation.customer_info = customer_record(details, verified, device_of(user_agent))
    customer = details.customer if details is not None else None
    conversation.customer_ref = customer.id if customer is not None else None


class CustomerPanels:
    def __init__(
        self, conversations: ConversationStore, configuration: ConfigurationStore, access: AccessService, secret: str
    ) -> None:
        self._conversations = conversations
        self._configuration = configuration
        self._access = access
        self._secret = secret

    async def panel(self, principal: Principal, conversation_id: str) -> CustomerPanel:
        """The panel of a chat its agent (or someone with Transcript > View) may read."""
        conv = await readable_conversation(self._conversations, self._access, principal, conversation_id)
        earlier: list[Conversation] = []
        if conv.customer_ref is not None:
            query = ConversationQuery(conv.organization_id, customer_ref=conv.customer_ref, limit=EARLIER_CHATS + 1)
            found = await self._conversations.search_conversations(query)
            earlier = [s.conversation for s in found if s.conversation.id != conv.id][:EARLIER_CHATS]
        return CustomerPanel(conv, conv.customer_info or {}, earlier)

    async def signing_key(self, principal: Principal, deployment_id: str) -> str:
        """The key a site's server signs its customer blocks with (Security > OAuth Client > Edit)."""
        current = await self._access.require(principal, Permission.OAUTH_CLIENT_EDIT)
        deployment = await owned(
            self._configuration.get_deployment,
            deployment_id,
            current.user.organization_id,
            "deployment",
            "deployment_not_found",
        )
        return signing_key(self._secret, deployment.id)
