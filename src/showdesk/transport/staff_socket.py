"""What every staff socket (the agent desktop's, a supervisor's watch) keeps checking: a disabled account, a
lost permission or a signed-out token closes it at once, and it lasts no longer than its token."""

from __future__ import annotations

from typing import Any

from showdesk.domain.errors import ShowDeskError, Unauthenticated
from showdesk.services.access import Principal
from showdesk.services.container import Services
from showdesk.transport.ws_connection import CLOSE_FORBIDDEN, CLOSE_UNAUTHENTICATED, Connection


class StaffSocket:
    def __init__(self, sd: Services, conn: Connection, principal: Principal, token: str) -> None:
        self.sd = sd
        self.conn = conn
        self.principal = principal
        self.token = token  # checked again when the directory changes or a token is signed out

    async def recheck(self, current: Principal) -> Principal:
        """The permission this socket needs, asked again of the principal as it is now (Forbidden if gone)."""
        raise NotImplementedError

    async def still_allowed(self, frame: dict[str, Any]) -> None:
        """An access event (directory changed, signed out): close the socket when it no longer may stay."""
        if frame.get("userId") not in (None, self.principal.user.id):
            return
        try:
            if frame.get("type") == "signedOut" and frame.get("jti") != self.principal.claims.jti:
                return
            current = await self.sd.access.authenticate(self.token)
            self.principal = await self.recheck(current)
        except ShowDeskError as exc:
            self.conn.send_error(exc, ref="auth")
            code = CLOSE_UNAUTHENTICATED if isinstance(exc, Unauthenticated) else CLOSE_FORBIDDEN
            await self.conn.close(code, exc.code)

    async def close_when_token_expires(self) -> None:
        """A live socket lasts no longer than its token: then an error frame in words, and 4401."""
        left = (self.principal.claims.expires_at - self.sd.clock.now()).total_seconds()
        await self.sd.clock.sleep(max(left, 0.0))
        expired = Unauthenticated("your sign-in has expired; sign in again to go on", code="token_expired")
        self.conn.send_error(expired, ref="auth")
        await self.conn.close(CLOSE_UNAUTHENTICATED, expired.code)
