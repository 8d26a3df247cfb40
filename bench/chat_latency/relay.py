"""The baseline: a bare WebSocket relay on ShowDesk's stack (FastAPI on uvicorn, same options).

`/relay/{conversation}/{side}` pairs two sockets per conversation. Once both are there each gets
`{"type":"paired"}`; after that every text frame is forwarded unchanged to the peer and answered
with `{"type":"ack","clientId":...}` to the sender. No storage, no routing, no outbox.

Run: `python -m bench.chat_latency.relay --port 8090`
"""

from __future__ import annotations

import argparse
import contextlib
import json

from fastapi import FastAPI, WebSocket, WebSocketDisconnect

SIDES = ("customer", "agent")


def create_app() -> FastAPI:
    app = FastAPI(title="bench relay")
    pairs: dict[str, dict[str, WebSocket]] = {}

    @app.get("/healthz")
    async def healthz() -> dict[str, str]:
        return {"status": "ok"}

    @app.websocket("/relay/{conversation}/{side}")
    async def relay(ws: WebSocket, conversation: str, side: str) -> None:
        if side not in SIDES:
            await ws.close(4400)
            return
        await ws.accept()
        pair = pairs.setdefault(conversation, {})
        pair[side] = ws
        other = SIDES[1 - SIDES.index(side)]
        if other in pair:
            for each in pair.values():
                await each.send_text('{"type":"paired"}')
        try:
            while True:
                text = await ws.receive_text()
                frame = json.loads(text)
                kind = frame.get("type")
                if kind == "ping":
                    await ws.send_text('{"type":"pong"}')
                    continue
                peer = pair.get(other)
                if peer is not None:
                    # A peer that is leaving loses the frame; the sender still gets its ack.
                    with contextlib.suppress(WebSocketDisconnect, RuntimeError):
                        await peer.send_text(text)
                await ws.send_text(
                    json.dumps({"type": "ack", "clientId": frame.get("clientId")}, separators=(",", ":"))
                )
        except (WebSocketDisconnect, RuntimeError):
            pass
        finally:
            if pair.get(side) is ws:
                del pair[side]
            if not pair:
                pairs.pop(conversation, None)

    return app


def main() -> None:
    import uvicorn

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, required=True)
    args = parser.parse_args()
    # The WebSocket options `showdesk serve` gives uvicorn by default (src/showdesk/cli.py), nothing else
    # (serve's connection limits act before a socket is open, not on its messages).
    uvicorn.run(create_app(), host=args.host, port=args.port, log_level="info", ws_max_size=64 * 1024)


if __name__ == "__main__":
    main()
