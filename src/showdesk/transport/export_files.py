"""Export files as they are sent: CSV cells a spreadsheet never runs as a formula, rows quoted as RFC 4180
says, and the headers that save an answer as a file."""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterable, Sequence

FORMATS = ("json", "csv")
MEDIA_TYPES = {"json": "application/json", "csv": "text/csv; charset=utf-8; header=present"}
# A cell starting with one of these is read as a formula (or a command) by spreadsheets: it gets a quote first.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
_UNSAFE_NAME = re.compile(r"[^A-Za-z0-9_.-]")


def safe_cell(value: object) -> str:
    """A value as a CSV cell: empty for none, true/false, and text that could start a formula quoted."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    text = str(value)
    return "'" + text if text.startswith(FORMULA_STARTS) else text


def csv_rows(rows: Iterable[Sequence[object]]) -> str:
    """Rows as CSV text (CRLF line ends; cells with a comma, quote or line break quoted), every cell safe."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerows([safe_cell(value) for value in row] for row in rows)
    return out.getvalue()


def attachment(name: str, fmt: str) -> dict[str, str]:
    """The headers that save the answer as `name`.`fmt` (the name kept to letters, digits and `_.-`), kept by
    no cache on the way (a transcript is the customer's)."""
    return {
        "content-disposition": f'attachment; filename="{_UNSAFE_NAME.sub("_", name)}.{fmt}"',
        "cache-control": "no-store",
    }
