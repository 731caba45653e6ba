"""What a file is, from its bytes alone.

A name or a claimed type is the sender's word; a brand in an ISO box (`ftyp`) is the
file's own word about its container, and a HEIC photo and an MP4 video share the same
container. So the brand only chooses which decoder to try: the rebuild's real parse is the
last word, and a file no decoder accepts stays sealed.
"""

from __future__ import annotations

HEIF_BRANDS = frozenset({b"heic", b"heix", b"hevc", b"hevx", b"heim", b"heis", b"hevm",
                         b"hevs", b"mif1", b"msf1", b"avif", b"avis"})
AUDIO_BRANDS = frozenset({b"M4A ", b"M4B ", b"M4P ", b"F4A "})

OFFICE_ZIP = "application/zip"  # docx, xlsx, pptx, odt ... are ZIP files
OFFICE_OLE = "application/x-ole-storage"  # doc, xls, ppt
UNKNOWN = "application/octet-stream"


def content_type(content: bytes) -> str:
    head = content[:16]
    if head.startswith(b"\xff\xd8\xff"):
        return "image/jpeg"
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return "image/png"
    if head[:6] in (b"GIF87a", b"GIF89a"):
        return "image/gif"
    if head[:4] == b"RIFF":
        return {b"WEBP": "image/webp", b"WAVE": "audio/wav",
                b"AVI ": "video/x-msvideo"}.get(content[8:12], UNKNOWN)
    if content[4:8] == b"ftyp":
        return _iso_type(content)
    if b"%PDF-" in content[:1024]:  # readers accept junk before the header
        return "application/pdf"
    if head.startswith(b"\x1aE\xdf\xa3"):
        return "video/webm"  # Matroska or WebM
    if head.startswith(b"OggS"):
        return "audio/ogg"
    if head.startswith(b"fLaC"):
        return "audio/flac"
    if head.startswith(b"#!AMR"):
        return "audio/amr"
    if head.startswith(b"ID3") or (len(head) > 1 and head[0] == 0xFF and head[1] & 0xE0 == 0xE0):
        return "audio/mpeg"
    if head.startswith(b"PK\x03\x04"):
        return OFFICE_ZIP
    if head.startswith(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"):
        return OFFICE_OLE
    return UNKNOWN


def _iso_type(content: bytes) -> str:
    size = int.from_bytes(content[:4], "big")
    box = content[8:min(max(size, 16), 256)]
    brands = {box[i:i + 4] for i in range(0, len(box) - 3, 4)}
    if brands & HEIF_BRANDS:
        return "image/avif" if content[8:12] in (b"avif", b"avis") else "image/heic"
    if content[8:12] in AUDIO_BRANDS:
        return "audio/mp4"
    if content[8:12] == b"qt  ":
        return "video/quicktime"
    return "video/mp4"


def media_kind(content_type: str) -> str:
    major = (content_type or "").split("/", 1)[0]
    return major if major in ("image", "video", "audio") else "file"
