"""/docs: FastAPI's Swagger UI page, its script, style and icon served by ShowDesk itself from
web/static/swagger/ (swagger-ui-dist 5, vendored unmodified with its licence: see the README there), so
the API docs work without internet and the page's policy allows only its own origin
(transport/security_headers.py, DOCS_CSP). Swagger UI's online validator badge is off: it would send the
schema's address to validator.swagger.io."""

from __future__ import annotations

from fastapi import FastAPI
from fastapi.openapi.docs import get_swagger_ui_html
from fastapi.responses import HTMLResponse

DOCS_PATH = "/docs"
ASSETS = "/static/swagger"


def mount_api_docs(app: FastAPI) -> None:
    """The docs page (construct FastAPI with `docs_url=None`, so this is the one)."""

    @app.get(DOCS_PATH, include_in_schema=False)
    async def api_docs() -> HTMLResponse:
        return get_swagger_ui_html(
            openapi_url=app.openapi_url or "/openapi.json",
            title=f"{app.title} - API docs",
            swagger_js_url=f"{ASSETS}/swagger-ui-bundle.js",
            swagger_css_url=f"{ASSETS}/swagger-ui.css",
            swagger_favicon_url=f"{ASSETS}/favicon-32x32.png",
            swagger_ui_parameters={"validatorUrl": None},
        )
