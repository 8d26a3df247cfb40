"""The baseline: two bare WebRTC pages and the least signaling that joins them (same stack as ShowDesk).

python -m bench.video_ttff.relay PORT
"""

from __future__ import annotations

import sys
from pathlib import Path

import uvicorn
from fastapi import FastAPI, WebSocket, WebSocketDisconnect
from fastapi.responses import FileResponse

PAGES = Path(__file__).resolve().parent / "bare"
app = FastAPI()
peers: dict[tuple[str, str], WebSocket] = {}  # (room, role): one pair of pages per room


@app.get("/healthz")
async def healthz() -> dict[str, bool]:
    return {"ok": True}


@app.get("/{name}.html")
async def page(name: str) -> FileResponse:
    return FileResponse(PAGES / f"{name}.html")


@app.websocket("/ws/{role}")
async def relay(ws: WebSocket, role: str) -> None:
    """Every text frame from one side goes unchanged to the other side of the same room."""
    await ws.accept()
    room = ws.query_params.get("room", "")
    peers[(room, role)] = ws
    other = (room, "agent" if role == "customer" else "customer")
    try:
        while True:
            text = await ws.receive_text()
            if other in peers:
                await peers[other].send_text(text)
    except WebSocketDisconnect:
        peers.pop((room, role), None)


if __name__ == "__main__":
    uvicorn.run(app, host="127.0.0.1", port=int(sys.argv[1]), log_level="warning")
