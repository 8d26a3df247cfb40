"""/tls/ca.crt: the local CA of `serve --tls self-signed`, for a phone to download and trust.

Served only while the server runs with --tls self-signed, and only the CA's certificate (public): its key
never leaves the data folder. The content type makes phones offer to install it.
"""

from __future__ import annotations

from pathlib import Path

from fastapi import FastAPI
from fastapi.responses import FileResponse

CA_DOWNLOAD_PATH = "/tls/ca.crt"


def mount_local_ca(app: FastAPI, ca_file: Path) -> None:
    @app.get(CA_DOWNLOAD_PATH, include_in_schema=False)
    async def local_ca() -> FileResponse:
        return FileResponse(
            ca_file,
            media_type="application/x-x509-ca-cert",
            filename="showdesk-local-ca.crt",
            headers={"cache-control": "no-cache"},
        )
