"""Interoperability beyond Chromium: an aiortc peer in Python is the customer, the agent desktop sees it."""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Iterator
from typing import Any

import numpy as np
import pytest
from aiortc import RTCIceCandidate, RTCPeerConnection, RTCSessionDescription, VideoStreamTrack
from aiortc.sdp import candidate_from_sdp
from av import VideoFrame
from playwright.sync_api import Browser, expect

from tests.e2e.conftest import Contexts
from tests.e2e.media import camera_calls, rtp_totals, shows_picture, watch_media
from tests.e2e.pages import AgentPage, end_open_chats, wait_until
from tests.support.server import ServerProcess
from tests.support.ws_clients import Guest
from tests.support.y4m import CUSTOMER_PICTURE, Rgb


class QuadrantCamera(VideoStreamTrack):
    """Frames drawn in Python: the same four colours the Chromium tests' fake camera shows."""

    def __init__(self, colours: tuple[Rgb, Rgb, Rgb, Rgb], width: int = 320, height: int = 240) -> None:
        super().__init__()
        picture = np.zeros((height, width, 3), dtype=np.uint8)
        h, w = height // 2, width // 2
        picture[:h, :w], picture[:h, w:], picture[h:, :w], picture[h:, w:] = colours
        self.picture = picture
        self.sent = 0

    async def recv(self) -> VideoFrame:
        pts, time_base = await self.next_timestamp()
        frame = VideoFrame.from_ndarray(self.picture, format="rgb24")
        frame.pts, frame.time_base = pts, time_base
        self.sent += 1
        return frame


class PythonCustomer:
    """A customer whose chat and video are Python: the guest socket and an aiortc peer connection."""

    def __init__(self, server: ServerProcess) -> None:
        self.server = server
        self.loop = asyncio.new_event_loop()
        self.thread = threading.Thread(target=self.loop.run_forever, daemon=True)
        self.thread.start()
        self.guest: Guest | None = None
        self.pc: RTCPeerConnection | None = None
        self.camera = QuadrantCamera(CUSTOMER_PICTURE)

    def run(self, coro: Any, timeout: float = 20.0) -> Any:
        return asyncio.run_coroutine_threadsafe(coro, self.loop).result(timeout)

    async def start_chat(self) -> None:
        self.guest = await Guest.connect(self.server.ws_base, self.server.base)
        await self.guest.start("Py")

    async def accept_video(self) -> None:
        assert self.guest is not None
        asked = await self.guest.expect("videoRequested", timeout=15)
        session_id = asked["video"]["id"]
        await self.guest.send(type="videoStart", sessionId=session_id)
        await self.guest.expect("videoReady")
        self.pc = pc = RTCPeerConnection()
        pc.addTransceiver(self.camera, direction="sendonly")
        await pc.setLocalDescription(await pc.createOffer())  # aiortc gathers every candidate first
        await self.guest.send(type="videoSignal", sessionId=session_id, signal="offer", sdp=pc.localDescription.sdp)
        answer = await self.guest.expect("videoSignal", timeout=15, signal="answer")
        await pc.setRemoteDescription(RTCSessionDescription(sdp=answer["sdp"], type="answer"))
        self.loop.create_task(self._take_candidates(session_id))

    async def _take_candidates(self, session_id: str) -> None:
        assert self.guest is not None and self.pc is not None
        while self.pc.connectionState not in ("closed", "failed"):
            try:
                frame = await self.guest.expect("videoSignal", timeout=30, signal="candidate")
            except AssertionError:
                return
            init = frame.get("candidate")
            if not init or not init.get("candidate"):
                continue
            candidate: RTCIceCandidate = candidate_from_sdp(init["candidate"].removeprefix("candidate:"))
            candidate.sdpMid, candidate.sdpMLineIndex = init.get("sdpMid"), init.get("sdpMLineIndex")
            await self.pc.addIceCandidate(candidate)

    async def close(self) -> None:
        if self.pc is not None:
            await self.pc.close()
        if self.guest is not None:
            await self.guest.close()

    def stop(self) -> None:
        try:
            self.run(self.close(), timeout=10)
        finally:
            self.loop.call_soon_threadsafe(self.loop.stop)
            self.thread.join(5)


@pytest.fixture
def python_customer(server: ServerProcess) -> Iterator[PythonCustomer]:
    customer = PythonCustomer(server)
    yield customer
    customer.stop()


def test_an_aiortc_customer_is_seen_on_the_agent_desktop(
    server: ServerProcess, browser: Browser, python_customer: PythonCustomer
) -> None:
    agents = Contexts(browser)
    try:
        page = agents.new_page()
        watch_media(page)
        agent = AgentPage(page, server).login().go_on_queue()
        python_customer.run(python_customer.start_chat())
        panel = agent.accept()
        panel.get_by_test_id("request-video").click()
        python_customer.run(python_customer.accept_video())

        remote = panel.get_by_test_id("remote-video")
        wait_until(lambda: shows_picture(remote, CUSTOMER_PICTURE), timeout=20, what="the Python camera's picture")
        expect(panel.get_by_test_id("video-status")).to_have_text("live")
        # frames made in Python keep reaching Chromium (the first keyframe alone may be what is shown)
        wait_until(lambda: python_customer.camera.sent >= 3, timeout=5, what="three frames sent from Python")
        assert camera_calls(page) == 0 and rtp_totals(page)["bytesSent"] == 0
        panel.get_by_test_id("end-video").click()
        expect(panel.get_by_test_id("video-status")).to_have_text("ended")
        end_open_chats(agents)
    finally:
        agents.close()
