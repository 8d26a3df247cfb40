"""SQLite's message writes, in a process of their own: `python -m showdesk.adapters.storage.sqlite_messages DB`.

A server on SQLite stores every chat message here. Its event loop only hands over a batch and reads
the outcome back (message_writer.py), so SQLite's work and the Python around it run on another core
and never hold the server's GIL: with a writer thread, the two contended for it and the event loop
sat idle for a fifth of the time under load.

Protocol, one request at a time on stdin and stdout, each a 4-byte big-endian length and JSON:
request `[new message, ...]` (`NewMessage`'s fields, `created_at` as ISO 8601); reply
`{"ok": [outcome, ...]}` in the request's order, or `{"error": text}` when the batch was rolled back.
An outcome is `["new", id, seq]`, `["old", [column, ...]]` (a resend: the stored message's columns,
in `MESSAGE_COLUMNS` order), `["same", index]` (a resend of the batch's message at `index`) or
`["refused", kind, code, text]` (`kind`: not_found, conflict, forbidden). The process ends when
stdin closes. Its imports stay light (no SQLAlchemy): it starts when a server stores its first
message.

Each batch is one transaction with a fixed number of statements, however large it is:
`BEGIN IMMEDIATE` (the write lock before anything is read), one `SELECT` of the batch's
conversations, one of any messages already stored under the batch's (conversation, sender, client
id) keys (resends, looked up key by key in the unique index), then one `UPDATE ... FROM (VALUES ...)`
of the conversations' last sequence numbers and multi-row `INSERT`s, `COMMIT`.
"""

from __future__ import annotations

import signal
import sqlite3
import sys
from datetime import UTC, datetime
from typing import Any, BinaryIO

import orjson

from showdesk.domain.conversation import NewMessage, refuse_message
from showdesk.domain.errors import Forbidden, NotFound
from showdesk.domain.ids import new_id

PRAGMAS = (
    "PRAGMA journal_mode=WAL",
    "PRAGMA synchronous=NORMAL",
    "PRAGMA cache_size=-8192",  # 8 MiB a connection: the hot ends of the message indexes fit
    "PRAGMA foreign_keys=ON",
    "PRAGMA busy_timeout=5000",
)
MESSAGE_COLUMNS = (
    "conversation_id",
    "sender_key",
    "client_id",
    "id",
    "seq",
    "sender",
    "sender_id",
    "display_name",
    "text",
    "created_at",
    "attachment",
    "notice",
)
_INSERT_ROWS = 500  # 12 values a row, well under SQLite's 32,766 bound variables
_INSERT = (
    "INSERT INTO messages (id, conversation_id, seq, sender, sender_id, sender_key, display_name, text, "
    "client_id, created_at, attachment, notice) VALUES "
)
_STORED_TIME = "%Y-%m-%d %H:%M:%S.%f"  # the text SQLAlchemy's SQLite DateTime writes and reads (UTC, no zone)


def sender_key(sender: str, sender_id: str | None) -> str:
    """Whose client id this is: idempotency is per sender, so two senders never collide."""
    return f"{sender}:{sender_id}" if sender_id else sender


def connect(path: str) -> sqlite3.Connection:
    conn = sqlite3.connect(path, isolation_level=None)  # transactions are explicit
    for pragma in PRAGMAS:
        conn.execute(pragma)
    return conn


def _marks(count: int, width: int) -> str:
    row = f"({','.join('?' * width)})"
    return ",".join([row] * count)


def store_batch(conn: sqlite3.Connection, batch: list[NewMessage]) -> list[list[Any]]:
    """Store a batch of new messages in one transaction; the outcomes, in the batch's order."""
    conn.execute("BEGIN IMMEDIATE")
    try:
        outcomes = _store(conn, batch)
    except BaseException:
        conn.execute("ROLLBACK")
        raise
    conn.execute("COMMIT")
    return outcomes


def _store(conn: sqlite3.Connection, batch: list[NewMessage]) -> list[list[Any]]:
    ids = sorted({new.conversation_id for new in batch})
    conversations = {
        row[0]: [row[1], row[2], row[3]]  # state, agent, last sequence number
        for row in conn.execute(
            f"SELECT id, state, agent_id, last_seq FROM conversations WHERE id IN ({','.join('?' * len(ids))})",  # noqa: S608
            ids,
        )
    }
    keys = [(new.conversation_id, sender_key(new.sender, new.sender_id), new.client_id) for new in batch]
    stored = _stored(conn, sorted(set(keys)))
    outcomes: list[list[Any]] = []
    first: dict[tuple[str, str, str], int] = {}  # a key's first new message in this batch
    rows: list[_Row] = []
    for index, (new, key) in enumerate(zip(batch, keys, strict=True)):
        if key in stored:
            outcomes.append(["old", stored[key]])
            continue
        if key in first:  # sent twice in one batch: the second is a resend of the first
            outcomes.append(["same", first[key]])
            continue
        conv = conversations.get(new.conversation_id)
        refusal = refuse_message(new, conv[0] if conv else None, conv[1] if conv else None)
        if refusal is not None or conv is None:
            refusal = refusal or NotFound("conversation not found")
            kind = "not_found" if isinstance(refusal, NotFound) else "conflict"
            kind = "forbidden" if isinstance(refusal, Forbidden) else kind
            outcomes.append(["refused", kind, refusal.code, refusal.message])
            continue
        conv[2] += 1
        message_id = new_id("m")
        first[key] = index
        outcomes.append(["new", message_id, conv[2]])
        rows.append((new, key[1], message_id, conv[2]))
    if rows:
        _write(conn, conversations, rows)
    return outcomes


def _stored(conn: sqlite3.Connection, keys: list[tuple[str, str, str]]) -> dict[tuple[str, str, str], list[Any]]:
    keyed = f"WITH k(a, b, c) AS (VALUES {_marks(len(keys), 3)}) "
    columns = ", ".join(MESSAGE_COLUMNS)
    join = "JOIN k ON conversation_id = k.a AND sender_key = k.b AND client_id = k.c"
    sql = f"{keyed}SELECT {columns} FROM messages {join}"  # noqa: S608 - fixed column names
    found = conn.execute(sql, [value for key in keys for value in key]).fetchall()
    return {(row[0], row[1], row[2]): list(row) for row in found}


_Row = tuple[NewMessage, str, str, int]  # the message, its sender key, id and sequence number


def _write(conn: sqlite3.Connection, conversations: dict[str, list[Any]], rows: list[_Row]) -> None:
    moved = sorted({new.conversation_id for new, *_ in rows})
    values = _marks(len(moved), 2)
    conn.execute(
        f"UPDATE conversations SET last_seq = v.column2 FROM (VALUES {values}) AS v WHERE id = v.column1",  # noqa: S608
        [value for cid in moved for value in (cid, conversations[cid][2])],
    )
    for start in range(0, len(rows), _INSERT_ROWS):
        chunk = rows[start : start + _INSERT_ROWS]
        conn.execute(
            _INSERT + _marks(len(chunk), 12),
            [
                value
                for new, key, message_id, seq in chunk
                for value in (
                    message_id,
                    new.conversation_id,
                    seq,
                    new.sender,
                    new.sender_id,
                    key,
                    new.display_name,
                    new.text,
                    new.client_id,
                    new.created_at.astimezone(UTC).strftime(_STORED_TIME),
                    orjson.dumps(new.attachment).decode() if new.attachment is not None else None,
                    orjson.dumps(new.notice).decode() if new.notice is not None else None,
                )
            ],
        )


def encode_batch(batch: list[NewMessage]) -> bytes:
    """A request for `serve`: the messages' fields, dates in ISO 8601 (orjson writes dataclasses in C)."""
    return orjson.dumps(batch)


def decode_batch(request: bytes) -> list[NewMessage]:
    batch = []
    for fields in orjson.loads(request):
        fields["created_at"] = datetime.fromisoformat(fields["created_at"])
        batch.append(NewMessage(**fields))
    return batch


def _read(stream: BinaryIO) -> bytes | None:
    head = stream.read(4)
    if len(head) < 4:
        return None
    body = stream.read(int.from_bytes(head, "big"))
    return body


def serve(path: str, requests: BinaryIO, replies: BinaryIO) -> None:
    """Answer batches until `requests` closes."""
    conn = connect(path)
    try:
        while (request := _read(requests)) is not None:
            try:
                reply: dict[str, Any] = {"ok": store_batch(conn, decode_batch(request))}
            except Exception as exc:  # the batch was rolled back; the server retries its messages one by one
                reply = {"error": f"{type(exc).__name__}: {exc}"}
            body = orjson.dumps(reply)
            replies.write(len(body).to_bytes(4, "big") + body)
            replies.flush()
    finally:
        conn.close()


if __name__ == "__main__":
    # Its life is the server's: it stops when stdin closes (the server closed it or is gone), never on
    # a Ctrl-C or a SIGTERM to the whole process group, which would cut short the server's last batches.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, signal.SIG_IGN)
    serve(sys.argv[1], sys.stdin.buffer, sys.stdout.buffer)
