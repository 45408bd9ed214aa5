"""First page of a PDF as a PNG: for `cvpress build --png` and the README gallery.

pypdfium2 (PDFium, also the build's PDF reader) rasterises the page; it is
imported lazily. The PNG is encoded here with zlib
rather than through Pillow: one less dependency, and the bytes depend only on
the pixels (no timestamps or encoder versions in chunks), so an unchanged
PDF gives a byte-identical PNG and the committed gallery does not churn.
"""

from __future__ import annotations

import struct
import zlib
from pathlib import Path
from typing import Any

from ..errors import BuildError
from ..pipeline import pdf as pdfium
from ..pipeline.publish import write_atomic

#: Resolution of previews: enough to judge a layout, small enough for git.
DEFAULT_DPI = 100


def first_page_png(pdf: Path, out: Path | None = None, *, dpi: int = DEFAULT_DPI) -> Path:
    """Render page 1 of ``pdf`` to ``out`` (default: beside it, ``<name>.png``), atomically."""
    target = out if out is not None else pdf.with_suffix(".png")
    width, height, rgb = render_rgb(pdf, dpi=dpi)
    write_atomic(target, encode_png(width, height, rgb))
    return target


def render_rgb(pdf: Path, *, dpi: int = DEFAULT_DPI, page: int = 0) -> tuple[int, int, bytes]:
    """(width, height, packed RGB rows) of one page on a white background."""
    try:
        import pypdfium2
    except ImportError:  # pragma: no cover - depends on the installation
        raise BuildError(
            "PNG previews need pypdfium2",
            hint="pip install 'cvpress[preview]'",
        ) from None
    with pdfium.LOCK:
        return _render_locked(pypdfium2, pdf, dpi, page)


def _render_locked(pypdfium2: Any, pdf: Path, dpi: int, page: int) -> tuple[int, int, bytes]:
    try:
        document = pypdfium2.PdfDocument(str(pdf))
    except Exception as exc:  # pypdfium2 raises PdfiumError and OSError subclasses
        raise BuildError(f"cannot open {pdf} for a preview: {exc}") from None
    try:
        bitmap = document[page].render(
            scale=dpi / 72, fill_color=(255, 255, 255, 255), rev_byteorder=True
        )
        width, height, stride = bitmap.width, bitmap.height, bitmap.stride
        four = (pypdfium2.raw.FPDFBitmap_BGRA, pypdfium2.raw.FPDFBitmap_BGRx)
        channels = 4 if bitmap.format in four else 3
        raw = bytes(bitmap.buffer)
    finally:
        document.close()
    rows = bytearray()
    for y in range(height):
        line = raw[y * stride : y * stride + width * channels]
        if channels == 4:
            line = b"".join(line[i : i + 3] for i in range(0, len(line), 4))
        rows += line
    return width, height, bytes(rows)


def encode_png(width: int, height: int, rgb: bytes) -> bytes:
    """A minimal, deterministic 8-bit PNG (IHDR, IDAT, IEND) of packed RGB rows.

    A page without colour (every pixel grey) is written as greyscale: a third of the
    data, half the file, for the same picture.
    """
    if len(rgb) != width * 3 * height:
        raise ValueError(f"expected {width * 3 * height} bytes of RGB, got {len(rgb)}")
    red = rgb[0::3]
    grey = red == rgb[1::3] == rgb[2::3]
    pixels, colour_type, row = (red, 0, width) if grey else (rgb, 2, width * 3)
    filtered = b"".join(b"\x00" + pixels[y * row : (y + 1) * row] for y in range(height))

    def chunk(kind: bytes, data: bytes) -> bytes:
        crc = zlib.crc32(kind + data) & 0xFFFFFFFF
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", crc)

    header = struct.pack(">IIBBBBB", width, height, 8, colour_type, 0, 0, 0)
    body = chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(filtered, 9))
    return b"\x89PNG\r\n\x1a\n" + body + chunk(b"IEND", b"")


def gallery(pdfs: list[Path], folder: Path, *, dpi: int = DEFAULT_DPI) -> list[Path]:
    """``folder/<variant>.png`` for each PDF: the README's gallery."""
    return [first_page_png(pdf, folder / f"{pdf.stem}.png", dpi=dpi) for pdf in pdfs]


def build_gallery(variants_file: Path, folder: Path, out: Path = Path("build")) -> list[Path]:
    """Build every variant afresh into ``out``, then write ``folder/<variant>.png``.

    The README's gallery is these files; rebuilding first (``force``) makes sure the
    pictures show what the current templates and data produce.
    """
    from ..pipeline import targets

    outcomes = targets.build_variants(variants_file, options=targets.Options(out=out, force=True))
    failed = [o for o in outcomes if o.status == "failed"]
    if failed:
        first = failed[0]
        raise BuildError(
            f"variant {first.name!r} failed, gallery not updated",
            hint=first.error.message if first.error else "",
        )
    pdfs = [o.pdf for o in outcomes if o.pdf is not None]
    return gallery(pdfs, folder)
