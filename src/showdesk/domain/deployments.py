"""Web-chat deployments: the OAuth clients that let a site embed the chat, and their origin rules."""

from __future__ import annotations

from dataclasses import dataclass, field
from html import escape
from typing import Any
from urllib.parse import urlsplit

from showdesk.domain.errors import InvalidInput

_DEFAULT_PORTS = {"http": 80, "https": 443}


def normalize_origin(value: str) -> str:
    """`scheme://host[:port]` in lower case, default ports dropped; anything else is refused.

    Origins are compared exactly after this, so look-alike hosts (`demo.local.evil.test`) and other
    ports or schemes never match.
    """
    raw = value.strip()
    parts = urlsplit(raw)
    if parts.scheme not in _DEFAULT_PORTS or not parts.hostname:
        raise InvalidInput(f"'{value}' is not an origin like https://shop.example.com")
    if parts.path not in ("", "/") or parts.query or parts.fragment or parts.username or parts.password:
        raise InvalidInput(f"'{value}' is not an origin: give only scheme, host and port")
    try:
        port = parts.port
    except ValueError as exc:
        raise InvalidInput(f"'{value}' has an invalid port") from exc
    host = parts.hostname.lower()
    if ":" in host:  # IPv6 literal
        host = f"[{host}]"
    if port is None or port == _DEFAULT_PORTS[parts.scheme]:
        return f"{parts.scheme}://{host}"
    return f"{parts.scheme}://{host}:{port}"


@dataclass
class Deployment:
    id: str
    organization_id: str
    name: str
    flow_id: str | None = None
    allowed_origins: list[str] = field(default_factory=list)
    active: bool = True
    # Default quality settings for video in this deployment's chats (a Start Video block's own replace them)
    video_quality: dict[str, Any] | None = None

    def allows_origin(self, origin: str | None) -> bool:
        """True only for an exact (normalized) match; a missing or `null` origin never passes."""
        if not origin or origin == "null":
            return False
        try:
            wanted = normalize_origin(origin)
        except InvalidInput:
            return False
        return wanted in self.allowed_origins


def widget_snippet(deployment: Deployment, server_origin: str) -> str:
    """The HTML a site pastes to put the whole chat-and-video widget on its pages (/sdk/widget.js)."""
    return (
        f'<script src="{escape(server_origin)}/sdk/widget.js"\n'
        f'        data-organization="{escape(deployment.organization_id)}"'
        f' data-deployment="{escape(deployment.id)}" async></script>\n'
        "<!-- optional: data-color, data-title, data-logo, data-position (right | left), data-launcher-text,\n"
        "     data-locale (en, de, fr, es); any button with data-showdesk-open opens the chat -->\n"
    )


def embed_snippet(deployment: Deployment, server_origin: str) -> str:
    """The HTML a site pastes to embed the chat: the SDK from this server, bound to the deployment (for a
    site's own chat interface; widget_snippet is the ready-made one)."""
    return (
        '<script type="module">\n'
        f"  import {{ createChat }} from '{server_origin}/sdk/webchat.js';\n"
        "  window.showdeskChat = createChat({\n"
        f"    organizationId: '{deployment.organization_id}',\n"
        f"    deploymentId: '{deployment.id}',\n"
        f"    serverUrl: '{server_origin}',\n"
        "  });\n"
        "  window.dispatchEvent(new CustomEvent('showdesk:ready', { detail: window.showdeskChat }));\n"
        "  // your page's script: const chat = window.showdeskChat ?? await new Promise((resolve) =>\n"
        "  //   addEventListener('showdesk:ready', (e) => resolve(e.detail), { once: true }));\n"
        "  // await chat.startChat({ displayName }); chat.sendText('...');\n"
        "  // and, inside a click handler: chat.startVideo({ direction: 'one-way' });\n"
        "</script>\n"
    )
