"""What a socket is not sent of its conversation's frames: its own messages, and the other side's signaling.

A socket learns its own messages from their acks, so the bus echo is not sent back: each chat
message crosses the wire once to every other reader and once (as the ack) to its sender. A client id
is kept only until its echo comes back (at most REMEMBERED of them, for echoes that never come), so
a socket's memory does not grow with the messages it sends. Video signaling frames carry `for`
(customer or agent) and reach only that side.
"""

from __future__ import annotations

from typing import Any

REMEMBERED = 512


class OwnMessages:
    def __init__(self, side: str) -> None:
        self._side = side  # "customer" or "agent": the `from` of this socket's own messages
        self._client_ids: dict[str, None] = {}  # insertion-ordered: the oldest goes first

    def sending(self, client_id: object) -> None:
        if isinstance(client_id, str):
            self._client_ids[client_id] = None
            if len(self._client_ids) > REMEMBERED:
                del self._client_ids[next(iter(self._client_ids))]

    def withheld(self, frame: dict[str, Any]) -> bool:
        if frame.get("for", self._side) != self._side:
            return True
        if frame.get("type") != "message" or frame.get("from") != self._side:
            return False
        client_id = frame.get("clientId")
        if isinstance(client_id, str) and client_id in self._client_ids:
            del self._client_ids[client_id]  # its one echo is here: nothing more to hold back
            return True
        return False
