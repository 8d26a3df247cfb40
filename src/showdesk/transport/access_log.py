"""Tokens and secrets never reach the logs: uvicorn writes each request's path with its query string
(`"POST /api/v2/...?request=... HTTP/1.1" 201`, `"WebSocket /ws/v1/...?..." [accepted]`), so the values
of query parameters that carry one are replaced before a record is written.

ShowDesk's own clients send tokens in headers and frames (the photo request in `X-Photo-Request`); the
names below also cover older SDKs and hand-written clients that put them in the URL, and the agent's
photo caption, which is chat text.
"""

from __future__ import annotations

import logging
import re

REDACTED = "[redacted]"
SECRET_PARAMETERS = (
    "access_token",
    "token",
    "refresh_token",
    "id_token",
    "request",  # a photo request (a signed token)
    "client_secret",
    "secret",
    "password",
    "credential",
    "code",
    "key",
    "caption",
)
_VALUE = re.compile(rf"([?&](?:{'|'.join(SECRET_PARAMETERS)})=)[^&#\s\"']*", re.IGNORECASE)
# A hand-off's one-time code travels in its path: the phone's page (/h/<code>) and its redemption.
_HANDOFF_CODE = re.compile(r"(/h/|/webchat/handoffs/)[A-Za-z0-9_-]+")
LOGGERS = ("uvicorn.access", "uvicorn.error")


def redact(text: str) -> str:
    return _HANDOFF_CODE.sub(r"\1" + REDACTED, _VALUE.sub(r"\1" + REDACTED, text))


class RedactSecrets(logging.Filter):
    """Replaces secret query values in a record's message and arguments; drops nothing."""

    def filter(self, record: logging.LogRecord) -> bool:
        if isinstance(record.msg, str) and ("=" in record.msg or "/h" in record.msg):
            record.msg = redact(record.msg)
        if isinstance(record.args, tuple):
            record.args = tuple(redact(a) if isinstance(a, str) else a for a in record.args)
        elif isinstance(record.args, dict):
            record.args = {k: redact(v) if isinstance(v, str) else v for k, v in record.args.items()}
        return True


def redact_secrets_in_logs() -> None:
    """On uvicorn's loggers (a logger's filters outlive uvicorn's logging set-up); once however often called."""
    for name in LOGGERS:
        logger = logging.getLogger(name)
        if not any(isinstance(f, RedactSecrets) for f in logger.filters):
            logger.addFilter(RedactSecrets())
