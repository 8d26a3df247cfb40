"""Photos over the real server keep the picture and lose what the camera wrote about it: the customer's
JPEG with GPS EXIF, serials, XMP, IPTC and a comment, the agent's PNG and WebP with text and XMP chunks.
A tiny file claiming a huge picture is refused, naming the limit (`serve --max-photo-pixels`)."""

from __future__ import annotations

from collections.abc import Iterator

import httpx
import pytest

from tests.integration.test_photos_api import _asked, _upload
from tests.integration.test_video_recovery import _leave
from tests.support.image_metadata import (
    SECRETS,
    jpeg_segments,
    jpeg_with_metadata,
    png_chunks,
    png_header_only,
    png_with_metadata,
    tiff_entries,
    webp_chunks,
    webp_with_metadata,
)
from tests.support.images import decoded_size, encoded
from tests.support.server import ServerProcess


@pytest.fixture(scope="module")
def server() -> Iterator[ServerProcess]:
    proc = ServerProcess().start()
    yield proc
    proc.cleanup()


def assert_clean(data: bytes) -> None:
    for text in SECRETS:
        assert text not in data, text


async def test_stored_and_downloaded_photos_carry_no_metadata_and_the_same_picture(server: ServerProcess) -> None:
    guest, agent, cid, asked = await _asked(server)
    token = guest.started["token"]  # type: ignore[attr-defined]
    sent = jpeg_with_metadata(encoded(1600, 1200), orientation=6)

    uploaded = _upload(server, cid, token, sent, request=asked["request"])

    assert uploaded.status_code == 201, uploaded.text
    photo = uploaded.json()["photo"]
    assert (photo["width"], photo["height"]) == (1600, 1200)
    staff = {"authorization": f"Bearer {server.login()}"}
    for headers in (staff, {"authorization": f"Bearer {token}"}):
        got = httpx.get(f"{server.base}{photo['url']}", headers=headers)
        assert got.status_code == 200 and len(got.content) == photo["size"] < len(sent)
        assert_clean(got.content)
        assert decoded_size(got.content) == (1600, 1200)
        exif = [p for m, p in jpeg_segments(got.content) if m == 0xE1]
        assert [tiff_entries(p[6:]) for p in exif] == [{0x0112: 6}]  # the picture still turns the right way

    # The agent's marked-up copies, as PNG and as WebP, are stripped the same way.
    png = png_with_metadata(encoded(800, 600, "png"))
    webp = webp_with_metadata(encoded(800, 600, "libwebp"), 800, 600)
    for client_id, data, content_type in (("m-png", png, "image/png"), ("m-webp", webp, "image/webp")):
        marked = _upload(
            server,
            cid,
            staff["authorization"][7:],
            data,
            annotates=photo["id"],
            clientId=client_id,
            content_type=content_type,
        )
        assert marked.status_code == 201, marked.text
        copy = marked.json()["photo"]
        got = httpx.get(f"{server.base}{copy['url']}", headers={"authorization": f"Bearer {token}"})
        assert got.headers["content-type"] == content_type
        assert_clean(got.content)
        assert decoded_size(got.content) == (800, 600) == (copy["width"], copy["height"])
        kinds = [k for k, _ in (png_chunks if content_type == "image/png" else webp_chunks)(got.content)]
        assert not {b"tEXt", b"zTXt", b"iTXt", b"tIME", b"XMP "} & set(kinds)
    await _leave(guest, agent)


async def test_a_tiny_file_claiming_fifty_megapixels_is_refused_and_the_request_still_works(
    server: ServerProcess,
) -> None:
    guest, agent, cid, asked = await _asked(server)
    token = guest.started["token"]  # type: ignore[attr-defined]

    refused = _upload(
        server, cid, token, png_header_only(8000, 6250), request=asked["request"], content_type="image/png"
    )

    assert refused.status_code == 413
    body = refused.json()
    assert body["code"] == "photo_too_many_pixels"
    assert "8000 x 6250" in body["message"] and "40000000 pixels (40 megapixels)" in body["message"]
    assert _upload(server, cid, token, encoded(640, 480), request=asked["request"]).status_code == 201
    await _leave(guest, agent)


async def test_the_pixel_limit_is_a_serve_setting() -> None:
    small = ServerProcess(env={"SHOWDESK_MAX_PHOTO_PIXELS": "1000000"}).start()
    try:
        guest, agent, cid, asked = await _asked(small)
        token = guest.started["token"]  # type: ignore[attr-defined]
        refused = _upload(small, cid, token, encoded(1280, 960), request=asked["request"])
        assert refused.status_code == 413 and "the limit is 1000000 pixels" in refused.json()["message"]
        assert _upload(small, cid, token, encoded(1000, 1000), request=asked["request"]).status_code == 201
        await _leave(guest, agent)
    finally:
        small.cleanup()
