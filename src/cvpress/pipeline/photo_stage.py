"""The photo a build prints: the variant's file found, then decoded and cropped."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..errors import Problem, Warnings
from .targets import Options, Target

if TYPE_CHECKING:
    from ..data.model import Resume
    from ..data.photo import Original, Photo


def photo_file(target: Target, resume: Resume, source: Any, found: Warnings) -> Original | None:
    """The variant's photo file, read but not decoded (None without ``photo: true``, or a URL)."""
    variant = target.variant
    if not variant.photo:
        return None
    from ..data import photo

    image = resume.basics.image
    if not image:
        found.add(
            Problem(
                f"variant {variant.name!r} has photo: true, but basics.image names no photo",
                location=source.locate(("basics",)),
                field_path="basics.image",
                hint="add image: photo.jpg (a JPEG or PNG beside the data file) under basics",
            )
        )
        return None
    at = source.locate(("basics", "image"))
    # Relative to the file the value is written in (the data file, or private.yaml).
    return photo.original(image, Path(at.file), at, found)


def printed_photo(original: Original | None, template: str, options: Options) -> Photo | None:
    """The photo TeX prints: decoded, checked and cropped as the template says."""
    if original is None:
        return None
    from ..data import photo
    from ..tex import templates

    shape = templates.photo_shape(template, options.template_paths)
    return photo.normalise(original.content, shape, original.location)
