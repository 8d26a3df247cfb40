"""Checks on what callers send, shared by the configuration services: each refusal names the field."""

from __future__ import annotations

from typing import Any

from showdesk.domain.errors import InvalidInput


def names(value: Any, what: str, limit: int = 1000) -> list[str]:
    """A list of non-empty names, trimmed, duplicates dropped in order."""
    if value is None:
        return []
    if not isinstance(value, list) or not all(isinstance(v, str) and v.strip() for v in value):
        raise InvalidInput(f"{what} must be a list of names", code="invalid_input")
    if len(value) > limit:
        raise InvalidInput(f"{what} may hold at most {limit} names", code="invalid_input")
    return list(dict.fromkeys(v.strip() for v in value))


def name(value: Any, what: str, longest: int = 200) -> str:
    if not isinstance(value, str) or not value.strip() or len(value.strip()) > longest:
        raise InvalidInput(f"{what} must be 1..{longest} characters", code="invalid_name")
    return value.strip()


def flag(value: Any, what: str) -> bool:
    if not isinstance(value, bool):
        raise InvalidInput(f"{what} must be true or false", code="invalid_input")
    return value


def known(given: list[str], existing: set[str], what: str, code: str) -> list[str]:
    """`given` when every name exists; otherwise a refusal naming the unknown ones."""
    if unknown := sorted(set(given) - existing):
        raise InvalidInput(f"unknown {what}: {', '.join(unknown)}", code=code)
    return given
