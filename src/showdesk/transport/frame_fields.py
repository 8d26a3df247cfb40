"""How long each field of a socket frame may be, checked before anything reads it.

A frame as a whole is capped in bytes by the server (`--max-frame-bytes`); within it, ids, codes and
names have sizes of their own, so no field can carry a book into a lookup, a log line or the other side.
Nested objects (an ICE candidate, a quality sample) are checked by the code that reads them.
"""

from __future__ import annotations

from typing import Any

from showdesk.domain.conversation import MAX_CLIENT_ID_CHARS, MAX_MESSAGE_CHARS
from showdesk.domain.errors import InvalidInput
from showdesk.services.video_signals import MAX_SIGNAL_CHARS

ID_CHARS = 64  # conversation, session, photo request ids
CODE_CHARS = 40  # type, reason, state, how, cause, action, status, preference, signal
FIELD_CHARS: dict[str, int] = {
    "type": CODE_CHARS,
    "conversationId": ID_CHARS,
    "sessionId": ID_CHARS,
    "requestId": ID_CHARS,
    "monitorId": ID_CHARS,
    "clientId": MAX_CLIENT_ID_CHARS,
    "reason": CODE_CHARS,
    "state": CODE_CHARS,
    "how": CODE_CHARS,
    "cause": CODE_CHARS,
    "action": CODE_CHARS,
    "status": CODE_CHARS,
    "preference": CODE_CHARS,
    "signal": CODE_CHARS,
    "path": CODE_CHARS,
}
# Checked by the code that reads them, with refusals of their own (message_too_long, invalid_sdp, ...).
CHECKED_WHERE_READ = {"text": MAX_MESSAGE_CHARS, "displayName": 200, "sdp": MAX_SIGNAL_CHARS, "token": 8192}
OTHER_CHARS = 200  # any other text field a frame may carry


def check_fields(frame: dict[str, Any]) -> None:
    """Refuses a frame any of whose text fields is longer than its limit, naming the field."""
    for name, value in frame.items():
        if isinstance(value, str) and name not in CHECKED_WHERE_READ:
            limit = FIELD_CHARS.get(name, OTHER_CHARS)
            if len(value) > limit:
                raise InvalidInput(f"{name[:40]} is longer than {limit} characters", code="field_too_long")
