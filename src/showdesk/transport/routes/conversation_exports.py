"""Exports: the conversations a search finds, and one conversation's whole record, as JSON or CSV files.

A list is read from the store a page at a time while the answer is written (services/exports.py), up to
`--export-max-conversations`; one conversation's transcript is written a slice at a time. Who may export
what is who may search or read it. CSV cells that a spreadsheet would run as a formula get a quote first
(transport/export_files.py). This router comes before routes/conversations.py's: `/conversations/export`
is not a conversation's id.
"""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from datetime import UTC, datetime
from typing import Any, Literal

from fastapi import APIRouter, Query
from fastapi.responses import StreamingResponse
from pydantic import Field

from showdesk.domain.timestamps import wire_time
from showdesk.services.exports import ConversationExport, ExportedConversation
from showdesk.transport.deps import PrincipalDep, ServicesDep
from showdesk.transport.export_files import MEDIA_TYPES, attachment, csv_rows
from showdesk.transport.routes.conversations import FiltersDep, conversation_view
from showdesk.transport.views import ConversationSummaryView, ConversationView, MessageView, Timestamp, View

router = APIRouter(prefix="/conversations", tags=["conversations"])

Format = Literal["json", "csv"]
FORMAT_QUERY = Query(default="json", alias="format", description="json (the default) or csv")
MESSAGES_AT_ONCE = 500  # transcript rows written to the answer at a time


class ConversationExportLineView(ConversationSummaryView):
    """One conversation of a list's export (a CSV row: these fields, in this order)."""

    queueName: str | None = Field(description="its queue's name now (null: no queue, or one deleted since)")
    agentName: str | None = Field(description="its agent's name now")

    @classmethod
    def named(cls, found: ExportedConversation) -> ConversationExportLineView:
        summary = ConversationSummaryView.of(found.summary)
        return cls(**dict(summary), queueName=found.queue_name, agentName=found.agent_name)


class ConversationExportView(View):
    exportedAt: Timestamp
    limit: int = Field(description="the most conversations one export holds (--export-max-conversations)")
    entities: list[ConversationExportLineView] = Field(description="newest first")
    complete: bool = Field(description="false: the limit cut the list short; narrow the filters for the rest")


class ConversationRecordView(View):
    exportedAt: Timestamp
    conversation: ConversationView
    messages: list[MessageView] = Field(description="the transcript, in order")


LINE_COLUMNS = [field.alias or name for name, field in ConversationExportLineView.model_fields.items()]
TRANSCRIPT_COLUMNS = [
    "seq", "at", "from", "displayName", "text", "notice", "photoId", "photoKind", "annotates", "photoUrl", "id",
]  # fmt: skip


def _csv_answer(description: str) -> dict[int | str, dict[str, Any]]:
    return {200: {"description": description, "content": {"text/csv": {"schema": {"type": "string"}}}}}


@router.get(
    "/export",
    summary="Export every conversation a search finds (newest first, up to a limit) as JSON or CSV",
    response_model=ConversationExportView,
    responses=_csv_answer(f"JSON: this shape; CSV: a header row ({', '.join(LINE_COLUMNS)}), then one row each"),
)
async def export_conversations(
    who: PrincipalDep, sd: ServicesDep, filters: FiltersDep, fmt: Format = FORMAT_QUERY
) -> StreamingResponse:
    export = await sd.exports.conversations(who, filters)
    at = datetime.now(UTC)
    body = _list_csv(export) if fmt == "csv" else _list_json(export, at)
    name = f"showdesk-conversations-{at.strftime('%Y%m%d-%H%M%S')}"
    return StreamingResponse(body, media_type=MEDIA_TYPES[fmt], headers=attachment(name, fmt))


@router.get(
    "/{conversation_id}/export",
    summary="Export a conversation: JSON, its record and transcript; CSV, its transcript",
    response_model=ConversationRecordView,
    responses=_csv_answer(f"CSV: a header row ({', '.join(TRANSCRIPT_COLUMNS)}), then one row a message"),
)
async def export_conversation(
    conversation_id: str, who: PrincipalDep, sd: ServicesDep, fmt: Format = FORMAT_QUERY
) -> StreamingResponse:
    conversation = await conversation_view(sd, who, conversation_id)
    messages = [MessageView.of(m) for m in await sd.chat.transcript(who, conversation.id)]
    at = datetime.now(UTC)
    body = _transcript_csv(messages) if fmt == "csv" else _record_json(conversation, messages, at)
    name = f"showdesk-conversation-{conversation.id}"
    return StreamingResponse(body, media_type=MEDIA_TYPES[fmt], headers=attachment(name, fmt))


async def _list_csv(export: ConversationExport) -> AsyncIterator[str]:
    yield csv_rows([LINE_COLUMNS])
    async for page in export.pages():
        yield csv_rows(_line_cells(ConversationExportLineView.named(found)) for found in page)


async def _list_json(export: ConversationExport, at: datetime) -> AsyncIterator[str]:
    yield f'{{"exportedAt":"{wire_time(at)}","limit":{export.limit},"entities":['
    first = True
    async for page in export.pages():
        lines = ",".join(ConversationExportLineView.named(found).model_dump_json() for found in page)
        yield lines if first else "," + lines
        first = False
    yield f'],"complete":{json.dumps(export.complete)}}}'


def _line_cells(line: ConversationExportLineView) -> list[object]:
    values = line.model_dump(mode="json")
    return [_cell(values.get(column)) for column in LINE_COLUMNS]


def _cell(value: object) -> object:
    """Nested values (a list, an object) as their JSON text in one cell."""
    return json.dumps(value, separators=(",", ":")) if isinstance(value, dict | list) else value


async def _transcript_csv(messages: list[MessageView]) -> AsyncIterator[str]:
    yield csv_rows([TRANSCRIPT_COLUMNS])
    for start in range(0, len(messages), MESSAGES_AT_ONCE):
        yield csv_rows(_message_cells(m) for m in messages[start : start + MESSAGES_AT_ONCE])


def _message_cells(message: MessageView) -> list[object]:
    photo, notice = message.photo, message.notice
    return [
        message.seq,
        wire_time(message.at),
        message.from_,
        message.displayName,
        message.text,
        notice.code if notice else None,
        photo.id if photo else None,
        photo.kind if photo else None,
        photo.annotates if photo else None,
        photo.url if photo else None,
        message.id,
    ]


async def _record_json(conversation: ConversationView, messages: list[MessageView], at: datetime) -> AsyncIterator[str]:
    yield f'{{"exportedAt":"{wire_time(at)}","conversation":{conversation.model_dump_json()},"messages":['
    for start in range(0, len(messages), MESSAGES_AT_ONCE):
        chunk = ",".join(m.model_dump_json() for m in messages[start : start + MESSAGES_AT_ONCE])
        yield chunk if start == 0 else "," + chunk
    yield "]}"
