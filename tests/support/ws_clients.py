"""Thin protocol clients for tests: a guest and an agent, each waiting for frames by type."""

from __future__ import annotations

import asyncio
import json
import uuid
from ssl import SSLContext
from typing import Any

import websockets


class Client:
    def __init__(self, ws: Any) -> None:
        self.ws = ws
        self.seen: list[dict[str, Any]] = []
        self._pending: list[dict[str, Any]] = []

    async def send(self, **frame: Any) -> None:
        await self.ws.send(json.dumps(frame))

    async def expect(self, kind: str, timeout: float = 5.0, **match: Any) -> dict[str, Any]:
        """The next frame of this type (and matching fields); earlier frames of other types are kept."""
        for i, frame in enumerate(self._pending):
            if frame["type"] == kind and all(frame.get(k) == v for k, v in match.items()):
                return self._pending.pop(i)
        deadline = asyncio.get_running_loop().time() + timeout
        while True:
            left = deadline - asyncio.get_running_loop().time()
            if left <= 0:
                raise AssertionError(
                    f"no {kind} {match or ''} within {timeout} s; saw {[f['type'] for f in self.seen]}"
                )
            try:
                frame = json.loads(await asyncio.wait_for(self.ws.recv(), left))
            except TimeoutError:
                continue
            self.seen.append(frame)
            if frame["type"] == kind and all(frame.get(k) == v for k, v in match.items()):
                return frame
            self._pending.append(frame)

    async def expect_one_of(self, *kinds: str, timeout: float = 5.0) -> dict[str, Any]:
        """The next frame of any of these types (earlier frames of other types are kept)."""
        for i, frame in enumerate(self._pending):
            if frame["type"] in kinds:
                return self._pending.pop(i)
        deadline = asyncio.get_running_loop().time() + timeout
        while True:
            left = deadline - asyncio.get_running_loop().time()
            if left <= 0:
                raise AssertionError(f"none of {kinds} within {timeout} s; saw {[f['type'] for f in self.seen]}")
            try:
                frame = json.loads(await asyncio.wait_for(self.ws.recv(), left))
            except TimeoutError:
                continue
            self.seen.append(frame)
            if frame["type"] in kinds:
                return frame
            self._pending.append(frame)

    async def close(self) -> None:
        await self.ws.close()


class Guest(Client):
    @classmethod
    async def connect(
        cls,
        ws_base: str,
        origin: str,
        deployment: str = "demo-webchat",
        from_address: str | None = None,
        ssl: SSLContext | None = None,
    ) -> Guest:
        """`from_address`: another loopback address (e.g. 127.0.0.2) to come from, as another customer would;
        `ssl`: what to trust on a wss:// base."""
        url = f"{ws_base}/ws/v1/guest?organizationId=demo&deploymentId={deployment}"
        more: dict[str, Any] = {"local_addr": (from_address, 0)} if from_address else {}
        if ssl is not None:
            more["ssl"] = ssl
        return cls(await websockets.connect(url, origin=origin, **more))  # type: ignore[arg-type]

    async def start(self, name: str = "Ann") -> dict[str, Any]:
        await self.send(type="start", displayName=name)
        return await self.expect("started")

    async def say(self, text: str, client_id: str | None = None) -> dict[str, Any]:
        cid = client_id or uuid.uuid4().hex
        await self.send(type="message", clientId=cid, text=text)
        return await self.expect("ack", clientId=cid)


class Agent(Client):
    @classmethod
    async def connect(cls, ws_base: str, token: str, ssl: SSLContext | None = None) -> Agent:
        more: dict[str, Any] = {"ssl": ssl} if ssl is not None else {}
        agent = cls(await websockets.connect(f"{ws_base}/ws/v1/agent", **more))
        await agent.send(type="auth", token=token)
        agent.ready = await agent.expect("ready")
        return agent

    async def on_queue(self) -> None:
        await self.send(type="presence", status="on_queue")
        await self.expect("presence", status="on_queue")

    async def take_next(self, timeout: float = 5.0) -> str:
        offer = await self.expect("offer", timeout=timeout)
        await self.send(type="accept", conversationId=offer["conversationId"])
        await self.expect("interaction", conversationId=offer["conversationId"])
        return str(offer["conversationId"])

    async def say(self, conversation_id: str, text: str, client_id: str | None = None) -> dict[str, Any]:
        cid = client_id or uuid.uuid4().hex
        await self.send(type="message", conversationId=conversation_id, clientId=cid, text=text)
        return await self.expect("ack", clientId=cid)
