"""Images the customer attaches: the type is what the bytes say, and only the allow-list's types pass."""

from __future__ import annotations

import pytest
from pydantic import ValidationError

from showdesk.config import Settings
from showdesk.domain.attachments import (
    DEFAULT_ATTACHMENT_TYPES,
    allowed_words,
    check_attachment_type,
    parse_types,
    sniffed_type,
)
from showdesk.domain.errors import InvalidInput
from tests.support.images import encoded

PDF = b"%PDF-1.7\n1 0 obj << /Type /Catalog >> endobj\n"
SVG = b'<?xml version="1.0"?><svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"></svg>'
HTML = b"<!doctype html><html><body><script>alert(1)</script></body></html>"
GIF = b"GIF89a\x10\x00\x10\x00\x00\x00\x00;"


def test_the_type_is_read_from_the_first_bytes() -> None:
    assert sniffed_type(encoded(32, 32)) == "image/jpeg"
    assert sniffed_type(encoded(32, 32, "png")) == "image/png"
    assert sniffed_type(encoded(32, 32, "libwebp")) == "image/webp"
    for other in (PDF, SVG, HTML, GIF, b"", b"RIFF\x00\x00\x00\x00WAVEfmt "):
        assert sniffed_type(other) is None


@pytest.mark.parametrize("data", [PDF, SVG, HTML, GIF], ids=["pdf", "svg", "html", "gif"])
def test_files_that_are_not_allowed_images_are_refused_in_words(data: bytes) -> None:
    with pytest.raises(InvalidInput) as refused:
        check_attachment_type(data, DEFAULT_ATTACHMENT_TYPES)
    assert refused.value.code == "attachment_type"
    assert refused.value.message == "Only JPEG, PNG or WebP images can be sent"


def test_an_allow_list_without_a_type_refuses_it_and_says_what_it_takes() -> None:
    png_only = parse_types(" image/PNG ")
    assert check_attachment_type(encoded(32, 32, "png"), png_only) == "image/png"
    with pytest.raises(InvalidInput) as refused:
        check_attachment_type(encoded(32, 32), png_only)
    assert refused.value.message == "Only PNG images can be sent"
    assert allowed_words(parse_types("image/jpeg,image/webp")) == "JPEG or WebP"


def test_the_setting_takes_known_image_types_only() -> None:
    assert Settings().attachment_types == "image/jpeg,image/png,image/webp"
    assert Settings(attachment_types="image/webp, image/jpeg").attachment_types == "image/webp,image/jpeg"
    for wrong in ("image/svg+xml", "application/pdf,image/png", ""):
        with pytest.raises(ValidationError):
            Settings(attachment_types=wrong)
