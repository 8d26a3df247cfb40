"""A photo's metadata is stripped and its picture kept: real JPEG, PNG and WebP files (FFmpeg) carrying
GPS EXIF, serial numbers, XMP, IPTC, comments and text chunks, read back by independent parsers and
decoded by FFmpeg at the same size."""

from __future__ import annotations

import pytest

from showdesk.domain.errors import InvalidInput, TooLarge
from showdesk.domain.photos import check_photo, cleaned_photo
from tests.support.image_metadata import (
    ICC,
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


def assert_no_secrets(data: bytes) -> None:
    for text in SECRETS:
        assert text not in data, text


def test_a_jpeg_loses_exif_gps_serials_xmp_iptc_comments_and_trailer_and_keeps_its_picture() -> None:
    original = encoded(640, 480)
    sent = jpeg_with_metadata(original, orientation=6)
    assert decoded_size(sent) == (640, 480)

    info, kept = cleaned_photo(sent, "image/jpeg")

    assert (info.width, info.height) == (640, 480) and decoded_size(kept) == (640, 480)
    assert_no_secrets(kept)
    assert kept.endswith(b"\xff\xd9")  # nothing after the end of the image
    segments = jpeg_segments(kept)
    apps = [(marker, payload[:12]) for marker, payload in segments if 0xE0 <= marker <= 0xEF or marker == 0xFE]
    assert [m for m, _ in apps] == [0xE0, 0xE1, 0xE2]  # JFIF, the orientation alone, the colour profile
    exif = next(p for m, p in segments if m == 0xE1)
    assert exif.startswith(b"Exif\x00\x00") and tiff_entries(exif[6:]) == {0x0112: 6}
    assert next(p for m, p in segments if m == 0xE2) == ICC
    # The compressed picture is copied byte for byte: from the first table on, the files are the same.
    assert kept[kept.index(b"\xff\xdb") :] == original[original.index(b"\xff\xdb") :]


def test_an_upright_jpeg_keeps_no_exif_at_all() -> None:
    _, kept = cleaned_photo(jpeg_with_metadata(encoded(320, 240), orientation=1), "image/jpeg")
    assert 0xE1 not in [m for m, _ in jpeg_segments(kept)]
    assert_no_secrets(kept)


def test_a_jpeg_without_metadata_is_kept_byte_for_byte() -> None:
    original = encoded(320, 240)
    assert cleaned_photo(original, "image/jpeg")[1] == original


def test_a_png_loses_text_exif_time_and_private_chunks_and_keeps_colour_chunks() -> None:
    original = encoded(300, 200, "png")
    sent = png_with_metadata(original, orientation=8)

    info, kept = cleaned_photo(sent, "image/png")

    assert (info.width, info.height) == (300, 200) and decoded_size(kept) == (300, 200)
    assert_no_secrets(kept)
    chunks = png_chunks(kept)  # CRCs checked, and IEND ends the file
    kinds = [kind for kind, _ in chunks]
    assert not {b"tEXt", b"zTXt", b"iTXt", b"tIME", b"prVt"} & set(kinds)
    assert b"gAMA" in kinds and kinds[0] == b"IHDR" and b"IDAT" in kinds
    assert [tiff_entries(body) for kind, body in chunks if kind == b"eXIf"] == [{0x0112: 8}]
    assert [body for kind, body in chunks if kind == b"IDAT"] == [b for k, b in png_chunks(original) if k == b"IDAT"]


def test_a_webp_loses_exif_and_xmp_and_their_flags_are_cleared() -> None:
    sent = webp_with_metadata(encoded(320, 240, "libwebp"), 320, 240, orientation=1)
    assert decoded_size(sent) == (320, 240)

    info, kept = cleaned_photo(sent, "image/webp")

    assert (info.width, info.height) == (320, 240) and decoded_size(kept) == (320, 240)
    assert_no_secrets(kept)
    chunks = webp_chunks(kept)
    assert [kind for kind, _ in chunks] == [b"VP8X", b"VP8 "]
    assert chunks[0][1][0] & (0x08 | 0x04) == 0  # neither EXIF nor XMP announced


def test_a_turned_webp_keeps_only_its_orientation() -> None:
    sent = webp_with_metadata(encoded(320, 240, "libwebp"), 320, 240, orientation=3)
    kept = cleaned_photo(sent, "image/webp")[1]
    chunks = dict(webp_chunks(kept))
    assert chunks[b"VP8X"][0] & 0x0C == 0x08 and tiff_entries(chunks[b"EXIF"]) == {0x0112: 3}
    assert_no_secrets(kept)


def test_a_tiny_file_claiming_fifty_megapixels_is_refused_naming_the_limit() -> None:
    bomb = png_header_only(8000, 6250)
    assert len(bomb) < 200
    with pytest.raises(TooLarge) as refused:
        check_photo(bomb, "image/png")
    assert refused.value.code == "photo_too_many_pixels"
    assert "8000 x 6250" in refused.value.message and "40000000 pixels" in refused.value.message
    check_photo(png_header_only(8000, 5000), "image/png")  # exactly 40 MP is allowed
    with pytest.raises(TooLarge):
        check_photo(encoded(320, 240), "image/jpeg", max_pixels=320 * 240 - 1)


@pytest.mark.parametrize(
    ("data", "content_type"),
    [
        (encoded(64, 64, "png")[:-20], "image/png"),  # cut inside the image data
        (encoded(64, 64)[: encoded(64, 64).index(b"\xff\xc0") + 12], "image/jpeg"),  # cut inside the frame header
    ],
)
def test_a_damaged_container_is_refused_as_an_invalid_image(data: bytes, content_type: str) -> None:
    with pytest.raises(InvalidInput) as refused:
        cleaned_photo(data, content_type)
    assert refused.value.code == "invalid_image"
