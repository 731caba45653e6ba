"""The officer copy of an evidence file: rebuilt from its content, never the file as sent.

`sniff` says what the bytes are (magic numbers and brands, never the name or the claimed
type); `rebuild` makes the copy: images re-encoded from their pixels (images.py), video
and audio remuxed with every tag, key and atom left behind (media.py), PDFs without their
document info, XMP and embedded files (pdf.py). Anything else, office documents included,
gets no copy: officers see that it is kept sealed and ask a custodian.

Decoding hostile files is the riskiest thing the service does, so it runs in a child
process of its own with memory, CPU and pixel caps (sandbox.py), started by the worker,
never by a web request.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass

# Pillow logs every EXIF tag's value at DEBUG as it reads or writes one: a photographer's
# name, a phone's serial, a place. Whatever level the service logs at, not those.
logging.getLogger("PIL").setLevel(logging.INFO)

# Pictures larger than this are not decoded (a decompression bomb, or a copy officers do
# not need): the file stays sealed.
MAX_PIXELS = 60_000_000


@dataclass(frozen=True)
class Rebuilt:
    content: bytes
    content_type: str


class NotCleanable(Exception):
    """This content cannot be rebuilt safely: officers get no copy."""
