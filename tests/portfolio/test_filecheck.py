import io

import pytest
from PIL import Image

from portfolio import filecheck
from tests.portfolio.conftest import jpeg_bytes
from tests.portfolio.corpus import BAD, BAD_NAMES, GOOD


@pytest.mark.parametrize("name", sorted(GOOD))
def test_accepted_types_are_recognised_by_content(app, name):
    media_type, make = GOOD[name]
    with app.test_request_context():
        result = filecheck.check_file(name, io.BytesIO(make()))
        result.stream.close()
    assert result.media_type == media_type


@pytest.mark.parametrize("case", sorted(BAD))
def test_malicious_and_broken_files_are_refused_with_a_reason(app, case):
    name, make, reason = BAD[case]
    with app.test_request_context(), pytest.raises(filecheck.Rejected) as refused:
        filecheck.check_file(name, io.BytesIO(make()))
    assert reason.lower() in str(refused.value).lower()


@pytest.mark.parametrize("case", sorted(BAD_NAMES))
def test_names_with_paths_or_control_characters_are_refused(app, case):
    with app.test_request_context(), pytest.raises(filecheck.Rejected):
        filecheck.check_name(BAD_NAMES[case])


def test_an_ordinary_name_in_any_script_is_kept():
    assert filecheck.check_name("شهادة خبرة.pdf") == "شهادة خبرة.pdf"


def test_photo_loses_its_location_and_keeps_its_orientation(app):
    # Orientation 6: the camera was turned; the stored picture must be upright (rotated), without EXIF.
    with app.test_request_context():
        result = filecheck.check_file("photo.jpg", io.BytesIO(jpeg_bytes(size=(64, 48), orientation=6)))
    with result.stream, Image.open(result.stream) as stored:
        size, exif = stored.size, stored.getexif()
    assert size == (48, 64)
    assert 0x8825 not in exif and not exif.get_ifd(0x8825)
    assert 0x0112 not in exif


def _jpeg_segments(data: bytes) -> list[int]:
    """The markers of a JPEG's segments before its image data (0xFE is a comment, 0xE1 EXIF or XMP)."""
    markers, at = [], 2
    while at < len(data) and data[at] == 0xFF and data[at + 1] != 0xDA:
        markers.append(data[at + 1])
        at += 2 + int.from_bytes(data[at + 2 : at + 4], "big")
    return markers


def test_photo_loses_its_comment_segment_with_the_exif_data(app):
    original = jpeg_bytes(comment=b"Taken at Kauppakatu 5 B 12, door code 4321")
    assert 0xFE in _jpeg_segments(original) and 0xE1 in _jpeg_segments(original)
    with app.test_request_context():
        result = filecheck.check_file("photo.jpg", io.BytesIO(original))
    with result.stream:
        stored = result.stream.read()
    assert b"door code" not in stored and b"PhoneMaker" not in stored
    assert 0xFE not in _jpeg_segments(stored) and 0xE1 not in _jpeg_segments(stored)


def test_download_name_follows_the_content_not_the_name(app):
    with app.test_request_context():
        result = filecheck.check_file("photo.png", io.BytesIO(jpeg_bytes()))
        result.stream.close()
    assert (result.media_type, result.download_name) == ("image/jpeg", "photo.jpg")
