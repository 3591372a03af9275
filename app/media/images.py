"""Cleaning uploaded photos: the type is read from the bytes, metadata (EXIF, GPS included) is
dropped by re-encoding the pixels, the orientation EXIF asked for is applied first, and a
thumbnail is made. Pure functions over bytes: no I/O, no database."""

from __future__ import annotations

import io
from dataclasses import dataclass

from PIL import Image, ImageOps, UnidentifiedImageError

# What Pillow reads from the bytes -> the media type served.
ACCEPTED = {"JPEG": "image/jpeg", "PNG": "image/png", "WEBP": "image/webp"}
THUMBNAIL_SIZE = (320, 320)
# Decompression bombs: a phone photo is ~50 MP at most.
Image.MAX_IMAGE_PIXELS = 80_000_000


class NotAnImage(ValueError):
    """The bytes are not a JPEG, PNG or WebP image (whatever the file name says)."""


@dataclass(frozen=True, slots=True)
class CleanImage:
    data: bytes
    content_type: str
    width: int
    height: int
    thumbnail: bytes


def clean(upload: bytes) -> CleanImage:
    """The photo without metadata, upright, in its own format, with a JPEG thumbnail."""
    try:
        with Image.open(io.BytesIO(upload)) as probe:
            image_format = probe.format or ""
            if image_format not in ACCEPTED:
                raise NotAnImage(image_format or "unknown")
            probe.load()
            image = ImageOps.exif_transpose(probe) or probe
            image = image.copy()
    except (UnidentifiedImageError, OSError, Image.DecompressionBombError) as error:
        raise NotAnImage(str(error)) from error
    data = _encode(image, image_format)
    return CleanImage(data, ACCEPTED[image_format], image.width, image.height, _thumbnail(image))


def _encode(image: Image.Image, image_format: str) -> bytes:
    out = io.BytesIO()
    if image_format == "JPEG":
        image.convert("RGB").save(out, "JPEG", quality=90, optimize=True)
    elif image_format == "PNG":
        image.save(out, "PNG", optimize=True)
    else:
        image.save(out, "WEBP", quality=90)
    return out.getvalue()


def _thumbnail(image: Image.Image) -> bytes:
    small = image.convert("RGB")
    small.thumbnail(THUMBNAIL_SIZE)
    out = io.BytesIO()
    small.save(out, "JPEG", quality=80)
    return out.getvalue()
