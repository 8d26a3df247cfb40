"""axe-core (tests/e2e/axe, installed by scripts/install) run in a page, open shadow roots included."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from playwright.sync_api import Page

AXE = Path(__file__).resolve().parent / "axe" / "node_modules" / "axe-core" / "axe.min.js"
BLOCKING = ("serious", "critical")


def violations(page: Page, impacts: tuple[str, ...] = BLOCKING) -> list[dict[str, Any]]:
    """What axe finds on the page as it is now, at the given impacts: rule, impact, help and the elements."""
    if not AXE.exists():
        raise AssertionError(f"axe-core is missing at {AXE}: run scripts/install")
    if not page.evaluate("() => typeof window.axe === 'object'"):
        page.evaluate(AXE.read_text(encoding="utf-8") + "\n;undefined")  # no CSP applies to the test's own script
    found: list[dict[str, Any]] = page.evaluate(
        """async (impacts) => {
          // Colours half-way through an opening transition are not what anyone reads: let them finish.
          const roots = [document, ...[...document.querySelectorAll('*')].map((e) => e.shadowRoot).filter(Boolean)];
          const running = () => roots.flatMap((r) => r.getAnimations()).filter((a) => a.playState === 'running');
          const settled = Promise.all(running().map((a) => a.finished.catch(() => null)));
          await Promise.race([settled, new Promise((r) => setTimeout(r, 2000))]);
          const result = await window.axe.run(document, { resultTypes: ['violations'] });
          return result.violations
            .filter((v) => impacts.includes(v.impact))
            .map((v) => ({ rule: v.id, impact: v.impact, help: v.help,
                           elements: v.nodes.map((n) => n.target.join(' >>> ') + ': ' + n.failureSummary) }));
        }""",
        list(impacts),
    )
    return found


def describe(found: list[dict[str, Any]]) -> str:
    return "\n".join(f"- {v['rule']} ({v['impact']}): {v['help']}\n    " + "\n    ".join(v["elements"]) for v in found)
