"""The audit store's contract (`ports.AuditStore`), the same in memory, on SQLite and on PostgreSQL: an
organization's entries newest first (ids sort by time), of one kind of target, paged back with `before_id`."""

from __future__ import annotations

from showdesk.domain.audit import AuditEntry
from showdesk.services.ports import Store
from tests.support.records import MINUTE, T0, organization


def entry(n: int, target_type: str = "user", org_id: str = "org-a") -> AuditEntry:
    return AuditEntry(
        id=f"a_{n:04d}",
        organization_id=org_id,
        at=T0 + n * MINUTE,
        actor_id="u1",
        actor_name="Ada",
        action=f"{target_type}.update",
        target_type=target_type,
        target_id=f"{target_type}-{n}",
        target_name=f"Target {n}",
        before={"name": "old", "roles": ["a"]} if n % 2 else None,
        after={"name": f"new {n}", "secret": "set"},
    )


async def test_entries_read_back_newest_first_of_their_organization(store: Store) -> None:
    await organization(store)
    await organization(store, "org-b")
    entries = [entry(n) for n in (3, 1, 2)]
    for found in entries:
        await store.append_audit(found)
    await store.append_audit(entry(4, org_id="org-b"))

    assert await store.list_audit("org-a") == sorted(entries, key=lambda e: e.id, reverse=True)
    assert [e.id for e in await store.list_audit("org-b")] == ["a_0004"]
    assert await store.list_audit("org-c") == []


async def test_entries_of_one_kind_paged_back_in_time(store: Store) -> None:
    await organization(store)
    for n in range(1, 11):
        await store.append_audit(entry(n, "flow" if n % 3 else "role"))

    async def ids(**where: object) -> list[str]:
        return [e.id for e in await store.list_audit("org-a", **where)]  # type: ignore[arg-type]

    assert await ids(target_type="role") == ["a_0009", "a_0006", "a_0003"]
    assert await ids(limit=3) == ["a_0010", "a_0009", "a_0008"]
    assert await ids(before_id="a_0008", limit=3) == ["a_0007", "a_0006", "a_0005"]
    assert await ids(target_type="flow", before_id="a_0005", limit=10) == ["a_0004", "a_0002", "a_0001"]
    assert await ids(before_id="a_0001") == []
    assert await ids(target_type="user") == []
