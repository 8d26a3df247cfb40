"""Identifiers: short prefixed strings, so a log line says what an id names.

After the prefix: the creation time in milliseconds (12 hex digits), then 8 random hex digits. Ids
made later sort later, so a table's primary-key index grows at its end instead of being written
all over (what keeps a busy message table cheap to insert into), and two ids made in the same
millisecond still differ.
"""

from __future__ import annotations

import secrets
import time


def new_id(prefix: str) -> str:
    return f"{prefix}_{time.time_ns() // 1_000_000:012x}{secrets.token_hex(4)}"
