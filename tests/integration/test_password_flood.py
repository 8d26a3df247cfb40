"""Password hashing never holds up a node: during a flood of wrong passwords (argon2 costs ~0.1 s of CPU
each), a customer's socket still answers its pings at once."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator

import httpx
import pytest

from tests.support.server import ServerProcess
from tests.support.waiting import eventually
from tests.support.ws_clients import Guest

FLOODERS = 50  # wrong logins in flight at every moment
PINGS = 150


@pytest.fixture(scope="module")
def server() -> Iterator[ServerProcess]:
    # The flood comes from one address: its failures are not counted here, so every attempt is hashed.
    proc = ServerProcess("--login-failures-per-account", "0", "--login-failures-per-address", "0").start()
    yield proc
    proc.cleanup()


async def test_a_guest_s_ping_stays_quick_during_a_flood_of_wrong_passwords(server: ServerProcess) -> None:
    guest = await Guest.connect(server.ws_base, server.base)
    await guest.start("Pia")
    refused: list[int] = []
    stop = asyncio.Event()

    async def flood(http: httpx.AsyncClient) -> None:
        while not stop.is_set():
            answer = await http.post("/api/v2/auth/login", json={"email": "agent@demo.local", "password": "guess"})
            refused.append(answer.status_code)

    loop = asyncio.get_running_loop()
    limits = httpx.Limits(max_connections=FLOODERS)
    async with httpx.AsyncClient(base_url=server.base, timeout=120, limits=limits) as http:
        flooders = [asyncio.create_task(flood(http)) for _ in range(FLOODERS)]
        try:
            await eventually(lambda: refused, timeout=60, what="the flood reaching the hashing")
            times = []
            while len(times) < PINGS or len(refused) < FLOODERS:  # pinging all through 50 wrong passwords at least
                sent = loop.time()
                await guest.send(type="ping")
                await guest.expect("pong")
                times.append(loop.time() - sent)  # and the next ping at once, as each waits for its pong
        finally:
            stop.set()
            await asyncio.gather(*flooders)

    assert set(refused) == {401}
    times.sort()
    p99 = times[int(len(times) * 0.99) - 1]
    print(
        f"{len(refused)} wrong passwords, {len(times)} pings: p50 {times[len(times) // 2] * 1000:.1f} ms, "
        f"p99 {p99 * 1000:.1f} ms, max {times[-1] * 1000:.1f} ms"
    )
    assert p99 < 0.050
    await guest.close()
