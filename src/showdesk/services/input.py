"""Checks on what callers send, shared by the configuration services: each refusal names the field.

Types, sizes and ranges are the REST bodies' (pydantic) and the command line's to check; these are the
rules that hold whoever calls: names are trimmed and not blank, lists hold each name once."""

from __future__ import annotations

from collections.abc import Iterable

from showdesk.domain.errors import InvalidInput


def names(value: Iterable[str] | None, what: str) -> list[str]:
    """A list of non-empty names, trimmed, duplicates dropped in order."""
    if value is None:
        return []
    given = list(value)
    if not all(v.strip() for v in given):
        raise InvalidInput(f"{what} must be a list of names", code="invalid_input")
    return list(dict.fromkeys(v.strip() for v in given))


def name(value: str | None, what: str, longest: int = 200) -> str:
    if value is None or not value.strip() or len(value.strip()) > longest:
        raise InvalidInput(f"{what} must be 1..{longest} characters", code="invalid_name")
    return value.strip()


def known(given: list[str], existing: set[str], what: str, code: str) -> list[str]:
    """`given` when every name exists; otherwise a refusal naming the unknown ones."""
    if unknown := sorted(set(given) - existing):
        raise InvalidInput(f"unknown {what}: {', '.join(unknown)}", code=code)
    return given
