"""The photo a variant with ``photo: true`` prints: checked, normalised, copied.

``basics.image`` names a local JPEG or PNG, relative to the data file. TeX
never sees that file: the sandbox grants a run its own folder only, and an
image parser inside TeX is no place to meet a hostile file. Instead Pillow

* opens it with the JPEG and PNG decoders only, so the type comes from the
  bytes, never from the name (a GIF called ``me.jpg`` is refused, a PNG
  called ``me.jpg`` is read as the PNG it is);
* refuses it before decoding a single pixel if the file is over
  :data:`MAX_BYTES` or a side is over :data:`MAX_SIDE` pixels (read from the
  header), so a decompression bomb (a small file claiming a huge canvas)
  never allocates its canvas; Pillow's own bomb guard is turned from a
  warning into a refusal for the rest;
* applies the EXIF orientation (phones store a portrait sideways plus a
  "rotate me" tag), crops to the template's shape (``square``, or ``round``:
  a circle, transparent outside, hence PNG) and scales the longest side down
  to :data:`PRINT_SIDE` pixels (several times what a 4 cm photo needs at
  300 dpi);
* copies the pixels into a fresh image, so no metadata survives: no EXIF
  (GPS position, camera serial, date), no XMP, no ICC profile, no comments.

The result is a file's worth of bytes that the build writes into the run's
folder, named after its content (:attr:`Photo.name`, so a changed photo
changes the ``.tex``); the same input gives the same bytes.

A URL is not fetched (builds are offline): a warning, and no photo.
"""

from __future__ import annotations

import hashlib
import io
import re
import warnings
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from PIL import Image, ImageDraw, ImageOps, UnidentifiedImageError

from ..errors import InputError, Location, Problem, Warnings

#: Largest photo file accepted: a phone's full-size JPEG is 2-4 MB.
MAX_BYTES = 5_000_000
#: Longest side accepted, in pixels (read from the header, before decoding).
MAX_SIDE = 6000
#: Longest side of the copy TeX prints: 4 cm at 300 dpi is 472 px.
PRINT_SIDE = 1200
#: Oversampling of the round mask, for a smooth edge.
_MASK_SCALE = 4

Shape = Literal["square", "round"]
SHAPES: tuple[Shape, ...] = ("square", "round")
FIELD = "basics.image"
_URL = re.compile(r"^[a-z][a-z0-9+.-]*://", re.I)


@dataclass(frozen=True, slots=True)
class Original:
    """The photo file as read: its bytes, where it is, and their SHA-256 (for the build's cache)."""

    path: Path
    content: bytes
    digest: str
    location: Location


@dataclass(frozen=True, slots=True)
class Photo:
    """The normalised photo: the file TeX reads, by name, and its bytes."""

    name: str
    content: bytes
    width: int
    height: int


def is_url(image: str) -> bool:
    return bool(_URL.match(image.strip()))


def original(image: str, data_file: Path, location: Location, found: Warnings) -> Original | None:
    """The file ``image`` names (relative to ``data_file``), read; None for a URL (a warning).

    Cheap (no decoding): the build hashes it into the variant's cache key and
    calls :func:`normalise` only when the variant is built.
    """
    if is_url(image):
        found.add(
            Problem(
                f"basics.image is a URL ({image}): builds are offline, so no photo is printed",
                location=location,
                field_path=FIELD,
                hint="download the photo next to the data file and write its file name here",
            )
        )
        return None
    path = (data_file.parent / image).resolve()
    content = read(path, image, location)
    return Original(path, content, hashlib.sha256(content).hexdigest(), location)


def read(path: Path, written: str, location: Location) -> bytes:
    """The file's bytes, refused when it is missing, not a file or over :data:`MAX_BYTES`."""

    def refuse(what: str, hint: str) -> InputError:
        return InputError(what, location=location, field_path=FIELD, hint=hint)

    if not path.exists():
        raise refuse(
            f"photo not found: {written} (looked for {path})",
            "basics.image is relative to the data file's folder",
        )
    if not path.is_file():
        raise refuse(f"photo {written} is not a file", "name a JPEG or PNG file")
    try:
        with path.open("rb") as handle:  # at most one byte past the limit (a FIFO reports 0)
            content = handle.read(MAX_BYTES + 1)
    except OSError as exc:
        raise refuse(
            f"cannot read the photo {written}: {exc.strerror}", "check its permissions"
        ) from None
    if len(content) > MAX_BYTES:
        raise refuse(
            f"photo {written} is over {MAX_BYTES:,} bytes",
            f"save a smaller copy (a {PRINT_SIDE} px JPEG is a few hundred KB)",
        )
    return content


def normalise(content: bytes, shape: Shape, location: Location) -> Photo:
    """Decode ``content`` (JPEG or PNG only), orient, crop, shrink and re-encode it clean."""

    def refuse(what: str, hint: str) -> InputError:
        return InputError(what, location=location, field_path=FIELD, hint=hint)

    kind = "JPEG or PNG"
    with warnings.catch_warnings():
        warnings.simplefilter("error", Image.DecompressionBombWarning)
        try:
            with Image.open(io.BytesIO(content), formats=["JPEG", "PNG"]) as opened:
                kind = str(opened.format)
                width, height = opened.size
                if max(width, height) > MAX_SIDE:
                    raise refuse(
                        f"photo is {width}x{height} pixels, over {MAX_SIDE} px a side",
                        f"save a smaller copy ({PRINT_SIDE} px a side is plenty)",
                    )
                opened.seek(0)  # an animated PNG prints its first frame
                # JPEG decodes at 1/2, 1/4 or 1/8 scale for free: keep the short side >= PRINT_SIDE.
                scale = PRINT_SIDE / min(width, height)
                if kind == "JPEG" and scale < 1:
                    opened.draft(opened.mode, (round(width * scale) + 1, round(height * scale) + 1))
                oriented = ImageOps.exif_transpose(opened)
                pixels = _plain(oriented)
        except UnidentifiedImageError:
            raise refuse(
                "photo is not a JPEG or PNG file (judged by its content, not its name)",
                "convert it to JPEG or PNG with an image editor",
            ) from None
        except (Image.DecompressionBombError, Image.DecompressionBombWarning) as exc:
            raise refuse(
                f"photo is a decompression bomb, refused before decoding: {exc}",
                "save the photo again from an image editor",
            ) from None
        except (OSError, ValueError, SyntaxError) as exc:
            raise refuse(
                f"photo cannot be decoded as a {kind}: {exc}",
                "the file is damaged or truncated: export it again",
            ) from None
    cropped = _crop(pixels, shape)
    buffer = io.BytesIO()
    if shape == "round" or kind == "PNG":
        # Fast deflate: TeX re-compresses a PNG with transparency into the PDF anyway.
        cropped.save(buffer, format="PNG", compress_level=1)
        suffix = "png"
    else:
        cropped.save(buffer, format="JPEG", quality=92)
        suffix = "jpg"
    content = buffer.getvalue()
    # Named by its content: a new photo is a new .tex, never mistaken for the last build's.
    name = f"cvpress-photo-{hashlib.sha256(content).hexdigest()[:16]}.{suffix}"
    return Photo(name, content, cropped.width, cropped.height)


def _plain(image: Image.Image) -> Image.Image:
    """The pixels alone, in RGB(A) or L: a new image carries no ``info`` (EXIF, ICC, text)."""
    alpha = image.mode in ("RGBA", "LA", "PA") or "transparency" in image.info
    mode = "L" if image.mode in ("1", "L") else "RGBA" if alpha else "RGB"
    converted = image.convert(mode)
    return Image.frombytes(mode, converted.size, converted.tobytes())


def _crop(image: Image.Image, shape: Shape) -> Image.Image:
    """The centred square, at most :data:`PRINT_SIDE` a side; for ``round``, a circle.

    Shrunk before the mask is drawn: the oversampled mask of a full-size
    square would take hundreds of megabytes.
    """
    side = min(image.size)
    left = (image.width - side) // 2
    top = (image.height - side) // 2
    square = image.crop((left, top, left + side, top + side))
    square.thumbnail((PRINT_SIDE, PRINT_SIDE), Image.Resampling.LANCZOS)
    side = square.width
    if shape == "square":
        return square
    big = side * _MASK_SCALE
    mask = Image.new("L", (big, big), 0)
    ImageDraw.Draw(mask).ellipse((0, 0, big - 1, big - 1), fill=255)
    mask = mask.reduce(_MASK_SCALE)
    round_ = square.convert("RGBA")
    if square.mode == "RGBA":
        mask = Image.composite(mask, Image.new("L", mask.size, 0), square.getchannel("A"))
    round_.putalpha(mask)
    return round_
