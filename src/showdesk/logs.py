"""One log format for everything `showdesk serve` writes to stderr: ShowDesk's own lines (stdlib
`logging` or structlog) and uvicorn's, each one line, as `--log-format console` (readable key=value) or
`json` (one object per line, for a log shipper).

Every line has `timestamp` (UTC, ISO 8601), `level`, `logger` and `event`; a request's or a socket's lines
also carry its `request_id` (and `user_id`, `conversation_id` where known: transport/request_log.py binds
them in context variables, which every line logged while serving it picks up).

What never reaches a line: tokens, passwords, photo requests and message text are not logged by
ShowDesk; secret query parameters are redacted from the paths logged (transport/access_log.py), and
exceptions are written as plain tracebacks, never with their local variables.
"""

from __future__ import annotations

import logging
import sys
from typing import Any, Literal

import orjson
import structlog

LogFormat = Literal["console", "json"]

# Libraries that say too much at INFO for a server's log (a migration check at every start, each request
# of the doctor's HTTP client): warnings and errors only.
_QUIET = ("alembic", "httpx", "httpcore", "websockets", "aiortc", "aioice", "asyncio")


# uvicorn's own lines for a WebSocket that opens and closes: transport/request_log.py writes them with the
# request id, the chat and the close code.
_SOCKET_LINES = frozenset({'%s - "WebSocket %s" [accepted]', "connection open", "connection closed"})


class _WithoutSocketLines(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        return record.msg not in _SOCKET_LINES


def _json(value: Any, **_: Any) -> str:
    return orjson.dumps(value, default=str).decode()


_LEADING: tuple[str, ...] = ("timestamp", "level", "logger", "event")


def _leading_fields(_logger: Any, _method: str, event: dict[str, Any]) -> dict[str, Any]:
    """timestamp, level, logger and event first in a JSON line, whatever was logged with them."""
    first: dict[str, Any] = {k: event.pop(k) for k in _LEADING if k in event}
    return {**first, **event}


def configure_logging(log_format: LogFormat, level: int = logging.INFO) -> None:
    """Route every logger through one structlog formatter on stderr (uvicorn's too: run it with
    `log_config=None` so it keeps this set-up)."""
    shared: list[Any] = [
        structlog.contextvars.merge_contextvars,
        structlog.stdlib.add_log_level,
        structlog.stdlib.add_logger_name,
        structlog.processors.TimeStamper(fmt="iso", utc=True),
    ]
    structlog.configure(
        processors=[structlog.stdlib.filter_by_level, *shared, structlog.stdlib.ProcessorFormatter.wrap_for_formatter],
        logger_factory=structlog.stdlib.LoggerFactory(),
        wrapper_class=structlog.stdlib.BoundLogger,
        cache_logger_on_first_use=True,
    )
    if log_format == "json":
        render: list[Any] = [
            structlog.processors.format_exc_info,
            _leading_fields,
            structlog.processors.JSONRenderer(_json),
        ]
    else:
        console = structlog.dev.ConsoleRenderer(
            colors=sys.stderr.isatty(), exception_formatter=structlog.dev.plain_traceback
        )
        render = [console]
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(
        structlog.stdlib.ProcessorFormatter(
            foreign_pre_chain=shared,
            processors=[structlog.stdlib.ProcessorFormatter.remove_processors_meta, *render],
        )
    )
    root = logging.getLogger()
    root.handlers = [handler]
    root.setLevel(level)
    for name in ("uvicorn", "uvicorn.error", "uvicorn.access", "uvicorn.asgi"):
        logger = logging.getLogger(name)
        logger.handlers = []
        logger.propagate = True
    uvicorn_lines = logging.getLogger("uvicorn.error")
    if not any(isinstance(f, _WithoutSocketLines) for f in uvicorn_lines.filters):
        uvicorn_lines.addFilter(_WithoutSocketLines())
    for name in _QUIET:
        logging.getLogger(name).setLevel(max(level, logging.WARNING))
