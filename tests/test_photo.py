"""The photo: checked by its bytes, bombs refused before decoding, EXIF gone, in every template.

Images are made here with Pillow (a JPEG with GPS and a rotation, a PNG whose
header claims 50,000 px a side, a GIF named .jpg), so each test says what it
feeds in.
"""

from __future__ import annotations

import io
import struct
import zlib
from pathlib import Path

import pytest
from PIL import Image, ImageDraw

from conftest import pdf_text, requires_tex
from cvpress.data import photo
from cvpress.errors import InputError, Location, Warnings

AT = Location("resume.yaml", 5, 10)
#: Written into the test photo's EXIF (description and GPS): must never reach a PDF.
SECRET = "SECRET-PLACE-41.38N-2.17E"


def striped_jpeg(orientation: int = 6) -> bytes:
    """A 300x200 JPEG, red | green | blue thirds left to right, EXIF rotation and GPS.

    Orientation 6 means "rotate 90 degrees clockwise to display": shown
    right, red is on top and blue at the bottom.
    """
    image = Image.new("RGB", (300, 200), (0, 200, 0))
    draw = ImageDraw.Draw(image)
    draw.rectangle((0, 0, 99, 199), fill=(220, 0, 0))
    draw.rectangle((200, 0, 299, 199), fill=(0, 0, 220))
    exif = Image.Exif()
    exif[0x0112] = orientation  # Orientation
    exif[0x010E] = SECRET  # ImageDescription
    gps = exif.get_ifd(0x8825)
    gps.update({1: "N", 2: (41.0, 22.0, 48.0), 3: "E", 4: (2.0, 10.0, 12.0), 27: SECRET})
    out = io.BytesIO()
    image.save(out, format="JPEG", exif=exif, quality=95)
    return out.getvalue()


def png(size: tuple[int, int], mode: str = "RGB") -> bytes:
    out = io.BytesIO()
    Image.new(mode, size, 128).save(out, format="PNG")
    return out.getvalue()


def png_claiming(width: int, height: int) -> bytes:
    """A valid 1x1 PNG whose header (IHDR, CRC fixed) claims ``width`` x ``height``.

    A decompression bomb in miniature: the file is tiny, the canvas it asks
    for is not (50,000 px a side is 2.5 gigapixels, 7.5 GB as RGB).
    """
    data = bytearray(png((1, 1)))
    ihdr = data.index(b"IHDR")
    data[ihdr + 4 : ihdr + 12] = struct.pack(">II", width, height)
    crc = zlib.crc32(bytes(data[ihdr : ihdr + 17]))
    data[ihdr + 17 : ihdr + 21] = struct.pack(">I", crc)
    return bytes(data)


def refused(content: bytes) -> InputError:
    with pytest.raises(InputError) as caught:
        photo.normalise(content, "square", AT)
    error = caught.value
    assert error.exit_code == 2
    assert error.location == AT
    assert error.field_path == "basics.image"
    return error


def test_exif_orientation_is_applied_and_every_tag_stripped() -> None:
    made = photo.normalise(striped_jpeg(), "square", AT)
    assert made.name.endswith(".jpg")
    assert SECRET.encode() not in made.content
    assert b"Exif" not in made.content
    image = Image.open(io.BytesIO(made.content))
    assert not image.getexif()
    assert (made.width, made.height) == (200, 200)
    top = image.getpixel((100, 5))
    bottom = image.getpixel((100, 194))
    assert isinstance(top, tuple) and isinstance(bottom, tuple)
    assert top[0] > 150 and top[2] < 80, top  # red on top: rotated as EXIF says
    assert bottom[2] > 150 and bottom[0] < 80, bottom


def test_round_crop_is_a_transparent_cornered_png() -> None:
    made = photo.normalise(striped_jpeg(orientation=1), "round", AT)
    assert made.name.endswith(".png")
    image = Image.open(io.BytesIO(made.content))
    assert image.mode == "RGBA"
    corner = image.getpixel((0, 0))
    centre = image.getpixel((image.width // 2, image.height // 2))
    assert isinstance(corner, tuple) and isinstance(centre, tuple)
    assert corner[3] == 0 and centre[3] == 255


def test_a_large_photo_is_shrunk_for_print() -> None:
    made = photo.normalise(png((2400, 3000)), "square", AT)
    assert (made.width, made.height) == (photo.PRINT_SIDE, photo.PRINT_SIDE)


def test_same_photo_same_bytes() -> None:
    content = striped_jpeg()
    assert photo.normalise(content, "round", AT) == photo.normalise(content, "round", AT)


@pytest.mark.parametrize("side", [50_000, 10_000, 7_000])
def test_png_bomb_is_refused_before_decoding(side: int) -> None:
    """Past Pillow's own guard (50,000), at its warning (10,000), under it (7,000)."""
    error = refused(png_claiming(side, side))
    assert "decompression bomb" in error.message or f"{side}x{side}" in error.message


def test_side_over_the_limit_is_refused() -> None:
    refused(png((photo.MAX_SIDE + 1, 1), "L"))


def test_type_comes_from_the_bytes_not_the_name(tmp_path: Path) -> None:
    gif = io.BytesIO()
    Image.new("RGB", (10, 10)).save(gif, format="GIF")
    (tmp_path / "me.jpg").write_bytes(gif.getvalue())
    error = refused(photo.read(tmp_path / "me.jpg", "me.jpg", AT))
    assert "not a JPEG or PNG" in error.message
    # A PNG called .jpg is the PNG it is.
    (tmp_path / "png.jpg").write_bytes(png((40, 40)))
    made = photo.normalise(photo.read(tmp_path / "png.jpg", "png.jpg", AT), "square", AT)
    assert made.name.endswith(".png")


def test_text_and_truncated_files_are_refused() -> None:
    assert "not a JPEG or PNG" in refused(b"<svg xmlns='http://www.w3.org/2000/svg'/>").message
    assert "damaged" in (refused(striped_jpeg()[:400]).hint or "")


def test_file_over_the_size_limit_is_refused(tmp_path: Path) -> None:
    big = tmp_path / "big.jpg"
    big.write_bytes(b"\xff\xd8\xff" + b"\0" * photo.MAX_BYTES)
    with pytest.raises(InputError, match="over 5,000,000 bytes") as caught:
        photo.read(big, "big.jpg", AT)
    assert caught.value.location == AT


def test_missing_file_and_folder(tmp_path: Path) -> None:
    with pytest.raises(InputError, match=r"photo not found: nope\.jpg"):
        photo.original("nope.jpg", tmp_path / "resume.yaml", AT, Warnings())
    with pytest.raises(InputError, match="is not a file"):
        photo.original(".", tmp_path / "resume.yaml", AT, Warnings())


def test_a_url_is_not_fetched() -> None:
    found = Warnings()
    result = photo.original("https://example.com/me.jpg", Path("resume.yaml"), AT, found)
    assert result is None
    (warning,) = found.items
    assert warning.location == AT and "offline" in warning.message


# ------------------------------------------------------------ real TeX builds

FIXTURES = Path(__file__).resolve().parent / "fixtures" / "extras"


def photo_project(folder: Path, image: bytes, with_photo: bool = True) -> Path:
    """The extras résumé, ``image`` as its photo.jpg, and a variant per template (and shape)."""
    from cvpress.tex import templates

    folder.mkdir(parents=True, exist_ok=True)
    resume = (FIXTURES / "resume.yaml").read_text(encoding="utf-8")
    (folder / "resume.yaml").write_text(resume, encoding="utf-8")
    (folder / "photo.jpg").write_bytes(image)
    lines = ["variants:"]
    for name in sorted(templates.available()):
        lines.append(f"  {name}: {{template: {name}, photo: {str(with_photo).lower()}}}")
    (folder / "variants.yaml").write_text("\n".join(lines) + "\n", encoding="utf-8")
    return folder / "variants.yaml"


def images_on_first_page(pdf: Path) -> int:
    from pypdf import PdfReader

    return len(PdfReader(pdf).pages[0].images)


@requires_tex
def test_every_template_prints_the_photo_without_its_exif(tmp_path: Path) -> None:
    from cvpress.pipeline import targets

    variants = photo_project(tmp_path / "p", striped_jpeg())
    out = tmp_path / "out"
    outcomes = targets.build_variants(variants, options=targets.Options(out=out, jobs=2))
    assert [o.error for o in outcomes if o.error] == []
    assert len(outcomes) >= 4
    for outcome in outcomes:
        assert outcome.pdf is not None
        assert images_on_first_page(outcome.pdf) == 1, outcome.name
        content = outcome.pdf.read_bytes()
        assert SECRET.encode() not in content, outcome.name
        assert b"Exif" not in content, outcome.name
        assert "Ada Lovelace" in pdf_text(outcome.pdf)
    # photo: false (the default): no image at all, the same text.
    plain = photo_project(tmp_path / "q", striped_jpeg(), with_photo=False)
    for outcome in targets.build_variants(plain, options=targets.Options(out=tmp_path / "o2")):
        assert outcome.pdf is not None and images_on_first_page(outcome.pdf) == 0


@requires_tex
@pytest.mark.parametrize(
    ("image", "words"),
    [
        (png_claiming(50_000, 50_000), "decompression bomb"),
        (b"GIF89a" + b"\0" * 64, "not a JPEG or PNG"),
    ],
    ids=["png-bomb", "gif-named-jpg"],
)
def test_a_bad_photo_fails_the_build_at_its_line(
    tmp_path: Path, image: bytes, words: str, capsys: pytest.CaptureFixture[str]
) -> None:
    from cvpress.cli import main

    variants = photo_project(tmp_path, image)
    out = tmp_path / "out"
    code = main(["build", "--variants", str(variants), "--variant", "classic", "--out", str(out)])
    err = capsys.readouterr().err
    assert code == 2
    assert words in err
    assert "resume.yaml:6:10" in err  # basics.image
    assert "Traceback" not in err
    assert not (out / "classic.pdf").exists()


def test_photo_true_without_an_image_is_a_warning(tmp_path: Path) -> None:
    from cvpress.data import load
    from cvpress.data.variants import Variant
    from cvpress.pipeline import photo_stage, targets

    data = tmp_path / "resume.yaml"
    data.write_text("basics: {name: Ada}\n", encoding="utf-8")
    loaded = load.load(data)
    from cvpress.data import validate

    resume = validate.resume(loaded)
    target = targets.Target(Variant(name="cv", photo=True), data)
    found = Warnings()
    assert photo_stage.photo_file(target, resume, loaded.source, found) is None
    (warning,) = found.items
    assert warning.field_path == "basics.image"
