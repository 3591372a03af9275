"""Cleaning uploaded photos: the type is read from the bytes, the pixel count from the header
before anything is decoded, every metadata segment (EXIF with GPS, XMP, comments, text chunks)
is dropped by re-encoding the pixels alone (the ICC colour profile is kept), the orientation
EXIF asked for is applied first, and a thumbnail is made. Pure functions over a file: no
database."""

from __future__ import annotations

import io
import re
import warnings
from dataclasses import dataclass
from pathlib import Path

from PIL import Image, ImageOps, UnidentifiedImageError

# What Pillow reads from the bytes -> the media type served.
ACCEPTED = {"JPEG": "image/jpeg", "PNG": "image/png", "WEBP": "image/webp"}
THUMBNAIL_SIZE = (320, 320)
# Pillow's own decompression-bomb threshold: it warns above it and refuses above twice it.
# Its warning is made an error (a warning would let the picture be decoded), and the settings
# cap our own pixel limit, checked right after the header is read, at this figure.
PILLOW_MAX_PIXELS = 80_000_000
Image.MAX_IMAGE_PIXELS = PILLOW_MAX_PIXELS
warnings.filterwarnings("error", category=Image.DecompressionBombWarning)
# What survives re-encoding besides the pixels: how colours and transparency are meant.
KEPT_INFO = ("icc_profile", "transparency")
_BOMB_PIXELS = re.compile(r"\((\d+) pixels\)")


class NotAnImage(ValueError):
    """The bytes are not a JPEG, PNG or WebP image (whatever the file name says)."""


class TooManyPixels(ValueError):
    """The header announces more pixels than the limit (``width`` and ``height`` may be 0
    when Pillow refused the image before giving its size)."""

    def __init__(self, width: int, height: int, pixels: int, limit: int) -> None:
        super().__init__(f"{pixels} pixels, limit {limit}")
        self.width, self.height, self.pixels, self.limit = width, height, pixels, limit


@dataclass(frozen=True, slots=True)
class CleanImage:
    data: bytes
    content_type: str
    width: int
    height: int
    thumbnail: bytes


def clean(upload: Path, max_pixels: int) -> CleanImage:
    """The photo without metadata, upright, in its own format, with a JPEG thumbnail; refused
    with ``TooManyPixels`` before decoding when its header announces more than ``max_pixels``."""
    try:
        with Image.open(upload) as probe:
            image_format = probe.format or ""
            if image_format not in ACCEPTED:
                raise NotAnImage(image_format or "unknown")
            _check_pixels(probe.width, probe.height, max_pixels)
            probe.load()
            image = ImageOps.exif_transpose(probe)  # a new image: the file can be closed
    except (Image.DecompressionBombError, Image.DecompressionBombWarning) as error:
        found = _BOMB_PIXELS.search(str(error))
        raise TooManyPixels(0, 0, int(found[1]) if found else 0, max_pixels) from error
    except (UnidentifiedImageError, OSError) as error:
        raise NotAnImage(str(error)) from error
    for key in [key for key in image.info if key not in KEPT_INFO]:
        del image.info[key]  # comments, XMP, EXIF, text chunks: all gone
    data = _encode(image, image_format)
    return CleanImage(data, ACCEPTED[image_format], image.width, image.height, _thumbnail(image))


def _check_pixels(width: int, height: int, max_pixels: int) -> None:
    if width * height > max_pixels:
        raise TooManyPixels(width, height, width * height, max_pixels)


def _encode(image: Image.Image, image_format: str) -> bytes:
    out = io.BytesIO()
    icc = image.info.get("icc_profile")
    if image_format == "JPEG":
        if image.mode not in ("RGB", "L"):  # CMYK: its colour profile does not describe RGB
            image, icc = image.convert("RGB"), None
        image.save(out, "JPEG", quality=90, optimize=True, icc_profile=icc)
    elif image_format == "PNG":
        image.save(out, "PNG", optimize=True, icc_profile=icc)
    else:
        image.save(out, "WEBP", quality=90, icc_profile=icc)
    return out.getvalue()


def _thumbnail(image: Image.Image) -> bytes:
    # Scale first, then convert: the full-size picture is never copied again.
    ratio = min(THUMBNAIL_SIZE[0] / image.width, THUMBNAIL_SIZE[1] / image.height, 1.0)
    size = (max(1, round(image.width * ratio)), max(1, round(image.height * ratio)))
    source = image if image.mode in ("RGB", "RGBA", "L", "LA") else image.convert("RGBA")
    small = source.resize(size, Image.Resampling.LANCZOS, reducing_gap=3.0).convert("RGB")
    out = io.BytesIO()
    small.save(out, "JPEG", quality=80)
    return out.getvalue()
