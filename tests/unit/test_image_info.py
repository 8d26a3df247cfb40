"""Reading an upload's image type and size from its header: real files from FFmpeg, and what is not one."""

import pytest

from showdesk.domain.errors import InvalidInput, TooLarge
from showdesk.domain.image_info import read_image_info
from showdesk.domain.photos import MAX_PHOTO_BYTES, check_photo
from tests.support.images import encoded


@pytest.mark.parametrize(
    ("codec", "content_type"), [("mjpeg", "image/jpeg"), ("png", "image/png"), ("libwebp", "image/webp")]
)
@pytest.mark.parametrize(("width", "height"), [(1920, 1080), (641, 479), (16, 16)])
def test_real_files_read_as_their_type_and_size(codec: str, content_type: str, width: int, height: int) -> None:
    info = read_image_info(encoded(width, height, codec))
    assert (info.content_type, info.width, info.height) == (content_type, width, height)


@pytest.mark.parametrize(
    "data",
    [
        b"",
        b"GIF89a\x01\x00\x01\x00",
        b"<svg xmlns='http://www.w3.org/2000/svg'/>",
        b"\xff\xd8\xff",  # a JPEG that stops at once
        b"\xff\xd8\xff\xe0\x00\x01",  # a segment length below 2
        b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x00\x00\x00\x00\x10",  # zero width
        b"RIFF\x00\x00\x00\x00WEBPVP8 ",  # no frame header
    ],
)
def test_what_is_not_a_readable_image_is_refused_by_code(data: bytes) -> None:
    with pytest.raises(InvalidInput) as info:
        read_image_info(data)
    assert info.value.code == "invalid_image"


def test_a_truncated_real_jpeg_before_its_frame_header_is_refused() -> None:
    whole = encoded(320, 240)
    sof = whole.index(b"\xff\xc0")
    with pytest.raises(InvalidInput):
        read_image_info(whole[:sof])
    assert read_image_info(whole[: sof + 9]).width == 320  # the header alone is enough


def test_check_photo_refuses_a_declared_type_that_is_not_the_file() -> None:
    png = encoded(64, 64, "png")
    assert check_photo(png, "image/png").content_type == "image/png"
    assert check_photo(png, "application/octet-stream").content_type == "image/png"
    with pytest.raises(InvalidInput) as info:
        check_photo(png, "image/jpeg")
    assert "sent as image/jpeg but is image/png" in info.value.message


def test_check_photo_refuses_tiny_pictures_and_oversized_files() -> None:
    with pytest.raises(InvalidInput) as small:
        check_photo(encoded(15, 40), "image/jpeg")
    assert "width is 15 pixels" in small.value.message
    with pytest.raises(TooLarge) as large:
        check_photo(b"\xff\xd8\xff" + b"\x00" * MAX_PHOTO_BYTES, "image/jpeg")
    assert large.value.code == "photo_too_large"
