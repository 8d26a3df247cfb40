"""The customer's device as their browser's User-Agent header tells it: phone, tablet or computer, the
browser and the system. Only the header's first `MAX_USER_AGENT_CHARS` characters are read, with plain
substring tests (no regular expressions), so any header is read in bounded time."""

from __future__ import annotations

MAX_USER_AGENT_CHARS = 512

# The first that the header holds names the browser (order matters: Edge and Opera also say Chrome and
# Safari; Chrome also says Safari).
_BROWSERS = (
    ("Edg", "Edge"),
    ("OPR/", "Opera"),
    ("SamsungBrowser/", "Samsung Internet"),
    ("Firefox/", "Firefox"),
    ("FxiOS/", "Firefox"),
    ("CriOS/", "Chrome"),
    ("Chromium/", "Chromium"),
    ("Chrome/", "Chrome"),
    ("Safari/", "Safari"),
)
_SYSTEMS = (
    ("iPhone", "iOS"),
    ("iPad", "iPadOS"),
    ("Android", "Android"),
    ("CrOS", "ChromeOS"),
    ("Windows", "Windows"),
    ("Mac OS X", "macOS"),
    ("Macintosh", "macOS"),
    ("Linux", "Linux"),
)


def device_of(user_agent: str | None) -> dict[str, str]:
    """{"kind": phone | tablet | computer, "browser": ..., "system": ...}; what cannot be told is "unknown"
    (and the kind "computer")."""
    header = (user_agent or "")[:MAX_USER_AGENT_CHARS]
    return {"kind": _kind(header), "browser": _first(_BROWSERS, header), "system": _first(_SYSTEMS, header)}


def _kind(header: str) -> str:
    if "iPad" in header or "Tablet" in header or ("Android" in header and "Mobile" not in header):
        return "tablet"
    if "Mobi" in header or "iPhone" in header or "iPod" in header:
        return "phone"
    return "computer"


def _first(known: tuple[tuple[str, str], ...], header: str) -> str:
    return next((name for mark, name in known if mark in header), "unknown")
