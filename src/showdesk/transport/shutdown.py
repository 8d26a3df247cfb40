"""Stopping a node gracefully, within `--shutdown-timeout`.

On SIGTERM or SIGINT uvicorn stops accepting connections, closes every WebSocket at once with 1012
("service restart": clients reconnect at once, to another node where they know one), lets the requests
in flight finish, then runs the application's shutdown (`transport/app.py`'s lifespan: message writes
still queued are committed, the routing lease is released so another node routes at once, the bus and
the database are closed). The time for all of it is one budget: connections get most of it, the close
what is left (at least a moment). A second SIGINT stops at once.

uvicorn ends by raising the signal it caught again, so a process stopped by SIGTERM would report
"killed by signal" after stopping cleanly; here it exits 0, as systemd and container runtimes expect of
a service that stopped when asked.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import signal
import socket
import threading
from collections.abc import Iterator

import uvicorn

log = logging.getLogger(__name__)

STOP_SIGNALS = (signal.SIGTERM, signal.SIGINT)
_CLOSE_RESERVE = 0.25  # share of the budget kept for the application's own close
_LEAST_FOR_CLOSE = 0.5  # seconds the close always gets, even when connections took the rest


class ShutdownBudget:
    """The time left to stop, shared by the server (connections) and the application (its close)."""

    def __init__(self, timeout: float) -> None:
        self.timeout = timeout
        self._deadline: float | None = None

    @property
    def for_connections(self) -> float:
        return self.timeout * (1 - _CLOSE_RESERVE)

    @property
    def stopping(self) -> bool:
        return self._deadline is not None

    def begin(self) -> None:
        if self._deadline is None:
            self._deadline = asyncio.get_running_loop().time() + self.timeout

    def left(self) -> float:
        """Seconds the application may still take to close (the whole budget if no stop began)."""
        if self._deadline is None:
            return self.timeout
        return max(self._deadline - asyncio.get_running_loop().time(), _LEAST_FOR_CLOSE)


class GracefulServer(uvicorn.Server):
    def __init__(self, config: uvicorn.Config, budget: ShutdownBudget) -> None:
        config.timeout_graceful_shutdown = budget.for_connections  # type: ignore[assignment]  # a float works
        super().__init__(config)
        self.budget = budget

    @contextlib.contextmanager
    def capture_signals(self) -> Iterator[None]:
        """uvicorn's handlers for the stop signals, without raising the signal again afterwards."""
        if threading.current_thread() is not threading.main_thread():
            yield
            return
        previous = {sig: signal.signal(sig, self.handle_exit) for sig in STOP_SIGNALS}
        try:
            yield
        finally:
            for sig, handler in previous.items():
                signal.signal(sig, handler)

    async def shutdown(self, sockets: list[socket.socket] | None = None) -> None:
        self.budget.begin()
        log.info(
            "stopping: sockets told to reconnect (1012), requests and writes in flight finish, %.0f s at most",
            self.budget.timeout,
        )
        await super().shutdown(sockets)
