"""The customer panel of a chat: what the site and the browser told about its customer, and their earlier
chats in the organization (by the site's customer id)."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter
from pydantic import Field

from showdesk.domain.conversation import Conversation
from showdesk.services.customer_panel import CustomerPanel
from showdesk.transport.deps import PrincipalDep, ServicesDep
from showdesk.transport.views import Timestamp, View

router = APIRouter(prefix="/conversations", tags=["conversations"])


class PageView(View):
    url: str | None = Field(description="as the page said it: show it as text, a link only for http and https")
    title: str | None


class DeviceView(View):
    kind: str = Field(description="phone, tablet or computer, from the customer's User-Agent")
    browser: str
    system: str


class EarlierChatView(View):
    id: str
    createdAt: Timestamp
    state: str
    wrapupName: str | None = Field(description="the wrap-up code it was closed with, if any")
    verified: bool = Field(description="whether that chat's customer block was signed by the site")

    @classmethod
    def of(cls, conv: Conversation) -> EarlierChatView:
        return cls(
            id=conv.id,
            createdAt=conv.created_at,
            state=conv.state,
            wrapupName=conv.wrapup_name,
            verified=bool((conv.customer_info or {}).get("verified")),
        )


class CustomerPanelView(View):
    conversationId: str
    name: str | None = Field(description="the name the site gave (the chat's display name is customerName)")
    email: str | None
    id: str | None = Field(description="the site's own id for the customer")
    verified: bool = Field(description="the customer block carried the deployment key's signature")
    attributes: dict[str, str] = Field(description="what the page passed; plain text")
    page: PageView | None = Field(description="the page the chat started on")
    device: DeviceView | None
    earlier: list[EarlierChatView] = Field(
        description="the same customer id's other chats in the organization, newest first, at most 10 "
        "(matched by an unverified id too: see `verified`)"
    )

    @classmethod
    def of(cls, panel: CustomerPanel) -> CustomerPanelView:
        info: dict[str, Any] = panel.info
        page, device = info.get("page"), info.get("device")
        return cls(
            conversationId=panel.conversation.id,
            name=info.get("name"),
            email=info.get("email"),
            id=info.get("id"),
            verified=bool(info.get("verified")),
            attributes=info.get("attributes") or {},
            page=PageView(**page) if page else None,
            device=DeviceView(**device) if device else None,
            earlier=[EarlierChatView.of(conv) for conv in panel.earlier],
        )


@router.get(
    "/{conversation_id}/customer",
    summary="The customer panel: what the site told of the customer, the page, the device and earlier chats",
)
async def get_customer_panel(conversation_id: str, who: PrincipalDep, sd: ServicesDep) -> CustomerPanelView:
    return CustomerPanelView.of(await sd.customer_panels.panel(who, conversation_id))
