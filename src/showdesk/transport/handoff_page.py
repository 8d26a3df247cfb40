"""/h/<code>: the page a phone opens from a hand-off's QR code or link, served by ShowDesk itself.

It loads the drop-in widget full screen with the hand-off's code and its chat's organization and
deployment; the widget redeems the code and opens the same conversation. An unknown, expired or used
code still gets the page (the widget says in words why the link no longer opens the chat); the page
says it without JavaScript too. Never cached, never framed, and no Referer leaves it (the code is in
its address).
"""

from __future__ import annotations

from html import escape

from fastapi import FastAPI, Request
from fastapi.responses import HTMLResponse

from showdesk.services.container import Services

PAGE_CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data: blob:; "
    "media-src 'self' blob:; connect-src 'self' ws: wss:; object-src 'none'; frame-ancestors 'none'; "
    "base-uri 'none'; form-action 'none'"
)
NO_SCRIPT = (
    "This page continues your support chat on this device. It needs JavaScript: please turn it on in your "
    "browser's settings and open the link again."
)


def handoff_page(code: str, organization_id: str, deployment_id: str) -> str:
    return f"""<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1, viewport-fit=cover">
<meta name="referrer" content="no-referrer">
<title>Continue your chat</title>
<style>html, body {{ margin: 0; height: 100%; font-family: system-ui, sans-serif; }}
noscript p {{ margin: 2rem 1.5rem; font-size: 1.1rem; line-height: 1.5; }}</style>
</head>
<body>
<noscript><p>{escape(NO_SCRIPT)}</p></noscript>
<script src="/sdk/widget.js" data-organization="{escape(organization_id)}" \
data-deployment="{escape(deployment_id)}" data-handoff="{escape(code)}" data-layout="fullscreen" async></script>
</body>
</html>
"""


def mount_handoff_page(app: FastAPI) -> None:
    @app.get("/h/{code}", include_in_schema=False)
    async def handoff(code: str, request: Request) -> HTMLResponse:
        sd: Services = request.app.state.services
        found = await sd.handoffs.find(code)
        organization_id = found.organization_id if found is not None else ""
        deployment_id = found.deployment_id if found is not None else ""
        return HTMLResponse(
            handoff_page(code, organization_id, deployment_id),
            headers={
                "cache-control": "no-store",
                "content-security-policy": PAGE_CSP,
                "referrer-policy": "no-referrer",
                "x-robots-tag": "noindex",
            },
        )
