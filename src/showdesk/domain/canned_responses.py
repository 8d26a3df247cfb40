"""Canned responses: replies an agent inserts with `/` instead of typing them again. An organization's
(managed in the console, owner None) or one agent's own; their sizes, the search over them, and the two
placeholders filled in when one is inserted."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

from showdesk.domain.errors import InvalidInput

MAX_TITLE_CHARS = 100  # a response's title (what the agent types after `/` to find it)
MAX_TEXT_CHARS = 2000  # its text; filled in, it is still under a message's 4,000
MAX_ORGANIZATION_RESPONSES = 500  # organization-wide responses an organization keeps
MAX_PERSONAL_RESPONSES = 100  # personal responses one agent keeps
MAX_QUERY_CHARS = 100  # a search (`q`) over them

# The placeholders a response may hold; any other `{...}` stays as typed.
CUSTOMER_NAME = "{customer.name}"
AGENT_NAME = "{agent.name}"
_PLACEHOLDER = re.compile(r"\{(customer\.name|agent\.name)\}")


class Scope(StrEnum):
    ORGANIZATION = "organization"  # every agent of the organization reads it
    PERSONAL = "personal"  # only its owner reads it


@dataclass
class CannedResponse:
    id: str
    organization_id: str
    owner_user_id: str | None  # None: organization-wide
    title: str
    text: str
    created_at: datetime
    updated_at: datetime

    @property
    def scope(self) -> Scope:
        return Scope.ORGANIZATION if self.owner_user_id is None else Scope.PERSONAL

    @property
    def name(self) -> str:
        """The title, under the name the audit log gives its targets."""
        return self.title


def checked_title(value: str) -> str:
    """A title trimmed, 1..MAX_TITLE_CHARS characters on one line, no control characters."""
    title = value.strip()
    if not title or len(title) > MAX_TITLE_CHARS or any(ord(c) < 32 or ord(c) == 127 for c in title):
        raise InvalidInput(f"title must be one line of 1..{MAX_TITLE_CHARS} characters", code="invalid_title")
    return title


def checked_text(value: str) -> str:
    """A text without leading or trailing blanks, 1..MAX_TEXT_CHARS characters, no NUL (no database keeps one)."""
    text = value.strip()
    if not text or len(text) > MAX_TEXT_CHARS or "\x00" in text:
        raise InvalidInput(f"text must be 1..{MAX_TEXT_CHARS} characters", code="invalid_text")
    return text


def matches(response: CannedResponse, query: str) -> bool:
    """Whether a search finds the response: every word of `query` is in its title or text (any case)."""
    haystack = f"{response.title}\n{response.text}".casefold()
    return all(word in haystack for word in query.casefold().split())


def fill(text: str, customer_name: str, agent_name: str) -> str:
    """`text` with {customer.name} and {agent.name} replaced; unknown placeholders are left as typed, and
    a name holding a placeholder is not filled again (one pass)."""
    names = {"customer.name": customer_name, "agent.name": agent_name}
    return _PLACEHOLDER.sub(lambda found: names[found.group(1)], text)
