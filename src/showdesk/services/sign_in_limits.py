"""Failed sign-ins, counted and slowed: per account and address, and per address across accounts.

Only failures count, so a person who signs in often is never slowed. A throttled attempt is refused
before its password is checked (a flood costs no hashing), and the first of a run is written to the
organization's audit log. The account itself is never locked: its owner still signs in from another
address. The counts live in the shared limiter (Redis with several nodes), so every node sees them.
"""

from __future__ import annotations

import logging
import math
from dataclasses import dataclass

from showdesk.domain.api_clients import ApiClient
from showdesk.domain.directory import User
from showdesk.domain.rate_limit import RateLimited, Rule
from showdesk.services.audit import AuditTrail
from showdesk.services.ports import Limiter

log = logging.getLogger(__name__)

MAX_LOGIN_KEY = 320  # an email's longest; a longer "client id" is cut, it names nothing anyway


@dataclass(frozen=True)
class SignInRules:
    per_account: Rule  # failures one address may make on one account
    per_address: Rule  # failures one address may make on all accounts together

    @classmethod
    def of(cls, per_account: int, per_address: int, window: float) -> SignInRules:
        return cls(
            Rule("login_failures_account", per_account, window), Rule("login_failures_address", per_address, window)
        )


@dataclass(frozen=True)
class SignInAccount:
    """The account an attempt names, as the audit log shows it."""

    kind: str  # "user" or "api_client"
    organization_id: str
    id: str
    name: str

    @classmethod
    def of(cls, found: User | ApiClient | None) -> SignInAccount | None:
        if isinstance(found, User):
            return cls("user", found.organization_id, found.id, found.email)
        if isinstance(found, ApiClient):
            return cls("api_client", found.organization_id, found.id, found.name)
        return None


@dataclass
class ThrottledSignIn:
    """The entity of a `<kind>.sign_in_throttled` audit entry: whose account, from where, by which rule."""

    id: str
    name: str
    address: str
    rule: str
    retry_after_seconds: int


class SignInLimits:
    def __init__(self, limiter: Limiter, audit: AuditTrail, rules: SignInRules) -> None:
        self._limiter = limiter
        self._audit = audit
        self._rules = rules

    async def check(self, kind: str, login: str, address: str, found: User | ApiClient | None) -> None:
        """Refuse (RateLimited) while `address` has failed too often on this account, or on all of them.
        `login` is what was typed (an email, a client id); `found` the account it names, if any."""
        for rule, key in self._keys(kind, login, address):
            wait = await self._limiter.peek(rule, key)
            if wait > 0:
                await self._record(rule, address, SignInAccount.of(found), wait)
                whose = "this account" if rule is self._rules.per_account else "accounts"
                raise RateLimited(
                    f"too many failed sign-ins to {whose} from your address; try again in {math.ceil(wait)} s",
                    wait,
                )

    async def failed(self, kind: str, login: str, address: str) -> None:
        """Count one failed attempt against both rules."""
        for rule, key in self._keys(kind, login, address):
            await self._limiter.hit(rule, key)

    def _keys(self, kind: str, login: str, address: str) -> list[tuple[Rule, str]]:
        name = login.strip().lower()[:MAX_LOGIN_KEY]
        return [(self._rules.per_account, f"{kind}:{name}|{address}"), (self._rules.per_address, address)]

    async def _record(self, rule: Rule, address: str, account: SignInAccount | None, wait: float) -> None:
        """The first throttled attempt of a run goes to the account's organization's audit log; the rest of
        the run (until the rule's window has passed) would only fill it."""
        if account is None:  # no such account: no organization to tell
            log.warning("sign-ins from %s throttled by %s (unknown account)", address, rule.name)
            return
        per = f"{account.kind}:{account.id}|" if rule is self._rules.per_account else ""
        first_of_run = Rule(f"{rule.name}_audited", 1, rule.period)
        if await self._limiter.hit(first_of_run, f"{account.organization_id}|{per}{address}") > 0:
            return
        log.warning("sign-ins to %s %s from %s throttled by %s", account.kind, account.id, address, rule.name)
        entity = ThrottledSignIn(account.id, account.name, address, rule.name, math.ceil(wait))
        actor = ("", f"sign-in from {address}")
        await self._audit.record_by(account.organization_id, actor, f"{account.kind}.sign_in_throttled", None, entity)
