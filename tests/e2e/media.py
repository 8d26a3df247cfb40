"""What the tests read off a page's media: the picture in a <video>, WebRTC stats, the camera's tracks.

The init script only watches: it counts getUserMedia calls, keeps the streams they return and the
peer connections a page makes, so a test can say what a person would check (camera light off, no
frames sent) without the product exposing anything for tests.
"""

from __future__ import annotations

from typing import Any

from playwright.sync_api import Locator, Page

from tests.support.y4m import Rgb

WATCH_MEDIA = """
(() => {
  window.__media = { calls: 0, streams: [], peers: [] };
  const devices = navigator.mediaDevices;
  if (devices && devices.getUserMedia) {
    const original = devices.getUserMedia.bind(devices);
    devices.getUserMedia = (constraints) => {
      window.__media.calls += 1;
      const taken = original(constraints);
      taken.then((stream) => window.__media.streams.push(stream), () => {});
      return taken;
    };
  }
  const Original = window.RTCPeerConnection;
  window.RTCPeerConnection = class extends Original {
    constructor(...args) { super(...args); window.__media.peers.push(this); }
  };
})();
"""


def watch_media(page: Page) -> None:
    page.add_init_script(WATCH_MEDIA)


def camera_calls(page: Page) -> int:
    return int(page.evaluate("window.__media.calls"))


def track_states(page: Page) -> list[str]:
    return list(page.evaluate("window.__media.streams.flatMap((s) => s.getTracks().map((t) => t.readyState))"))


def rtp_totals(page: Page) -> dict[str, Any]:
    """Bytes sent and received, frames decoded, over every peer connection of the page."""
    return dict(
        page.evaluate(
            """async () => {
              const total = { bytesSent: 0, packetsSent: 0, bytesReceived: 0, framesDecoded: 0, peers: 0 };
              for (const pc of window.__media.peers) {
                total.peers += 1;
                if (pc.connectionState === 'closed') continue;
                (await pc.getStats()).forEach((r) => {
                  if (r.type === 'outbound-rtp') {
                    total.bytesSent += r.bytesSent || 0;
                    total.packetsSent += r.packetsSent || 0;
                  }
                  if (r.type === 'inbound-rtp') {
                    total.bytesReceived += r.bytesReceived || 0;
                    if (r.kind === 'video') total.framesDecoded += r.framesDecoded || 0;
                  }
                });
              }
              return total;
            }"""
        )
    )


def sample_quadrants(video: Locator) -> list[Rgb] | None:
    """The colour at the centre of each quadrant of the picture the <video> is showing, or None."""
    result = video.evaluate(
        """(video) => {
          const w = video.videoWidth, h = video.videoHeight;
          if (!w || !h || video.readyState < 2) return null;
          const canvas = document.createElement('canvas');
          canvas.width = w; canvas.height = h;
          const ctx = canvas.getContext('2d', { willReadFrequently: true });
          ctx.drawImage(video, 0, 0, w, h);
          const at = (x, y) => Array.from(ctx.getImageData(Math.floor(x), Math.floor(y), 1, 1).data.slice(0, 3));
          return [at(w / 4, h / 4), at(3 * w / 4, h / 4), at(w / 4, 3 * h / 4), at(3 * w / 4, 3 * h / 4)];
        }"""
    )
    return [tuple(c) for c in result] if result else None  # type: ignore[misc]


def shows_picture(video: Locator, expected: tuple[Rgb, ...], tolerance: int = 45) -> bool:
    seen = sample_quadrants(video)
    if seen is None:
        return False
    return all(
        max(abs(a - b) for a, b in zip(got, want, strict=True)) <= tolerance
        for got, want in zip(seen, expected, strict=True)
    )


NATURAL_SIZE = "(img) => img.complete && img.naturalWidth ? [img.naturalWidth, img.naturalHeight] : null"


def loaded(img: Locator) -> list[int] | None:
    """The image's natural size once it is on the page and decoded; None until then (never waits)."""
    if not img.count():
        return None
    return img.first.evaluate(NATURAL_SIZE)  # type: ignore[no-any-return]
