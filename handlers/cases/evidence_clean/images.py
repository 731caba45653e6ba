"""Pictures re-encoded from their pixels alone.

What a photo says besides its pixels (EXIF with GPS, camera and owner; XMP; ICC profiles,
which can name the device; PNG text chunks; comments) lives beside the pixels, so a new
picture made from the pixels carries none of it. The orientation is applied first, so the
copy still stands upright. An animated picture keeps its first frame.
"""

from __future__ import annotations

import io
import warnings

from PIL import Image, ImageOps

from handlers.cases.evidence_clean import MAX_PIXELS, NotCleanable, Rebuilt

# Formats the opener may pick; anything else Pillow knows (PSD, EPS, ...) is refused.
FORMATS = ("JPEG", "MPO", "PNG", "GIF", "WEBP", "HEIF", "AVIF")
# Kept as JPEG (photographs); the rest become PNG, which keeps sharp edges and alpha.
_PHOTO_FORMATS = ("JPEG", "MPO", "HEIF", "AVIF")


def _register_heif() -> None:
    import pillow_heif

    pillow_heif.register_heif_opener()
    # One decoding thread: the copy is not urgent, the web on the same machine is.
    pillow_heif.options.DECODE_THREADS = 1


def rebuild(content: bytes) -> Rebuilt:
    _register_heif()
    Image.MAX_IMAGE_PIXELS = MAX_PIXELS
    with warnings.catch_warnings():
        warnings.simplefilter("error", Image.DecompressionBombWarning)
        try:
            with Image.open(io.BytesIO(content), formats=_known(FORMATS)) as opened:
                if opened.width * opened.height > MAX_PIXELS:
                    raise NotCleanable("too many pixels")
                fmt = opened.format
                opened.seek(0)
                # In place: a 60-megapixel picture is 180 MB a copy, and one is enough.
                ImageOps.exif_transpose(opened, in_place=True)
                pixels = _pixels_only(opened)
        except NotCleanable:
            raise
        except (Exception, Image.DecompressionBombWarning) as error:
            raise NotCleanable(f"image not readable: {type(error).__name__}") from None
    out = io.BytesIO()
    if fmt in _PHOTO_FORMATS and pixels.mode in ("RGB", "L"):
        pixels.save(out, format="JPEG", quality=90)
        return Rebuilt(out.getvalue(), "image/jpeg")
    pixels.save(out, format="PNG")
    return Rebuilt(out.getvalue(), "image/png")


def _known(formats: tuple[str, ...]) -> list[str]:
    # AVIF needs a Pillow built with libavif; naming a format Pillow lacks is an error.
    Image.init()
    return [name for name in formats if name in Image.OPEN]


def _pixels_only(picture: Image.Image) -> Image.Image:
    """A new picture holding `picture`'s pixels and nothing else (no info, no profile)."""
    if picture.mode not in ("RGB", "RGBA", "L", "LA"):
        alpha = "A" in picture.mode or "transparency" in picture.info
        picture = picture.convert("RGBA" if alpha else "RGB")
    fresh = Image.new(picture.mode, picture.size)
    fresh.paste(picture)
    picture.close()  # its pixels are copied: free them before encoding
    return fresh
