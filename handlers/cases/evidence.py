"""Evidence files: limits, metadata stripping, sealing.

The original of every file is sealed like identity: a photo's EXIF can hold the GPS
position of the complainant's house and the serial number of their phone. Officers see
a copy: images re-drawn from their pixels with Pillow, so EXIF, GPS, XMP, ICC and
comments are gone (orientation applied first, so the picture still stands upright);
MP4/MOV videos with their location atoms blanked. Other files are shown as sent.
"""

from __future__ import annotations

import io
import logging
import mimetypes
import warnings
from dataclasses import dataclass
from datetime import datetime

from PIL import Image, ImageOps
from sqlalchemy.orm import Session

from storage import case_vault
from storage.models.cases import Case, Evidence
from storage.vault import Vault

log = logging.getLogger("tambon.cases")

MAX_FILES = 5
MAX_BYTES = 10 * 1024 * 1024
MAX_MB = MAX_BYTES // (1024 * 1024)
# A picture larger than this is refused by Pillow (a decompression bomb).
MAX_PIXELS = 60_000_000

_IMAGE_FORMATS = {"JPEG": "image/jpeg", "PNG": "image/png", "GIF": "image/gif",
                  "WEBP": "image/webp", "BMP": "image/bmp", "TIFF": "image/tiff",
                  "MPO": "image/jpeg"}
# MP4/QuickTime atoms that hold a place: Apple's ©xyz and 3GPP's loci.
_LOCATION_ATOMS = (b"\xa9xyz", b"loci")


@dataclass
class EvidenceFile:
    content: bytes
    content_type: str
    filename: str = ""


class EvidenceRefused(ValueError):
    """The file is not taken. `reason`: too_many | too_big | empty."""

    def __init__(self, reason: str):
        super().__init__(reason)
        self.reason = reason


def check_limits(size: int, already: int) -> None:
    if already >= MAX_FILES:
        raise EvidenceRefused("too_many")
    if size <= 0:
        raise EvidenceRefused("empty")
    if size > MAX_BYTES:
        raise EvidenceRefused("too_big")


def media_kind(content_type: str) -> str:
    major = (content_type or "").split("/", 1)[0]
    return major if major in ("image", "video", "audio") else "file"


def sniff_content_type(content: bytes, hint: str = "", filename: str = "") -> str:
    """What the bytes are, trusting the bytes before the name or the claimed type."""
    head = content[:16]
    if head.startswith(b"\xff\xd8\xff"):
        return "image/jpeg"
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return "image/png"
    if head[:6] in (b"GIF87a", b"GIF89a"):
        return "image/gif"
    if head[:4] == b"RIFF" and content[8:12] == b"WEBP":
        return "image/webp"
    if head.startswith(b"%PDF"):
        return "application/pdf"
    if content[4:8] == b"ftyp":
        brand = content[8:12]
        if brand.startswith(b"M4A"):
            return "audio/mp4"
        if brand == b"qt  ":
            return "video/quicktime"
        return "video/mp4"
    if hint and hint != "application/octet-stream":
        return hint.split(";", 1)[0].strip().lower()
    guessed = mimetypes.guess_type(filename or "")[0]
    return guessed or "application/octet-stream"


def officer_copy(content: bytes, content_type: str) -> bytes | None:
    """The copy officers see, without metadata; None when it cannot be made safely."""
    kind = media_kind(content_type)
    if kind == "image":
        return _strip_image(content)
    if content_type in ("video/mp4", "video/quicktime", "audio/mp4"):
        return _blank_mp4_location(content)
    return content


def _strip_image(content: bytes) -> bytes | None:
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(io.BytesIO(content)) as opened:
                if opened.width * opened.height > MAX_PIXELS:
                    return None
                fmt = opened.format
                upright = ImageOps.exif_transpose(opened)
                if upright.mode not in ("RGB", "RGBA", "L", "LA"):
                    has_alpha = upright.mode in ("P", "PA") and "transparency" in upright.info
                    upright = upright.convert("RGBA" if has_alpha or "A" in upright.mode
                                              else "RGB")
                # Re-draw from the pixels alone: no info dict, no EXIF, no XMP, no ICC.
                fresh = Image.frombytes(upright.mode, upright.size, upright.tobytes())
        out = io.BytesIO()
        if fmt in ("JPEG", "MPO") and fresh.mode in ("RGB", "L"):
            fresh.save(out, format="JPEG", quality=90)
        else:
            fresh.save(out, format="PNG")
        return out.getvalue()
    except Exception as error:  # not a picture Pillow can read: officers get no copy
        log.warning("evidence image not readable for a clean copy: %s", type(error).__name__)
        return None


def clean_content_type(original_type: str, clean: bytes | None) -> str:
    if clean is None or media_kind(original_type) != "image":
        return original_type
    return "image/jpeg" if clean[:3] == b"\xff\xd8\xff" else "image/png"


def _blank_mp4_location(content: bytes) -> bytes:
    data = bytearray(content)
    for tag in _LOCATION_ATOMS:
        start = 0
        while (at := data.find(tag, start)) >= 4:
            size = int.from_bytes(data[at - 4 : at], "big")
            end = at - 4 + size
            if 8 <= size and end <= len(data):
                data[at + 4 : end] = b"\x00" * (end - at - 4)
            start = at + 4
    return bytes(data)


def store(session: Session, vault: Vault, key: bytes, case: Case, file: EvidenceFile,
          now: datetime) -> Evidence:
    """Seal `file` into the case (original + officer copy). The caller checked limits."""
    content_type = sniff_content_type(file.content, file.content_type, file.filename)
    clean = officer_copy(file.content, content_type)
    row = Evidence(case_id=case.id, media_kind=media_kind(content_type),
                   content_type=clean_content_type(content_type, clean),
                   size=len(file.content), sealed_original=b"", created_at=now)
    session.add(row)
    session.flush()  # the id is part of the associated data
    case_vault.seal_evidence(vault, key, row, file.content, clean)
    return row
